//! The one lead check: every problem of a submission at once, each with its code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::Router;

fn router(extra: &str) -> Router {
    Router::from_json(&format!(
        r#"{{"fields": {{"email": "string", "size": "number", "demo": "boolean"}},
            "reps": [{{"id": "a"}}], "fallback": "a",
            "screening": {{"required": ["email"]}}{extra}}}"#
    ))
    .unwrap()
}

fn codes(r: &Router, json: &str) -> Vec<(&'static str, String)> {
    r.check_lead_json(json)
        .into_iter()
        .map(|p| (p.code, p.field))
        .collect()
}

#[test]
fn form_strings_coerce_exactly_as_routing_reads_them() {
    let r = router("");
    assert!(codes(
        &r,
        r#"{"id": "L1", "email": "kim@acme.com", "size": "5000", "demo": "on"}"#
    )
    .is_empty());
    assert!(codes(
        &r,
        r#"{"id": "L1", "email": "kim@acme.com", "demo": "y", "extra": [1]}"#
    )
    .is_empty());
}

#[test]
fn every_problem_comes_at_once() {
    let r = router("");
    assert_eq!(
        codes(
            &r,
            r#"{"id": 7, "size": "lots", "demo": "maybe", "email": ""}"#
        ),
        [
            ("invalid_id", "id".to_string()),
            ("wrong_type", "demo".to_string()),
            ("wrong_type", "size".to_string()),
            ("missing_field", "email".to_string()),
        ]
    );
    assert_eq!(
        codes(&r, r#"{"id": "L2", "email": "no-at-sign"}"#),
        [("invalid_email", "email".to_string())]
    );
    assert_eq!(codes(&r, "[1]"), [("invalid_lead", String::new())]);
}

#[test]
fn a_missing_id_is_a_problem_unless_ids_are_generated() {
    assert_eq!(
        codes(&router(""), r#"{"email": "kim@acme.com"}"#),
        [("missing_id", "id".to_string())]
    );
    let r = router(r#", "lead_ids": {"generate": true}"#);
    assert!(r.generates_ids());
    assert!(codes(&r, r#"{"email": "kim@acme.com"}"#).is_empty());
}
