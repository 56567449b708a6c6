//! Does the `learned` pick pay off? A seeded simulator with planted ground truth: five
//! reps whose true conversion rates differ by industry (and change mid-year: one rep
//! improves, another slips), 600 leads a month for twelve months, each rep capped at 150
//! leads a month, and outcomes arriving 14 to 45 days after the lead. Three policies route
//! the same leads, and a lead converts for all three on the same seeded draw (common
//! random numbers), so the differences are the policies':
//!
//! - `learned`: the learned pick, segment by industry, a 90-day half-life, a 5% floor,
//!   128 propensity draws (for the off-policy estimate), starting with no history at all;
//! - `static top performer`: the weighted pick with `performance` set once to each rep's
//!   conversion rate measured over the quarter before the year (routed round robin);
//! - `round robin`.
//!
//! Regret is in expected conversions against the best rep for each lead's industry,
//! ignoring caps (so even a perfect policy has some: the best rep cannot take everything).
//! The inverse propensity line estimates, from the learned policy's own log (decision
//! propensities and outcomes), what a uniformly random choice among the eligible reps
//! would have converted, next to its true expectation.
//!
//! `cargo run --release --example learned` prints the markdown tables in the README.

use leadroute::report::off_policy::{estimate, Logged};
use leadroute::select::pick::sample::Rng;
use leadroute::{LeadOutcome, RouteOptions, Router};
use serde_json::json;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const DAY: i64 = 86_400_000;
const START: i64 = 1_767_571_200_000; // 2026-01-05T00:00:00Z
const MONTH_DAYS: i64 = 30;
const MONTHS: usize = 12;
const PER_MONTH: usize = 600;
const REPS: [&str; 5] = ["ana", "ben", "cho", "dev", "eli"];
const INDUSTRIES: [&str; 3] = ["saas", "retail", "health"];
/// How often each industry arrives, and a converted deal's mean value in it.
const MIX: [f64; 3] = [0.4, 0.35, 0.25];
const VALUE: [f64; 3] = [20_000.0, 8_000.0, 30_000.0];

/// True conversion rates, rep by industry, in the first half of the year and after
/// (eli is trained up in saas; ana slips in saas).
fn truth(rep: usize, industry: usize, month: usize) -> f64 {
    const H1: [[f64; 3]; 5] = [
        [0.30, 0.10, 0.12],
        [0.12, 0.28, 0.10],
        [0.15, 0.15, 0.15],
        [0.08, 0.10, 0.30],
        [0.10, 0.08, 0.08],
    ];
    let mut p = H1
        .get(rep)
        .and_then(|r| r.get(industry))
        .copied()
        .unwrap_or(0.0);
    if month >= 6 {
        if rep == 4 && industry == 0 {
            p = 0.34;
        }
        if rep == 0 && industry == 0 {
            p = 0.14;
        }
    }
    p
}

struct Lead {
    id: String,
    at: i64,
    month: usize,
    industry: usize,
    /// The seeded draw: converts when below the chosen rep's true rate.
    u: f64,
    value: f64,
    delay: i64,
}

fn leads(seed: u64, months: usize, first: i64, prefix: &str) -> Vec<Lead> {
    let mut rng = Rng::new(seed);
    let n = months * PER_MONTH;
    let span = months as i64 * MONTH_DAYS * DAY;
    (0..n)
        .map(|i| {
            let at = first + (i as i64 * span) / n as i64 + (rng.uniform() * 60_000.0) as i64;
            let x = rng.uniform();
            let industry = if x < MIX[0] {
                0
            } else if x < MIX[0] + MIX[1] {
                1
            } else {
                2
            };
            Lead {
                id: format!("{prefix}{i}"),
                at,
                month: ((at - first) / (MONTH_DAYS * DAY)) as usize,
                industry,
                u: rng.uniform(),
                value: VALUE.get(industry).copied().unwrap_or(0.0) * (0.5 + rng.uniform()),
                delay: (14.0 + rng.uniform() * 31.0) as i64 * DAY,
            }
        })
        .collect()
}

