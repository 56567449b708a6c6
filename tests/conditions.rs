//! Every condition operator, in text and JSON form, evaluated against leads: a table of
//! (condition, lead, expected match), including missing fields and case handling.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{RouteOptions, Router};
use serde_json::{json, Value};

fn matches(cond: &Value, lead: &Value) -> bool {
    let config = json!({
        "fields": {"title": "string", "size": "number", "demo": "boolean", "email": "string",
                   "country": "string", "message": "string"},
        "reps": [{"id": "yes"}, {"id": "no"}],
        "rules": [{"id": "r", "when": cond, "rep": "yes"}],
        "fallback": "no"
    });
    let router = Router::from_json(&config.to_string()).unwrap_or_else(|e| panic!("{cond}: {e}"));
    let mut state = router.new_state();
    let text = lead.to_string();
    let lead = router.schema().parse_json(&text).unwrap();
    router.route(&mut state, &lead, RouteOptions::at(0)).rep == Some("yes")
}

#[test]
fn every_operator_in_text_and_json() {
    let cases: Vec<(Value, Value, bool)> = vec![
        // eq / ne (strings case-insensitive unless case_sensitive), numbers, booleans
        (json!("country == \"us\""), json!({"country": "US"}), true),
        (
            json!("country == \"us\" case_sensitive"),
            json!({"country": "US"}),
            false,
        ),
        (
            json!({"field": "country", "op": "eq", "value": "US", "case_sensitive": true}),
            json!({"country": "US"}),
            true,
        ),
        (json!("country != \"US\""), json!({"country": "CA"}), true),
        (json!("country != \"US\""), json!({}), true),
        (json!("size == 50"), json!({"size": "50"}), true),
        (json!("demo == true"), json!({"demo": "yes"}), true),
        (json!("demo == false"), json!({"demo": true}), false),
        // in / not in
        (
            json!("country in [\"US\", \"CA\"]"),
            json!({"country": "ca"}),
            true,
        ),
        (
            json!("country in [\"US\", \"CA\"]"),
            json!({"country": "MX"}),
            false,
        ),
        (
            json!("country not in [\"US\"]"),
            json!({"country": "MX"}),
            true,
        ),
        (json!("country not in [\"US\"]"), json!({}), true),
        (
            json!({"field": "size", "op": "in", "value": [10, 20]}),
            json!({"size": 20}),
            true,
        ),
        (
            json!({"field": "size", "op": "not_in", "value": [10, 20]}),
            json!({"size": 20}),
            false,
        ),
        // numeric comparisons and between (inclusive)
        (json!("size > 100"), json!({"size": 100}), false),
        (json!("size >= 100"), json!({"size": 100}), true),
        (json!("size < 100"), json!({"size": 99.5}), true),
        (json!("size <= 100"), json!({"size": 101}), false),
        (json!("size between 10 and 20"), json!({"size": 20}), true),
        (json!("size between 10 and 20"), json!({"size": 9}), false),
        (
            json!({"field": "size", "op": "gt", "value": 5}),
            json!({}),
            false,
        ),
        // contains / starts_with / ends_with / contains_any
        (
            json!("title contains \"sales\""),
            json!({"title": "VP SALES"}),
            true,
        ),
        (
            json!("title contains \"sales\" case_sensitive"),
            json!({"title": "VP SALES"}),
            false,
        ),
        (
            json!("title starts_with \"vp\""),
            json!({"title": "VP Sales"}),
            true,
        ),
        (
            json!("title starts_with \"sales\""),
            json!({"title": "VP Sales"}),
            false,
        ),
        (
            json!("title ends_with \"ops\""),
            json!({"title": "Head of RevOps"}),
            true,
        ),
        (
            json!("message contains_any [\"casino\", \"loan\"]"),
            json!({"message": "Cheap LOANS"}),
            true,
        ),
        (
            json!("message contains_any [\"casino\"]"),
            json!({"message": "hello"}),
            false,
        ),
        // matches (regex-lite; case-insensitive by default)
        (
            json!("title matches \"^(vp|chief)\\\\b\""),
            json!({"title": "Chief of Staff"}),
            true,
        ),
        (
            json!("title matches \"^(vp|chief)\\\\b\""),
            json!({"title": "Mischief"}),
            false,
        ),
        (
            json!({"field": "title", "op": "matches", "value": "^vp$", "case_sensitive": true}),
            json!({"title": "VP"}),
            false,
        ),
        (
            json!({"field": "title", "op": "matches", "value": "[0-9]{3}"}),
            json!({"title": "agent 007"}),
            true,
        ),
        // exists / missing (empty strings are missing)
        (json!("title exists"), json!({"title": "x"}), true),
        (json!("title exists"), json!({"title": ""}), false),
        (json!("title missing"), json!({"title": null}), true),
        (json!({"field": "title", "op": "missing"}), json!({}), true),
        // email operators
        (
            json!("email is valid_email"),
            json!({"email": "kim@acme.com"}),
            true,
        ),
        (
            json!("email is valid_email"),
            json!({"email": "kim@acme"}),
            false,
        ),
        (
            json!("email is free_email"),
            json!({"email": "kim@Yahoo.com"}),
            true,
        ),
        (
            json!("email is business_email"),
            json!({"email": "kim@acme.com"}),
            true,
        ),
        (
            json!("email is business_email"),
            json!({"email": "kim@gmail.com"}),
            false,
        ),
        (
            json!("email is not free_email"),
            json!({"email": "kim@acme.com"}),
            true,
        ),
        (
            json!("email domain in [\"acme.com\"]"),
            json!({"email": "kim@sales.ACME.com"}),
            true,
        ),
        (
            json!({"field": "email", "op": "domain_in", "value": ["@acme.com"]}),
            json!({"email": "kim@acme.co"}),
            false,
        ),
        // all / any / not, and text inside a JSON tree
        (
            json!({"all": ["size > 10", {"field": "country", "op": "eq", "value": "US"}]}),
            json!({"size": 11, "country": "US"}),
            true,
        ),
        (
            json!({"all": ["size > 10", "country == \"US\""]}),
            json!({"size": 11, "country": "CA"}),
            false,
        ),
        (
            json!({"any": ["size > 10", "country == \"US\""]}),
            json!({"size": 1, "country": "US"}),
            true,
        ),
        (json!({"not": "size > 10"}), json!({"size": 1}), true),
        (
            json!("not (size > 10 or country == \"US\")"),
            json!({"size": 1, "country": "CA"}),
            true,
        ),
        (
            json!("size > 10 and country in [\"US\"] or demo == true"),
            json!({"demo": true}),
            true,
        ),
        (json!({"all": []}), json!({}), true),
        (json!({"any": []}), json!({}), false),
    ];
    let mut failures = Vec::new();
    for (cond, lead, want) in &cases {
        if matches(cond, lead) != *want {
            failures.push(format!("{cond} on {lead}: expected {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() > 50);
}
