//! Does the `learned` pick pay off? The core's seeded simulator with planted ground
//! truth (`leadroute::report::learning`) on the README's scenario: five reps whose true
//! conversion rates differ by industry (and change mid-year: one rep improves, another
//! slips), 600 leads a month for twelve months, each rep capped at 150 leads a month,
//! and outcomes arriving 14 to 45 days after the lead. Three policies route the same
//! leads, and a lead converts for all three on the same seeded draw:
//!
//! - `learned`: the learned pick, segment by industry, a 90-day half-life, a 5% floor,
//!   128 propensity draws (for the off-policy estimate), starting with no history at all;
//! - `static top performer`: the weighted pick with `performance` set once to each rep's
//!   conversion rate measured over the quarter before the year (routed round robin);
//! - `round robin`.
//!
//! `cargo run --release --example learned` prints the markdown tables in the README; the
//! dashboard's Learning screen runs the same simulator on any config with a learned team.

use leadroute::report::learning::{readme_scenario, simulate_learning};
use leadroute::Router;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (config, opts) = readme_scenario();
    let r = simulate_learning(&Router::from_json(&config)?, &opts)?;
    println!(
        "{} leads over {} months, seed {}; static weights from the quarter before: {}\n",
        r.leads,
        opts.months,
        opts.seed,
        r.members
            .iter()
            .zip(&r.static_weights)
            .map(|(m, w)| format!("{m} {w:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("| policy | conversions | conversion rate | revenue | regret (expected conversions) | min rep share | max rep share |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for p in &r.policies {
        println!(
            "| {} | {} | {:.1}% | {:.0}k | {:.0} | {:.1}% | {:.1}% |",
            p.label,
            p.conversions,
            100.0 * p.conversions as f64 / p.leads.max(1) as f64,
            p.revenue / 1000.0,
            p.regret,
            100.0 * p.min_share,
            100.0 * p.max_share,
        );
    }
    println!("\nRegret per quarter (expected conversions; the truth changes after Q2):\n");
    println!(
        "| quarter | {} |",
        r.policies
            .iter()
            .map(|p| p.label)
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|{}", "---:|".repeat(r.policies.len()));
    for q in 0..opts.months.div_ceil(3) {
        let cells: Vec<String> = r
            .policies
            .iter()
            .map(|p| {
                let regret: f64 = p.months.iter().skip(3 * q).take(3).map(|m| m.regret).sum();
                format!("{regret:.0}")
            })
            .collect();
        println!("| Q{} | {} |", q + 1, cells.join(" | "));
    }
    println!("\nShare of leads per rep:\n");
    println!("| policy | {} |", r.members.join(" | "));
    println!("|---|{}", "---:|".repeat(r.members.len()));
    for p in &r.policies {
        let cells: Vec<String> = p
            .per_rep
            .iter()
            .map(|n| format!("{:.1}%", 100.0 * *n as f64 / p.leads.max(1) as f64))
            .collect();
        println!("| {} | {} |", p.label, cells.join(" | "));
    }
    if let Some(e) = &r.off_policy {
        println!(
            "\nOff-policy estimate, from the learned log alone, of a uniform choice among the eligible reps: inverse propensity {:.1}%, self-normalised {:.1}% (worth {:.0} of {} decisions); its true expectation {:.1}%",
            100.0 * e.ips,
            100.0 * e.snips,
            e.effective_n,
            e.n,
            100.0 * e.truth
        );
    }
    Ok(())
}
