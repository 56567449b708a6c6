//! Data-driven routing cases: each file in tests/cases/ is a config, a timeline of
//! leads (and status changes, snapshot/restore points) and the exact decisions expected.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::config::Status;
use leadroute::{RouteOptions, Router};
use serde_json::Value;

fn ms(at: &Value) -> i64 {
    match at {
        Value::Number(n) => n.as_i64().unwrap(),
        Value::String(s) => {
            leadroute::time::parse_datetime_ms(s).unwrap_or_else(|| panic!("bad time {s}"))
        }
        other => panic!("bad time {other}"),
    }
}

fn check(file: &str, i: usize, d: &Value, expect: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (k, want) in expect.as_object().unwrap() {
        match k.as_str() {
            "candidates" => {
                let got = d["trace"]["candidates"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for (rep, reason) in want.as_object().unwrap() {
                    let c = got.iter().rev().find(|c| c["rep"] == *rep);
                    match c {
                        Some(c) if c["reason"] == *reason => {}
                        Some(c) => problems.push(format!(
                            "{file} step {i}: candidate {rep}: want {reason}, got {}",
                            c["reason"]
                        )),
                        None => problems.push(format!("{file} step {i}: candidate {rep} missing")),
                    }
                }
            }
            "ranks" | "details" => {
                let field = if k == "ranks" { "rank" } else { "detail" };
                let got = d["trace"]["candidates"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for (rep, value) in want.as_object().unwrap() {
                    let c = got.iter().rev().find(|c| c["rep"] == *rep);
                    let v = c.map(|c| c[field].clone());
                    // Preference values compare as numbers (1 and 1.0 alike).
                    let same = match (&v, value) {
                        (Some(Value::Array(a)), Value::Array(b)) => {
                            a.len() == b.len()
                                && a.iter().zip(b).all(|(x, y)| x.as_f64() == y.as_f64())
                        }
                        (Some(v), want) => v == want,
                        _ => false,
                    };
                    if !same {
                        problems.push(format!(
                            "{file} step {i}: candidate {rep} {field}: want {value}, got {v:?}"
                        ));
                    }
                }
            }
            // The trace's account match: each listed key equal (null: no match).
            "account" => {
                let got = &d["trace"]["account"];
                match want.as_object() {
                    None if got.is_null() => {}
                    None => problems.push(format!("{file} step {i}: account want none, got {got}")),
                    Some(keys) => {
                        for (key, value) in keys {
                            let same = match (value.as_f64(), got[key].as_f64()) {
                                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                                _ => got[key] == *value,
                            };
                            if !same {
                                problems.push(format!(
                                    "{file} step {i}: account {key}: want {value}, got {}",
                                    got[key]
                                ));
                            }
                        }
                    }
                }
            }
            "reason_contains" => {
                let r = d["reason"].as_str().unwrap_or("");
                if !r.contains(want.as_str().unwrap()) {
                    problems.push(format!("{file} step {i}: reason {r:?} lacks {want}"));
                }
            }
            "score" => {
                if d["score"]["total"].as_f64() != want.as_f64() {
                    problems.push(format!(
                        "{file} step {i}: score want {want}, got {}",
                        d["score"]["total"]
                    ));
                }
            }
            "grade" => {
                if d["score"]["grade"] != *want {
                    problems.push(format!(
                        "{file} step {i}: grade want {want}, got {}",
                        d["score"]["grade"]
                    ));
                }
            }
            key => {
                if d[key] != *want {
                    problems.push(format!(
                        "{file} step {i}: {key} want {want}, got {} (reason: {})",
                        d[key], d["reason"]
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn routing_cases() {
    let mut files: Vec<_> = std::fs::read_dir("tests/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "expected the case files");
    let mut problems = Vec::new();
    let mut steps_run = 0;
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let router = match Router::from_json(&case["config"].to_string()) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{file}: config: {e}"));
                continue;
            }
        };
        let mut state = router.new_state();
        // A second state routed without traces must make the very same decisions
        // (untraced round robin takes a shortcut that stops at the first free rep).
        let mut quiet = router.new_state();
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            steps_run += 1;
            if let Some(s) = step.get("status") {
                let status: Option<Status> =
                    s["status"].as_str().map(|x| Status::parse(x).unwrap());
                router
                    .set_status(&mut state, s["rep"].as_str().unwrap(), status)
                    .unwrap();
                router
                    .set_status(&mut quiet, s["rep"].as_str().unwrap(), status)
                    .unwrap();
                continue;
            }
            if let Some(o) = step.get("outcome") {
                let outcome = leadroute::LeadOutcome {
                    converted: o["converted"].as_bool().unwrap(),
                    value: o["value"].as_f64().unwrap_or(0.0),
                    at: ms(&o["at"]),
                };
                let id = o["lead"].as_str().unwrap();
                let done = router.record_outcome(&mut state, id, outcome);
                let quiet_done = router.record_outcome(&mut quiet, id, outcome);
                assert_eq!(
                    done, quiet_done,
                    "{file} step {i}: untraced outcome differs"
                );
                let got = match done {
                    Ok(d) => serde_json::to_value(&d).unwrap(),
                    Err(e) => serde_json::json!({"error": e.code.as_str()}),
                };
                if let Some(want) = step.get("expect") {
                    problems.extend(check(&file, i, &got, want));
                }
                continue;
            }
            if step.get("restore").is_some() {
                let json = router.snapshot_json(&state);
                let fresh = Router::from_json(&case["config"].to_string()).unwrap();
                let restored = fresh.restore_json(&json).unwrap();
                assert_eq!(
                    fresh.snapshot_json(&restored),
                    json,
                    "{file}: snapshot round trip"
                );
                state = restored;
                quiet = fresh.restore_json(&router.snapshot_json(&quiet)).unwrap();
                continue;
            }
            let now = ms(&step["at"]);
            let text = step["lead"].to_string();
            let lead = router.schema().parse_json(&text).unwrap();
            let d = router.route(&mut state, &lead, RouteOptions::at(now));
            let q = router.route(
                &mut quiet,
                &lead,
                RouteOptions {
                    trace: false,
                    ..RouteOptions::at(now)
                },
            );
            assert!(q.trace.is_none());
            assert_eq!(
                (q.outcome, q.rep, q.via),
                (d.outcome, d.rep, d.via),
                "{file} step {i}: untraced differs"
            );
            let d = serde_json::to_value(&d).unwrap();
            problems.extend(check(&file, i, &d, &step["expect"]));
        }
    }
    assert!(steps_run > 50, "only {steps_run} steps ran");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
