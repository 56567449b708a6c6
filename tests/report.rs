//! Simulation reports: figures on small hand-computed cases, and the replay checked
//! against routing the same leads one by one (with ticks at every due moment).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::report::{
    arm_of, compare, comparison_csv, erfc, gini, report_csv, Arm, Conversion, Report, SimOptions,
    Simulation, Split, ZTest,
};
use leadroute::sla::EventKind;
use leadroute::{RouteOptions, Router};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn at(s: &str) -> i64 {
    leadroute::time::parse_datetime_ms(s).unwrap()
}

/// Options for leads that may lack `created_at` (routed at the simulated clock).
fn lenient() -> SimOptions {
    SimOptions {
        created_at: leadroute::report::CreatedAtOptions {
            allow_unreadable: true,
            ..Default::default()
        },
        ..SimOptions::default()
    }
}

fn simulate(router: &Router, jsonl: &str, opts: SimOptions) -> Report {
    let mut sim = Simulation::new(router, opts);
    sim.feed_jsonl(router, jsonl);
    sim.finish(router);
    sim.report(router)
}

fn sample_jsonl() -> String {
    std::fs::read_to_string("data/sample-leads.jsonl").unwrap()
}

fn default_config() -> Value {
    serde_json::from_str(&std::fs::read_to_string("data/default-config.json").unwrap()).unwrap()
}

fn all_traced() -> SimOptions {
    SimOptions {
        sample: 10_000,
        ..lenient()
    }
}

// ---- a small case computed by hand -------------------------------------------------------

/// ana (day cap 2), ben, cy (away) in a round robin team; dee named by a rule and fallback.
fn hand_config() -> Router {
    Router::from_json(
        &json!({
            "fields": {"email": "string", "size": "number"},
            "reps": [
                {"id": "ana", "caps": {"day": 2}},
                {"id": "ben"},
                {"id": "cy", "status": "away"},
                {"id": "dee"}
            ],
            "teams": [{"id": "sales", "members": ["ana", "ben", "cy"],
                       "strategy": {"type": "round_robin"}}],
            "screening": {
                "required": ["email"],
                "rules": [{"id": "test-mail", "reason": "test address",
                           "when": {"field": "email", "op": "ends_with", "value": "@test.com"}}]
            },
            "scoring": {
                "groups": [{"id": "size", "rules": [
                    {"id": "big", "when": {"field": "size", "op": "gte", "value": 100}, "points": 50},
                    {"id": "any", "when": {"field": "size", "op": "gte", "value": 1}, "points": 10}
                ]}],
                "mql": 10
            },
            "rules": [
                {"id": "vip", "when": {"field": "size", "op": "gte", "value": 1000}, "rep": "dee"},
                {"id": "all", "team": "sales"}
            ],
            "fallback": "dee"
        })
        .to_string(),
    )
    .unwrap()
}

const HAND_LEADS: &str = r#"{"id": "L1", "created_at": "2026-11-02T10:00:00Z", "email": "a@x.com", "size": 10, "converted": true, "deal_value": 100}
{"id": "L2", "created_at": "2026-11-02T10:01:00Z", "email": "b@x.com", "size": 10, "converted": false, "deal_value": 0}
{"id": "L3", "created_at": "2026-11-02T10:02:00Z", "email": "c@x.com", "size": 10, "converted": true, "deal_value": 50}
{"id": "L4", "created_at": "2026-11-02T10:03:00Z", "email": "d@x.com", "size": 10, "converted": true, "deal_value": 20}
{"id": "L5", "created_at": "2026-11-02T10:04:00Z", "email": "e@x.com", "size": 0, "converted": false}
{"id": "L6", "created_at": "2026-11-02T10:05:00Z", "size": 10, "converted": false}
{"id": "L7", "created_at": "2026-11-02T10:06:00Z", "email": "z@test.com", "size": 10, "converted": false}
{"id": "L8", "created_at": "2026-11-02T10:07:00Z", "email": "f@x.com", "size": 5000, "converted": true, "deal_value": 1000}
{"id": "L9", "created_at": "2026-11-03T09:00:00Z", "email": "g@x.com", "size": 10, "converted": false}
"#;

fn conv(leads: u64, converted: u64, revenue: f64) -> Option<Conversion> {
    Some(Conversion {
        leads,
        converted,
        rate: converted as f64 / leads as f64,
        revenue,
    })
}

