//! Notify and remind: first-touch SLA timelines across days, escalation, re-routing
//! that never returns to a rep who missed it, tick idempotence, snapshots mid-way.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::sla::{Event, EventKind};
use leadroute::{RouteOptions, Router, State};

fn at(s: &str) -> i64 {
    leadroute::time::parse_datetime_ms(s).unwrap()
}

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

const CONFIG: &str = r#"{
  "reps": [{"id": "ana"}, {"id": "ben"}, {"id": "cho"}, {"id": "mgr"}],
  "teams": [
    {"id": "sales", "members": ["ana", "ben", "cho"], "default_owner": "mgr",
     "sla": {"first_touch_minutes": 5, "remind_after_minutes": [60, 1440], "escalate_to": "mgr", "reroute": true}},
    {"id": "duo", "members": ["ana", "ben"],
     "sla": {"first_touch_minutes": 10, "escalate_to": "mgr", "reroute": true}}
  ],
  "fields": {"kind": "string"},
  "rules": [
    {"id": "duo", "when": "kind == \"duo\"", "team": "duo"},
    {"id": "quiet", "when": "kind == \"quiet\"", "team": "sales", "sla": {"first_touch_minutes": 30, "remind_after_minutes": [120]}},
    {"id": "all", "team": "sales"}
  ],
  "fallback": "ana"
}"#;

fn route(r: &Router, s: &mut State, lead: &str, now: i64) -> String {
    let lead = r.schema().parse_json(lead).unwrap();
    r.route(s, &lead, RouteOptions::at(now))
        .rep
        .unwrap()
        .to_string()
}

fn brief(events: &[Event]) -> Vec<(EventKind, i64, String, String)> {
    events
        .iter()
        .map(|e| (e.kind, e.at, e.lead_id.clone(), e.rep.clone()))
        .collect()
}

