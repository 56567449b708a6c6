//! The core's learning simulator (`report::learning`): the README's scenario gives
//! exactly the numbers `examples/learned.rs` prints (and the README shows), learned beats
//! round robin and the static top performer on the planted truth, the floor holds, the
//! curves add up to the totals, a seed replays exactly, and bad options are typed errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::report::learning::{
    readme_scenario, simulate_learning, LearningError, LearningOptions, LearningReport,
};
use leadroute::Router;
use serde_json::json;

fn readme() -> LearningReport {
    let (config, opts) = readme_scenario();
    simulate_learning(&Router::from_json(&config).unwrap(), &opts).unwrap()
}

#[test]
fn the_readme_scenario_gives_the_readme_numbers() {
    let r = readme();
    assert_eq!(r.leads, 7200);
    assert_eq!(r.members, ["ana", "ben", "cho", "dev", "eli"]);
    assert_eq!(r.segments, ["saas", "retail", "health"]);
    let weights: Vec<String> = r.static_weights.iter().map(|w| format!("{w:.3}")).collect();
    assert_eq!(weights, ["0.197", "0.164", "0.156", "0.164", "0.086"]);
    let rows: Vec<(&str, usize, String, String, String, String)> = r
        .policies
        .iter()
        .map(|p| {
            (
                p.label,
                p.conversions,
                format!("{:.0}k", p.revenue / 1000.0),
                format!("{:.0}", p.regret),
                format!("{:.1}%", 100.0 * p.min_share),
                format!("{:.1}%", 100.0 * p.max_share),
            )
        })
        .collect();
    let row = |l, c, rev: &str, reg: &str, min: &str, max: &str| {
        (l, c, rev.into(), reg.into(), min.into(), max.into())
    };
    assert_eq!(
        rows,
        [
            row("learned", 1641, "30330k", "555", "11.7%", "23.8%"),
            row(
                "static top performer",
                1151,
                "21095k",
                "1077",
                "11.4%",
                "24.8%"
            ),
            row("round robin", 1110, "20218k", "1075", "20.0%", "20.0%"),
        ]
    );
    let quarters: Vec<Vec<String>> = r
        .policies
        .iter()
        .map(|p| {
            (0..4)
                .map(|q| {
                    let x: f64 = p.months[3 * q..3 * q + 3].iter().map(|m| m.regret).sum();
                    format!("{x:.0}")
                })
                .collect()
        })
        .collect();
    assert_eq!(
        quarters,
        [
            ["180", "97", "171", "106"],
            ["247", "254", "288", "289"],
            ["262", "254", "277", "283"],
        ]
    );
    assert_eq!(r.policies[0].per_rep, [1641, 1711, 1311, 1693, 844]);
    let e = r.off_policy.as_ref().unwrap();
    assert_eq!(
        (
            format!("{:.1}", 100.0 * e.ips),
            format!("{:.1}", 100.0 * e.snips),
            format!("{:.0}", e.effective_n),
            e.n,
            format!("{:.1}", 100.0 * e.truth)
        ),
        (
            "13.5".into(),
            "16.5".into(),
            "755".into(),
            7200,
            "14.8".into()
        )
    );
}

#[test]
fn learned_pays_off_within_the_floor_and_the_curves_add_up() {
    let r = readme();
    let [learned, fixed, rr] = &r.policies[..] else {
        panic!("three policies");
    };
    assert!(learned.conversions > rr.conversions && learned.conversions > fixed.conversions);
    assert!(learned.regret < rr.regret / 1.5);
    assert_eq!(r.floor, 0.05);
    for p in &r.policies {
        assert_eq!(p.leads + p.unassigned, r.leads, "{}", p.policy);
        assert_eq!(p.per_rep.iter().sum::<usize>(), p.leads);
        assert_eq!(p.months.len(), 12);
        let last = p.months.last().unwrap();
        assert_eq!(last.cumulative_conversions, p.conversions);
        assert!((last.cumulative_regret - p.regret).abs() < 1e-6);
        assert!((last.cumulative_revenue - p.revenue).abs() < 1e-3);
        assert_eq!(p.months.iter().map(|m| m.leads).sum::<usize>(), p.leads);
        assert!(p.min_share >= r.floor, "{} {}", p.policy, p.min_share);
    }
    // The floor's credit runs from the first lead: it holds over the leads so far, not
    // within each month (eli, drawn often in month 1, gets under 1% in month 6).
    let shares = |f: fn(&leadroute::report::learning::Period) -> f64| {
        learned.months.iter().map(f).collect::<Vec<f64>>()
    };
    let so_far = shares(|m| m.cumulative_min_share);
    assert!(so_far.iter().all(|s| *s >= r.floor), "{so_far:?}");
    assert!(shares(|m| m.min_share).iter().any(|s| *s < r.floor));
}

