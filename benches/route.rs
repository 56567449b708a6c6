//! Criterion benches of the native core on the reference config (bench/reference-config.json):
//! route one lead, compile the config, route and simulate a batch of JSONL leads. `cargo test --benches` runs each once.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use leadroute::report::{SimOptions, Simulation};
use leadroute::{Lead, RouteOptions, Router};

#[path = "support/gen.rs"]
#[allow(dead_code)]
mod gen;

const LEADS: u64 = 10_000;

fn router() -> Option<Router> {
    match Router::from_json(gen::REFERENCE_CONFIG) {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("bench: the reference config does not compile: {e}");
            None
        }
    }
}

/// Parsed leads with their `created_at` as `now`.
fn parsed<'a>(router: &Router, text: &'a str) -> Vec<(Lead<'a>, i64)> {
    text.lines()
        .filter_map(|l| router.schema().parse_json(l).ok())
        .map(|l| {
            let now = l.created_at.unwrap_or(gen::START_MS);
            (l, now)
        })
        .collect()
}

fn route_one(c: &mut Criterion) {
    let Some(router) = router() else { return };
    let text = gen::jsonl(LEADS, gen::DEFAULT_SEED);
    let leads = parsed(&router, &text);
    let mut g = c.benchmark_group("route");
    for trace in [false, true] {
        let mut state = router.new_state();
        let mut i = 0usize;
        let name = if trace { "one_lead_trace" } else { "one_lead" };
        g.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % leads.len().max(1);
                if let Some((lead, now)) = leads.get(i) {
                    let opts = RouteOptions {
                        now: *now,
                        trace,
                        stateless: false,
                    };
                    black_box(router.route(&mut state, lead, opts).rep);
                }
            });
        });
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut state = router.new_state();
    let mut i = 0usize;
    g.bench_function("one_lead_from_json", |b| {
        b.iter(|| {
            i = (i + 1) % lines.len().max(1);
            if let (Some(line), Some((_, now))) = (lines.get(i), leads.get(i)) {
                let opts = RouteOptions {
                    now: *now,
                    trace: false,
                    stateless: false,
                };
                let d = router.route_json(&mut state, line, opts);
                black_box(d.map(|d| d.rep).ok());
            }
        });
    });
    g.finish();
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    // The compile alone (issue 15's target): the router is dropped outside the timing.
    g.bench_function("reference_config", |b| {
        b.iter_with_large_drop(|| Router::from_json(black_box(gen::REFERENCE_CONFIG)).ok());
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let Some(router) = router() else { return };
    let text = gen::jsonl(LEADS, gen::DEFAULT_SEED);
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(LEADS));
    g.sample_size(10);
    // Parse and route JSONL in time order from a fresh state, as a simulation does.
    g.bench_function("jsonl_10k", |b| {
        b.iter_batched(
            || router.new_state(),
            |mut state| {
                let mut assigned = 0u32;
                for line in text.lines() {
                    let Ok(lead) = router.schema().parse_json(line) else {
                        continue;
                    };
                    let opts = RouteOptions {
                        now: lead.created_at.unwrap_or(gen::START_MS),
                        trace: false,
                        stateless: false,
                    };
                    if router.route(&mut state, &lead, opts).rep.is_some() {
                        assigned += 1;
                    }
                }
                black_box(assigned)
            },
            BatchSize::LargeInput,
        );
    });
    // The dashboard's path: JSONL text in, aggregated report out (leadroute::report).
    g.bench_function("simulate_jsonl_10k", |b| {
        b.iter(|| {
            let mut sim = Simulation::new(&router, SimOptions::default());
            sim.feed_jsonl(&router, &text);
            sim.finish(&router);
            black_box(sim.report(&router).outcomes.assigned)
        });
    });
    g.finish();
}

criterion_group!(benches, route_one, compile, batch);
criterion_main!(benches);