#[test]
fn hand_computed_counts_caps_skips_and_conversion() {
    let router = hand_config();
    let r = simulate(&router, HAND_LEADS, lenient());
    assert_eq!((r.leads, r.lines, r.bad_lines), (9, 9, 0));
    assert_eq!(r.first_at, Some(at("2026-11-02T10:00:00Z")));
    assert_eq!(r.last_at, Some(at("2026-11-03T09:00:00Z")));
    let o = r.outcomes;
    assert_eq!((o.assigned, o.pooled, o.nurture, o.rejected), (6, 0, 1, 2));
    let by = |m: &BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(by(&r.rejected_by), ["required=1", "test-mail=1"]);
    assert_eq!(by(&r.via), ["rule=1", "scoring=1", "screening=2", "team=5"]);
    assert_eq!(r.unmatched, 0);

    // Round robin keeps place: ana L1, ben L2, (cy away) ana L3 reaching her day cap,
    // ben L4 (ana at cap), dee L8 (rule), ana L9 (a new day).
    let rep = |id: &str| r.reps.iter().find(|x| x.id == id).unwrap();
    let ana = rep("ana");
    assert_eq!((ana.assigned, ana.leads), (3, 3));
    assert_eq!((ana.peak.day, ana.peak.week, ana.peak.month), (2, 3, 3));
    assert_eq!(
        (ana.capped.day, ana.capped.week, ana.capped.month),
        (1, 0, 0)
    );
    assert_eq!((ana.caps.day, ana.caps.month), (Some(2), None));
    assert_eq!(by(&ana.skipped), ["at_day_cap=1"]);
    assert_eq!(ana.share, 0.5);
    assert_eq!(ana.conversion, conv(3, 2, 150.0));
    let ben = rep("ben");
    assert_eq!(
        (ben.assigned, ben.peak.day, ben.caps.month),
        (2, 2, Some(150))
    );
    assert_eq!(ben.conversion, conv(2, 1, 20.0));
    assert!(ben.skipped.is_empty());
    let cy = rep("cy");
    assert_eq!(cy.leads, 0);
    assert_eq!(by(&cy.skipped), ["away=5"]);
    assert_eq!(cy.conversion, None);
    let dee = rep("dee");
    assert_eq!((dee.leads, dee.share), (1, 1.0 / 6.0));
    assert_eq!(dee.conversion, conv(1, 1, 1000.0));

    // Fairness among the available members (cy is away in the config): loads 3 and 2.
    let team = &r.teams[0];
    assert_eq!(
        (team.leads, team.to_default_owner, team.to_fallback),
        (5, 0, 0)
    );
    let f = &team.fairness;
    assert_eq!(f.reps, ["ana", "ben"]);
    assert_eq!(f.loads, [3, 2]);
    assert_eq!((f.min, f.max, f.spread, f.mean), (2, 3, 1, 2.5));
    // sum |xi - xj| over ordered pairs = 2; 2 / (2 * 2 * 5) = 0.1.
    assert_eq!(f.gini, 0.1);

    let rule = |id: &str| r.rules.iter().find(|x| x.id == id).unwrap();
    assert_eq!(
        (rule("vip").kind.as_str(), rule("vip").hits),
        ("routing", 1)
    );
    assert_eq!(rule("all").hits, 5);
    assert_eq!(rule("all").conversion, conv(5, 3, 170.0));
    assert_eq!(
        (rule("required").kind.as_str(), rule("required").hits),
        ("screening", 1)
    );
    assert_eq!(rule("test-mail").hits, 1);

    let s = r.score.as_ref().unwrap();
    assert_eq!((s.scored, s.min, s.max, s.below_mql), (7, 0.0, 60.0, 1));
    assert!((s.mean - 110.0 / 7.0).abs() < 1e-12);
    let hist: Vec<(f64, f64, u64)> = s
        .histogram
        .iter()
        .map(|b| (b.from, b.to, b.count))
        .collect();
    assert_eq!(hist, [(0.0, 10.0, 1), (10.0, 20.0, 5), (60.0, 70.0, 1)]);

    assert_eq!(r.conversion, conv(9, 4, 1170.0));
    assert_eq!(r.assigned_conversion, conv(6, 4, 1170.0));
    assert_eq!(r.sla.escalations + r.sla.reminders + r.sla.open, 0);

    let csv = report_csv(&r);
    assert!(csv.starts_with("section,key,metric,value\n"));
    for row in [
        "outcome,assigned,leads,6",
        "rep,ana,peak_day,2",
        "rep,ana,cap_day,2",
        "rep,ana,capped_days,1",
        "rep,cy,skipped_away,5",
        "team,sales,fairness_gini,0.1",
        "team,sales,load_ben,2",
        "routing_rule,all,revenue,170",
        "conversion,all,converted,4",
    ] {
        assert!(csv.lines().any(|l| l == row), "missing {row} in\n{csv}");
    }
}

