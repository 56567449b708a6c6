//! Idempotent routing: a lead id routed before is replayed, not routed again (nothing
//! counted twice), within the remembered window, across snapshots; `route_again` moves a
//! lead on purpose, counts included.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{Outcome, RouteOptions, Router, State};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_793_631_600_000; // 2026-11-02T15:00:00Z

fn router(extra: &str) -> Router {
    Router::from_json(&format!(
        r#"{{
      "fields": {{"kind": "string"}},
      "reps": [{{"id": "ana", "caps": {{"day": 2}}}}, {{"id": "ben"}}, {{"id": "fb"}}],
      "teams": [{{"id": "sales", "members": ["ana", "ben"]}}],
      "pools": [{{"id": "p", "reps": ["ana", "ben"]}}],
      "rules": [{{"id": "pool", "when": "kind == \"pool\"", "pool": "p"}}, {{"id": "all", "team": "sales"}}],
      "fallback": "fb"{extra}
    }}"#
    ))
    .unwrap()
}

fn route(r: &Router, s: &mut State, lead: &str, now: i64) -> (String, bool, Outcome) {
    let lead = r.schema().parse_json(lead).unwrap();
    let d = r.route(s, &lead, RouteOptions::at(now));
    (d.rep.unwrap_or("-").to_string(), d.replayed, d.outcome)
}

#[test]
fn a_repeated_lead_is_replayed_and_counts_nothing() {
    let r = router("");
    let mut s = r.new_state();
    assert_eq!(
        route(&r, &mut s, r#"{"id": "L1"}"#, T0),
        ("ana".into(), false, Outcome::Assigned)
    );
    let before = r.snapshot_json(&s);
    let lead = r.schema().parse_json(r#"{"id": "L1"}"#).unwrap();
    let d = r.route(&mut s, &lead, RouteOptions::at(T0 + 1));
    assert!(d.replayed);
    assert_eq!(
        (d.rep, d.team, d.rule),
        (Some("ana"), Some("sales"), Some("all"))
    );
    assert_eq!(
        d.reason,
        "lead \"L1\" was routed before (assigned to ana): the same decision, nothing counted again"
    );
    assert_eq!(r.snapshot_json(&s), before, "a replay changes nothing");
    // The rotation went on as if the repeat never came.
    assert_eq!(route(&r, &mut s, r#"{"id": "L2"}"#, T0 + 2).0, "ben");
}

#[test]
fn a_replay_reports_where_the_lead_is_now() {
    let r = router("");
    let mut s = r.new_state();
    assert_eq!(
        route(&r, &mut s, r#"{"id": "P1", "kind": "pool"}"#, T0).2,
        Outcome::Pooled
    );
    assert_eq!(
        route(&r, &mut s, r#"{"id": "P1", "kind": "pool"}"#, T0 + 1),
        ("-".into(), true, Outcome::Pooled)
    );
    r.claim(&mut s, "P1", "ben", T0 + 2).unwrap();
    assert_eq!(
        route(&r, &mut s, r#"{"id": "P1", "kind": "pool"}"#, T0 + 3),
        ("ben".into(), true, Outcome::Assigned)
    );
}

#[test]
fn ids_are_remembered_for_the_window_and_across_snapshots() {
    let r = router(r#", "lead_ids": {"remember_days": 7}"#);
    let mut s = r.new_state();
    route(&r, &mut s, r#"{"id": "L1"}"#, T0);
    let restored = router(r#", "lead_ids": {"remember_days": 7}"#)
        .restore_json(&r.snapshot_json(&s))
        .unwrap();
    let mut s2 = restored.clone();
    assert!(
        route(&r, &mut s2, r#"{"id": "L1"}"#, T0 + DAY).1,
        "replayed after a restore"
    );
    // A lead routed 8 days later pushes L1 out of the window: the id is a new lead again.
    route(&r, &mut s, r#"{"id": "L2"}"#, T0 + 8 * DAY);
    assert!(!route(&r, &mut s, r#"{"id": "L1"}"#, T0 + 8 * DAY + 1).1);
    // Remembering can be turned off: every repeat routes.
    let off = router(r#", "lead_ids": {"remember_days": 0}"#);
    let mut s = off.new_state();
    route(&off, &mut s, r#"{"id": "L1"}"#, T0);
    assert_eq!(
        route(&off, &mut s, r#"{"id": "L1"}"#, T0 + 1),
        ("ben".into(), false, Outcome::Assigned)
    );
}

#[test]
fn route_again_moves_the_lead_and_its_counts() {
    let r = router("");
    let mut s = r.new_state();
    route(&r, &mut s, r#"{"id": "L1"}"#, T0); // ana, 1 of 2 today
    route(&r, &mut s, r#"{"id": "L2"}"#, T0 + 1); // ben
    route(&r, &mut s, r#"{"id": "L3"}"#, T0 + 2); // ana, 2 of 2: at cap
    let lead = r.schema().parse_json(r#"{"id": "L3"}"#).unwrap();
    let d = r.route_again(&mut s, &lead, RouteOptions::at(T0 + 3));
    assert!(!d.replayed);
    assert!(
        d.reason.starts_with("re-routed on request: "),
        "{}",
        d.reason
    );
    // L3's count left ana, so she can take one more today.
    assert_eq!(route(&r, &mut s, r#"{"id": "L4"}"#, T0 + 4).0, "ana");
    let snap: serde_json::Value = serde_json::from_str(&r.snapshot_json(&s)).unwrap();
    assert_eq!(snap["reps"]["ana"]["day"][0][1], 2);
}
