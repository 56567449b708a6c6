//! Lead-to-account matching on generated accounts with name variants (suffixes,
//! punctuation, case, typos): precision and recall per tier, the per-lead matching
//! cost per tier, the candidates the fuzzy tier scores and the memory per account, at
//! 1,000 / 100,000 / 1,000,000 accounts:
//! `cargo run --release --example account_match [sizes...]`.
//!
//! `account_match --count SIZE` classifies each tier's leads once, through the router
//! with the accounts and through one without, each tier in its own function
//! (`tally_with_*`, `tally_bare_*`), and prints how many leads each tier has: for an
//! instruction counter to count each function (wall time on a shared machine is
//! noisy, instructions are not): `bash examples/accounts/instructions.sh [sizes...]`
//! runs it under callgrind and prints the instructions per lead per tier.

#[path = "accounts/gen.rs"]
mod gen;

use std::time::Instant;

const LEADS: usize = 20_000;
const ROUNDS: usize = 5;

/// Nanoseconds per lead to classify (the pure half of routing, matching included),
/// each lead copied just before (untimed): a live lead was just parsed, so its fields
/// are in the cache. Replaying the same leads instead (as this did before) charged the
/// matching with fetching the lead again, evicted by the index reads of the leads
/// between two visits, while the run without accounts found it cached: at a million
/// accounts two thirds of classify's samples (`perf record -e cpu-clock`) waited on its
/// first read of the lead's fields. Each call is timed on its own (the clock's cost is
/// the same with and without the accounts, so the difference cancels it); a call
/// longer than 100 µs, which a shared core's preemption makes, is left out.
///
/// With `batch` above 1 the leads are classified `batch` at a time with
/// `classify_each`, as the bulk simulation's classify step does (each batch's account
/// reads issued round by round, `src/model/account/rounds.rs`), each batch timed on its
/// own and copied fresh just before: the cost per lead when leads come in a stream.
fn classify_once(router: &leadroute::Router, leads: &[&leadroute::Lead], batch: usize) -> f64 {
    let t = Instant::now();
    let batch = batch.max(1);
    let (mut n, mut done, mut ns) = (0usize, 0usize, 0u128);
    while (done == 0 && t.elapsed().as_secs() < 10) || t.elapsed().as_millis() < 100 {
        for chunk in leads.chunks(batch) {
            let fresh: Vec<leadroute::Lead> = chunk.iter().map(|l| (*l).clone()).collect();
            let at = Instant::now();
            if batch == 1 {
                n += fresh
                    .iter()
                    .map(|l| usize::from(router.classify(l, false).rule().is_some()))
                    .sum::<usize>();
            } else {
                let refs: Vec<&leadroute::Lead> = fresh.iter().collect();
                router.classify_each(&refs, false, |_, t| n += usize::from(t.rule().is_some()));
            }
            let took = at.elapsed().as_nanos();
            if took < 100_000 * chunk.len() as u128 {
                ns += took;
                done += chunk.len();
            }
        }
    }
    std::hint::black_box(n);
    ns as f64 / done.max(1) as f64
}

