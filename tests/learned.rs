//! The learned pick and recorded outcomes: it converges on the clearly better rep
//! within the caps, the fairness floor and the caps always hold, a replay with the same
//! leads and outcomes makes the same decisions, snapshot/restore changes nothing, and
//! `record_outcome` is idempotent with typed errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{LeadOutcome, RouteOptions, Router, State};
use proptest::prelude::*;
use serde_json::{json, Value};

const START: i64 = 1_767_603_600_000; // 2026-01-05T09:00:00Z, a Monday
const DAY: i64 = 86_400_000;

fn config(n: usize, floor: f64, day_cap: Option<u32>) -> Value {
    let reps: Vec<Value> = (0..n)
        .map(|i| match day_cap {
            Some(c) => json!({"id": format!("r{i}"), "caps": {"day": c, "month": 100000}}),
            None => json!({"id": format!("r{i}"), "caps": {"month": 100000}}),
        })
        .collect();
    json!({
        "fields": {"industry": "string"},
        "reps": reps,
        "teams": [{"id": "sales", "members": (0..n).map(|i| format!("r{i}")).collect::<Vec<_>>(),
            "select": {"pick": {"type": "learned", "floor": floor, "segment": ["industry"],
                "half_life_days": 60, "draws": 16}}}],
        "rules": [{"id": "all", "team": "sales"}],
        "lead_ids": {"remember_days": 365},
        "fallback": "r0"
    })
}

/// A uniform number in (0, 1) from a seed, for planted outcomes.
fn unit(seed: u64) -> f64 {
    leadroute::select::pick::sample::Rng::new(seed).uniform()
}

#[derive(Debug, Clone, PartialEq)]
struct Step {
    /// The calendar day (UTC) and whether a team member (not the fallback) got it.
    day: i64,
    by_team: bool,
    rep: Option<String>,
    propensity: Option<f64>,
    /// Candidates in the learned pick's tier (eligible for this lead).
    tier: Vec<String>,
}