fn generic() -> Router {
    Router::from_json(
        &json!({
            "fields": {"size": "number", "country": "string"},
            "reps": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
            "teams": [
                {"id": "other", "members": ["d"]},
                {"id": "inbound", "members": ["a", "b", "c"],
                 "select": {"pick": {"type": "learned", "segment": ["size"], "bands": [50]}}}
            ],
            "rules": [{"id": "us", "when": "country == \"US\"", "team": "inbound"},
                      {"id": "rest", "team": "other"}],
            "fallback": "d"
        })
        .to_string(),
    )
    .unwrap()
}

#[test]
fn generated_truth_follows_the_seed_and_every_lead_reaches_the_team() {
    let router = generic();
    let opts = LearningOptions {
        months: 4,
        leads_per_month: 200,
        segments: 2,
        spread: 0.12,
        delay_days: [3.0, 10.0],
        ..LearningOptions::default()
    };
    let a = simulate_learning(&router, &opts).unwrap();
    assert_eq!(a, simulate_learning(&router, &opts).unwrap());
    assert_eq!(a.team, "inbound");
    assert_eq!(a.members, ["a", "b", "c"]);
    assert_eq!(a.segments, ["size 49.0", "size 50.0"]);
    assert_eq!(a.truth.len(), 3);
    assert!(a
        .truth
        .iter()
        .all(|t| t.rates.iter().all(|p| (0.03..=0.27).contains(p))));
    // Halfway, the best and the worst of the first segment swap.
    assert_eq!(a.changes.len(), 2);
    assert!(a.changes.iter().all(|c| c.month == 2 && c.segment == 0));
    for p in &a.policies {
        assert_eq!((p.leads, p.unassigned), (800, 0), "{}", p.policy);
    }
    let b = simulate_learning(
        &router,
        &LearningOptions {
            seed: 20,
            ..opts.clone()
        },
    )
    .unwrap();
    assert_ne!(a.truth, b.truth);
    let flat = simulate_learning(
        &router,
        &LearningOptions {
            spread: 0.0,
            ..opts
        },
    )
    .unwrap();
    assert!(flat
        .truth
        .iter()
        .all(|t| t.rates.iter().all(|p| *p == 0.15)));
    assert!(flat.policies.iter().all(|p| p.regret == 0.0));
}

#[test]
fn bad_options_and_configs_are_typed_errors() {
    let router = generic();
    let err = |o: LearningOptions| simulate_learning(&router, &o).unwrap_err();
    let e = err(LearningOptions {
        months: 0,
        ..LearningOptions::default()
    });
    assert_eq!(e, LearningError::Option("months", "1 to 36".into()));
    assert_eq!(e.code(), "invalid_option");
    assert_eq!(e.to_string(), "`months`: 1 to 36");
    let e = err(LearningOptions {
        delay_days: [10.0, 2.0],
        ..LearningOptions::default()
    });
    assert!(matches!(e, LearningError::Option("delay_days", _)));
    let e = err(LearningOptions {
        team: Some("other".into()),
        ..LearningOptions::default()
    });
    assert_eq!(e, LearningError::NoLearnedTeam(Some("other".into())));
    assert_eq!(
        e.to_string(),
        "team `other` does not exist or has no learned pick"
    );
    let (config, mut opts) = readme_scenario();
    if let Some(p) = opts.planted.as_mut() {
        p.rates.retain(|r| r.rep != "eli");
    }
    let e = simulate_learning(&Router::from_json(&config).unwrap(), &opts).unwrap_err();
    assert_eq!(
        e,
        LearningError::Option("planted", "no rates for member `eli`".into())
    );
    let plain = Router::from_json(
        r#"{"reps": [{"id": "a"}], "teams": [{"id": "t", "members": ["a"]}],
            "rules": [{"id": "all", "team": "t"}], "fallback": "a"}"#,
    )
    .unwrap();
    let e = simulate_learning(&plain, &LearningOptions::default()).unwrap_err();
    assert_eq!(e.code(), "no_learned_team");
}