#[test]
fn gini_exact_values() {
    assert_eq!(gini(&[]), 0.0);
    assert_eq!(gini(&[0, 0]), 0.0);
    assert_eq!(gini(&[5, 5, 5]), 0.0);
    assert_eq!(gini(&[0, 4]), 0.5);
    // Pairs: 2 * (3 + 3) = 12; 12 / (2 * 3 * 3) = 2/3.
    assert_eq!(gini(&[0, 0, 3]), 2.0 / 3.0);
    // Pairs: 2 * (1 + 2 + 1) = 8; 8 / (2 * 3 * 6) = 2/9.
    assert_eq!(gini(&[3, 1, 2]), 2.0 / 9.0);
    assert_eq!(gini(&[7]), 0.0);
}

// ---- SLA events, computed by hand ----------------------------------------------------------

#[test]
fn sla_breaches_escalate_and_reroute_at_their_own_time() {
    let router = Router::from_json(
        &json!({
            "reps": [{"id": "ana"}, {"id": "ben"}, {"id": "mgr"}],
            "teams": [{"id": "t", "members": ["ana", "ben"],
                       "sla": {"first_touch_minutes": 5, "remind_after_minutes": [10],
                               "escalate_to": "mgr", "reroute": true}}],
            "rules": [{"id": "all", "team": "t"}],
            "fallback": "mgr"
        })
        .to_string(),
    )
    .unwrap();
    let leads = "{\"id\": \"A\", \"created_at\": \"2026-11-02T10:00:00Z\", \"converted\": true, \"deal_value\": 7}\n\
                 {\"id\": \"B\", \"created_at\": \"2026-11-02T10:30:00Z\"}\n";
    // A: ana at 10:00; 10:05 ana misses it (escalation) and it goes to ben; 10:10 ben
    // misses it, nobody in the team is left: mgr (fallback); 10:15 mgr misses it (no
    // escalation: mgr is not told about mgr, and no one is left to re-route to); 10:20
    // mgr's reminder. B: ana at 10:30,
    // its breach at 10:35 is after the last lead, so it is still open.
    let r = simulate(&router, leads, lenient());
    let s = r.sla;
    assert_eq!(
        (
            s.reminders,
            s.escalations,
            s.reassigned,
            s.pool_expired,
            s.open
        ),
        (1, 2, 2, 0, 1)
    );
    let rep = |id: &str| r.reps.iter().find(|x| x.id == id).unwrap();
    let row = |id: &str| {
        let x = rep(id);
        (
            x.assigned,
            x.received,
            x.rerouted_away,
            x.leads,
            x.missed_sla,
        )
    };
    assert_eq!(row("ana"), (2, 0, 1, 1, 1));
    assert_eq!(row("ben"), (0, 1, 1, 0, 1));
    // mgr's own miss raised no escalation (mgr is not told about mgr), and the report
    // counts misses by their escalations.
    assert_eq!(row("mgr"), (0, 1, 0, 1, 0));
    // The converted lead's outcome follows it to its final owner.
    assert_eq!(rep("mgr").conversion, conv(1, 1, 7.0));
    assert_eq!(rep("ana").conversion, None);
    assert_eq!(r.teams[0].fairness.loads, [1, 0]);

    // Touched within 5 minutes: no events at all.
    let touched = simulate(
        &router,
        leads,
        SimOptions {
            touch_after_minutes: Some(5),
            ..lenient()
        },
    );
    let s = touched.sla;
    assert_eq!(
        (s.reminders, s.escalations, s.reassigned, s.touched, s.open),
        (0, 0, 0, 1, 1)
    );
}

// ---- the replay against routing one by one ------------------------------------------------

fn leads_in_order(router: &Router, text: &str) -> Vec<(String, i64, String)> {
    let mut v: Vec<(String, i64, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let lead = router.schema().parse_json(l).unwrap();
            (
                lead.id().unwrap().to_string(),
                lead.created_at.unwrap(),
                l.to_string(),
            )
        })
        .collect();
    v.sort_by_key(|x| x.1);
    v
}

