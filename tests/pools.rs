//! Pull and hybrid distribution: cherry-pick and blind pools, claims (one winner),
//! claim limits, pool expiry into push routing, shotgun team pools, snapshots.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::sla::EventKind;
use leadroute::{Outcome, RouteOptions, Router, State};

fn at(s: &str) -> i64 {
    leadroute::time::parse_datetime_ms(s).unwrap()
}

const CONFIG: &str = r#"{
  "fields": {"email": "string", "company": "string", "phone": "string", "industry": "string",
             "company_size": "number", "segment": "string", "source": "string"},
  "reps": [
    {"id": "ana"}, {"id": "ben"}, {"id": "cho"},
    {"id": "dan"}, {"id": "eve"}, {"id": "mgr"}
  ],
  "teams": [
    {"id": "corporate", "members": ["ana", "ben", "cho"]},
    {"id": "enterprise", "members": ["dan", "eve"]}
  ],
  "pools": [
    {"id": "open", "reps": ["ana", "ben", "cho", "dan"], "visibility": "cherry_pick",
     "visible_fields": ["industry", "company_size"], "claim_limit": {"per_day": 2, "open": 3},
     "expire_after_minutes": 30, "expire_to": "corporate"},
    {"id": "partners", "teams": ["corporate"], "visibility": "blind", "visible_fields": ["company"]},
    {"id": "corp-pool", "teams": ["corporate"]},
    {"id": "ent-pool", "teams": ["enterprise"]}
  ],
  "rules": [
    {"id": "partner", "when": "source == \"partner\"", "pool": "partners"},
    {"id": "shotgun-ent", "when": "segment == \"enterprise\"", "pool": "ent-pool"},
    {"id": "shotgun-corp", "when": "segment == \"corporate\"", "pool": "corp-pool"},
    {"id": "smb", "pool": "open"}
  ],
  "fallback": "mgr"
}"#;

fn setup() -> (Router, State) {
    let r = Router::from_json(CONFIG).unwrap();
    let s = r.new_state();
    (r, s)
}

fn route(r: &Router, s: &mut State, lead: &str, now: i64) -> serde_json::Value {
    let lead = r.schema().parse_json(lead).unwrap();
    serde_json::to_value(r.route(s, &lead, RouteOptions::at(now))).unwrap()
}

#[test]
fn cherry_pick_lists_only_visible_fields() {
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    let d = route(
        &r,
        &mut s,
        r#"{"id": "L1", "email": "kim@acme.com", "company": "Acme", "industry": "retail", "company_size": 40}"#,
        t,
    );
    assert_eq!(d["outcome"], "pooled");
    assert_eq!(d["pool"], "open");
    assert_eq!(d["rep"], serde_json::Value::Null);
    let list = r.list_pool(&s, "open", "ben", t + 1000).unwrap();
    assert_eq!(list.len(), 1);
    let l = serde_json::to_value(&list[0]).unwrap();
    assert_eq!(
        l["fields"],
        serde_json::json!({"industry": "retail", "company_size": 40.0})
    );
    assert_eq!(l["expires_at"], t + 30 * 60_000);
    let err = r.list_pool(&s, "open", "eve", t).unwrap_err();
    assert_eq!(err.message, "rep \"eve\" cannot see pool \"open\"");
    let err = r.list_pool(&s, "opne", "ben", t).unwrap_err();
    assert_eq!(
        err.message,
        "unknown pool \"opne\" (did you mean \"open\"?)"
    );
}

