//! Profiling driver on the reference config (bench/reference-config.json) and generated
//! leads: `cargo run --release --example ref_profile -- [route|parse|simulate|simulate-noaudit|prepare|feed-prepared|feed-prepared-noaudit]
//! [rounds]`,
//! e.g. under `perf record`. Prints µs per lead (per config for `compile`) for the phase.

use leadroute::report::prepared::Preparer;
use leadroute::report::{SimOptions, Simulation};
use leadroute::{RouteOptions, Router};
use std::time::Instant;

#[path = "../benches/support/gen.rs"]
#[allow(dead_code)]
mod gen;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let phase = args.get(1).map_or("route", String::as_str);
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let router = Router::from_json(gen::REFERENCE_CONFIG)?;
    let text = gen::jsonl(10_000, gen::DEFAULT_SEED);
    let leads: Vec<_> = text
        .lines()
        .filter_map(|l| router.schema().parse_json(l).ok())
        .collect();
    // The prepared phases: the bulk simulation's two halves, on batches of 2,000 leads.
    let preparer = Preparer::new(&router, &SimOptions::default());
    let lines: Vec<&str> = text.lines().collect();
    let slices: Vec<String> = lines.chunks(2000).map(|c| c.join("\n") + "\n").collect();
    let firsts: Vec<u64> = (0..slices.len()).map(|i| 1 + i as u64 * 2000).collect();
    let prepare = |slices: &[String]| {
        slices
            .iter()
            .zip(&firsts)
            .map(|(s, line)| preparer.jsonl(&router, s.as_bytes(), *line))
            .collect::<Vec<_>>()
    };
    let batches = prepare(&slices);
    let t0 = Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        match phase {
            "compile" => {
                for _ in 0..10_000 / 20 {
                    std::hint::black_box(Router::from_json(gen::REFERENCE_CONFIG)?);
                    n += 1;
                }
            }
            "parse" => {
                for l in text.lines() {
                    std::hint::black_box(router.schema().parse_json(l)?);
                    n += 1;
                }
            }
            "simulate" | "simulate-noaudit" => {
                let opts = SimOptions {
                    audit: phase == "simulate",
                    ..SimOptions::default()
                };
                let mut sim = Simulation::new(&router, opts);
                sim.feed_jsonl(&router, &text);
                sim.finish(&router);
                std::hint::black_box(sim.report(&router).outcomes.assigned);
                n += leads.len();
            }
            "prepare" => {
                std::hint::black_box(prepare(&slices));
                n += leads.len();
            }
            "feed-prepared" | "feed-prepared-noaudit" => {
                let opts = SimOptions {
                    audit: phase == "feed-prepared",
                    ..SimOptions::default()
                };
                let mut sim = Simulation::new(&router, opts);
                for b in &batches {
                    sim.feed_prepared(&router, b).map_err(|e| e.message)?;
                }
                sim.finish(&router);
                std::hint::black_box(sim.report(&router).outcomes.assigned);
                n += leads.len();
            }
            _ => {
                let mut state = router.new_state();
                for lead in &leads {
                    let opts = RouteOptions {
                        now: lead.created_at.unwrap_or(gen::START_MS),
                        trace: false,
                        stateless: false,
                    };
                    std::hint::black_box(router.route(&mut state, lead, opts).rep);
                    n += 1;
                }
            }
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    println!("{phase}: {:.3} µs each ({n})", secs / n as f64 * 1e6);
    Ok(())
}