/// Routes `leads` leads, `per_day` a day from START, with the outcome of each lead
/// arriving `delay` leads later; `rates[rep]` is each rep's true conversion rate.
/// Between `split` and the rest the state goes through snapshot JSON and back.
#[allow(clippy::too_many_arguments)]
fn run(
    router: &Router,
    state: &mut State,
    rates: &[f64],
    leads: usize,
    per_day: usize,
    delay: usize,
    seed: u64,
    split: Option<usize>,
) -> Vec<Step> {
    let mut steps = Vec::with_capacity(leads);
    let gap = DAY / per_day as i64;
    for i in 0..leads + delay {
        if split == Some(i) {
            let json = router.snapshot_json(state);
            *state = router.restore_json(&json).unwrap();
            assert_eq!(router.snapshot_json(state), json);
        }
        let now = START + i as i64 * gap;
        if i >= delay {
            let j = i - delay;
            let Some(rep) = steps.get(j).and_then(|s: &Step| s.rep.clone()) else {
                continue;
            };
            let r: usize = rep[1..].parse().unwrap();
            let converted = unit(seed ^ (j as u64 * 7919)) < rates[r];
            let o = LeadOutcome {
                converted,
                value: 0.0,
                at: now,
            };
            let done = router.record_outcome(state, &format!("L{j}"), o).unwrap();
            assert!(!done.duplicate);
        }
        if i >= leads {
            continue;
        }
        let lead = format!(r#"{{"id": "L{i}", "industry": "saas"}}"#);
        let d = router
            .route_json(state, &lead, RouteOptions::at(now))
            .unwrap();
        let tier = d
            .trace
            .as_ref()
            .map(|t| {
                t.candidates
                    .iter()
                    .filter(|c| {
                        let r = serde_json::to_value(c.reason).unwrap();
                        [
                            "highest_draw",
                            "lower_draw",
                            "fairness_floor",
                            "overridden_by_floor",
                        ]
                        .contains(&r.as_str().unwrap())
                    })
                    .map(|c| c.rep.to_string())
                    .collect()
            })
            .unwrap_or_default();
        steps.push(Step {
            day: now / DAY,
            by_team: d.via == leadroute::Via::Team,
            rep: d.rep.map(str::to_string),
            propensity: d.propensity,
            tier,
        });
    }
    steps
}

fn share(steps: &[Step], rep: &str) -> f64 {
    steps
        .iter()
        .filter(|s| s.rep.as_deref() == Some(rep))
        .count() as f64
        / steps.len() as f64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// One rep converting at 50% against 10% gets nearly every lead once learned; with
    /// a day cap, exactly the cap each day (the cap binds, never the learning).
    #[test]
    fn converges_on_the_clearly_better_rep_within_caps(seed in any::<u64>(), best in 0usize..3) {
        let mut rates = vec![0.1; 3];
        rates[best] = 0.5;
        let router = Router::from_json(&config(3, 0.0, None).to_string()).unwrap();
        let mut state = router.new_state();
        let steps = run(&router, &mut state, &rates, 600, 40, 5, seed, None);
        let late = &steps[400..];
        prop_assert!(share(late, &format!("r{best}")) >= 0.85,
            "share {}", share(late, &format!("r{best}")));

        let router = Router::from_json(&config(3, 0.0, Some(10)).to_string()).unwrap();
        let mut state = router.new_state();
        let steps = run(&router, &mut state, &rates, 600, 30, 5, seed, None);
        let first = steps[0].day;
        for day in first + 15..first + 19 {
            let got = steps
                .iter()
                .filter(|s| s.day == day && s.rep.as_deref() == Some(&format!("r{best}")))
                .count();
            prop_assert_eq!(got, 10, "day {}", day - first);
        }
    }

    /// Whatever the true rates, every rep gets at least `floor` of the leads it was
    /// eligible for (less at most two leads of rounding), and never more than its cap.
    #[test]
    fn the_floor_and_the_caps_always_hold(
        seed in any::<u64>(),
        n in 2usize..5,
        floor_pct in 0u32..=25,
        cap in prop::option::of(4u32..20),
        rates in prop::collection::vec(0.0f64..1.0, 4),
    ) {
        let floor = f64::from(floor_pct.min(100 / n as u32)) / 100.0;
        let router = Router::from_json(&config(n, floor, cap).to_string()).unwrap();
        let mut state = router.new_state();
        let per_day = 24;
        let steps = run(&router, &mut state, &rates, 300, per_day, 3, seed, None);
        for r in 0..n {
            let id = format!("r{r}");
            let eligible = steps.iter().filter(|s| s.tier.contains(&id)).count() as f64;
            let got = steps.iter().filter(|s| s.rep.as_deref() == Some(&id)).count() as f64;
            prop_assert!(got >= floor * eligible - 2.0,
                "{} got {} of {} eligible under a floor of {}", id, got, eligible, floor);
            if let Some(c) = cap {
                // The fallback owner takes what nobody can, past caps: only team picks count.
                for day in steps[0].day..=steps[steps.len() - 1].day {
                    let n = steps
                        .iter()
                        .filter(|s| s.day == day && s.by_team && s.rep.as_deref() == Some(&id))
                        .count();
                    prop_assert!(n <= c as usize, "{} got {} on day {}, cap {}", id, n, day, c);
                }
            }
        }
    }

    /// The same leads and outcomes give the same decisions and propensities, and a
    /// snapshot/restore in the middle changes none of them nor the final state.
    #[test]
    fn replays_and_snapshots_change_nothing(seed in any::<u64>(), split in 1usize..200) {
        let rates = [0.3, 0.2, 0.25];
        let router = Router::from_json(&config(3, 0.1, Some(12)).to_string()).unwrap();
        let mut a = router.new_state();
        let first = run(&router, &mut a, &rates, 200, 30, 4, seed, None);
        let mut b = router.new_state();
        let again = run(&router, &mut b, &rates, 200, 30, 4, seed, None);
        prop_assert_eq!(&first, &again);
        let mut c = router.new_state();
        let restored = run(&router, &mut c, &rates, 200, 30, 4, seed, Some(split));
        prop_assert_eq!(&first, &restored);
        prop_assert_eq!(router.snapshot_json(&a), router.snapshot_json(&c));
        prop_assert!(first.iter().all(|s| s.propensity.is_some_and(|p| p > 0.0 && p <= 1.0)));
    }
}

fn small() -> Router {
    Router::from_json(
        &json!({
            "fields": {"industry": "string"},
            "reps": [{"id": "ana"}, {"id": "ben"}],
            "teams": [{"id": "sales", "members": ["ana", "ben"],
                "select": {"pick": {"type": "learned"}}}],
            "screening": {"rules": [{"id": "students", "when": "industry == \"students\"",
                "reason": "student"}]},
            "rules": [{"id": "all", "team": "sales"}],
            "fallback": "ana"
        })
        .to_string(),
    )
    .unwrap()
}

#[test]
fn a_second_outcome_for_a_lead_is_a_duplicate_and_changes_nothing() {
    let r = small();
    let mut s = r.new_state();
    let d = r
        .route_json(&mut s, r#"{"id": "L1"}"#, RouteOptions::at(START))
        .unwrap();
    let rep = d.rep.unwrap().to_string();
    let won = LeadOutcome {
        converted: true,
        value: 1200.0,
        at: START + DAY,
    };
    let done = r.record_outcome(&mut s, "L1", won).unwrap();
    assert_eq!(
        (done.rep.as_str(), done.team.as_deref(), done.duplicate),
        (rep.as_str(), Some("sales"), false)
    );
    let before = r.snapshot_json(&s);
    let lost = LeadOutcome {
        converted: false,
        ..won
    };
    let again = r.record_outcome(&mut s, "L1", lost).unwrap();
    assert!(again.duplicate);
    assert_eq!(r.snapshot_json(&s), before);
    let snap: Value = serde_json::from_str(&before).unwrap();
    assert_eq!(snap["outcomes"][0]["conversions"], 1.0);
    assert_eq!(snap["outcomes"][0]["value"], 1200.0);
    assert_eq!(snap["routed_leads"][0]["outcome_recorded"], true);
    // The flag survives a snapshot: a retried webhook after a restart is still a no-op.
    let mut restored = r.restore_json(&before).unwrap();
    assert!(
        r.record_outcome(&mut restored, "L1", lost)
            .unwrap()
            .duplicate
    );
}

#[test]
fn outcomes_for_unknown_unassigned_or_bad_leads_are_typed_errors() {
    let r = small();
    let mut s = r.new_state();
    let o = LeadOutcome {
        converted: true,
        value: 0.0,
        at: START,
    };
    let e = r.record_outcome(&mut s, "nope", o).unwrap_err();
    assert_eq!(e.code.as_str(), "unknown_lead");
    r.route_json(
        &mut s,
        r#"{"id": "S1", "industry": "students"}"#,
        RouteOptions::at(START),
    )
    .unwrap();
    let e = r.record_outcome(&mut s, "S1", o).unwrap_err();
    assert_eq!(e.code.as_str(), "not_assigned");
    assert_eq!(
        e.message,
        "lead \"S1\" went to no rep (rejected): there is nobody to learn about"
    );
    r.route_json(&mut s, r#"{"id": "L1"}"#, RouteOptions::at(START))
        .unwrap();
    for value in [-1.0, f64::NAN] {
        let e = r
            .record_outcome(&mut s, "L1", LeadOutcome { value, ..o })
            .unwrap_err();
        assert_eq!(e.code.as_str(), "invalid_outcome");
    }
    // A refused outcome changed nothing: the first valid one still counts.
    assert!(!r.record_outcome(&mut s, "L1", o).unwrap().duplicate);
}

#[test]
fn learned_pick_settings_are_checked() {
    let bad = json!({
        "fields": {"size": "number"},
        "reps": [{"id": "ana"}, {"id": "ben"}, {"id": "cho"}],
        "teams": [{"id": "sales", "members": ["ana", "ben", "cho"],
            "select": {"pick": {"type": "learned", "floor": 0.4, "prior_rate": 1.5,
                "segment": ["size", "sise"]}}}],
        "rules": [{"id": "all", "team": "sales"}]
    });
    let e = Router::from_json(&bad.to_string()).unwrap_err().to_string();
    for want in [
        "teams[0].select.pick.prior_rate: expected a rate between 0 and 1 (both excluded)",
        "teams[0].select.pick.segment[0]: number field \"size\" needs \"bands\" to split into segments",
        "teams[0].select.pick.segment[1]: unknown field \"sise\" (did you mean \"size\"?)",
    ] {
        assert!(e.contains(want), "{want} not in {e}");
    }
    let floor = json!({
        "fields": {},
        "reps": [{"id": "ana"}, {"id": "ben"}, {"id": "cho"}],
        "teams": [{"id": "sales", "members": ["ana", "ben", "cho"],
            "select": {"pick": {"type": "learned", "floor": 0.4}}}],
        "rules": [{"id": "all", "team": "sales"}]
    });
    let e = Router::from_json(&floor.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("teams[0].select.pick.floor: a floor of 0.4 for 3 members asks for 120% of the leads: at most 0.333"),
        "{e}"
    );
}

/// A version-3 snapshot (tests/snapshots/v3-state.json, written before outcomes
/// existed) loads into version 4 unchanged, and the saved form is version 4.
#[test]
fn version_3_snapshot_fixture_loads() {
    let r = small();
    let v3 = std::fs::read_to_string("tests/snapshots/v3-state.json").unwrap();
    let s = r.restore_json(&v3).unwrap();
    let saved: Value = serde_json::from_str(&r.snapshot_json(&s)).unwrap();
    let mut old: Value = serde_json::from_str(&v3).unwrap();
    old["version"] = json!(4);
    assert_eq!(saved, old);
    // The remembered lead takes an outcome after the migration.
    let mut s = s;
    let o = LeadOutcome {
        converted: true,
        value: 0.0,
        at: START,
    };
    assert_eq!(r.record_outcome(&mut s, "L1", o).unwrap().rep, "ana");
}

/// The edge keeps lead ids itself and runs the engine with `remember_days: 0`: an
/// outcome given with the decision's placement learns exactly what the remembered
/// path learns.
#[test]
fn a_placed_outcome_learns_what_a_remembered_one_does() {
    let cfg = config(3, 0.0, None);
    let remembered = Router::from_json(&cfg.to_string()).unwrap();
    let mut forgetful_cfg = cfg.clone();
    forgetful_cfg["lead_ids"] = json!({"remember_days": 0});
    let forgetful = Router::from_json(&forgetful_cfg.to_string()).unwrap();
    let (mut a, mut b) = (remembered.new_state(), forgetful.new_state());
    for i in 0..40 {
        let now = START + i * 60 * 60_000;
        let lead = format!(
            r#"{{"id": "L{i}", "industry": "{}"}}"#,
            ["saas", "retail"][i as usize % 2]
        );
        let da = remembered
            .route_json(&mut a, &lead, RouteOptions::at(now))
            .unwrap();
        let db = forgetful
            .route_json(&mut b, &lead, RouteOptions::at(now))
            .unwrap();
        assert_eq!((da.rep, da.propensity), (db.rep, db.propensity));
        let outcome = format!(
            r#"{{"converted": {}, "value": 10, "at": {}}}"#,
            i % 3 == 0,
            now + DAY
        );
        let placement = json!({"rep": db.rep, "team": db.team, "segment": db.segment}).to_string();
        assert!(db.segment.is_some());
        let id = format!("L{i}");
        remembered
            .record_outcome_json(&mut a, &id, &outcome, None)
            .unwrap();
        let e = forgetful
            .record_outcome_json(&mut b, &id, &outcome, None)
            .unwrap_err();
        assert_eq!(e.code.as_str(), "unknown_lead");
        forgetful
            .record_outcome_json(&mut b, &id, &outcome, Some(&placement))
            .unwrap();
    }
    let outcomes = |r: &Router, s: &State| -> Value {
        serde_json::from_str::<Value>(&r.snapshot_json(s)).unwrap()["outcomes"].clone()
    };
    assert_eq!(outcomes(&remembered, &a), outcomes(&forgetful, &b));
    assert_eq!(outcomes(&remembered, &a).as_array().unwrap().len(), 9);
}

#[test]
fn outcome_json_is_checked_in_the_core() {
    let r = small();
    let mut s = r.new_state();
    for (text, want) in [
        (r#"{"converted": "yes", "at": 1767603600000}"#, "outcome.converted must be true or false, found the string \"yes\""),
        (r#"{"converted": true}"#, "outcome.at is required: ms since the epoch of the close (e.g. Date.now())"),
        (r#"{"converted": true, "at": 1767603600}"#, "outcome.at must be ms since the epoch between 2000-01-01 and 2200-01-01, found 1767603600 (that looks like seconds: multiply by 1000)"),
        (r#"{"converted": true, "at": 1767603600000, "amount": 5}"#, "unknown key \"amount\" in an outcome (it takes converted, value, at)"),
    ] {
        let e = r.record_outcome_json(&mut s, "L1", text, None).unwrap_err();
        assert_eq!((e.code.as_str(), e.message.as_str()), ("invalid_outcome", want));
    }
}

/// With `segment: ["industry"]` each industry learns its own best rep: ana converts
/// saas leads and ben retail ones, and each ends up with most of their industry.
#[test]
fn each_segment_learns_its_own_best_rep() {
    let router = Router::from_json(&config(2, 0.0, None).to_string()).unwrap();
    let mut s = router.new_state();
    let rate = |rep: &str, industry: &str| match (rep, industry) {
        ("r0", "saas") | ("r1", "retail") => 0.5,
        _ => 0.05,
    };
    let mut late: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for i in 0..800 {
        let industry = ["saas", "retail"][i % 2];
        let now = START + i as i64 * 30 * 60_000;
        let lead = format!(r#"{{"id": "L{i}", "industry": "{industry}"}}"#);
        let d = router
            .route_json(&mut s, &lead, RouteOptions::at(now))
            .unwrap();
        let rep = d.rep.unwrap().to_string();
        let converted = unit(i as u64) < rate(&rep, industry);
        let o = LeadOutcome {
            converted,
            value: 0.0,
            at: now,
        };
        router.record_outcome(&mut s, &format!("L{i}"), o).unwrap();
        if i >= 600 {
            *late.entry((industry.to_string(), rep)).or_default() += 1;
        }
    }
    let got = |i: &str, r: &str| {
        late.get(&(i.to_string(), r.to_string()))
            .copied()
            .unwrap_or(0)
    };
    assert!(got("saas", "r0") >= 85, "{late:?}");
    assert!(got("retail", "r1") >= 85, "{late:?}");
}