#[test]
fn without_sla_or_pools_simulate_equals_routing_one_by_one() {
    let mut config = default_config();
    for t in config["teams"].as_array_mut().unwrap() {
        t.as_object_mut().unwrap().remove("sla");
    }
    let rules: Vec<Value> = config["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("pool").is_none())
        .map(|r| {
            let mut r = r.clone();
            r.as_object_mut().unwrap().remove("sla");
            r
        })
        .collect();
    config["rules"] = Value::Array(rules);
    config.as_object_mut().unwrap().remove("pools");
    let router = Router::from_json(&config.to_string()).unwrap();
    let text = sample_jsonl();
    let report = simulate(&router, &text, all_traced());
    assert_eq!(report.leads, 400);
    assert_eq!(report.sample.len(), 400);

    let mut state = router.new_state();
    let mut per_rep: BTreeMap<String, u64> = BTreeMap::new();
    for (i, (_, now, line)) in leads_in_order(&router, &text).iter().enumerate() {
        let lead = router.schema().parse_json(line).unwrap();
        let d = router.route(&mut state, &lead, RouteOptions::at(*now));
        if let Some(rep) = d.rep {
            *per_rep.entry(rep.to_string()).or_default() += 1;
        }
        // The whole decision, trace included, is the same.
        assert_eq!(
            report.sample[i].decision,
            serde_json::to_value(&d).unwrap(),
            "lead {i}"
        );
        assert_eq!(report.sample[i].at, *now);
    }
    for rep in &report.reps {
        assert_eq!(
            rep.leads,
            per_rep.get(&rep.id).copied().unwrap_or(0),
            "{}",
            rep.id
        );
        assert_eq!(rep.leads, rep.assigned);
    }
}

/// The naive reference: before each lead, find the earliest moment anything is due by
/// reading the whole snapshot, touch what is due for a touch, tick there, repeat.
fn reference_with_ticks(
    router: &Router,
    config: &Value,
    text: &str,
    touch_after_minutes: Option<i64>,
) -> (
    Vec<Value>,
    BTreeMap<EventKind, u64>,
    u64,
    BTreeMap<String, u64>,
) {
    let sla_of = |rule: &Option<String>, team: &Option<String>| -> Option<Value> {
        let by_rule = rule.as_ref().and_then(|id| {
            config["rules"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == id.as_str())
                .and_then(|r| r.get("sla").cloned())
        });
        by_rule.or_else(|| {
            team.as_ref().and_then(|id| {
                config["teams"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["id"] == id.as_str())
                    .and_then(|t| t.get("sla").cloned())
            })
        })
    };
    let touch_ms = touch_after_minutes.map(|m| m * 60_000);
    let mut state = router.new_state();
    let mut decisions = Vec::new();
    let mut counts: BTreeMap<EventKind, u64> = BTreeMap::new();
    let mut touched = 0;
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut tick_until = |state: &mut leadroute::State,
                          until: i64,
                          counts: &mut BTreeMap<EventKind, u64>,
                          owner: &mut BTreeMap<String, String>| loop {
        let snap = router.snapshot(state);
        let mut next: Option<(i64, Vec<(String, String)>)> = None;
        let mut consider = |due: i64, touch: Option<(String, String)>| match &mut next {
            Some((d, list)) if *d == due => list.extend(touch),
            Some((d, _)) if *d < due => {}
            _ => next = Some((due, touch.into_iter().collect())),
        };
        for a in &snap.assignments {
            if a.touched_at.is_some() {
                continue;
            }
            let Some(sla) = sla_of(&a.rule, &a.team) else {
                continue;
            };
            let mut remind: Vec<i64> = sla["remind_after_minutes"]
                .as_array()
                .map(|v| v.iter().map(|m| m.as_i64().unwrap() * 60_000).collect())
                .unwrap_or_default();
            remind.sort_unstable();
            remind.dedup();
            let reminder = remind.get(a.reminders as usize).map(|m| a.assigned_at + m);
            let breach = (!a.escalated)
                .then(|| a.assigned_at + sla["first_touch_minutes"].as_i64().unwrap() * 60_000);
            let Some(event) = [reminder, breach].into_iter().flatten().min() else {
                continue;
            };
            match touch_ms.map(|t| a.assigned_at + t) {
                Some(t) if t <= event => consider(t, Some((a.lead_id.clone(), a.rep.clone()))),
                _ => consider(event, None),
            }
        }
        for p in &snap.pooled {
            if let Some(e) = p.expires_at {
                consider(e, None);
            }
        }
        let Some((due, touches)) = next else { return };
        if due > until {
            return;
        }
        for (id, rep) in touches {
            router.touch(state, &id, &rep, due).unwrap();
            touched += 1;
        }
        for e in router.tick(state, due) {
            *counts.entry(e.kind).or_default() += 1;
            if matches!(e.kind, EventKind::Reassigned | EventKind::PoolExpired) {
                owner.insert(e.lead_id.clone(), e.rep.clone());
            }
        }
    };
    for (id, now, line) in leads_in_order(router, text) {
        tick_until(&mut state, now, &mut counts, &mut owner);
        let lead = router.schema().parse_json(&line).unwrap();
        let d = router.route(&mut state, &lead, RouteOptions::at(now));
        if let Some(rep) = d.rep {
            owner.insert(id, rep.to_string());
        }
        decisions.push(serde_json::to_value(&d).unwrap());
    }
    let mut per_rep: BTreeMap<String, u64> = BTreeMap::new();
    for rep in owner.values() {
        *per_rep.entry(rep.clone()).or_default() += 1;
    }
    (decisions, counts, touched, per_rep)
}

#[test]
fn with_sla_and_pools_simulate_equals_routing_with_ticks_at_every_due_moment() {
    let config = default_config();
    let router = Router::from_json(&config.to_string()).unwrap();
    let text = sample_jsonl();
    for touch in [None, Some(3), Some(10), Some(90)] {
        let opts = SimOptions {
            touch_after_minutes: touch.map(|m: i64| m as u64),
            ..all_traced()
        };
        let report = simulate(&router, &text, opts);
        let (decisions, counts, touched, per_rep) =
            reference_with_ticks(&router, &config, &text, touch);
        assert_eq!(report.sample.len(), decisions.len());
        for (i, (s, d)) in report.sample.iter().zip(&decisions).enumerate() {
            assert_eq!(&s.decision, d, "touch {touch:?}, lead {i}");
        }
        let n = |k| counts.get(&k).copied().unwrap_or(0);
        let s = report.sla;
        assert_eq!(
            (
                s.reminders,
                s.escalations,
                s.reassigned,
                s.pool_expired,
                s.touched
            ),
            (
                n(EventKind::Reminder),
                n(EventKind::Escalation),
                n(EventKind::Reassigned),
                n(EventKind::PoolExpired),
                touched
            ),
            "touch {touch:?}"
        );
        for rep in &report.reps {
            let want = per_rep.get(&rep.id).copied().unwrap_or(0);
            assert_eq!(rep.leads, want, "touch {touch:?}, rep {}", rep.id);
        }
        if touch.is_none() {
            assert!(s.escalations > 0 && s.reassigned > 0 && s.pool_expired > 0);
        }
        if touch == Some(3) {
            assert_eq!((s.escalations, s.reminders), (0, 0));
            assert!(s.touched > 0);
        }
    }
}

// ---- input: order, chunks, CSV, bad lines, split ------------------------------------------

#[test]
fn locally_unsorted_input_is_put_back_in_order() {
    let router = Router::from_json(&default_config().to_string()).unwrap();
    let text = sample_jsonl();
    let sorted = simulate(&router, &text, all_traced());
    let lines: Vec<&str> = text.lines().collect();
    let times: std::collections::BTreeSet<i64> =
        leads_in_order(&router, &text).iter().map(|x| x.1).collect();
    assert_eq!(
        times.len(),
        400,
        "the check needs distinct created_at values"
    );
    // Reverse each block of 40 lines: out of order by at most 39 places.
    let shuffled: String = lines
        .chunks(40)
        .flat_map(|c| c.iter().rev())
        .map(|l| format!("{l}\n"))
        .collect();
    let window = |w: usize| SimOptions {
        reorder_window: w,
        ..all_traced()
    };
    assert_eq!(simulate(&router, &shuffled, window(40)), sorted);
    // A window too small for the disorder: the late leads are routed at the clock.
    let small = simulate(&router, &shuffled, window(5));
    assert_eq!(small.leads, 400);
    assert!(small.out_of_order > 0);
    assert_ne!(small, sorted);
}

#[test]
fn chunks_cut_anywhere_give_the_same_report() {
    let router = Router::from_json(&default_config().to_string()).unwrap();
    let text = sample_jsonl();
    let whole = simulate(&router, &text, lenient());
    for size in [1usize, 7, 4096] {
        let mut sim = Simulation::new(&router, lenient());
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut cut = size.min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (chunk, tail) = rest.split_at(cut);
            sim.feed_jsonl(&router, chunk);
            rest = tail;
        }
        sim.finish(&router);
        assert_eq!(sim.report(&router), whole, "chunks of {size}");
    }
    // No trailing newline: the last line is read by finish.
    let trimmed = simulate(&router, text.trim_end(), lenient());
    assert_eq!(trimmed, whole);
}

