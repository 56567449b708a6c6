//! The bundled default config and sample leads: compile, route all, every lead
//! accounted for.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{Outcome, RouteOptions, Router};

#[test]
fn default_config_routes_every_sample_lead() {
    let config = std::fs::read_to_string("data/default-config.json").unwrap();
    let router = match Router::from_json(&config) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let mut state = router.new_state();
    let leads = std::fs::read_to_string("data/sample-leads.jsonl").unwrap();
    let mut counts = std::collections::BTreeMap::new();
    let mut n = 0;
    for line in leads.lines().filter(|l| !l.trim().is_empty()) {
        let lead = router.schema().parse_json(line).unwrap();
        let now = lead.created_at.unwrap();
        let d = router.route(&mut state, &lead, RouteOptions::at(now));
        if d.outcome == Outcome::Assigned {
            assert!(d.rep.is_some());
        }
        *counts
            .entry(format!("{:?} {:?}", d.outcome, d.rep))
            .or_insert(0) += 1;
        n += 1;
    }
    assert_eq!(n, 400);
    assert_eq!(counts.values().sum::<i32>(), 400);
    eprintln!("{counts:#?}");
}
