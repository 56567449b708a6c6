//! Config validation: every problem at once, each at its JSON path, with "did you
//! mean" for misspelt keys, fields, rep ids and team ids. Exact messages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::Router;

fn errors(json: &str) -> Vec<String> {
    match Router::from_json(json) {
        Ok(_) => panic!("config unexpectedly valid"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn reports_every_problem_with_path_and_suggestion() {
    let got = errors(
        r#"{
      "fields": {"revenue": "number", "country": "string"},
      "reps": [{"id": "ana"}, {"id": "ben", "caps": {"month": "lots"}}],
      "teams": [{"id": "sales", "members": ["ana", "bne"], "strategy": {"type": "round_robbin"}}],
      "rules": [
        {"id": "r0", "when": "country == \"US\"", "team": "sale"},
        {"id": "r1", "when": "revenue >=", "rep": "ana"},
        {"id": "r2", "when": {"field": "revnue", "op": "gt", "value": 100000}, "rep": "ana"}
      ],
      "fallback": "anna",
      "fallbak": "ana"
    }"#,
    );
    assert_eq!(
        got,
        vec![
            "fallbak: unknown key \"fallbak\" (did you mean \"fallback\"?)",
            "reps[1].caps.month: expected a whole number from 0 to 4294967295, found the string \"lots\"",
            "teams[0].strategy.type: unknown value \"round_robbin\" (did you mean \"round_robin\"?)",
            "teams[0].members[1]: unknown rep \"bne\" (did you mean \"ben\"?)",
            "rules[0].team: unknown team \"sale\" (did you mean \"sales\"?)",
            "rules[1].when: line 1, column 11: expected a value after `>=`, found end of input",
            "rules[2].when.field: unknown field \"revnue\" (did you mean \"revenue\"?)",
            "fallback: unknown rep \"anna\" (did you mean \"ana\"?)",
        ]
    );
}

fn coded(json: &str) -> Vec<(&'static str, String, String, String)> {
    match Router::from_json(json) {
        Ok(_) => panic!("config unexpectedly valid"),
        Err(e) => {
            e.0.into_iter()
                .map(|e| (e.code.as_str(), e.path, e.message, e.help))
                .collect()
        }
    }
}

/// A type error (a cap of -1) no longer hides the reference problems elsewhere: one
/// list with every problem, each with its code and help.
#[test]
fn type_errors_and_reference_errors_come_together() {
    let got = coded(
        r#"{
      "reps": [{"id": "ana", "caps": {"day": -1}}, {"id": "ben"}],
      "teams": [{"id": "sales", "members": ["ana", "bob"], "strategy": {"type": "round_robbin"}}],
      "rules": [{"id": "all", "team": "sales"}],
      "fallback": "ana"
    }"#,
    );
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (
                "wrong_type",
                s("reps[0].caps.day"),
                s("expected a whole number from 0 to 4294967295, found the number -1"),
                s(""),
            ),
            (
                "unknown_value",
                s("teams[0].strategy.type"),
                s("unknown value \"round_robbin\" (did you mean \"round_robin\"?)"),
                s("did you mean \"round_robin\"?"),
            ),
            (
                "unknown_reference",
                s("teams[0].members[1]"),
                s("unknown rep \"bob\" (did you mean \"ben\"?)"),
                s("did you mean \"ben\"?"),
            ),
        ]
    );
}

/// A value replaced by a default while reading is reported once: the compiler's view of
/// the default (an empty id, an empty fallback) is not a second problem. A skipped list
/// item shifts later indexes, so then only the reading problems are listed.
#[test]
fn defaults_are_not_reported_twice() {
    let got =
        coded(r#"{"reps": [{"id": 7}, {"id": "ben"}], "rules": [{"id": "x", "rep": "bem"}]}"#);
    let got: Vec<_> = got
        .iter()
        .map(|(c, p, m, _)| format!("{c} {p}: {m}"))
        .collect();
    assert_eq!(
        got,
        vec![
            "missing_key : missing required key \"fallback\"",
            "wrong_type reps[0].id: expected a string, found the number 7",
            "unknown_reference rules[0].rep: unknown rep \"bem\" (did you mean \"ben\"?)",
        ]
    );
    let got = coded(
        r#"{"reps": [3, {"id": "ben"}], "rules": [{"id": "x", "rep": "bem"}], "fallback": "ben"}"#,
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "wrong_type");
    assert_eq!(got[0].1, "reps[0]");
}

/// Every problem carries a code from the documented list (README, "Error codes").
#[test]
fn every_code_is_documented() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    use leadroute::error::{ConfigCode as C, LeadCode as L, StateCode as S};
    let codes = [
        C::InvalidJson.as_str(),
        C::TooLarge.as_str(),
        C::OverLimit.as_str(),
        C::UnknownKey.as_str(),
        C::MissingKey.as_str(),
        C::WrongType.as_str(),
        C::UnknownValue.as_str(),
        C::UnknownReference.as_str(),
        C::InvalidValue.as_str(),
        L::InvalidLead.as_str(),
        S::Refused.as_str(),
        S::NotFound.as_str(),
        S::NotMember.as_str(),
        S::AlreadyClaimed.as_str(),
        S::LimitReached.as_str(),
        S::NotOwner.as_str(),
        S::Unavailable.as_str(),
        S::Expired.as_str(),
        S::PoolEmpty.as_str(),
        S::InvalidSnapshot.as_str(),
    ];
    for code in codes {
        assert!(
            readme.contains(&format!("| `{code}` |")),
            "README lacks a row for `{code}`"
        );
    }
    // The serialized form is the same snake_case name.
    let e = Router::from_json("{").err().unwrap();
    let v = serde_json::to_value(&e.0[0]).unwrap();
    assert_eq!(v["code"], "invalid_json");
    assert_eq!(v["help"], "");
}