#[test]
fn breach_escalates_and_reroutes_then_reminds_the_new_owner_across_days() {
    let r = Router::from_json(CONFIG).unwrap();
    let mut s = r.new_state();
    let t0 = at("2026-11-02T15:00:00Z");
    assert_eq!(route(&r, &mut s, r#"{"id": "L1"}"#, t0), "ana");
    assert!(r.tick(&mut s, t0 + 4 * MIN).is_empty());
    let ev = r.tick(&mut s, t0 + 5 * MIN);
    assert_eq!(
        brief(&ev),
        vec![
            (
                EventKind::Escalation,
                t0 + 5 * MIN,
                "L1".into(),
                "mgr".into()
            ),
            (
                EventKind::Reassigned,
                t0 + 5 * MIN,
                "L1".into(),
                "ben".into()
            ),
        ]
    );
    assert_eq!(ev[0].reason, "first-touch SLA of 5 min missed by ana");
    assert_eq!(ev[1].from_rep.as_deref(), Some("ana"));
    // Idempotent: the same tick again yields nothing.
    assert!(r.tick(&mut s, t0 + 5 * MIN).is_empty());
    // ben now owns it; ana can no longer touch it.
    assert_eq!(
        r.touch(&mut s, "L1", "ana", t0 + 6 * MIN)
            .unwrap_err()
            .message,
        "lead \"L1\" is not assigned to rep \"ana\""
    );
    // ben misses too: cho gets it (never back to ana or ben).
    let ev = r.tick(&mut s, t0 + 10 * MIN);
    assert_eq!(
        brief(&ev),
        vec![
            (
                EventKind::Escalation,
                t0 + 10 * MIN,
                "L1".into(),
                "mgr".into()
            ),
            (
                EventKind::Reassigned,
                t0 + 10 * MIN,
                "L1".into(),
                "cho".into()
            ),
        ]
    );
    // cho misses: nobody left in the team but the default owner.
    let ev = r.tick(&mut s, t0 + 16 * MIN);
    assert_eq!(ev[1].rep, "mgr");
    // mgr does not touch it either: mgr is not escalated to about mgr's own miss; the
    // reminders come at +60 min and the next day.
    let owned = t0 + 16 * MIN;
    let ev = r.tick(&mut s, owned + 30 * MIN);
    assert_eq!(brief(&ev), vec![]);
    let ev = r.tick(&mut s, owned + 2 * HOUR);
    assert_eq!(
        brief(&ev),
        vec![(EventKind::Reminder, owned + HOUR, "L1".into(), "mgr".into())]
    );
    assert_eq!(ev[0].reason, "not contacted 1 h after assignment");
    let ev = r.tick(&mut s, owned + 3 * DAY);
    assert_eq!(
        brief(&ev),
        vec![(EventKind::Reminder, owned + DAY, "L1".into(), "mgr".into())]
    );
    assert_eq!(ev[0].reason, "not contacted 1 d after assignment");
    assert!(r.tick(&mut s, owned + 4 * DAY).is_empty());
}

#[test]
fn touch_stops_the_clock_and_is_idempotent() {
    let r = Router::from_json(CONFIG).unwrap();
    let mut s = r.new_state();
    let t0 = at("2026-11-02T15:00:00Z");
    route(&r, &mut s, r#"{"id": "L1"}"#, t0);
    r.touch(&mut s, "L1", "ana", t0 + 2 * MIN).unwrap();
    let snap = r.snapshot_json(&s);
    r.touch(&mut s, "L1", "ana", t0 + 3 * MIN).unwrap();
    assert_eq!(r.snapshot_json(&s), snap);
    assert!(r.tick(&mut s, t0 + 10 * DAY).is_empty());
    // Pruned after a week, so state stays bounded (the id alone is remembered, for
    // replays, until the lead-id window passes).
    let snap: serde_json::Value = serde_json::from_str(&r.snapshot_json(&s)).unwrap();
    assert_eq!(snap["assignments"], serde_json::json!([]));
    assert_eq!(
        r.touch(&mut s, "L9", "ana", t0).unwrap_err().message,
        "lead \"L9\" is not tracked (no SLA or claim applies to it)"
    );
}

#[test]
fn rule_sla_overrides_team_sla_and_without_reroute_only_escalates() {
    let r = Router::from_json(CONFIG).unwrap();
    let mut s = r.new_state();
    let t0 = at("2026-11-02T15:00:00Z");
    assert_eq!(
        route(&r, &mut s, r#"{"id": "Q1", "kind": "quiet"}"#, t0),
        "ana"
    );
    assert!(r.tick(&mut s, t0 + 29 * MIN).is_empty());
    // No escalate_to and no reroute on the rule's SLA: nothing but the reminder.
    assert!(r.tick(&mut s, t0 + 31 * MIN).is_empty());
    let ev = r.tick(&mut s, t0 + 3 * HOUR);
    assert_eq!(
        brief(&ev),
        vec![(
            EventKind::Reminder,
            t0 + 2 * HOUR,
            "Q1".into(),
            "ana".into()
        )]
    );
}

#[test]
fn reroute_never_returns_to_a_rep_who_missed() {
    let r = Router::from_json(CONFIG).unwrap();
    let mut s = r.new_state();
    let t0 = at("2026-11-02T15:00:00Z");
    assert_eq!(
        route(&r, &mut s, r#"{"id": "D1", "kind": "duo"}"#, t0),
        "ana"
    );
    let ev = r.tick(&mut s, t0 + 10 * MIN);
    assert_eq!(ev[1].rep, "ben");
    // ben misses; the duo team has no default owner and the fallback (ana) missed it
    // already, so it stays with ben and only escalates.
    let ev = r.tick(&mut s, t0 + 20 * MIN);
    assert_eq!(
        brief(&ev),
        vec![(
            EventKind::Escalation,
            t0 + 20 * MIN,
            "D1".into(),
            "mgr".into()
        )]
    );
    assert!(r.tick(&mut s, t0 + 30 * MIN).is_empty());
    r.touch(&mut s, "D1", "ben", t0 + 31 * MIN).unwrap();
}

#[test]
fn snapshot_restore_mid_timeline_gives_the_same_events() {
    let r = Router::from_json(CONFIG).unwrap();
    let t0 = at("2026-11-02T15:00:00Z");
    let run = |restore_at: Option<usize>| {
        let mut s = r.new_state();
        let mut log = Vec::new();
        for step in 0..12usize {
            if Some(step) == restore_at {
                s = r.restore_json(&r.snapshot_json(&s)).unwrap();
            }
            let now = t0 + step as i64 * 7 * MIN;
            if step % 3 == 0 {
                log.push(format!(
                    "route {}",
                    route(&r, &mut s, &format!(r#"{{"id": "L{step}"}}"#), now)
                ));
            }
            log.extend(
                brief(&r.tick(&mut s, now))
                    .into_iter()
                    .map(|e| format!("{e:?}")),
            );
        }
        log
    };
    let straight = run(None);
    assert!(straight.len() > 8);
    for k in 0..12 {
        assert_eq!(run(Some(k)), straight, "restore at step {k}");
    }
}

#[test]
fn untouched_leads_leave_the_state_once_nothing_is_due() {
    // Reps without caps, an SLA that escalates but does not re-route: every lead ends up
    // untouched with nothing more to do, the case that used to grow the state forever.
    let config = r#"{
      "reps": [{"id": "ana", "caps": {}}, {"id": "ben", "caps": {}}, {"id": "mgr"}],
      "teams": [{"id": "sales", "members": ["ana", "ben"],
                 "sla": {"first_touch_minutes": 5, "remind_after_minutes": [60], "escalate_to": "mgr"}}],
      "rules": [{"id": "all", "team": "sales"}],
      "fallback": "mgr"
    }"#;
    let r = Router::from_json(config).unwrap();
    let mut s = r.new_state();
    let t0 = at("2026-11-02T15:00:00Z");
    for i in 0..2_000 {
        route(&r, &mut s, &format!(r#"{{"id": "L{i}"}}"#), t0 + i * MIN);
    }
    let last = t0 + 2_000 * MIN;
    let events = r.tick(&mut s, last + 2 * HOUR);
    assert_eq!(
        events.len(),
        4_000,
        "one escalation and one reminder per lead"
    );
    let kept: serde_json::Value = serde_json::from_str(&r.snapshot_json(&s)).unwrap();
    assert_eq!(
        kept["assignments"].as_array().unwrap().len(),
        2_000,
        "kept while recent"
    );
    // Touch still works within the horizon.
    r.touch(&mut s, "L0", "ana", last + 3 * HOUR).unwrap();
    let horizon = leadroute::sla::KEEP_FINISHED_MS;
    assert!(r.tick(&mut s, last + HOUR + horizon + MIN).is_empty());
    let snapshot: serde_json::Value = serde_json::from_str(&r.snapshot_json(&s)).unwrap();
    // The touched one went 7 days after its touch; the others after the horizon.
    assert_eq!(snapshot["assignments"].as_array().unwrap().len(), 0);
    assert_eq!(
        r.touch(&mut s, "L1", "ben", last + horizon + 2 * HOUR)
            .unwrap_err()
            .message,
        "lead \"L1\" is not tracked (no SLA or claim applies to it)"
    );
}

#[test]
fn a_manager_who_holds_the_lead_is_not_escalated_to_themselves() {
    // Every member busy: the default owner, who is also the escalation manager, takes it.
    let r = Router::from_json(
        r#"{
      "reps": [{"id": "ana", "status": "busy"}, {"id": "mgr"}],
      "teams": [{"id": "sales", "members": ["ana"], "default_owner": "mgr",
                 "sla": {"first_touch_minutes": 5, "remind_after_minutes": [60], "escalate_to": "mgr"}}],
      "rules": [{"id": "all", "team": "sales"}],
      "fallback": "mgr"
    }"#,
    )
    .unwrap();
    let mut s = r.new_state();
    let t0 = at("2026-11-02T15:00:00Z");
    assert_eq!(route(&r, &mut s, r#"{"id": "M1"}"#, t0), "mgr");
    let kinds: Vec<EventKind> = r
        .tick(&mut s, t0 + 2 * HOUR)
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [EventKind::Reminder],
        "a reminder, no escalation to mgr about mgr"
    );
}