#[test]
fn bytes_cut_anywhere_give_the_same_report_as_text() {
    let router = Router::from_json(&default_config().to_string()).unwrap();
    // A non-ASCII company in every lead, so cuts land inside characters too.
    let text = sample_jsonl().replace("\"company\": \"", "\"company\": \"Ünïcödé ");
    assert!(text.contains("Ünïcödé"));
    let whole = simulate(&router, &text, lenient());
    for size in [1usize, 5, 4093] {
        let mut sim = Simulation::new(&router, lenient());
        for chunk in text.as_bytes().chunks(size) {
            sim.feed_jsonl_bytes(&router, chunk);
        }
        sim.finish(&router);
        assert_eq!(sim.report(&router), whole, "byte chunks of {size}");
    }
    let csv = std::fs::read_to_string("data/sample-leads.csv").unwrap();
    let mut by_text = Simulation::new(&router, lenient());
    by_text.feed_csv(&router, &csv, None);
    by_text.finish(&router);
    let mut by_bytes = Simulation::new(&router, lenient());
    for chunk in csv.as_bytes().chunks(333) {
        by_bytes.feed_csv_bytes(&router, chunk, None);
    }
    by_bytes.finish(&router);
    assert_eq!(by_bytes.report(&router), by_text.report(&router));
}