#[test]
fn a_simulation_of_a_learned_team_reports_the_inverse_propensity_estimate() {
    use leadroute::report::off_policy::{eligible, estimate, Logged};
    use leadroute::report::{SimOptions, Simulation};
    use leadroute::RouteOptions;
    let config = json!({
        "fields": {"tier": "string"},
        "reps": [{"id": "a", "caps": {"day": 4}}, {"id": "b"}, {"id": "c"}],
        "teams": [{"id": "t", "members": ["a", "b", "c"],
                   "select": {"pick": {"type": "learned", "floor": 0.2, "draws": 16}}}],
        "rules": [{"id": "all", "team": "t"}],
        "fallback": "a"
    });
    let router = Router::from_json(&config.to_string()).unwrap();
    let start = 1_767_603_600_000i64;
    let leads: Vec<(String, i64, bool)> = (0..60)
        .map(|i| (format!("L{i}"), start + i * 3_600_000, i % 3 == 0))
        .collect();
    let mut jsonl = String::new();
    for (id, at, converted) in &leads {
        let h = 9 + (at - start) / 3_600_000;
        let when = format!("2026-01-{:02}T{:02}:00:00Z", 5 + h / 24, h % 24);
        jsonl.push_str(&json!({"id": id, "created_at": when, "converted": converted}).to_string());
        jsonl.push('\n');
    }
    let mut sim = Simulation::new(&router, SimOptions::default());
    sim.feed_jsonl(&router, &jsonl);
    sim.finish(&router);
    let report = sim.report(&router);
    // The same leads routed one by one, the log built by hand.
    let mut state = router.new_state();
    let mut log = Vec::new();
    for (id, at, converted) in &leads {
        let d = router
            .route_json(
                &mut state,
                &json!({"id": id}).to_string(),
                RouteOptions::at(*at),
            )
            .unwrap();
        let k = eligible(d.trace.as_ref().unwrap()).count() as f64;
        log.push(Logged {
            propensity: d.propensity.unwrap(),
            target: 1.0 / k,
            reward: f64::from(u8::from(*converted)),
        });
    }
    let e = estimate(&log).unwrap();
    let got = report.off_policy.expect("a learned team with outcomes");
    assert_eq!(got.target, "uniform");
    assert_eq!(got.decisions, 60);
    assert_eq!(got.logged_rate, 20.0 / 60.0);
    assert_eq!(
        (got.ips, got.snips, got.effective_n),
        (e.ips, e.snips, e.effective_n)
    );
    // The day cap on `a` leaves two eligible on some leads: not every target is 1/3.
    assert!(log.iter().any(|l| l.target == 0.5), "{log:?}");
    // No learned team, or no known outcomes: no line.
    let plain = Router::from_json(
        r#"{"reps": [{"id": "a"}], "teams": [{"id": "t", "members": ["a"]}],
            "rules": [{"id": "all", "team": "t"}], "fallback": "a"}"#,
    )
    .unwrap();
    let mut sim = Simulation::new(&plain, SimOptions::default());
    sim.feed_jsonl(&plain, &jsonl);
    sim.finish(&plain);
    assert_eq!(sim.report(&plain).off_policy, None);
    let mut sim = Simulation::new(&router, SimOptions::default());
    sim.feed_jsonl(
        &router,
        "{\"id\": \"X\", \"created_at\": \"2026-01-05T09:00:00Z\"}\n",
    );
    sim.finish(&router);
    assert_eq!(sim.report(&router).off_policy, None);
}

#[test]
fn the_sample_config_with_a_learned_team_simulates_past_its_screening_scoring_and_rules() {
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("data/default-config.json").unwrap())
            .unwrap();
    let team = config["teams"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["id"] == "enterprise")
        .unwrap();
    team.as_object_mut().unwrap().remove("strategy");
    team["select"] = json!({"pick": {"type": "learned", "segment": ["industry"], "floor": 0.1}});
    let router = Router::from_json(&config.to_string()).unwrap();
    let opts = LearningOptions {
        months: 2,
        leads_per_month: 100,
        ..LearningOptions::default()
    };
    let r = simulate_learning(&router, &opts).unwrap();
    assert_eq!(r.team, "enterprise");
    let counts: Vec<(usize, usize)> = r.policies.iter().map(|p| (p.leads, p.unassigned)).collect();
    // Leads arrive around the clock: the ones out of the members' hours (or with priya
    // away) go to the fallback, the others reach the team.
    assert!(
        counts
            .iter()
            .all(|(n, u)| *n > 20 && *u > 20 && n + u == 200),
        "{counts:?}"
    );
}
