//! Memory while routing many leads through one router: the state is counters per rep and
//! period plus team rotations, so resident memory must not grow with the number of leads.
//!
//! `cargo bench --bench memory -- [--quick] [--out FILE.json]` routes 10,000,000 leads
//! (1,000,000 with `--quick`) of the reference config and prints resident and peak memory
//! (VmRSS / VmHWM from /proc/self/status); without `--bench` it routes 20,000 as a check.

use leadroute::{Lead, RouteOptions, Router};
use serde_json::json;
use std::time::Instant;

#[path = "support/gen.rs"]
#[allow(dead_code)]
mod gen;

/// Distinct leads generated up front and routed over and over with time moving on.
const POOL: u64 = 10_000;
/// Simulated time between two leads: 10,000,000 leads span about 9.5 years.
const STEP_MS: i64 = 30_000;

/// `VmRSS` and `VmHWM` in KiB (0 where /proc is not available).
fn mem_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench");
    let quick = args.iter().any(|a| a == "--quick");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1));
    let total: u64 = match (bench, quick) {
        (false, _) => 20_000,
        (true, true) => 1_000_000,
        (true, false) => 10_000_000,
    };
    let router = match Router::from_json(gen::REFERENCE_CONFIG) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("memory: the reference config does not compile: {e}");
            std::process::exit(1);
        }
    };
    let text = gen::jsonl(POOL, gen::DEFAULT_SEED);
    let leads: Vec<Lead<'static>> = text
        .lines()
        .filter_map(|l| router.schema().parse_json(l).ok())
        .map(Lead::into_owned)
        .collect();
    drop(text);
    let mut state = router.new_state();
    let (rss_start, _) = mem_kib();
    let checkpoint = total / 10;
    let mut rss_checkpoint = 0;
    let mut assigned = 0u64;
    let t0 = Instant::now();
    for (k, lead) in leads.iter().cycle().take(total as usize).enumerate() {
        let opts = RouteOptions {
            now: gen::START_MS + k as i64 * STEP_MS,
            trace: false,
            stateless: false,
        };
        if router.route(&mut state, lead, opts).rep.is_some() {
            assigned += 1;
        }
        if k as u64 + 1 == checkpoint {
            rss_checkpoint = mem_kib().0;
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let (rss_end, hwm) = mem_kib();
    let snapshot_bytes = serde_json::to_string(&router.snapshot(&state))
        .map(|s| s.len())
        .unwrap_or(0);
    let growth = rss_end as i64 - rss_checkpoint as i64;
    println!(
        "memory: routed {total} leads ({assigned} assigned) in {secs:.1} s ({:.0} ns/lead)",
        secs * 1e9 / total as f64
    );
    println!(
        "memory: RSS {rss_start} KiB before routing, {rss_checkpoint} KiB after {checkpoint} leads, \
         {rss_end} KiB after {total}; growth over the last 90%: {growth} KiB; peak (VmHWM) {hwm} KiB; \
         state snapshot {snapshot_bytes} bytes"
    );
    // Flat memory is the promise: past the first tenth, routing must not grow the
    // process by more than 4 MiB (allocator noise), whatever the number of leads.
    if growth > 4096 {
        eprintln!("memory: RSS grew {growth} KiB over the last 90% of the leads (bound 4096 KiB)");
        std::process::exit(1);
    }
    if state.routed() != total {
        eprintln!(
            "memory: state counted {} leads, expected {total}",
            state.routed()
        );
        std::process::exit(1);
    }
    if let Some(path) = out {
        let v = json!({
            "leads": total, "assigned": assigned, "seconds": secs,
            "rss_start_kib": rss_start, "rss_checkpoint_kib": rss_checkpoint,
            "checkpoint_leads": checkpoint, "rss_end_kib": rss_end, "growth_kib": growth,
            "peak_kib": hwm, "snapshot_bytes": snapshot_bytes,
        });
        if let Err(e) = std::fs::write(path, v.to_string()) {
            eprintln!("memory: cannot write {path}: {e}");
            std::process::exit(1);
        }
    }
}
