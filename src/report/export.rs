//! Reports as CSV for spreadsheets: one `section,key,metric,value` row per figure, and a
//! comparison as one row per metric with A, B and the difference.

use super::{Comparison, Conversion, Report, ZTest};
use std::fmt::Write;

/// Quotes a CSV cell when it needs it (RFC 4180).
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

struct Rows(String);

impl Rows {
    fn row(&mut self, section: &str, key: &str, metric: &str, value: f64) {
        let _ = writeln!(
            self.0,
            "{},{},{},{}",
            cell(section),
            cell(key),
            cell(metric),
            num(value)
        );
    }
    fn conversion(&mut self, section: &str, key: &str, c: &Option<Conversion>) {
        if let Some(c) = c {
            self.row(section, key, "known_outcomes", c.leads as f64);
            self.row(section, key, "converted", c.converted as f64);
            self.row(section, key, "conversion_rate", c.rate);
            self.row(section, key, "revenue", c.revenue);
        }
    }
}

/// The report as CSV (`section,key,metric,value`); the decision sample is left out.
pub fn report_csv(r: &Report) -> String {
    let mut w = Rows(String::from("section,key,metric,value\n"));
    w.row("summary", "", "leads", r.leads as f64);
    w.row("summary", "", "lines", r.lines as f64);
    w.row("summary", "", "bad_lines", r.bad_lines as f64);
    w.row("summary", "", "other_arm", r.other_arm as f64);
    w.row("summary", "", "out_of_order", r.out_of_order as f64);
    w.row(
        "summary",
        "",
        "missing_created_at",
        r.missing_created_at as f64,
    );
    w.row("summary", "", "unmatched", r.unmatched as f64);
    let o = &r.outcomes;
    for (k, v) in [
        ("assigned", o.assigned),
        ("pooled", o.pooled),
        ("nurture", o.nurture),
        ("rejected", o.rejected),
    ] {
        w.row("outcome", k, "leads", v as f64);
    }
    for (k, v) in &r.rejected_by {
        w.row("rejected_by", k, "leads", *v as f64);
    }
    for (k, v) in &r.via {
        w.row("via", k, "leads", *v as f64);
    }
    for rep in &r.reps {
        let k = rep.id.as_str();
        w.row("rep", k, "leads", rep.leads as f64);
        w.row("rep", k, "share", rep.share);
        w.row("rep", k, "assigned", rep.assigned as f64);
        w.row("rep", k, "received", rep.received as f64);
        w.row("rep", k, "rerouted_away", rep.rerouted_away as f64);
        for (period, cap, peak, capped) in [
            ("day", rep.caps.day, rep.peak.day, rep.capped.day),
            ("week", rep.caps.week, rep.peak.week, rep.capped.week),
            ("month", rep.caps.month, rep.peak.month, rep.capped.month),
        ] {
            w.row("rep", k, &format!("peak_{period}"), f64::from(peak));
            if let Some(cap) = cap {
                w.row("rep", k, &format!("cap_{period}"), f64::from(cap));
                w.row("rep", k, &format!("capped_{period}s"), f64::from(capped));
            }
        }
        for (why, n) in &rep.skipped {
            w.row("rep", k, &format!("skipped_{why}"), *n as f64);
        }
        w.row("rep", k, "missed_sla", rep.missed_sla as f64);
        w.conversion("rep", k, &rep.conversion);
    }
    for t in &r.teams {
        let k = t.id.as_str();
        w.row("team", k, "leads", t.leads as f64);
        w.row("team", k, "to_default_owner", t.to_default_owner as f64);
        w.row("team", k, "to_fallback", t.to_fallback as f64);
        w.row("team", k, "fairness_spread", t.fairness.spread as f64);
        w.row("team", k, "fairness_gini", t.fairness.gini);
        for (rep, n) in t.fairness.reps.iter().zip(&t.fairness.loads) {
            w.row("team", k, &format!("load_{rep}"), *n as f64);
        }
    }
    for rule in &r.rules {
        let section = format!("{}_rule", rule.kind);
        w.row(&section, &rule.id, "hits", rule.hits as f64);
        w.conversion(&section, &rule.id, &rule.conversion);
    }
    for p in &r.pools {
        w.row("pool", &p.id, "pooled", p.pooled as f64);
        w.row("pool", &p.id, "expired", p.expired as f64);
        w.row("pool", &p.id, "waiting", p.waiting as f64);
    }
    if let Some(s) = &r.score {
        w.row("score", "", "scored", s.scored as f64);
        w.row("score", "", "mean", s.mean);
        w.row("score", "", "min", s.min);
        w.row("score", "", "max", s.max);
        w.row("score", "", "below_mql", s.below_mql as f64);
        for b in &s.histogram {
            w.row(
                "score",
                &format!("{}..{}", num(b.from), num(b.to)),
                "leads",
                b.count as f64,
            );
        }
        for (g, n) in &s.grades {
            w.row("grade", g, "leads", *n as f64);
        }
    }
    let s = &r.sla;
    for (k, v) in [
        ("reminders", s.reminders),
        ("escalations", s.escalations),
        ("reassigned", s.reassigned),
        ("pool_expired", s.pool_expired),
        ("touched", s.touched),
        ("open", s.open),
    ] {
        w.row("sla", k, "events", v as f64);
    }
    w.conversion("conversion", "all", &r.conversion);
    w.conversion("conversion", "assigned", &r.assigned_conversion);
    w.0
}

/// The comparison as CSV: `metric,a,b,diff,a_rate,b_rate`, then the conversion tests.
pub fn comparison_csv(c: &Comparison) -> String {
    let mut out = String::from("metric,a,b,diff,a_rate,b_rate\n");
    let opt = |v: Option<f64>| v.map(num).unwrap_or_default();
    for m in &c.metrics {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            cell(&m.metric),
            num(m.a),
            num(m.b),
            num(m.diff),
            opt(m.a_rate),
            opt(m.b_rate)
        );
    }
    let mut test = |name: &str, t: &Option<ZTest>| {
        if let Some(t) = t {
            let _ = writeln!(out, "{name}.z,,,{},,", num(t.z));
            let _ = writeln!(out, "{name}.p_value,,,{},,", num(t.p_value));
            let _ = writeln!(out, "{name}.significant,,,{},,", u8::from(t.significant));
        }
    };
    test("conversion_test", &c.conversion);
    test("assigned_conversion_test", &c.assigned_conversion);
    if let Some(n) = c.moved {
        let _ = writeln!(out, "moved,,,{n},,");
    }
    for m in &c.moves {
        let _ = writeln!(
            out,
            "{},,,{},,",
            cell(&format!("moves.{}>{}", m.from, m.to)),
            m.count
        );
    }
    out
}