#[test]
fn csv_with_a_column_mapping_equals_jsonl() {
    let router = Router::from_json(&default_config().to_string()).unwrap();
    let jsonl = simulate(&router, &sample_jsonl(), lenient());
    let csv = std::fs::read_to_string("data/sample-leads.csv").unwrap();
    let mapping: BTreeMap<String, String> = [
        ("Email Address", "email"),
        ("Company Name", "company"),
        ("Employees", "company_size"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    for chunk in [csv.len(), 333] {
        let mut sim = Simulation::new(&router, lenient());
        let bytes = csv.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let mut end = (start + chunk).min(bytes.len());
            while !csv.is_char_boundary(end) {
                end += 1;
            }
            sim.feed_csv(&router, &csv[start..end], Some(&mapping));
            start = end;
        }
        sim.finish(&router);
        assert_eq!(sim.report(&router), jsonl, "chunks of {chunk}");
    }
    // Without the mapping no lead has an email or a company: all rejected as incomplete.
    let mut sim = Simulation::new(&router, lenient());
    sim.feed_csv(&router, &csv, None);
    sim.finish(&router);
    let r = sim.report(&router);
    assert_eq!(
        (r.leads, r.rejected_by.get("required").copied()),
        (400, Some(400))
    );
}

#[test]
fn bad_lines_are_counted_with_their_line_numbers() {
    let router = hand_config();
    let text = "{\"id\": \"a\", \"email\": \"a@x.com\", \"size\": 3}\n\
                \n\
                {\"id\": \"b\", \"email\": \n\
                {\"id\": \"c\", \"email\": \"c@x.com\", \"size\": \"lots\"}\n\
                [1, 2]\n\
                {\"id\": \"d\", \"email\": \"d@x.com\", \"size\": 3}\n";
    let r = simulate(&router, text, lenient());
    assert_eq!((r.leads, r.lines, r.bad_lines), (2, 5, 3));
    let lines: Vec<u64> = r.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(
        r.errors[1]
            .message
            .contains("field \"size\": expected a number"),
        "{:?}",
        r.errors
    );
    // Leads without created_at are routed at the simulated clock (here, none yet: 0).
    assert_eq!(r.missing_created_at, 2);

    let mut sim = Simulation::new(&router, lenient());
    sim.feed_csv(&router, "id,email,size\nx,x@x.com,1\ny,y@x.com\n", None);
    sim.finish(&router);
    let r = sim.report(&router);
    assert_eq!((r.leads, r.bad_lines), (1, 1));
    assert_eq!(r.errors[0].line, 3);
    assert_eq!(r.errors[0].message, "row has 2 columns, the header has 3");
}

#[test]
fn a_b_split_partitions_leads_by_a_stable_hash_of_the_id() {
    let router = Router::from_json(&default_config().to_string()).unwrap();
    let text = sample_jsonl();
    let split = |arm, share_b| SimOptions {
        split: Some(Split {
            share_b,
            arm,
            seed: 0,
        }),
        ..lenient()
    };
    let a = simulate(&router, &text, split(Arm::A, 0.3));
    let b = simulate(&router, &text, split(Arm::B, 0.3));
    assert_eq!(a.leads + b.leads, 400);
    assert_eq!((a.other_arm, b.other_arm), (b.leads, a.leads));
    let ids: Vec<String> = leads_in_order(&router, &text)
        .into_iter()
        .map(|x| x.0)
        .collect();
    let s = Split {
        share_b: 0.3,
        arm: Arm::B,
        seed: 0,
    };
    let in_b = ids.iter().filter(|id| arm_of(id, &s) == Arm::B).count() as u64;
    assert_eq!(b.leads, in_b);
    // Roughly the share asked for (400 leads: within 10 points).
    assert!((80..=160).contains(&b.leads), "{}", b.leads);
    // Stable: the same ids land in the same arm whatever else is in the file.
    let some: String = text.lines().take(100).map(|l| format!("{l}\n")).collect();
    let b100 = simulate(&router, &some, split(Arm::B, 0.3));
    let want = ids_in(&router, &some)
        .iter()
        .filter(|id| arm_of(id, &s) == Arm::B)
        .count();
    assert_eq!(b100.leads, want as u64);
    assert_eq!(simulate(&router, &text, split(Arm::A, 0.0)).leads, 400);
    assert_eq!(simulate(&router, &text, split(Arm::B, 1.0)).leads, 400);
}

/// The edge worker's export carries the arm each lead ran in (`leadroute::split::arm_of` with
/// the live seed): split mode keeps that arm, whatever its own seed would hash, and agrees
/// with a replay hashing under the live seed.
#[test]
fn a_split_keeps_the_arm_an_export_recorded() {
    let router = Router::from_json(&default_config().to_string()).unwrap();
    let (share_b, live_seed) = (0.3, 7);
    let mut in_b = 0;
    let mut exported = String::new();
    let mut csv = String::from("id,email,company_size,created_at,arm\n");
    for line in sample_jsonl().lines() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let arm = leadroute::split::arm_of(&id, share_b, live_seed);
        in_b += u64::from(arm == Arm::B);
        v["arm"] = json!(arm.as_str());
        exported.push_str(&format!("{v}\n"));
        let (email, size, created) = (&v["email"], &v["company_size"], &v["created_at"]);
        csv.push_str(&format!(
            "{id},{},{},{},{}\n",
            email.as_str().unwrap_or(""),
            size,
            created.as_str().unwrap(),
            arm.as_str()
        ));
    }
    assert!((60..=180).contains(&in_b), "{in_b}");
    let split = |arm, seed| SimOptions {
        split: Some(Split { share_b, arm, seed }),
        ..SimOptions::default()
    };
    // Seed 0 would hash other ids into B: the recorded arm wins.
    let b = simulate(&router, &exported, split(Arm::B, 0));
    let a = simulate(&router, &exported, split(Arm::A, 0));
    assert_eq!((b.leads, b.other_arm), (in_b, 400 - in_b));
    assert_eq!((a.leads, a.other_arm), (400 - in_b, in_b));
    let rehashed = simulate(&router, &sample_jsonl(), split(Arm::B, 0));
    assert_ne!(
        rehashed.leads, in_b,
        "seed 0 must split differently for this test to mean anything"
    );
    // The same as hashing with the live seed: the exported arm is the core's rule.
    let live = simulate(&router, &sample_jsonl(), split(Arm::B, live_seed));
    assert_eq!(live.leads, in_b);
    assert_eq!(live.outcomes, b.outcomes);
    // A CSV export's `arm` column is read the same way.
    let mut sim = Simulation::new(&router, split(Arm::B, 0));
    sim.feed_csv(&router, &csv, None);
    sim.finish(&router);
    let r = sim.report(&router);
    assert_eq!((r.leads, r.other_arm, r.bad_lines), (in_b, 400 - in_b, 0));
}