#[test]
fn semantic_problems_are_all_listed() {
    let got = errors(
        r#"{
      "fields": {"revenue": "number", "country": "string"},
      "reps": [{"id": "ana", "hours": {"tz": "Europe/Berln", "mon": "17:00-09:00"}}, {"id": "ben"}],
      "teams": [{"id": "sales", "members": ["ana", "bne"]}],
      "rules": [
        {"id": "r0", "when": "country == \"US\"", "team": "sale"},
        {"id": "r1", "when": "revenue >=", "rep": "ana"},
        {"id": "r2", "when": {"field": "revnue", "op": "gt", "value": 100000}, "rep": "ana"},
        {"id": "r3", "when": {"all": [{"field": "country", "op": "gt", "value": 3}, {"field": "revenue", "op": "in", "value": ["x"]}]}, "rep": "ana"},
        {"id": "r4", "when": "title contains \"vp\"", "rep": "ana", "team": "sales"}
      ],
      "fallback": "anna"
    }"#,
    );
    assert_eq!(
        got,
        vec![
            "reps[0].hours.tz: unknown time zone \"Europe/Berln\" (did you mean \"Europe/Berlin\"?)",
            "reps[0].hours.mon: expected working hours like \"09:00-17:30\" (start before end), found \"17:00-09:00\"",
            "teams[0].members[1]: unknown rep \"bne\" (did you mean \"ben\"?)",
            "rules[0].team: unknown team \"sale\" (did you mean \"sales\"?)",
            "rules[1].when: line 1, column 11: expected a value after `>=`, found end of input",
            "rules[2].when.field: unknown field \"revnue\" (did you mean \"revenue\"?)",
            "rules[3].when.all[0].op: operator \"gt\" needs a number field, but the field is a string",
            "rules[3].when.all[1].value[0]: expected a number value, found the string \"x\"",
            "rules[4].when: line 1, column 1: unknown field \"title\" (declare it under \"fields\")",
            "rules[4]: a rule has exactly one target: \"rep\", \"team\" or \"pool\"",
            "fallback: unknown rep \"anna\" (did you mean \"ana\"?)",
        ]
    );
}

#[test]
fn invalid_json_says_where() {
    assert_eq!(
        errors("{\"reps\": [}"),
        vec!["invalid JSON at line 1, column 11: expected value"]
    );
    assert_eq!(errors("[]"), vec!["expected an object, found a list"]);
    assert_eq!(
        errors("{}"),
        vec![
            "missing required key \"reps\"",
            "missing required key \"fallback\""
        ]
    );
}

#[test]
fn unknown_keys_in_nested_objects_are_errors() {
    let got = errors(
        r#"{"reps": [{"id": "ana", "languges": ["en"]}], "fallback": "ana",
            "scoring": {"groups": [], "mqll": 3}}"#,
    );
    assert_eq!(
        got,
        vec![
            "reps[0].languges: unknown key \"languges\" (did you mean \"languages\"?)",
            "scoring.mqll: unknown key \"mqll\" (did you mean \"mql\"?)",
        ]
    );
}

#[test]
fn limits_are_enforced_with_clear_errors() {
    let deep = format!(
        "{}{}{}",
        "{\"not\": ".repeat(40),
        "{\"field\": \"id\", \"op\": \"exists\"}",
        "}".repeat(40)
    );
    let cfg = format!(
        r#"{{"reps": [{{"id": "a"}}], "rules": [{{"id": "deep", "when": {deep}, "rep": "a"}}], "fallback": "a"}}"#
    );
    let got = errors(&cfg);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].ends_with("condition nesting deeper than 32"),
        "{}",
        got[0]
    );
    let long_regex = format!(
        r#"{{"fields": {{"t": "string"}}, "reps": [{{"id": "a"}}], "rules": [{{"id": "re", "when": {{"field": "t", "op": "matches", "value": "{}"}}, "rep": "a"}}], "fallback": "a"}}"#,
        "a".repeat(2000)
    );
    assert_eq!(
        errors(&long_regex),
        vec!["rules[0].when.value: regex of 2000 bytes is longer than the limit of 1000 bytes"]
    );
}

#[test]
fn problems_inside_text_conditions_point_into_the_text() {
    let e = Router::from_json(
        r#"{"fields": {"size": "number", "t": "string"}, "reps": [{"id": "a"}], "fallback": "a",
            "rules": [{"id": "r", "when": "size >= 10 and\n  sise < 5 or t > 3", "rep": "a"}]}"#,
    )
    .unwrap_err();
    let got: Vec<String> =
        e.0.iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
    assert_eq!(
        got,
        [
            "rules[0].when: line 2, column 3: unknown field \"sise\" (did you mean \"size\"?)",
            "rules[0].when: line 2, column 15: operator \"gt\" needs a number field, but the field is a string",
        ]
    );
}
