//! The README's complete policy example (examples/policy/config.json) over a generated
//! month of leads: every lead accounted for once, caps hold for every member (only the
//! declared overflow, a team lead ignoring caps, goes past them), the conditional cap
//! holds, and the run is reproducible, across a snapshot/restore too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../examples/policy/month.rs"]
mod month;

use leadroute::{Outcome, RouteOptions, Router, Via};
use std::collections::BTreeMap;

fn router() -> Router {
    Router::from_json(&std::fs::read_to_string("examples/policy/config.json").unwrap()).unwrap()
}

/// `(lead id, outcome, rep, via)` for the month, restoring from a snapshot at `restore_at`.
fn run(restore_at: Option<usize>) -> Vec<(String, Outcome, Option<String>, Via)> {
    let mut r = router();
    let mut state = r.new_state();
    let mut out = Vec::new();
    for (i, (now, json)) in month::leads(7).into_iter().enumerate() {
        if Some(i) == restore_at {
            let snap = r.snapshot_json(&state);
            r = router();
            state = r.restore_json(&snap).unwrap();
        }
        let lead = r.schema().parse_json(&json).unwrap();
        let d = r.route(&mut state, &lead, RouteOptions::at(now));
        out.push((
            d.lead_id.clone().unwrap(),
            d.outcome,
            d.rep.map(str::to_string),
            d.via,
        ));
    }
    out
}

#[test]
fn a_month_of_the_policy_keeps_every_promise() {
    let r = router();
    let decisions = run(None);
    assert_eq!(decisions.len(), month::LEADS);
    let ids: std::collections::BTreeSet<&String> = decisions.iter().map(|d| &d.0).collect();
    assert_eq!(ids.len(), month::LEADS, "one decision per lead");

    let mut per_rep: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_outcome: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, outcome, rep, via) in &decisions {
        *by_outcome.entry(outcome.as_str()).or_default() += 1;
        // Team members are within their monthly cap: only overflow to a team lead
        // (ignore_caps) or the fallback owner may pass it.
        if *via == Via::Team {
            *per_rep.entry(rep.as_deref().unwrap()).or_default() += 1;
        }
    }
    for rep in r.reps() {
        let n = per_rep.get(rep.id.as_str()).copied().unwrap_or(0);
        if let Some(cap) = rep.caps[2] {
            assert!(
                n <= cap as usize,
                "{} took {n} leads as a member, cap {cap}",
                rep.id
            );
        }
    }
    // Every outcome occurs, and the month is busy enough that overflow happens.
    assert!(by_outcome.len() >= 3, "{by_outcome:?}");
    assert!(decisions.iter().any(|d| d.3 == Via::TeamDefaultOwner));
    assert!(
        decisions.iter().all(|d| d.3 != Via::Fallback),
        "the team leads take overflow"
    );
}

#[test]
fn the_month_is_reproducible_and_survives_a_restore() {
    let a = run(None);
    assert_eq!(a, run(None));
    assert_eq!(a, run(Some(month::LEADS / 2)));
}

#[test]
fn strategic_leads_respect_the_weekly_conditional_cap() {
    let r = router();
    let mut state = r.new_state();
    // (rep, ISO week) -> strategic leads taken as a member.
    let mut weekly: BTreeMap<(String, i64), u32> = BTreeMap::new();
    for (now, json) in month::leads(7) {
        let lead = r.schema().parse_json(&json).unwrap();
        let d = r.route(&mut state, &lead, RouteOptions::at(now));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        if d.via == Via::Team
            && d.team == Some("enterprise")
            && v["company_size"].as_f64() >= Some(10000.0)
        {
            // The ISO week in the rep's own zone, as the config gives it.
            let rep = d.rep.unwrap();
            let tz = match rep {
                "ent-1" => "America/Los_Angeles",
                _ => "America/New_York",
            };
            let week = leadroute::time::Zone::find(tz)
                .unwrap()
                .local(now)
                .week_key();
            *weekly.entry((rep.to_string(), week)).or_default() += 1;
        }
    }
    assert!(!weekly.is_empty());
    for ((rep, week), n) in weekly {
        assert!(n <= 3, "{rep} took {n} strategic leads in week {week}");
    }
}

#[test]
fn the_readme_shows_the_example_team_as_it_is() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let after = readme.split("Its enterprise team:").nth(1).unwrap();
    let block = after
        .split("```json")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_str(block).unwrap();
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("examples/policy/config.json").unwrap())
            .unwrap();
    assert_eq!(shown, config["teams"][0]);
}

/// Classify is pure: the month classified on two threads, then assigned in order, makes
/// exactly the decisions of routing it lead by lead (the split parallel simulation and
/// the edge's per-team objects build on).
#[test]
fn classify_in_parallel_then_assign_gives_the_same_month() {
    let r = router();
    let leads = month::leads(7);
    let parsed: Vec<_> = leads
        .iter()
        .map(|(_, json)| r.schema().parse_json(json).unwrap())
        .collect();
    let half = parsed.len() / 2;
    let (a, b) = parsed.split_at(half);
    let tickets: Vec<_> = std::thread::scope(|s| {
        let ta = s.spawn(|| a.iter().map(|l| r.classify(l, true)).collect::<Vec<_>>());
        let tb = s.spawn(|| b.iter().map(|l| r.classify(l, true)).collect::<Vec<_>>());
        let mut v = ta.join().unwrap();
        v.extend(tb.join().unwrap());
        v
    });
    let mut split = r.new_state();
    let mut whole = r.new_state();
    for (((now, _), lead), ticket) in leads.iter().zip(&parsed).zip(tickets) {
        let opts = RouteOptions::at(*now);
        let x = serde_json::to_value(r.assign_ticket(&mut split, ticket, lead, opts)).unwrap();
        let y = serde_json::to_value(r.route(&mut whole, lead, opts)).unwrap();
        assert!(x == y, "decisions differ for {}", y["lead_id"]);
    }
    assert!(
        r.snapshot_json(&split) == r.snapshot_json(&whole),
        "states differ"
    );
}