fn config(pick: serde_json::Value, performance: Option<&[f64]>) -> String {
    let reps: Vec<_> = REPS
        .iter()
        .enumerate()
        .map(|(i, id)| match performance.and_then(|p| p.get(i)) {
            Some(p) => json!({"id": id, "caps": {"month": 150}, "performance": p.max(0.001)}),
            None => json!({"id": id, "caps": {"month": 150}}),
        })
        .collect();
    json!({
        "fields": {"industry": "string"},
        "reps": reps,
        "teams": [{"id": "sales", "members": REPS, "select": {"pick": pick}}],
        "rules": [{"id": "all", "team": "sales"}],
        "lead_ids": {"remember_days": 120},
        "fallback": "ana"
    })
    .to_string()
}

#[derive(Default)]
struct Tally {
    leads: usize,
    conversions: usize,
    revenue: f64,
    regret: f64,
    regret_by_quarter: [f64; 4],
    per_rep: [usize; 5],
    /// The learned log, for an off-policy estimate of a uniform choice among the
    /// eligible reps, and that choice's true expected conversions.
    log: Vec<Logged>,
    uniform_truth: f64,
}

fn run(router: &Router, leads: &[Lead], learn: bool) -> Tally {
    let mut state = router.new_state();
    let mut pending: BinaryHeap<Reverse<(i64, usize, bool, u64)>> = BinaryHeap::new();
    let mut t = Tally::default();
    for (i, lead) in leads.iter().enumerate() {
        while let Some(Reverse((at, j, converted, value))) = pending.peek().copied() {
            if at > lead.at {
                break;
            }
            pending.pop();
            let o = LeadOutcome {
                converted,
                value: value as f64,
                at,
            };
            if let Some(l) = leads.get(j) {
                // Every outcome is for a routed lead of this run: never refused.
                let _ = router.record_outcome(&mut state, &l.id, o);
            }
        }
        let text = lead_json(lead);
        let Ok(d) = router.route_json(&mut state, &text, RouteOptions::at(lead.at)) else {
            continue;
        };
        let Some(r) = d.rep.and_then(|id| REPS.iter().position(|x| *x == id)) else {
            continue;
        };
        let p = truth(r, lead.industry, lead.month);
        let best = (0..REPS.len())
            .map(|x| truth(x, lead.industry, lead.month))
            .fold(0.0, f64::max);
        let converted = lead.u < p;
        t.leads += 1;
        if let Some(n) = t.per_rep.get_mut(r) {
            *n += 1;
        }
        t.regret += best - p;
        if let Some(q) = t.regret_by_quarter.get_mut(lead.month / 3) {
            *q += best - p;
        }
        if converted {
            t.conversions += 1;
            t.revenue += lead.value;
        }
        if let (Some(q), Some(trace)) = (d.propensity, d.trace.as_ref()) {
            let eligible: Vec<usize> = trace
                .candidates
                .iter()
                .filter(|c| {
                    use leadroute::decision::CandidateReason as R;
                    matches!(
                        c.reason,
                        R::HighestDraw | R::LowerDraw | R::FairnessFloor | R::OverriddenByFloor
                    )
                })
                .filter_map(|c| REPS.iter().position(|x| *x == c.rep))
                .collect();
            let k = eligible.len().max(1) as f64;
            t.log.push(Logged {
                propensity: q,
                target: 1.0 / k,
                reward: f64::from(u8::from(converted)),
            });
            t.uniform_truth += eligible
                .iter()
                .map(|x| truth(*x, lead.industry, lead.month))
                .sum::<f64>()
                / k;
        }
        if learn {
            let value = if converted { lead.value as u64 } else { 0 };
            pending.push(Reverse((lead.at + lead.delay, i, converted, value)));
        }
    }
    t
}