fn ids_in(router: &Router, text: &str) -> Vec<String> {
    leads_in_order(router, text)
        .into_iter()
        .map(|x| x.0)
        .collect()
}

// ---- compare ------------------------------------------------------------------------------

#[test]
fn two_proportion_z_test_by_hand() {
    // 50/500 against 80/500: pooled p = 0.13, se = sqrt(0.13 * 0.87 * 2/500) = 0.021270,
    // z = 0.06 / 0.021270 = 2.8209, p = erfc(2.8209 / sqrt 2) = 0.00479.
    let t = ZTest::new(&conv(500, 50, 0.0).unwrap(), &conv(500, 80, 0.0).unwrap()).unwrap();
    assert!((t.z - 2.8209).abs() < 1e-3, "z {}", t.z);
    assert!((t.p_value - 0.00479).abs() < 5e-5, "p {}", t.p_value);
    assert!(t.significant);
    assert!((t.diff - 0.06).abs() < 1e-12);
    // 50/500 against 55/500: pooled p = 0.105, se = sqrt(0.105 * 0.895 * 2/500) = 0.019388,
    // z = 0.01 / 0.019388 = 0.5158, p = 0.6060: not significant.
    let t = ZTest::new(&conv(500, 50, 0.0).unwrap(), &conv(500, 55, 0.0).unwrap()).unwrap();
    assert!((t.z - 0.5158).abs() < 1e-3, "z {}", t.z);
    assert!((t.p_value - 0.6060).abs() < 1e-3, "p {}", t.p_value);
    assert!(!t.significant);
    // Nothing converted anywhere: no spread to test.
    let t = ZTest::new(&conv(10, 0, 0.0).unwrap(), &conv(20, 0, 0.0).unwrap()).unwrap();
    assert_eq!((t.z, t.significant), (0.0, false));
    assert!((t.p_value - 1.0).abs() < 1e-6);
    // erfc against known values.
    assert!((erfc(0.0) - 1.0).abs() < 1e-6);
    assert!((erfc(1.959_964 / std::f64::consts::SQRT_2) - 0.05).abs() < 1e-6);
    assert!((erfc(-1.0) - 1.842_700_79).abs() < 1e-6);
}

