//! Scale curves of the native core: routing time per lead from 10 to 1,000 indexable rules,
//! from 10 to 10,000 reps, and account lookup from 10 to 1,000,000 accounts.
//!
//! `cargo bench --bench scale -- [--quick] [--out FILE.json]` prints the curves (and writes
//! them as JSON); without `--bench` (as `cargo test --benches` runs it) it checks each setup
//! once on small sizes.

use leadroute::{Lead, RouteOptions, Router, Via};
use serde_json::{json, Value};
use std::time::Instant;

#[path = "support/gen.rs"]
#[allow(dead_code)]
mod gen;

const NOW: i64 = gen::START_MS;

struct Args {
    bench: bool,
    quick: bool,
    out: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        bench: false,
        quick: false,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(s) = it.next() {
        match s.as_str() {
            "--bench" => a.bench = true,
            "--quick" => a.quick = true,
            "--out" => a.out = it.next(),
            _ => {}
        }
    }
    a
}

fn reps(n: usize) -> Vec<Value> {
    // `caps: {}` means uncapped: the curves measure lookup and picking, not capacity.
    (0..n)
        .map(|i| json!({"id": format!("r{i}"), "caps": {}}))
        .collect()
}

/// `n` rules on one field, half `eq` and half `in` lists of 3, each to one of 5 teams.
fn rules_config(n: usize) -> Value {
    let rules: Vec<Value> = (0..n)
        .map(|i| {
            let when = if i % 2 == 0 {
                json!({"field": "campaign", "op": "eq", "value": format!("c{i}")})
            } else {
                json!({"field": "campaign", "op": "in",
                       "value": [format!("c{i}"), format!("x{i}"), format!("y{i}")]})
            };
            json!({"id": format!("rule{i}"), "when": when, "team": format!("t{}", i % 5)})
        })
        .collect();
    let teams: Vec<Value> = (0..5)
        .map(|t| json!({"id": format!("t{t}"), "members": [format!("r{}", 2 * t), format!("r{}", 2 * t + 1)]}))
        .collect();
    json!({"fields": {"campaign": "string"}, "reps": reps(10), "teams": teams,
           "rules": rules, "fallback": "r0"})
}

/// `n` reps in teams of 10 (one `eq` rule per team), or all in one round-robin team.
fn reps_config(n: usize, one_team: bool) -> Value {
    let ids: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
    let (teams, rules): (Vec<Value>, Vec<Value>) = if one_team {
        (
            vec![json!({"id": "all", "members": ids})],
            vec![json!({"id": "everyone", "team": "all"})],
        )
    } else {
        ids.chunks(10)
            .enumerate()
            .map(|(t, m)| {
                (
                    json!({"id": format!("t{t}"), "members": m}),
                    json!({"id": format!("rule{t}"),
                           "when": {"field": "team_code", "op": "eq", "value": format!("t{t}")},
                           "team": format!("t{t}")}),
                )
            })
            .unzip()
    };
    json!({"fields": {"team_code": "string"}, "reps": reps(n), "teams": teams,
           "rules": rules, "fallback": "r0"})
}

/// `n` known accounts (domain to owner) over 10 reps; everything else goes to one team.
fn accounts_config(n: usize) -> Value {
    let owners: serde_json::Map<String, Value> = (0..n)
        .map(|k| (format!("acct{k}.com"), json!(format!("r{}", k % 10))))
        .collect();
    json!({"fields": {"email": "string"}, "reps": reps(10),
           "teams": [{"id": "sales", "members": ["r0", "r1", "r2", "r3", "r4"]}],
           "accounts": {"field": "email", "owners": owners},
           "rules": [{"id": "everyone", "team": "sales"}], "fallback": "r0"})
}

fn compile(config: &Value) -> Result<(Router, f64), String> {
    let text = config.to_string();
    let t0 = Instant::now();
    let router = Router::from_json(&text).map_err(|e| e.to_string())?;
    Ok((router, t0.elapsed().as_secs_f64() * 1e3))
}