/// A row of the table: the tier, its leads, precision and recall (none for all leads),
/// the fuzzy candidates.
type Row = (&'static str, usize, Option<(f64, f64)>, String);

/// Classify with the accounts minus without, per lead, for one round.
fn matching_ns(
    router: &leadroute::Router,
    bare: &leadroute::Router,
    leads: &[&leadroute::Lead],
    batch: usize,
) -> f64 {
    classify_once(router, leads, batch) - classify_once(bare, leads, batch)
}

/// Leads a batch: what `Preparer` hands `classify_many` (see `src/report/prepared.rs`).
const BATCH: usize = leadroute::report::prepared::CLASSIFY_BATCH;

/// Resident memory of this process, in bytes (Linux; 0 elsewhere).
fn rss() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Classifies every lead once; each caller below is its own symbol for callgrind.
#[inline(always)]
fn classify_all(router: &leadroute::Router, leads: &[&leadroute::Lead]) -> usize {
    leads
        .iter()
        .map(|l| usize::from(router.classify(l, false).rule().is_some()))
        .sum()
}

/// One function per tier and router; each adds its own number, or the compiler folds
/// the identical bodies into one symbol.
macro_rules! counted {
    ($($name:ident = $id:expr),*) => {
        $(
            #[inline(never)]
            fn $name(router: &leadroute::Router, leads: &[&leadroute::Lead]) -> usize {
                classify_all(router, leads) + std::hint::black_box($id)
            }
        )*
    };
}

counted!(
    tally_with_domain = 1,
    tally_with_name = 2,
    tally_with_fuzzy = 3,
    tally_with_none = 4,
    tally_with_all = 5,
    tally_bare_domain = 6,
    tally_bare_name = 7,
    tally_bare_fuzzy = 8,
    tally_bare_none = 9,
    tally_bare_all = 10
);

type Counted = fn(&leadroute::Router, &[&leadroute::Lead]) -> usize;

/// The `--count` mode (see the top of this file).
fn count(n: usize) {
    let g = gen::accounts(n, 7);
    let tests = gen::leads(&g, LEADS, 11);
    let (Ok(bare), Ok(router)) = (
        gen::router(Vec::new(), false),
        gen::router(g.accounts.clone(), true),
    ) else {
        return eprintln!("generated config: invalid");
    };
    let parsed: Vec<(gen::Kind, leadroute::Lead)> = tests
        .iter()
        .filter_map(|l| Some((l.kind, router.schema().parse_json(&l.json).ok()?)))
        .map(|(k, l)| (k, l.into_owned()))
        .collect();
    let of = |kind: Option<gen::Kind>| -> Vec<&leadroute::Lead> {
        parsed
            .iter()
            .filter(|(k, _)| kind.is_none_or(|kind| *k == kind))
            .map(|(_, l)| l)
            .collect()
    };
    // In gen::KIND_NAMES order, then every lead.
    let with: [Counted; 5] = [
        tally_with_domain,
        tally_with_name,
        tally_with_fuzzy,
        tally_with_none,
        tally_with_all,
    ];
    let without: [Counted; 5] = [
        tally_bare_domain,
        tally_bare_name,
        tally_bare_fuzzy,
        tally_bare_none,
        tally_bare_all,
    ];
    let kinds = gen::KIND_NAMES
        .iter()
        .map(|(k, tier)| (Some(*k), *tier))
        .chain([(None, "all")]);
    let mut n_matched = 0;
    for ((kind, tier), (with, without)) in kinds.zip(with.iter().zip(without)) {
        let leads = of(kind);
        // Untallied first, without the accounts: the leads are in the cache for both
        // tallied runs and the index is not, so a difference in cache misses is what
        // the index costs the first time a lead meets it (the timed rounds above meet
        // the same leads over and over, which keeps their slots in the cache).
        n_matched += classify_all(&bare, &leads);
        n_matched += with(&router, &leads) + without(&bare, &leads);
        println!("leads {tier} {}", leads.len());
    }
    std::hint::black_box(n_matched);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, size] = args.as_slice() {
        if flag == "--count" {
            return count(size.replace(['_', ','], "").parse().unwrap_or(1_000));
        }
    }
    // `--out FILE`: the same as JSON, for `make bench` (`bench/report.mjs`).
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let sizes: Vec<usize> = args
        .iter()
        .filter(|a| Some(*a) != out.as_ref())
        .filter_map(|a| a.replace(['_', ','], "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 100_000, 1_000_000]
    } else {
        sizes
    };
    // Every size is built first, then timed in turns (every size's every tier, then
    // again, ROUNDS times, the lowest kept): a slow spell of this shared machine
    // then slows every size alike instead of the one being timed.
    let bare = match gen::router(Vec::new(), false) {
        Ok(b) => b,
        Err(e) => return eprintln!("generated config: {e}"),
    };
    let mut built = Vec::new();
    for n in sizes {
        let g = gen::accounts(n, 7);
        let tests = gen::leads(&g, LEADS, 11);
        let list = g.accounts.clone();
        let before = rss();
        let t = Instant::now();
        let router = match gen::router(list, true) {
            Ok(r) => r,
            Err(e) => return eprintln!("generated config: {e}"),
        };
        let compile = t.elapsed();
        // The router keeps its config, the account list included: this is all a router
        // with these accounts holds, not the index alone.
        let per_account = format!(
            "{} ({})",
            rss().saturating_sub(before) / n.max(1),
            leadroute::accounts::probe::index_bytes(&router) / n.max(1)
        );
        let parsed: Vec<(Option<gen::Kind>, leadroute::Lead)> = tests
            .iter()
            .filter_map(|l| Some((Some(l.kind), router.schema().parse_json(&l.json).ok()?)))
            .map(|(k, l)| (k, l.into_owned()))
            .collect();
        let stats = gen::evaluate(&router, &tests);
        let mut rows: Vec<Row> = Vec::new();
        for (kind, tier) in gen::KIND_NAMES {
            let s = stats.get(tier).copied().unwrap_or_default();
            // The names that reach the fuzzy tier: typos and companies that are no account.
            let scored: Vec<usize> = tests
                .iter()
                .filter(|l| l.kind == kind && matches!(kind, gen::Kind::Typo | gen::Kind::Stranger))
                .filter_map(|l| l.company.as_deref())
                .map(|c| leadroute::accounts::probe::fuzzy_candidates(&router, c))
                .collect();
            let candidates = if scored.is_empty() {
                "-".to_string()
            } else {
                format!(
                    "{:.1} ({})",
                    scored.iter().sum::<usize>() as f64 / scored.len() as f64,
                    scored.iter().max().copied().unwrap_or(0)
                )
            };
            rows.push((
                tier,
                s.generated,
                Some((s.precision(), s.recall())),
                candidates,
            ));
        }
        rows.push(("all", parsed.len(), None, String::new()));
        built.push((n, compile, per_account, router, parsed, rows));
    }
    // Per size, per row (the tiers, then all), per mode (alone, batched): the lowest.
    let mut best = vec![[[f64::MAX; 2]; 5]; built.len()];
    for _ in 0..ROUNDS {
        for (b, (_, _, _, router, parsed, _)) in built.iter().enumerate() {
            let kinds = gen::KIND_NAMES.iter().map(|(k, _)| Some(*k)).chain([None]);
            for (r, kind) in kinds.enumerate() {
                let leads: Vec<&leadroute::Lead> = parsed
                    .iter()
                    .filter(|(k, _)| kind.is_none() || *k == kind)
                    .map(|(_, l)| l)
                    .collect();
                for (m, batch) in [1, BATCH].into_iter().enumerate() {
                    if let Some(x) = best.get_mut(b).and_then(|s| s.get_mut(r)?.get_mut(m)) {
                        *x = x.min(matching_ns(router, &bare, &leads, batch));
                    }
                }
            }
        }
    }
    println!(
        "| accounts | compile | bytes/account (index) | tier | leads | precision | recall | matching ns/lead, one at a time | in batches of {BATCH} | fuzzy candidates/lead (max) |"
    );
    println!("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    let mut json = Vec::new();
    for ((n, compile, per_account, _, _, rows), best) in built.iter().zip(&best) {
        let mut tiers = serde_json::Map::new();
        for ((tier, leads, pr, candidates), [alone, streamed]) in rows.iter().zip(best) {
            let cells = pr.map_or("|".to_string(), |(p, r)| format!("{p:.3} | {r:.3}"));
            println!(
                "| {n} | {:.2} s | {per_account} | {tier} | {leads} | {cells} | {alone:.0} | {streamed:.0} | {candidates} |",
                compile.as_secs_f64(),
            );
            tiers.insert(
                (*tier).to_string(),
                serde_json::json!({
                    "leads": leads,
                    "precision": pr.map(|(p, _)| p),
                    "recall": pr.map(|(_, r)| r),
                    "alone_ns": alone,
                    "batched_ns": streamed,
                }),
            );
        }
        json.push(serde_json::json!({
            "accounts": n,
            "compile_s": compile.as_secs_f64(),
            "tiers": tiers,
        }));
    }
    if let Some(path) = out {
        let text = serde_json::json!({ "batch": BATCH, "sizes": json }).to_string();
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("account_match: {path}: {e}");
        }
    }
}