#[test]
fn claim_race_has_exactly_one_winner_in_any_order() {
    let claimers = ["ana", "ben", "cho", "dan"];
    // Every rotation and the reverse orders: the first claimer always wins, alone.
    for start in 0..claimers.len() {
        for reverse in [false, true] {
            let (r, mut s) = setup();
            let t = at("2026-11-02T15:00:00Z");
            route(
                &r,
                &mut s,
                r#"{"id": "L1", "email": "a@b.com", "industry": "retail"}"#,
                t,
            );
            let mut order: Vec<&str> = (0..claimers.len())
                .map(|i| claimers[(start + i) % claimers.len()])
                .collect();
            if reverse {
                order.reverse();
            }
            let mut winners = Vec::new();
            for rep in &order {
                match r.claim(&mut s, "L1", rep, t + 1000) {
                    Ok(c) => winners.push(c.rep.clone()),
                    Err(e) => {
                        assert_eq!(e.message, "lead \"L1\" is already claimed by someone else")
                    }
                }
            }
            assert_eq!(winners, vec![order[0].to_string()]);
            // The winner's replay is the same claim and changes nothing.
            let before = r.snapshot_json(&s);
            let again = r.claim(&mut s, "L1", order[0], t + 5000).unwrap();
            assert_eq!(again.claimed_at, t + 1000);
            assert_eq!(r.snapshot_json(&s), before);
            assert!(r
                .list_pool(&s, "open", order[0], t + 2000)
                .unwrap()
                .is_empty());
        }
    }
}

#[test]
fn claim_reveals_the_whole_lead_to_the_claimer_only() {
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    route(
        &r,
        &mut s,
        r#"{"id": "L1", "email": "kim@acme.com", "phone": "+1 555 0100", "industry": "retail"}"#,
        t,
    );
    let c = r.claim(&mut s, "L1", "cho", t + 1).unwrap();
    assert_eq!(c.fields["email"], "kim@acme.com");
    assert_eq!(c.fields["phone"], "+1 555 0100");
    assert_eq!(c.fields["id"], "L1");
}

