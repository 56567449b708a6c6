//! Lead-to-account matching on generated accounts with name variants (suffixes,
//! punctuation, case, typos): precision and recall per tier and the per-lead matching
//! cost, at 1,000 / 100,000 / 1,000,000 accounts:
//! `cargo run --release --example account_match [sizes...]`.

#[path = "accounts/gen.rs"]
mod gen;

use std::time::Instant;

const LEADS: usize = 20_000;
const ROUNDS: usize = 5;

/// Nanoseconds per lead to classify (the pure half of routing, matching included),
/// the best of a few rounds.
fn classify_ns(router: &leadroute::Router, leads: &[leadroute::Lead]) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let mut n = 0usize;
        for l in leads {
            n += usize::from(router.classify(l, false).rule().is_some());
        }
        std::hint::black_box(n);
        best = best.min(t.elapsed().as_nanos() as f64 / leads.len() as f64);
    }
    best
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace(['_', ','], "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 100_000, 1_000_000]
    } else {
        sizes
    };
    println!(
        "| accounts | compile | tier | leads | precision | recall | classify ns/lead (no accounts) | matching ns/lead |"
    );
    println!("|---:|---:|---|---:|---:|---:|---:|---:|");
    for n in sizes {
        let g = gen::accounts(n, 7);
        let tests = gen::leads(&g, LEADS, 11);
        let t = Instant::now();
        let (router, bare) = match (
            gen::router(g.accounts.clone(), true),
            gen::router(Vec::new(), false),
        ) {
            (Ok(r), Ok(b)) => (r, b),
            (Err(e), _) | (_, Err(e)) => return eprintln!("generated config: {e}"),
        };
        let compile = t.elapsed();
        let parsed: Vec<leadroute::Lead> = tests
            .iter()
            .filter_map(|l| router.schema().parse_json(&l.json).ok())
            .map(leadroute::Lead::into_owned)
            .collect();
        let with = classify_ns(&router, &parsed);
        let without = classify_ns(&bare, &parsed);
        let stats = gen::evaluate(&router, &tests);
        for (tier, s) in &stats {
            println!(
                "| {n} | {:.2} s | {tier} | {} | {:.3} | {:.3} | {with:.0} ({without:.0}) | {:.0} |",
                compile.as_secs_f64(),
                s.generated,
                s.precision(),
                s.recall(),
                with - without
            );
        }
    }
}
