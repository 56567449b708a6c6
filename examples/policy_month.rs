//! Routes the generated month of leads through the policy example and prints who got
//! what: `cargo run --release --example policy_month`.

#[path = "policy/month.rs"]
mod month;

use leadroute::{Outcome, RouteOptions, Router};
use std::collections::BTreeMap;

fn main() {
    let text = match std::fs::read_to_string("examples/policy/config.json") {
        Ok(t) => t,
        Err(e) => return eprintln!("examples/policy/config.json: {e}"),
    };
    let router = match Router::from_json(&text) {
        Ok(r) => r,
        Err(e) => return eprintln!("{e}"),
    };
    let mut state = router.new_state();
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_rep: BTreeMap<String, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for (now, json) in month::leads(7) {
        let Ok(lead) = router.schema().parse_json(&json) else {
            continue;
        };
        let d = router.route(
            &mut state,
            &lead,
            RouteOptions {
                trace: false,
                ..RouteOptions::at(now)
            },
        );
        *outcomes.entry(d.outcome.as_str()).or_default() += 1;
        if d.outcome == Outcome::Assigned {
            let e = per_rep.entry(d.rep.unwrap_or("?").to_string()).or_default();
            e.0 += 1;
            *e.1.entry(format!("{:?}", d.via)).or_default() += 1;
        }
    }
    println!("{} leads: {outcomes:?}", month::LEADS);
    println!("| rep | leads | monthly cap | via |");
    println!("|---|---:|---:|---|");
    for r in router.reps() {
        let (n, via) = per_rep.remove(&r.id).unwrap_or_default();
        let cap = r.caps[2].map_or("-".to_string(), |c| c.to_string());
        let via: Vec<String> = via.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!(
            "| {} ({}) | {n} | {cap} | {} |",
            r.name,
            r.id,
            via.join(", ")
        );
    }
}
