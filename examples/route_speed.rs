//! Rough native routing speed on the bundled sample: `cargo run --release --example route_speed`.

use leadroute::{RouteOptions, Router};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = std::fs::read_to_string("data/default-config.json")?;
    let text = std::fs::read_to_string("data/sample-leads.jsonl")?;
    let router = Router::from_json(&config)?;
    let leads: Vec<_> = text
        .lines()
        .filter_map(|l| router.schema().parse_json(l).ok())
        .collect();
    for trace in [true, false] {
        let mut state = router.new_state();
        let rounds = 200;
        let t0 = Instant::now();
        for _ in 0..rounds {
            for lead in &leads {
                let now = lead.created_at.unwrap_or(0);
                let d = router.route(
                    &mut state,
                    lead,
                    RouteOptions {
                        now,
                        trace,
                        stateless: false,
                    },
                );
                std::hint::black_box(&d);
            }
        }
        let n = (rounds * leads.len()) as f64;
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "trace={trace}: {:.0} leads/s, {:.2} µs/lead",
            n / secs,
            secs / n * 1e6
        );
    }
    let t0 = Instant::now();
    let mut n = 0;
    for _ in 0..200 {
        for l in text.lines() {
            std::hint::black_box(router.schema().parse_json(l)?);
            n += 1;
        }
    }
    println!(
        "parse: {:.2} µs/lead",
        t0.elapsed().as_secs_f64() / n as f64 * 1e6
    );
    Ok(())
}