#[test]
fn claims_respect_limits_membership_and_availability() {
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    for i in 1..=5 {
        route(
            &r,
            &mut s,
            &format!(r#"{{"id": "L{i}", "industry": "retail"}}"#),
            t + i,
        );
    }
    r.claim(&mut s, "L1", "ana", t + 10).unwrap();
    r.claim(&mut s, "L2", "ana", t + 11).unwrap();
    let e = r.claim(&mut s, "L3", "ana", t + 12).unwrap_err();
    assert_eq!(
        e.message,
        "rep \"ana\" is over the claim limit of pool \"open\": 2 of 2 claims today"
    );
    let e = r.claim(&mut s, "L3", "eve", t + 12).unwrap_err();
    assert_eq!(
        e.message,
        "rep \"eve\" cannot claim lead \"L3\": not a member of its pool"
    );
    r.set_status(&mut s, "ben", Some(leadroute::config::Status::Busy))
        .unwrap();
    let e = r.claim(&mut s, "L3", "ben", t + 12).unwrap_err();
    assert_eq!(e.message, "rep \"ben\" cannot claim now: busy");
    // Next day the daily limit resets, but ana still holds two uncontacted leads.
    let next = at("2026-11-03T15:00:00Z");
    route(&r, &mut s, r#"{"id": "L9", "industry": "retail"}"#, next);
    r.claim(&mut s, "L9", "ana", next + 1).unwrap();
    route(
        &r,
        &mut s,
        r#"{"id": "L10", "industry": "retail"}"#,
        next + 2,
    );
    let e = r.claim(&mut s, "L10", "ana", next + 3).unwrap_err();
    assert_eq!(e.message, "rep \"ana\" is over the claim limit of pool \"open\": 3 of 3 claimed leads not yet contacted");
    r.touch(&mut s, "L1", "ana", next + 4).unwrap();
    r.claim(&mut s, "L10", "ana", next + 5).unwrap();
    // Release puts it back for others.
    r.release(&mut s, "L10", "ana", next + 6).unwrap();
    let e = r.release(&mut s, "L10", "ana", next + 7).unwrap_err();
    assert_eq!(e.message, "lead \"L10\" is not claimed by rep \"ana\"");
    assert_eq!(r.claim(&mut s, "L10", "cho", next + 8).unwrap().rep, "cho");
    let e = r.claim(&mut s, "L404", "cho", next + 8).unwrap_err();
    assert_eq!(e.message, "lead \"L404\" is not waiting in any pool");
}

#[test]
fn expired_pool_leads_are_pushed_exactly_once() {
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    route(&r, &mut s, r#"{"id": "L1", "industry": "retail"}"#, t);
    route(
        &r,
        &mut s,
        r#"{"id": "L2", "industry": "retail"}"#,
        t + 60_000,
    );
    assert!(r.tick(&mut s, t + 29 * 60_000).is_empty());
    let e = r.claim(&mut s, "L1", "ana", t + 30 * 60_000).unwrap_err();
    assert_eq!(e.message, "lead \"L1\" has expired from pool \"open\"");
    let events = r.tick(&mut s, t + 31 * 60_000);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].kind, EventKind::PoolExpired);
    assert_eq!(events[0].lead_id, "L1");
    assert_eq!(events[0].at, t + 30 * 60_000);
    assert_eq!(events[0].rep, "ana");
    assert_eq!(events[1].lead_id, "L2");
    assert_eq!(events[1].rep, "ben");
    assert!(
        events[0]
            .reason
            .starts_with("unclaimed in pool open; pushed: "),
        "{}",
        events[0].reason
    );
    assert!(r.tick(&mut s, t + 31 * 60_000).is_empty());
    assert!(r
        .list_pool(&s, "open", "ana", t + 31 * 60_000)
        .unwrap()
        .is_empty());
}

#[test]
fn shotgun_pools_are_isolated_per_team() {
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    let d = route(&r, &mut s, r#"{"id": "E1", "segment": "enterprise"}"#, t);
    assert_eq!(d["pool"], "ent-pool");
    let d = route(&r, &mut s, r#"{"id": "C1", "segment": "corporate"}"#, t);
    assert_eq!(d["pool"], "corp-pool");
    assert_eq!(r.list_pool(&s, "ent-pool", "dan", t).unwrap().len(), 1);
    assert_eq!(r.list_pool(&s, "corp-pool", "ana", t).unwrap().len(), 1);
    assert!(r.list_pool(&s, "ent-pool", "ana", t).is_err());
    assert!(r.list_pool(&s, "corp-pool", "eve", t).is_err());
    let e = r.claim(&mut s, "E1", "ana", t).unwrap_err();
    assert_eq!(
        e.message,
        "rep \"ana\" cannot claim lead \"E1\": not a member of its pool"
    );
    assert_eq!(r.claim(&mut s, "E1", "eve", t).unwrap().rep, "eve");
    assert_eq!(
        r.claim_next(&mut s, "corp-pool", "cho", t).unwrap().lead_id,
        "C1"
    );
}

/// Every output a non-owner can get, searched for the hidden values of a blind lead.
#[test]
fn blind_pull_never_leaks_hidden_fields() {
    let secrets = [
        "kim.secret@hiddenco.example",
        "+1 555 0199",
        "aerospace",
        "hiddenco.example",
    ];
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    let lead = r#"{"id": "P1", "email": "kim.secret@hiddenco.example", "company": "Visible Label Inc",
                   "phone": "+1 555 0199", "industry": "aerospace", "company_size": 4100, "source": "partner"}"#;
    let mut outputs: Vec<String> = Vec::new();
    let d = route(&r, &mut s, lead, t);
    assert_eq!(d["pool"], "partners");
    outputs.push(d.to_string());
    let listing = r.list_pool(&s, "partners", "ana", t).unwrap();
    assert_eq!(
        serde_json::to_value(&listing).unwrap()[0]["fields"],
        serde_json::json!({"company": "Visible Label Inc"})
    );
    assert_eq!(listing[0].score, None);
    outputs.push(serde_json::to_string(&listing).unwrap());
    for rep in ["dan", "eve", "mgr", "nobody"] {
        outputs.push(format!("{:?}", r.list_pool(&s, "partners", rep, t)));
        outputs.push(format!("{:?}", r.claim(&mut s.clone(), "P1", rep, t)));
        outputs.push(format!("{:?}", r.touch(&mut s.clone(), "P1", rep, t)));
        outputs.push(format!("{:?}", r.release(&mut s.clone(), "P1", rep, t)));
    }
    let won = r.claim(&mut s, "P1", "ben", t + 1).unwrap();
    assert_eq!(won.fields["email"], "kim.secret@hiddenco.example");
    for rep in ["ana", "cho", "dan"] {
        outputs.push(format!("{:?}", r.claim(&mut s, "P1", rep, t + 2)));
        outputs.push(format!("{:?}", r.list_pool(&s, "partners", rep, t + 2)));
        outputs.push(format!("{:?}", r.release(&mut s.clone(), "P1", rep, t + 2)));
        outputs.push(format!("{:?}", r.touch(&mut s.clone(), "P1", rep, t + 2)));
    }
    outputs.push(format!("{:?}", r.tick(&mut s.clone(), t + 86_400_000)));
    for out in &outputs {
        for secret in secrets {
            assert!(!out.contains(secret), "leaked {secret:?} in {out}");
        }
    }
    assert!(outputs.len() > 20);
}

#[test]
fn pools_and_claims_survive_snapshot_restore() {
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    route(&r, &mut s, r#"{"id": "L1", "industry": "retail"}"#, t);
    route(&r, &mut s, r#"{"id": "L2", "industry": "retail"}"#, t);
    r.claim(&mut s, "L1", "ana", t + 1).unwrap();
    let json = r.snapshot_json(&s);
    let mut restored = r.restore_json(&json).unwrap();
    assert_eq!(restored, s);
    assert_eq!(
        r.claim(&mut restored, "L1", "ben", t + 2)
            .unwrap_err()
            .message,
        "lead \"L1\" is already claimed by someone else"
    );
    assert_eq!(
        r.claim(&mut restored, "L2", "ben", t + 2).unwrap().rep,
        "ben"
    );
    let d = route(
        &r,
        &mut restored,
        r#"{"id": "L3", "industry": "retail"}"#,
        t + 3,
    );
    assert_eq!(d["outcome"], serde_json::json!(Outcome::Pooled));
}

#[test]
fn a_blind_pool_is_claimed_oldest_first_even_by_id() {
    let (r, mut s) = setup();
    let t = at("2026-11-02T15:00:00Z");
    route(
        &r,
        &mut s,
        r#"{"id": "P1", "source": "partner", "company": "A"}"#,
        t,
    );
    route(
        &r,
        &mut s,
        r#"{"id": "P2", "source": "partner", "company": "B"}"#,
        t + 1,
    );
    let e = r.claim(&mut s, "P2", "ana", t + 2).unwrap_err();
    assert_eq!(
        e.message,
        "pool \"partners\" is blind: its leads are claimed oldest first (claimNext)"
    );
    assert_eq!(r.claim(&mut s, "P1", "ana", t + 2).unwrap().lead_id, "P1");
    assert_eq!(r.claim(&mut s, "P2", "ben", t + 3).unwrap().lead_id, "P2");
}

#[test]
fn pool_requirements_decide_who_sees_and_claims_each_lead() {
    let config = r#"{
      "fields": {"language": "string"},
      "reps": [{"id": "de", "languages": ["de"]}, {"id": "en", "languages": ["en"]}, {"id": "mgr"}],
      "pools": [{"id": "p", "reps": ["de", "en"],
                 "require": [{"type": "attribute", "attribute": "languages", "field": "language"}]}],
      "rules": [{"id": "all", "pool": "p"}],
      "fallback": "mgr"
    }"#;
    let r = Router::from_json(config).unwrap();
    let mut s = r.new_state();
    let t = at("2026-11-02T15:00:00Z");
    route(&r, &mut s, r#"{"id": "G1", "language": "de"}"#, t);
    route(&r, &mut s, r#"{"id": "E1", "language": "en"}"#, t + 1);
    route(&r, &mut s, r#"{"id": "X1"}"#, t + 2);
    let ids = |rep: &str, s: &State| -> Vec<String> {
        r.list_pool(s, "p", rep, t + 3)
            .unwrap()
            .into_iter()
            .map(|l| l.lead_id)
            .collect()
    };
    // A lead without the field waives the requirement, as in team pipelines.
    assert_eq!(ids("de", &s), ["G1", "X1"]);
    assert_eq!(ids("en", &s), ["E1", "X1"]);
    let e = r.claim(&mut s, "G1", "en", t + 3).unwrap_err();
    assert_eq!(
        e.message,
        "rep \"en\" cannot claim lead \"G1\": does not meet the pool's requirement (language)"
    );
    assert_eq!(
        r.claim_next(&mut s, "p", "en", t + 4).unwrap().lead_id,
        "E1"
    );
    assert_eq!(r.claim(&mut s, "G1", "de", t + 5).unwrap().rep, "de");
}

#[test]
fn conditional_caps_hold_for_claims_and_release_gives_the_count_back() {
    let config = r#"{
      "fields": {"company_size": "number"},
      "reps": [{"id": "ana"}, {"id": "mgr"}],
      "pools": [{"id": "p", "reps": ["ana"]}],
      "rules": [{"id": "all", "pool": "p"}],
      "cap_rules": [{"id": "big-daily", "when": "company_size >= 1000", "day": 1}],
      "fallback": "mgr"
    }"#;
    let r = Router::from_json(config).unwrap();
    let mut s = r.new_state();
    let t = at("2026-11-02T15:00:00Z");
    route(&r, &mut s, r#"{"id": "B1", "company_size": 5000}"#, t);
    route(&r, &mut s, r#"{"id": "B2", "company_size": 5000}"#, t + 1);
    route(&r, &mut s, r#"{"id": "S1", "company_size": 10}"#, t + 2);
    r.claim(&mut s, "B1", "ana", t + 3).unwrap();
    let e = r.claim(&mut s, "B2", "ana", t + 4).unwrap_err();
    assert_eq!(e.message, "rep \"ana\" cannot claim now: at daily cap");
    assert_eq!(r.claim(&mut s, "S1", "ana", t + 5).unwrap().lead_id, "S1");
    // Released, B1 no longer counts: ana may take B2.
    r.release(&mut s, "B1", "ana", t + 6).unwrap();
    assert_eq!(r.claim(&mut s, "B2", "ana", t + 7).unwrap().lead_id, "B2");
}

#[test]
fn cap_rules_on_the_account_hold_for_claims() {
    // The pooled lead's account is looked up again at claim time, as classify saw it.
    let config = r#"{
      "fields": {"email": "string"},
      "reps": [{"id": "ana"}, {"id": "mgr"}],
      "accounts": {
        "owner_first": false,
        "fields": {"tier": "string"},
        "list": [{"id": "big", "name": "Stark Industries", "domains": ["stark.com"], "fields": {"tier": "strategic"}}]
      },
      "pools": [{"id": "p", "reps": ["ana"]}],
      "rules": [{"id": "all", "pool": "p"}],
      "cap_rules": [{"id": "strategic-daily", "when": "account.tier == \"strategic\"", "day": 1}],
      "fallback": "mgr"
    }"#;
    let r = Router::from_json(config).unwrap();
    let mut s = r.new_state();
    let t = at("2026-11-02T15:00:00Z");
    route(&r, &mut s, r#"{"id": "B1", "email": "a@stark.com"}"#, t);
    route(&r, &mut s, r#"{"id": "B2", "email": "b@stark.com"}"#, t + 1);
    route(
        &r,
        &mut s,
        r#"{"id": "S1", "email": "c@elsewhere.com"}"#,
        t + 2,
    );
    r.claim(&mut s, "B1", "ana", t + 3).unwrap();
    let e = r.claim(&mut s, "B2", "ana", t + 4).unwrap_err();
    assert_eq!(e.message, "rep \"ana\" cannot claim now: at daily cap");
    assert_eq!(r.claim(&mut s, "S1", "ana", t + 5).unwrap().lead_id, "S1");
}
