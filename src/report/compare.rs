//! Two reports side by side: every metric of A and B with the difference, and a
//! two-proportion z-test saying whether a conversion difference is larger than chance.

use super::{Conversion, Report};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Comparison {
    /// Leads routed in A and B.
    pub a_leads: u64,
    pub b_leads: u64,
    /// Every metric found in either report, in report order; missing counts are 0.
    pub metrics: Vec<MetricDiff>,
    /// Conversion of all leads with a known outcome. For an A/B split this compares the
    /// two arms; for two configs over the same leads both sides hold the same leads, so it
    /// shows no difference (a replay cannot change what a past lead did).
    pub conversion: Option<ZTest>,
    /// Conversion of the leads that reached a rep. Over the same leads the two samples
    /// overlap, which the test assumes they do not: read it as a hint only.
    pub assigned_conversion: Option<ZTest>,
    /// Two configs over the same leads (both with an audit log): leads whose outcome or
    /// owner changed (`Simulation::diff` lists them).
    pub moved: Option<u64>,
    /// Those moves between owners, most first.
    pub moves: Vec<super::Move>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricDiff {
    /// Dotted name, e.g. `outcomes.assigned`, `reps.r-ana.leads`, `teams.smb.gini`.
    pub metric: String,
    pub a: f64,
    pub b: f64,
    /// `b - a`.
    pub diff: f64,
    /// For counts: per lead routed (so arms of different sizes compare).
    pub a_rate: Option<f64>,
    pub b_rate: Option<f64>,
}

/// Two-proportion z-test of `b_rate` against `a_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ZTest {
    pub a_leads: u64,
    pub a_converted: u64,
    pub a_rate: f64,
    pub b_leads: u64,
    pub b_converted: u64,
    pub b_rate: f64,
    /// `b_rate - a_rate`.
    pub diff: f64,
    /// `(p_b - p_a) / sqrt(p (1 - p) (1/n_a + 1/n_b))` with the pooled rate
    /// `p = (x_a + x_b) / (n_a + n_b)`; 0 when that standard error is 0.
    pub z: f64,
    /// Two-sided: `P(|Z| >= |z|) = erfc(|z| / sqrt 2)`.
    pub p_value: f64,
    /// `p_value < 0.05`.
    pub significant: bool,
}

impl ZTest {
    pub fn new(a: &Conversion, b: &Conversion) -> Option<ZTest> {
        if a.leads == 0 || b.leads == 0 {
            return None;
        }
        let (na, nb) = (a.leads as f64, b.leads as f64);
        let (pa, pb) = (a.converted as f64 / na, b.converted as f64 / nb);
        let p = (a.converted + b.converted) as f64 / (na + nb);
        let se = (p * (1.0 - p) * (1.0 / na + 1.0 / nb)).sqrt();
        let z = if se > 0.0 { (pb - pa) / se } else { 0.0 };
        let p_value = erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0);
        Some(ZTest {
            a_leads: a.leads,
            a_converted: a.converted,
            a_rate: pa,
            b_leads: b.leads,
            b_converted: b.converted,
            b_rate: pb,
            diff: pb - pa,
            z,
            p_value,
            significant: p_value < 0.05,
        })
    }
}

/// Complementary error function, Abramowitz & Stegun 7.1.26 (absolute error below
/// 1.5e-7), written as `erfc` so small tail probabilities keep their precision.
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    poly * (-x * x).exp()
}