fn parse_all(router: &Router, lines: &[String]) -> Result<Vec<Lead<'static>>, String> {
    lines
        .iter()
        .map(|l| {
            router
                .schema()
                .parse_json(l)
                .map(Lead::into_owned)
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// The fastest of `rounds` timed passes of `routes` routes each, in ns per lead (on a shared
/// machine the minimum is the estimate least disturbed by other work), and how many of
/// the last pass's leads were placed by `via` (so a curve cannot silently measure the
/// fallback path instead of the one it names).
fn time_routes(
    router: &Router,
    leads: &[Lead],
    routes: usize,
    rounds: usize,
    via: Via,
) -> (f64, usize) {
    let mut state = router.new_state();
    let opts = RouteOptions {
        now: NOW,
        trace: false,
        stateless: false,
    };
    let mut samples = Vec::new();
    let mut placed = 0;
    for _ in 0..rounds {
        placed = 0;
        let t0 = Instant::now();
        for lead in leads.iter().cycle().take(routes) {
            if router.route(&mut state, lead, opts).via == via {
                placed += 1;
            }
        }
        samples.push(t0.elapsed().as_secs_f64() * 1e9 / routes.max(1) as f64);
    }
    samples.sort_by(f64::total_cmp);
    (samples.first().copied().unwrap_or(0.0), placed)
}

struct Point {
    n: usize,
    ns: f64,
    compile_ms: f64,
}

/// The leads of one curve and the share of them that must be placed by `via`.
struct Expect {
    via: Via,
    min_share: f64,
}

fn curve(
    name: &str,
    sizes: &[usize],
    config: impl Fn(usize) -> Value,
    lead: impl Fn(&mut gen::Rng, usize) -> String,
    expect: Expect,
    (routes, rounds): (usize, usize),
) -> Result<Vec<Point>, String> {
    let mut out = Vec::new();
    for &n in sizes {
        let (router, compile_ms) = compile(&config(n))?;
        let mut rng = gen::Rng::new(gen::DEFAULT_SEED);
        let lines: Vec<String> = (0..10_000).map(|_| lead(&mut rng, n)).collect();
        let leads = parse_all(&router, &lines)?;
        let (ns, placed) = time_routes(&router, &leads, routes, rounds, expect.via);
        if (placed as f64) < expect.min_share * routes as f64 {
            return Err(format!(
                "{name} n={n}: only {placed} of {routes} leads placed by {:?}",
                expect.via
            ));
        }
        println!("  {name:<24} n={n:>9}  {ns:>9.0} ns/lead  (compile {compile_ms:.1} ms)");
        out.push(Point { n, ns, compile_ms });
    }
    Ok(out)
}

fn run(a: &Args) -> Result<Value, String> {
    let smoke = !a.bench;
    let (routes, rounds) = match (smoke, a.quick) {
        (true, _) => (1_000, 1),
        (false, true) => (30_000, 5),
        (false, false) => (100_000, 9),
    };
    let pick = |full: &[usize], small: &[usize]| -> Vec<usize> {
        if smoke {
            small.to_vec()
        } else {
            full.to_vec()
        }
    };
    println!("scale: ns per lead (fastest of {rounds} x {routes} routes, trace off)");
    let rules = curve(
        "rules (eq / in-list)",
        &pick(&[10, 100, 1_000], &[10, 100]),
        rules_config,
        // Every lead matches one rule, uniformly over the list (the x/y values of in-lists too).
        |r, n| {
            let i = r.int(n as u32);
            let v = match (i % 2, r.int(3)) {
                (1, 1) => format!("x{i}"),
                (1, 2) => format!("y{i}"),
                _ => format!("c{i}"),
            };
            format!("{{\"id\":\"L{}\",\"campaign\":\"{v}\"}}", r.next())
        },
        Expect {
            via: Via::Team,
            min_share: 1.0,
        },
        (routes, rounds),
    )?;
    let team_lead = |r: &mut gen::Rng, n: usize| {
        let t = r.int((n / 10).max(1) as u32);
        format!("{{\"id\":\"L{}\",\"team_code\":\"t{t}\"}}", r.next())
    };
    let reps_teams = curve(
        "reps (teams of 10)",
        &pick(&[10, 100, 1_000, 10_000], &[10, 100]),
        |n| reps_config(n, false),
        team_lead,
        Expect {
            via: Via::Team,
            min_share: 1.0,
        },
        (routes, rounds),
    )?;
    let reps_one = curve(
        "reps (one team)",
        &pick(&[10, 100, 1_000, 10_000], &[10, 100]),
        |n| reps_config(n, true),
        team_lead,
        Expect {
            via: Via::Team,
            min_share: 1.0,
        },
        (routes, rounds),
    )?;
    let accounts = curve(
        "accounts (email domain)",
        &pick(&[10, 1_000, 100_000, 1_000_000], &[10, 1_000]),
        accounts_config,
        // Half the leads from known accounts (a third of those from a subdomain).
        |r, n| {
            let k = r.int(n as u32);
            let email = match r.int(6) {
                0 | 1 => format!("a@acct{k}.com"),
                2 => format!("a@eu.acct{k}.com"),
                _ => format!("a@other{k}.com"),
            };
            format!("{{\"id\":\"L{}\",\"email\":\"{email}\"}}", r.next())
        },
        Expect {
            via: Via::AccountOwner,
            min_share: 0.45,
        },
        (routes, rounds),
    )?;
    let js = |pts: &[Point]| -> Value {
        pts.iter()
            .map(|p| json!({"n": p.n, "ns_per_lead": p.ns, "compile_ms": p.compile_ms}))
            .collect()
    };
    Ok(json!({
        "rules": js(&rules),
        "reps_teams": js(&reps_teams),
        "reps_one_team": js(&reps_one),
        "accounts": js(&accounts),
        "routes": routes,
        "rounds": rounds,
    }))
}

fn main() {
    let a = args();
    match run(&a) {
        Ok(v) => {
            if let Some(path) = &a.out {
                if let Err(e) = std::fs::write(path, v.to_string()) {
                    eprintln!("scale: cannot write {path}: {e}");
                    std::process::exit(1);
                }
            }
            if !a.bench {
                println!(
                    "scale: smoke run ok (run with `cargo bench --bench scale` for the curves)"
                );
            }
        }
        Err(e) => {
            eprintln!("scale: {e}");
            std::process::exit(1);
        }
    }
}
