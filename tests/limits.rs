//! Every limit in `src/limits.rs` refuses input just past it with its exact error, and
//! hostile shapes (deep nesting, catastrophic regexes) finish as errors or in linear time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{Limits, RouteOptions, Router};
use serde_json::json;
use std::time::Instant;

const NOW: i64 = 1_793_606_400_000;

fn errors(json: &str, limits: Limits) -> Vec<String> {
    match Router::from_json_with_limits(json, limits) {
        Ok(_) => panic!("config unexpectedly valid"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn accepted(json: &str, limits: Limits) {
    if let Err(e) = Router::from_json_with_limits(json, limits) {
        panic!("config at the limit refused: {e}");
    }
}

/// A config with `n` reps, `n` teams, `n` rules and `n` accounts.
fn sized(n: usize) -> String {
    let reps: Vec<_> = (0..n).map(|i| json!({"id": format!("r{i}")})).collect();
    let teams: Vec<_> = (0..n)
        .map(|i| json!({"id": format!("t{i}"), "members": [format!("r{i}")]}))
        .collect();
    let rules: Vec<_> = (0..n)
        .map(|i| json!({"id": format!("x{i}"), "team": format!("t{i}")}))
        .collect();
    let owners: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| (format!("d{i}.example"), json!(format!("r{i}"))))
        .collect();
    json!({"fields": {"email": "string"}, "reps": reps, "teams": teams, "rules": rules,
           "accounts": {"owners": owners}, "fallback": "r0"})
    .to_string()
}

#[test]
fn config_bytes() {
    let cfg = sized(1);
    let limits = Limits {
        config_bytes: cfg.len() - 1,
        ..Limits::DEFAULT
    };
    assert_eq!(
        errors(&cfg, limits),
        vec![format!(
            "config is {} bytes, more than the limit of {} bytes",
            cfg.len(),
            cfg.len() - 1
        )]
    );
    accepted(
        &cfg,
        Limits {
            config_bytes: cfg.len(),
            ..Limits::DEFAULT
        },
    );
}

#[test]
fn reps_teams_rules_and_accounts_counts() {
    let limits = Limits {
        reps: 3,
        teams: 3,
        rules: 3,
        accounts: 3,
        ..Limits::DEFAULT
    };
    accepted(&sized(3), limits);
    assert_eq!(
        errors(&sized(4), limits),
        vec![
            "reps: 4 reps, more than the limit of 3",
            "teams: 4 teams, more than the limit of 3",
            "rules: 4 rules, more than the limit of 3",
            "accounts.owners: 4 accounts, more than the limit of 3",
        ]
    );
}

/// The default rep limit itself (20,000), on a real-size config.
#[test]
fn default_rep_limit() {
    let reps: Vec<_> = (0..20_001)
        .map(|i| json!({"id": format!("r{i}")}))
        .collect();
    let cfg = json!({"reps": reps, "fallback": "r0"}).to_string();
    assert_eq!(
        errors(&cfg, Limits::DEFAULT),
        vec!["reps: 20001 reps, more than the limit of 20000"]
    );
}

fn with_condition(when: serde_json::Value) -> String {
    json!({"fields": {"t": "string", "n": "number"}, "reps": [{"id": "a"}],
           "rules": [{"id": "c", "when": when, "rep": "a"}], "fallback": "a"})
    .to_string()
}

#[test]
fn condition_depth() {
    let nest = |n: usize| {
        let mut c = json!({"field": "t", "op": "exists"});
        for _ in 0..n {
            c = json!({"not": c});
        }
        c
    };
    accepted(&with_condition(nest(32)), Limits::DEFAULT);
    let path = format!("rules[0].when{}", ".not".repeat(33));
    assert_eq!(
        errors(&with_condition(nest(33)), Limits::DEFAULT),
        vec![format!("{path}: condition nesting deeper than 32")]
    );
}

#[test]
fn list_items() {
    let list = |n: usize| with_condition(json!({"field": "n", "op": "in", "value": vec![1; n]}));
    let limits = Limits {
        list_items: 5,
        ..Limits::DEFAULT
    };
    accepted(&list(5), limits);
    assert_eq!(
        errors(&list(6), limits),
        vec!["rules[0].when.value: list of 6 items is longer than the limit of 5"]
    );
    // The default (100,000) on a real-size list.
    assert_eq!(
        errors(&list(100_001), Limits::DEFAULT),
        vec!["rules[0].when.value: list of 100001 items is longer than the limit of 100000"]
    );
}

/// A short pattern that compiles to a huge program is refused by compiled size.
#[test]
fn regex_compiled_bytes() {
    let pattern = "(?:[a-z]{100}){100}";
    let cfg = with_condition(json!({"field": "t", "op": "matches", "value": pattern}));
    assert_eq!(
        errors(&cfg, Limits::DEFAULT),
        vec![format!(
            "rules[0].when.value: invalid regex `{pattern}`: compiled regex exceeded size limit"
        )]
    );
    accepted(
        &with_condition(json!({"field": "t", "op": "matches", "value": "(?:[a-z]{10}){10}"})),
        Limits::DEFAULT,
    );
}

fn lead_router() -> Router {
    Router::from_json(&with_condition(json!("t exists"))).unwrap()
}

#[test]
fn lead_fields() {
    let r = lead_router();
    let lead = |n: usize| {
        let m: serde_json::Map<_, _> = (0..n).map(|i| (format!("f{i}"), json!(i))).collect();
        serde_json::Value::Object(m).to_string()
    };
    assert!(r.schema().parse_json(&lead(500)).is_ok());
    assert_eq!(
        r.schema().parse_json(&lead(501)).unwrap_err().to_string(),
        "invalid lead: more than 500 fields"
    );
}

#[test]
fn lead_string_bytes() {
    let r = lead_router();
    let lead = |n: usize| json!({"t": "x".repeat(n)}).to_string();
    assert!(r.schema().parse_json(&lead(64 * 1024)).is_ok());
    assert_eq!(
        r.schema()
            .parse_json(&lead(64 * 1024 + 1))
            .unwrap_err()
            .to_string(),
        "invalid lead: field \"t\": string of 65537 bytes is longer than the limit of 65536 bytes"
    );
}

#[test]
fn snapshot_bytes() {
    let cfg = with_condition(json!("t exists"));
    let snap = r#"{"version": 2, "routed": 5}"#;
    let limits = |n| Limits {
        snapshot_bytes: n,
        ..Limits::DEFAULT
    };
    let r = Router::from_json_with_limits(&cfg, limits(snap.len())).unwrap();
    assert_eq!(r.restore_json(snap).unwrap().routed(), 5);
    let r = Router::from_json_with_limits(&cfg, limits(snap.len() - 1)).unwrap();
    assert_eq!(
        r.restore_json(snap).unwrap_err().to_string(),
        format!(
            "snapshot of {} bytes is larger than the limit of {} bytes",
            snap.len(),
            snap.len() - 1
        )
    );
}

/// JSON nested far deeper than any limit is an error from the parser (its recursion
/// limit), never a stack overflow: configs, leads (even in ignored keys) and snapshots.
#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let cfg = format!(r#"{{"reps": [{{"id": "a"}}], "fallback": "a", "crm": {deep}}}"#);
    assert_eq!(
        errors(&cfg, Limits::DEFAULT),
        vec!["invalid JSON at line 1, column 175: recursion limit exceeded"]
    );
    let r = lead_router();
    // Undeclared keys are skipped by a loop, not recursion, so depth costs nothing.
    let lead = format!(r#"{{"id": "x", "junk": {deep}}}"#);
    assert_eq!(r.schema().parse_json(&lead).unwrap().id(), Some("x"));
    let lead = format!(r#"{{"id": "x", "t": {deep}}}"#);
    assert_eq!(
        r.schema().parse_json(&lead).unwrap_err().to_string(),
        "invalid lead: field \"t\": expected a string, found a list"
    );
    let snap = format!(r#"{{"version": 2, "x": {deep}}}"#);
    assert_eq!(
        r.restore_json(&snap).unwrap_err().to_string(),
        "invalid snapshot: recursion limit exceeded at line 1 column 147"
    );
    // The router is unharmed.
    let mut s = r.new_state();
    let d = r
        .route_json(&mut s, r#"{"id": "ok", "t": "x"}"#, RouteOptions::at(NOW))
        .unwrap();
    assert_eq!(d.rep, Some("a"));
}

/// Catastrophic backtracking patterns run in linear time: regex-lite never backtracks
/// exponentially (its engine is a PikeVM, O(pattern × input)). Timings are printed,
/// never asserted; run with `--nocapture` (scripts/fuzz.sh does) to see them.
#[test]
fn regex_conditions_run_in_linear_time() {
    let patterns = ["(a+)+$", "(a|aa)+$", "(a*)*b", "^(\\w+\\s?)*$"];
    for pattern in patterns {
        let cfg = json!({"fields": {"t": "string"}, "reps": [{"id": "hit"}, {"id": "miss"}],
                         "rules": [{"id": "re", "when": {"field": "t", "op": "matches", "value": pattern, "case_sensitive": true}, "rep": "hit"}],
                         "fallback": "miss"})
        .to_string();
        let r = Router::from_json(&cfg).unwrap();
        let mut s = r.new_state();
        let mut line = format!("regex {pattern:<14}");
        for n in [4_096usize, 16_384, 65_535] {
            // `a` repeated then a character that makes every pattern fail at the end:
            // the worst case for a backtracking engine.
            let text = format!("{}!", "a".repeat(n));
            let lead = json!({"id": "L", "t": text}).to_string();
            let lead = r.schema().parse_json(&lead).unwrap();
            // Best of three: the machine is shared, the minimum is the engine's own time.
            let mut us = u128::MAX;
            for _ in 0..3 {
                let t0 = Instant::now();
                let d = r.route(&mut s, &lead, RouteOptions::at(NOW));
                us = us.min(t0.elapsed().as_micros());
                assert_eq!(d.rep, Some("miss"), "{pattern} on {n} bytes");
            }
            line.push_str(&format!(
                "  {:>6} B: {:>7} us ({:.3} us/B)",
                n + 1,
                us,
                us as f64 / (n + 1) as f64
            ));
        }
        println!("{line}");
        // And it still matches what it should.
        let lead = r
            .schema()
            .parse_json(r#"{"id": "M", "t": "aaaa"}"#)
            .unwrap();
        let hit = r.route(&mut s, &lead, RouteOptions::at(NOW)).rep;
        assert_eq!(hit, Some(if pattern == "(a*)*b" { "miss" } else { "hit" }));
    }
}

/// Issue 12: a huge unknown key or value is quoted by its first 40 characters (the
/// message once held the whole megabyte), and no suggestion table is built for it.
#[test]
fn huge_unknown_keys_and_values_are_cut_in_messages() {
    let key = "k".repeat(1_000_000);
    let value = "v".repeat(1_000_000);
    let cfg = json!({
        "reps": [{"id": "a"}],
        "teams": [{"id": "t", "members": ["a"], "strategy": {"type": value}}],
        "fallback": "a",
        key.clone(): 1,
    })
    .to_string();
    let e = Router::from_json(&cfg).err().unwrap();
    let short = format!("{}…", "k".repeat(40));
    let got: Vec<_> =
        e.0.iter()
            .map(|e| (e.code.as_str(), e.path.as_str()))
            .collect();
    assert_eq!(
        got,
        vec![
            ("unknown_key", short.as_str()),
            ("unknown_value", "teams[0].strategy.type")
        ]
    );
    for e in &e.0 {
        assert!(e.to_string().len() < 400, "{} bytes", e.to_string().len());
    }
    assert!(e.0[0]
        .message
        .starts_with(&format!("unknown key \"{short}\", expected one of ")));
    assert!(e.0[1].message.starts_with(&format!(
        "unknown value \"{}…\", expected one of ",
        "v".repeat(40)
    )));
}
