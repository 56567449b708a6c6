//! With many rules keyed on one field, the rule index must keep first-match order
//! exactly: checked against a plain evaluation written out in the test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{RouteOptions, Router};

/// A rule id and the plain-Rust version of its condition.
type Expected = Vec<(String, Box<dyn Fn(&str, f64) -> bool>)>;

#[test]
fn indexed_rules_keep_first_match_order() {
    // 300 rules: most are `country in [...]`, some test another field, some overlap.
    let mut rules = Vec::new();
    let mut expected_rules: Expected = Vec::new();
    for i in 0..300 {
        let id = format!("r{i}");
        if i % 37 == 5 {
            let lim = (i * 10) as f64;
            rules.push(format!(
                r#"{{"id": "{id}", "when": "size > {lim}", "rep": "rep{}"}}"#,
                i % 7
            ));
            expected_rules.push((id, Box::new(move |_, size| size > lim)));
        } else {
            let a = format!("C{}", i % 120);
            let b = format!("C{}", (i * 7) % 120);
            rules.push(format!(
                r#"{{"id": "{id}", "when": {{"all": [{{"field": "country", "op": "in", "value": ["{a}", "{b}"]}}, "size >= 0"]}}, "rep": "rep{}"}}"#,
                i % 7
            ));
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            expected_rules.push((
                id,
                Box::new(move |c: &str, size| {
                    (c.to_lowercase() == a || c.to_lowercase() == b) && size >= 0.0
                }),
            ));
        }
    }
    let reps: Vec<String> = (0..7).map(|i| format!(r#"{{"id": "rep{i}"}}"#)).collect();
    let config = format!(
        r#"{{"fields": {{"country": "string", "size": "number"}}, "reps": [{}], "rules": [{}], "fallback": "rep0"}}"#,
        reps.join(","),
        rules.join(",")
    );
    let router = Router::from_json(&config).unwrap();
    let mut state = router.new_state();
    let mut seed = 42u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    for n in 0..5000 {
        let country = format!("{}{}", if n % 2 == 0 { "c" } else { "C" }, next() % 140);
        let size = (next() % 4000) as f64 - 100.0;
        let text = format!(r#"{{"id": "L{n}", "country": "{country}", "size": {size}}}"#);
        let lead = router.schema().parse_json(&text).unwrap();
        let trace = n % 3 == 0;
        let d = router.route(
            &mut state,
            &lead,
            RouteOptions {
                trace,
                ..RouteOptions::at(1_793_631_600_000)
            },
        );
        let want = expected_rules
            .iter()
            .find(|(_, f)| f(&country, size))
            .map(|(id, _)| id.as_str());
        assert_eq!(d.rule, want, "lead {country} {size}");
        if trace {
            // The trace lists the rules actually evaluated, ending with the match.
            let checked = &d.trace.as_ref().unwrap().rules;
            assert_eq!(checked.last().filter(|c| c.matched).map(|c| c.rule), want);
            assert!(checked.windows(2).all(|w| {
                let idx = |r: &str| r[1..].parse::<usize>().unwrap();
                idx(w[0].rule) < idx(w[1].rule)
            }));
        }
    }
}