fn lead_json(l: &Lead) -> String {
    let industry = INDUSTRIES.get(l.industry).copied().unwrap_or("");
    format!(r#"{{"id": "{}", "industry": "{industry}"}}"#, l.id)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seed = 19;
    let year = leads(seed, MONTHS, START, "L");
    // The quarter before the year, routed round robin, sets the static weights.
    let q0_start = START - 3 * MONTH_DAYS * DAY;
    let q0: Vec<Lead> = leads(seed + 1, 3, q0_start, "Q")
        .into_iter()
        .map(|mut l| {
            l.month = 0;
            l
        })
        .collect();
    let rr = Router::from_json(&config(json!({"type": "round_robin"}), None))?;
    let mut seen = [(0usize, 0usize); 5];
    {
        let mut state = rr.new_state();
        for l in &q0 {
            let text = lead_json(l);
            if let Some(r) = rr
                .route_json(&mut state, &text, RouteOptions::at(l.at))
                .ok()
                .and_then(|d| d.rep.and_then(|id| REPS.iter().position(|x| *x == id)))
            {
                if let Some(s) = seen.get_mut(r) {
                    s.0 += 1;
                    s.1 += usize::from(l.u < truth(r, l.industry, 0));
                }
            }
        }
    }
    let weights: Vec<f64> = seen
        .iter()
        .map(|(n, c)| *c as f64 / (*n).max(1) as f64)
        .collect();
    let learned = Router::from_json(&config(
        json!({"type": "learned", "segment": ["industry"], "half_life_days": 90, "floor": 0.05, "draws": 128}),
        None,
    ))?;
    let weighted = Router::from_json(&config(json!({"type": "weighted"}), Some(&weights)))?;
    let results = [
        ("learned", run(&learned, &year, true)),
        ("static top performer", run(&weighted, &year, false)),
        ("round robin", run(&rr, &year, false)),
    ];

    println!(
        "{} leads over {MONTHS} months, seed {seed}; static weights from the quarter before: {}\n",
        year.len(),
        REPS.iter()
            .zip(&weights)
            .map(|(r, w)| format!("{r} {w:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("| policy | conversions | conversion rate | revenue | regret (expected conversions) | min rep share | max rep share |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, t) in &results {
        let shares: Vec<f64> = t
            .per_rep
            .iter()
            .map(|n| *n as f64 / t.leads as f64)
            .collect();
        println!(
            "| {name} | {} | {:.1}% | {:.0}k | {:.0} | {:.1}% | {:.1}% |",
            t.conversions,
            100.0 * t.conversions as f64 / t.leads as f64,
            t.revenue / 1000.0,
            t.regret,
            100.0 * shares.iter().copied().fold(1.0, f64::min),
            100.0 * shares.iter().copied().fold(0.0, f64::max),
        );
    }
    println!("\nRegret per quarter (expected conversions; the truth changes after Q2):\n");
    println!("| quarter | learned | static top performer | round robin |");
    println!("|---|---:|---:|---:|");
    let [(_, a), (_, b), (_, c)] = &results;
    for (q, ((x, y), z)) in a
        .regret_by_quarter
        .iter()
        .zip(&b.regret_by_quarter)
        .zip(&c.regret_by_quarter)
        .enumerate()
    {
        println!("| Q{} | {x:.0} | {y:.0} | {z:.0} |", q + 1);
    }
    println!("\nShare of leads per rep:\n");
    println!("| policy | {} |", REPS.join(" | "));
    println!("|---|{}", "---:|".repeat(REPS.len()));
    for (name, t) in &results {
        let cells: Vec<String> = t
            .per_rep
            .iter()
            .map(|n| format!("{:.1}%", 100.0 * *n as f64 / t.leads as f64))
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
    if let Some(e) = estimate(&a.log) {
        println!(
            "\nOff-policy estimate, from the learned log alone, of a uniform choice among the eligible reps: inverse propensity {:.1}%, self-normalised {:.1}% (worth {:.0} of {} decisions); its true expectation {:.1}%",
            100.0 * e.ips,
            100.0 * e.snips,
            e.effective_n,
            e.n,
            100.0 * a.uniform_truth / a.log.len().max(1) as f64
        );
    }
    Ok(())
}