/// `(name, value, is_count)` for every metric of a report.
fn metrics(r: &Report) -> Vec<(String, f64, bool)> {
    let mut m: Vec<(String, f64, bool)> = Vec::new();
    let mut count = |name: String, v: u64| m.push((name, v as f64, true));
    count("leads".into(), r.leads);
    count("outcomes.assigned".into(), r.outcomes.assigned);
    count("outcomes.pooled".into(), r.outcomes.pooled);
    count("outcomes.nurture".into(), r.outcomes.nurture);
    count("outcomes.rejected".into(), r.outcomes.rejected);
    count("unmatched".into(), r.unmatched);
    for (k, v) in &r.rejected_by {
        count(format!("rejected_by.{k}"), *v);
    }
    for (k, v) in &r.via {
        count(format!("via.{k}"), *v);
    }
    for t in &r.rules {
        count(format!("rules.{}.hits", t.id), t.hits);
    }
    for p in &r.pools {
        count(format!("pools.{}.pooled", p.id), p.pooled);
        count(format!("pools.{}.expired", p.id), p.expired);
    }
    count("sla.reminders".into(), r.sla.reminders);
    count("sla.escalations".into(), r.sla.escalations);
    count("sla.reassigned".into(), r.sla.reassigned);
    count("sla.pool_expired".into(), r.sla.pool_expired);
    for rep in &r.reps {
        count(format!("reps.{}.leads", rep.id), rep.leads);
    }
    for t in &r.teams {
        count(format!("teams.{}.leads", t.id), t.leads);
    }
    let mut level = |name: String, v: f64| m.push((name, v, false));
    for rep in &r.reps {
        level(format!("reps.{}.share", rep.id), rep.share);
        level(
            format!("reps.{}.peak_month", rep.id),
            f64::from(rep.peak.month),
        );
        if let Some(c) = &rep.conversion {
            level(format!("reps.{}.conversion_rate", rep.id), c.rate);
            level(format!("reps.{}.revenue", rep.id), c.revenue);
        }
    }
    for t in &r.teams {
        level(format!("teams.{}.spread", t.id), t.fairness.spread as f64);
        level(format!("teams.{}.gini", t.id), t.fairness.gini);
    }
    if let Some(s) = &r.score {
        level("score.mean".into(), s.mean);
    }
    if let Some(c) = &r.conversion {
        level("conversion.rate".into(), c.rate);
        level("conversion.revenue".into(), c.revenue);
    }
    if let Some(c) = &r.assigned_conversion {
        level("assigned_conversion.rate".into(), c.rate);
    }
    m
}

/// A against B, metric by metric.
pub fn compare(a: &Report, b: &Report) -> Comparison {
    let ma = metrics(a);
    let mb = metrics(b);
    let mut order: Vec<(String, bool)> = Vec::new();
    let mut va: HashMap<String, f64> = HashMap::new();
    let mut vb: HashMap<String, f64> = HashMap::new();
    for (name, v, is_count) in ma {
        if !va.contains_key(&name) {
            order.push((name.clone(), is_count));
        }
        va.insert(name, v);
    }
    for (name, v, is_count) in mb {
        if !va.contains_key(&name) && !vb.contains_key(&name) {
            order.push((name.clone(), is_count));
        }
        vb.insert(name, v);
    }
    let rate = |v: f64, leads: u64| (leads > 0).then(|| v / leads as f64);
    let metrics = order
        .into_iter()
        .map(|(metric, is_count)| {
            let x = va.get(&metric).copied().unwrap_or(0.0);
            let y = vb.get(&metric).copied().unwrap_or(0.0);
            let counted = is_count && metric != "leads";
            MetricDiff {
                a: x,
                b: y,
                diff: y - x,
                a_rate: if counted { rate(x, a.leads) } else { None },
                b_rate: if counted { rate(y, b.leads) } else { None },
                metric,
            }
        })
        .collect();
    let test = |x: &Option<Conversion>, y: &Option<Conversion>| match (x, y) {
        (Some(x), Some(y)) => ZTest::new(x, y),
        _ => None,
    };
    Comparison {
        a_leads: a.leads,
        b_leads: b.leads,
        metrics,
        conversion: test(&a.conversion, &b.conversion),
        assigned_conversion: test(&a.assigned_conversion, &b.assigned_conversion),
        moved: None,
        moves: Vec::new(),
    }
}