#[test]
fn compare_lists_every_metric_with_its_difference() {
    let config = default_config();
    let a_router = Router::from_json(&config.to_string()).unwrap();
    let mut b_config = config.clone();
    for t in b_config["teams"].as_array_mut().unwrap() {
        t["strategy"] = json!({"type": "round_robin"});
    }
    let b_router = Router::from_json(&b_config.to_string()).unwrap();
    let text = sample_jsonl();
    let a = simulate(&a_router, &text, lenient());
    let b = simulate(&b_router, &text, lenient());

    let same = compare(&a, &a);
    assert!(same.metrics.iter().all(|m| m.diff == 0.0));
    let t = same.conversion.unwrap();
    assert_eq!((t.a_converted, t.z, t.significant), (54, 0.0, false));

    let c = compare(&a, &b);
    let m = |name: &str| c.metrics.iter().find(|m| m.metric == name).unwrap().clone();
    let assigned = m("outcomes.assigned");
    assert_eq!(assigned.a, a.outcomes.assigned as f64);
    assert_eq!(assigned.b, b.outcomes.assigned as f64);
    assert_eq!(assigned.a_rate, Some(a.outcomes.assigned as f64 / 400.0));
    for team in &a.teams {
        let g = m(&format!("teams.{}.gini", team.id));
        let other = b.teams.iter().find(|t| t.id == team.id).unwrap();
        assert_eq!(
            (g.a, g.b, g.diff),
            (
                team.fairness.gini,
                other.fairness.gini,
                other.fairness.gini - team.fairness.gini
            )
        );
        assert_eq!(g.a_rate, None);
    }
    // Same leads, same outcomes: the overall conversion cannot differ.
    assert_eq!(c.conversion.unwrap().diff, 0.0);
    assert!(
        c.metrics.iter().any(|m| m.diff != 0.0),
        "round robin changes who gets what"
    );
    let csv = comparison_csv(&c);
    assert!(csv.starts_with("metric,a,b,diff,a_rate,b_rate\n"));
    assert!(csv.contains("\nconversion_test.p_value,,,"));
}

#[test]
fn skipped_counts_match_the_traces() {
    // The report counts who could not take a lead without building traces; the traces of
    // the same run (every decision sampled) must say the same.
    let router = Router::from_json(&default_config().to_string()).unwrap();
    let report = simulate(&router, &sample_jsonl(), all_traced());
    assert_eq!(report.sample.len(), 400);
    let unavailable = [
        "busy",
        "away",
        "out_of_office",
        "out_of_hours",
        "at_day_cap",
        "at_week_cap",
        "at_month_cap",
    ];
    let mut from_traces: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for s in &report.sample {
        let d = &s.decision;
        let candidates = d["trace"]["candidates"].as_array().unwrap();
        // A known account's owner who could not take it is tried first; the report does
        // not count account owners.
        let skip_first = d["trace"]["steps"][0]
            .as_str()
            .is_some_and(|t| t.starts_with("known account"))
            && d["via"] != "account_owner";
        for c in candidates.iter().skip(usize::from(skip_first)) {
            let reason = c["reason"].as_str().unwrap();
            if c["chosen"] == false && unavailable.contains(&reason) {
                *from_traces
                    .entry(c["rep"].as_str().unwrap().to_string())
                    .or_default()
                    .entry(reason.to_string())
                    .or_default() += 1;
            }
        }
    }
    let from_report: BTreeMap<String, BTreeMap<String, u64>> = report
        .reps
        .iter()
        .filter(|r| !r.skipped.is_empty())
        .map(|r| (r.id.clone(), r.skipped.clone()))
        .collect();
    assert!(!from_report.is_empty());
    assert_eq!(from_report, from_traces);
}
