//! The simulation's claim model, insights, audit log (search, exact explain), diff,
//! `created_at` formats and account matching report, on crafted configs and leads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::report::{
    AuditQuery, ClaimModel, CreatedAtOptions, DateFormat, Delay, DiffFilter, Page, Report,
    SimOptions, Simulation,
};
use leadroute::Router;

fn sample_router() -> Router {
    Router::from_json(&std::fs::read_to_string("data/default-config.json").unwrap()).unwrap()
}

fn sample_leads() -> String {
    std::fs::read_to_string("data/sample-leads.jsonl").unwrap()
}

fn run(router: &Router, jsonl: &str, opts: SimOptions) -> (Simulation, Report) {
    let mut sim = Simulation::new(router, opts);
    sim.feed_jsonl(router, jsonl);
    sim.finish(router);
    let r = sim.report(router);
    (sim, r)
}

/// Monday 2 November 2026, `h:m` UTC, as ISO 8601.
fn at(h: u32, m: u32) -> String {
    format!("2026-11-02T{h:02}:{m:02}:00Z")
}

const POOL_CONFIG: &str = r#"{
  "fields": {"email": "string"},
  "reps": [
    {"id": "ana", "name": "Ana Ruiz"},
    {"id": "ben", "name": "Ben Okafor", "hours": {"tz": "UTC", "mon": "13:00-17:00"}},
    {"id": "cy", "name": "Cy Park"}
  ],
  "teams": [{"id": "sales", "name": "Sales", "members": ["ana", "ben"]}],
  "pools": [{"id": "inbound", "name": "Inbound", "teams": ["sales"],
             "claim_limit": {"per_day": 2}, "expire_after_minutes": 120, "expire_to": "sales"}],
  "rules": [
    {"id": "late", "when": "email == \"late@acme.com\"", "rep": "cy"},
    {"id": "all", "pool": "inbound"}
  ],
  "fallback": "cy"
}"#;

/// Six leads for the pool from 10:00, ten minutes apart, and one at 23:00 for Cy
/// (expiries and claims are counted up to the last lead's time).
fn pool_leads() -> String {
    (0..6)
        .map(|i| {
            format!(
                "{{\"id\": \"P{i}\", \"email\": \"p{i}@acme.com\", \"created_at\": \"{}\"}}\n",
                at(10, i * 10)
            )
        })
        .chain([late()])
        .collect()
}

fn late() -> String {
    format!(
        "{{\"id\": \"Z\", \"email\": \"late@acme.com\", \"created_at\": \"{}\"}}\n",
        at(23, 0)
    )
}

fn fixed(minutes: f64) -> ClaimModel {
    ClaimModel {
        delay: Some(Delay::Fixed { minutes }),
        ..ClaimModel::default()
    }
}

#[test]
fn without_a_claim_model_every_pooled_lead_expires() {
    let router = Router::from_json(POOL_CONFIG).unwrap();
    let (_, r) = run(&router, &pool_leads(), SimOptions::default());
    let p = &r.pools[0];
    assert_eq!((p.pooled, p.claimed, p.expired), (6, 0, 6));
    assert_eq!(r.insights[0].code, "pool_expires_unclaimed");
    assert_eq!(
        r.insights[0].message,
        "6 of 6 leads in pool Inbound expired unclaimed"
    );
}

#[test]
fn claims_respect_claim_limits_and_hours_with_a_fixed_delay() {
    let router = Router::from_json(POOL_CONFIG).unwrap();
    let opts = SimOptions {
        claims: Some(fixed(15.0)),
        ..SimOptions::default()
    };
    let (sim, r) = run(&router, &pool_leads(), opts);
    let p = &r.pools[0];
    // Ben works from 13:00: Ana alone claims, two a day (her limit); the other four are
    // tried again every 15 minutes until they expire at 120 minutes and go to the team.
    assert_eq!((p.pooled, p.claimed, p.expired, p.waiting), (6, 2, 4, 0));
    let t = p.time_to_claim.unwrap();
    assert_eq!((t.p50_minutes, t.p90_minutes), (15.0, 15.0));
    let ana = |q: &str| AuditQuery {
        rep: Some(q.into()),
        pool: Some("inbound".into()),
        ..AuditQuery::default()
    };
    // Ana owns all six: two she claimed, four that expired to the team (Ben was off).
    let page = sim.search(&router, &ana("Ana Ruiz"), Page::default());
    assert_eq!(page.total, 6);
    let claims: Vec<_> = page
        .rows
        .iter()
        .filter_map(|r| Some((r.lead_id.clone()?, r.claimed_at?)))
        .collect();
    // Claimed 15 minutes after each was pooled (10:00 and 10:10).
    assert_eq!(
        claims,
        [
            ("P0".to_string(), 1_793_614_500_000),
            ("P1".to_string(), 1_793_615_100_000)
        ]
    );
    assert_eq!(sim.search(&router, &ana("ben"), Page::default()).total, 0);
}

#[test]
fn a_seeded_delay_gives_the_same_claims_every_run_and_another_seed_others() {
    let router = Router::from_json(POOL_CONFIG).unwrap();
    let leads = pool_leads();
    let with = |seed: u64| {
        let opts = SimOptions {
            claims: Some(ClaimModel {
                seed,
                delay: Some(Delay::Exponential { mean_minutes: 30.0 }),
                ..ClaimModel::default()
            }),
            ..SimOptions::default()
        };
        run(&router, &leads, opts).1.pools[0].clone()
    };
    let a = with(1);
    assert_eq!(a, with(1));
    let t = a.time_to_claim.unwrap();
    assert_eq!((a.claimed, a.expired), (2, 4));
    assert_eq!(
        (t.p50_minutes, t.p90_minutes),
        (202.0 / 60.0, 2533.0 / 60.0)
    );
    let b = with(2).time_to_claim.unwrap();
    assert_ne!(
        (b.p50_minutes, b.p90_minutes),
        (t.p50_minutes, t.p90_minutes)
    );
}

#[test]
fn claims_in_the_history_file_are_replayed_as_written() {
    let router = Router::from_json(POOL_CONFIG).unwrap();
    let csv = "id,email,created_at,claimed_by,claimed_at\n\
               H1,h1@acme.com,2026-11-02T14:00:00Z,ben,2026-11-02T14:42:00Z\n\
               H2,h2@acme.com,2026-11-02T14:10:00Z,,\n\
               Z,late@acme.com,2026-11-02T23:00:00Z,,\n";
    let mut sim = Simulation::new(
        &router,
        SimOptions {
            claims: Some(ClaimModel {
                delay: None,
                ..ClaimModel::default()
            }),
            ..SimOptions::default()
        },
    );
    sim.feed_csv(&router, csv, None);
    sim.finish(&router);
    let r = sim.report(&router);
    let p = &r.pools[0];
    assert_eq!((p.claimed, p.claimed_from_history, p.expired), (1, 1, 1));
    let t = p.time_to_claim.unwrap();
    assert_eq!((t.p50_minutes, t.p90_minutes), (42.0, 42.0));
    let rows = sim
        .search(&router, &AuditQuery::default(), Page::default())
        .rows;
    assert_eq!(rows[0].rep.as_deref(), Some("ben"));
    assert_eq!(rows[0].rep_name.as_deref(), Some("Ben Okafor"));
    // H2 was not claimed: it expired at 16:10 to the team (first in its rotation: Ana).
    assert_eq!(
        (rows[1].rep.as_deref(), rows[1].claimed_at),
        (Some("ana"), None)
    );
    assert_eq!(rows.len(), 3);
}

const INSIGHT_CONFIG: &str = r#"{
  "fields": {"email": "string", "country": "string", "size": "number"},
  "reps": [
    {"id": "ana", "name": "Ana Ruiz", "caps": {"month": 2}},
    {"id": "ben", "name": "Ben Okafor", "caps": {"month": 2}},
    {"id": "dee", "name": "Dee Moss", "status": "away"},
    {"id": "gus", "name": "Gus Lind"},
    {"id": "fay", "name": "Fay Wong"}
  ],
  "teams": [
    {"id": "us", "name": "US Sales", "members": ["ana", "ben"]},
    {"id": "de", "name": "DACH", "members": ["dee"], "default_owner": "gus"}
  ],
  "pools": [{"id": "later", "name": "Later", "reps": ["gus"], "expire_after_minutes": 60}],
  "rules": [
    {"id": "usa", "when": "country == \"US\"", "team": "us"},
    {"id": "big-usa", "when": "country == \"US\" and size > 100", "rep": "gus"},
    {"id": "mars", "when": "country == \"MARS\"", "rep": "gus"},
    {"id": "de", "when": "country == \"DE\"", "team": "de"},
    {"id": "pool", "when": "country == \"PL\"", "pool": "later"}
  ],
  "fallback": "fay"
}"#;

fn insight_leads() -> String {
    let mut out = String::new();
    let mut lead = |id: String, country: &str, size: u32, day: u32| {
        out.push_str(&format!(
            "{{\"id\": \"{id}\", \"email\": \"{id}@x.com\", \"country\": \"{country}\", \"size\": {size}, \"created_at\": \"2026-11-{day:02}T12:00:00Z\"}}\n"
        ));
    };
    for i in 0..6 {
        lead(format!("us{i}"), "US", 200, 2 + i);
    }
    for i in 0..3 {
        lead(format!("de{i}"), "DE", 5, 10 + i);
    }
    lead("pl0".into(), "PL", 5, 13);
    for i in 0..2 {
        lead(format!("fr{i}"), "FR", 5, 14 + i);
    }
    out
}

#[test]
fn every_insight_code_on_a_crafted_config() {
    let router = Router::from_json(INSIGHT_CONFIG).unwrap();
    let (_, r) = run(&router, &insight_leads(), SimOptions::default());
    let got: Vec<(&str, u64, &str)> = r
        .insights
        .iter()
        .map(|i| (i.code.as_str(), i.impact, i.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("rule_shadowed", 6, "Rule big-usa never decided: the 6 leads it matches were taken by earlier rules (6 by rule usa)"),
            ("fallback_share", 4, "The fallback owner Fay Wong took 4 of 11 assigned leads (36.4%), above 10.0%; with pool expiries and re-routes Fay Wong owns 41.7% of all leads"),
            ("default_owner_share", 3, "Team DACH's default owner Gus Lind took 3 of its 3 leads (100.0%), above 10.0%"),
            ("no_rep_could_take", 3, "3 leads for team DACH found no member who could take them (members were away 3 times)"),
            ("rep_at_cap_early", 3, "Ana Ruiz reached the month cap of 2 on day 4 (2026-11-04), 26 days before the month ended; 3 leads came while at a cap"),
            ("no_rep_could_take", 2, "2 leads for team US Sales found no member who could take them (members were at month cap 5 times)"),
            ("rep_at_cap_early", 2, "Ben Okafor reached the month cap of 2 on day 5 (2026-11-05), 25 days before the month ended; 2 leads came while at a cap"),
            ("pool_expires_unclaimed", 1, "1 of 1 leads in pool Later expired unclaimed"),
            ("rule_never_hit", 0, "Rule mars matched none of the 12 leads"),
        ]
    );
    let cap = &r.insights[4];
    assert_eq!(
        (cap.ids.as_slice(), cap.day),
        (&["ana".to_string()][..], Some(4))
    );
    assert_eq!(r.labels.reps["ana"], "Ana Ruiz");
    assert_eq!(r.labels.rules["de"], "de (to team DACH)");
    assert_eq!(
        r.labels.metrics["reps.*.peak_month"],
        "Most leads in one month"
    );
}

#[test]
fn explain_is_the_trace_of_a_fully_traced_run() {
    let router = sample_router();
    let leads = sample_leads();
    let opts = SimOptions {
        sample: 10_000,
        checkpoint_every: 37,
        claims: Some(ClaimModel::default()),
        touch_after_minutes: Some(20),
        ..SimOptions::default()
    };
    let (sim, r) = run(&router, &leads, opts);
    assert_eq!(r.sample.len(), 400);
    let by_id: std::collections::HashMap<String, &serde_json::Value> = r
        .sample
        .iter()
        .map(|s| {
            (
                s.decision["lead_id"].as_str().unwrap().to_string(),
                &s.decision,
            )
        })
        .collect();
    for i in (0..400).step_by(3).chain([36, 37, 38, 399]) {
        let d = sim.explain(&router, i).unwrap();
        let id = d["lead_id"].as_str().unwrap();
        assert_eq!(&d, by_id[id], "lead {i} ({id})");
        assert!(d["trace"].is_object());
    }
    assert_eq!(sim.explain(&router, 400), None);

    // A budget that holds a few copies of the state: thinned, and still exact.
    let thin = SimOptions {
        sample: 10_000,
        checkpoint_every: 5,
        checkpoint_budget: 200_000,
        claims: Some(ClaimModel::default()),
        touch_after_minutes: Some(20),
        ..SimOptions::default()
    };
    let (sim, _) = run(&router, &leads, thin);
    let (kept, every) = sim.checkpoints();
    assert!(every > 5 && kept < 80, "{kept} checkpoints every {every}");
    for i in (0..400)
        .step_by(7)
        .chain([every - 1, every, every + 1, 399])
    {
        let d = sim.explain(&router, i).unwrap();
        let id = d["lead_id"].as_str().unwrap();
        assert_eq!(&d, by_id[id], "thinned: lead {i} ({id})");
    }
}

#[test]
fn search_by_id_email_company_rep_rule_and_outcome() {
    let router = sample_router();
    let (sim, r) = run(&router, &sample_leads(), SimOptions::default());
    let find = |q: AuditQuery| sim.search(&router, &q, Page::default());
    let q = |f: fn(&mut AuditQuery)| {
        let mut q = AuditQuery::default();
        f(&mut q);
        q
    };
    let one = find(q(|q| q.email = Some("REDWORKS.in".into())));
    assert_eq!(one.total, 1);
    assert_eq!(one.rows[0].lead_id.as_deref(), Some("L0001"));
    assert_eq!(
        one.rows[0].company.as_deref(),
        Some("Redworks Industries Ltd")
    );
    assert_eq!(
        find(q(|q| q.company = Some("beaconbridge".into()))).total,
        2
    );
    assert_eq!(
        find(q(|q| q.company = Some("beaconbridge labs".into()))).total,
        1
    );
    assert_eq!(find(q(|q| q.lead_id = Some("L000".into()))).total, 9);
    assert_eq!(find(q(|q| q.text = Some("L0002".into()))).total, 1);
    assert_eq!(
        find(q(|q| q.outcome = Some("rejected".into()))).total,
        r.outcomes.rejected
    );
    let hits = r.rules.iter().find(|x| x.id == "emea").unwrap().hits;
    assert_eq!(find(q(|q| q.rule = Some("emea".into()))).total, hits);
    let olivia = r.reps.iter().find(|x| x.id == "r-olivia").unwrap().assigned;
    assert_eq!(
        find(q(|q| q.rep = Some("Olivia Bennett".into()))).total,
        olivia
    );
    assert_eq!(find(q(|q| q.rep = Some("nobody".into()))).total, 0);
    let page = sim.search(
        &router,
        &q(|q| q.rule = Some("emea".into())),
        Page {
            limit: 2,
            offset: 1,
        },
    );
    assert_eq!((page.total, page.rows.len()), (hits, 2));
    let csv = sim.search_csv(&router, &q(|q| q.email = Some("redworks.in".into())));
    assert_eq!(
        csv,
        "index,line,at,lead_id,email,company,outcome,via,rep,rep_name,team,team_name,pool,rule,claimed_at\n\
         0,1,1793592346000,L0001,sanjay.verma@redworks.in,Redworks Industries Ltd,pooled,pool,r-morgan,Morgan Hayes,,,smb-pool,smb-cherry-pick,\n"
    );
}

#[test]
fn diff_lists_moved_leads_with_both_sides_and_the_moves() {
    let a = sample_router();
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("data/default-config.json").unwrap())
            .unwrap();
    // The change: small leads pushed to the SMB team instead of its pool.
    let rules = config["rules"].as_array_mut().unwrap();
    let smb = rules
        .iter_mut()
        .find(|r| r["id"] == "smb-cherry-pick")
        .unwrap();
    smb.as_object_mut().unwrap().remove("pool");
    smb["team"] = "smb".into();
    let b = Router::from_json(&config.to_string()).unwrap();
    let leads = sample_leads();
    let (sa, _) = run(&a, &leads, SimOptions::default());
    let (sb, _) = run(&b, &leads, SimOptions::default());
    let all = sa
        .diff(&a, &sb, &b, &DiffFilter::default(), Page::default(), 100)
        .unwrap();
    assert_eq!(all.leads, 400);
    assert_eq!(all.total, all.moved);
    assert_eq!(all.moves.iter().map(|m| m.count).sum::<u64>(), all.total);
    // Every pooled SMB lead is now assigned (41), and the rotation after them changes.
    let pooled: Vec<_> = all
        .rows
        .iter()
        .filter(|m| m.a.pool.as_deref() == Some("smb-pool"))
        .collect();
    assert_eq!(pooled.len(), 41);
    assert!(pooled
        .iter()
        .all(|m| m.b.outcome == "assigned" && m.b.team.as_deref() == Some("smb")));
    // Nobody claims here: in A each expired to a rep, who owns it.
    assert!(pooled
        .iter()
        .all(|m| m.a.rep.is_some() && m.a.claimed_at.is_none()));
    let by_rule = sa
        .diff(
            &a,
            &sb,
            &b,
            &DiffFilter {
                rule: Some("smb-cherry-pick".into()),
                ..DiffFilter::default()
            },
            Page::default(),
            100,
        )
        .unwrap();
    assert_eq!(by_rule.moved, all.moved);
    assert!(by_rule.total >= 41 && by_rule.total <= all.total);
    // Both explanations of a moved lead, on demand.
    let m = &pooled[0];
    let (da, db) = (
        sa.explain(&a, m.index).unwrap(),
        sb.explain(&b, m.index).unwrap(),
    );
    assert_eq!(
        (da["outcome"].as_str(), db["outcome"].as_str()),
        (Some("pooled"), Some("assigned"))
    );
    assert_eq!(da["lead_id"], db["lead_id"]);
    // The same leads are required.
    let (short, _) = run(&b, &leads[..leads.len() / 2], SimOptions::default());
    let e = sa
        .diff(&a, &short, &b, &DiffFilter::default(), Page::default(), 100)
        .unwrap_err();
    assert_eq!(e.code, "different_leads");
    // compare carries the totals.
    let c = sa.compare_with(&a, &sb, &b);
    assert_eq!((c.moved, c.moves), (Some(all.moved), all.moves));
}

#[test]
fn unreadable_created_at_stops_the_run_unless_allowed() {
    let router = Router::from_json(POOL_CONFIG).unwrap();
    let csv = "id,email,created_at\nA,a@x.com,11/2/2026 04:05\nB,b@x.com,13/2/2026 04:05\n";
    let mut sim = Simulation::new(&router, SimOptions::default());
    sim.feed_csv(&router, csv, None);
    sim.finish(&router);
    let e = sim.stopped().unwrap();
    assert_eq!(e.code, "ambiguous_created_at");
    assert_eq!(e.line, 2);
    assert_eq!(e.seen, ["11/2/2026 04:05", "13/2/2026 04:05"]);
    assert_eq!(
        e.message,
        "created_at `11/2/2026 04:05` (line 2) can be read day first or month first, and no earlier value decided which"
    );
    assert_eq!(sim.leads(), 0);
    let iso = SimOptions {
        created_at: CreatedAtOptions {
            format: DateFormat::Iso,
            ..CreatedAtOptions::default()
        },
        ..SimOptions::default()
    };
    let mut sim = Simulation::new(&router, iso);
    sim.feed_csv(
        &router,
        "id,email,created_at\nA,a@x.com,\nB,b@x.com,2026-11-02T10:00:00Z\n",
        None,
    );
    sim.finish(&router);
    let e = sim.stopped().unwrap();
    assert_eq!(e.code, "unreadable_created_at");
    assert_eq!(
        e.message,
        "line 2 has no created_at: leads would be routed at made-up times"
    );
    assert_eq!(e.seen, [""]);

    // Month first in UTC: both read... 13/2 does not (no 13th month).
    let us = |allow: bool| SimOptions {
        created_at: CreatedAtOptions {
            format: DateFormat::Us,
            zone: Some("UTC".into()),
            allow_unreadable: allow,
        },
        ..SimOptions::default()
    };
    let mut sim = Simulation::new(&router, us(true));
    sim.feed_csv(&router, csv, None);
    sim.finish(&router);
    let r = sim.report(&router);
    assert_eq!(
        (r.leads, r.created_at.read, r.created_at.unreadable),
        (2, 1, 1)
    );
    assert_eq!(r.first_at, Some(1_793_592_300_000));

    // Auto: day first is decided by 13/2, but 11/2 came first: stop and ask.
    let auto = SimOptions {
        created_at: CreatedAtOptions {
            zone: Some("UTC".into()),
            ..CreatedAtOptions::default()
        },
        ..SimOptions::default()
    };
    let mut sim = Simulation::new(&router, auto.clone());
    sim.feed_csv(&router, csv, None);
    assert_eq!(sim.stopped().unwrap().code, "ambiguous_created_at");
    let mut sim = Simulation::new(&router, auto);
    sim.feed_csv(
        &router,
        "id,email,created_at\nB,b@x.com,13/2/2026 04:05\nA,a@x.com,11/2/2026 04:05 +01:00\n",
        None,
    );
    sim.finish(&router);
    let r = sim.report(&router);
    assert!(sim.stopped().is_none());
    assert_eq!((r.created_at.format.as_str(), r.created_at.read), ("eu", 2));
    // 11 February 03:05 UTC.
    assert_eq!(r.first_at, Some(1_770_779_100_000));
}

/// A JSONL line of a lead with an email and a company.
fn account_lead(id: &str, email: &str, company: &str) -> String {
    format!("{{\"id\": \"{id}\", \"email\": \"{email}\", \"company\": \"{company}\", \"created_at\": \"2026-11-02T10:00:00Z\"}}\n")
}

#[test]
fn account_match_rates_by_tier_and_the_near_misses() {
    let router = Router::from_json(
        r#"{
      "fields": {"email": "string", "company": "string"},
      "reps": [{"id": "ana", "name": "Ana Ruiz"}, {"id": "ben", "name": "Ben Okafor"}],
      "accounts": {"list": [
        {"id": "a1", "name": "Acme Corporation", "domains": ["acme.com"], "owner": "ana"},
        {"id": "a2", "name": "Globex Industries", "owner": "ana"},
        {"id": "a3", "name": "Initech Systems", "owner": "ana"}
      ], "fuzzy_threshold": 0.97},
      "rules": [{"id": "all", "rep": "ben"}],
      "fallback": "ben"
    }"#,
    )
    .unwrap();
    let leads = [
        account_lead("d1", "kim@acme.com", "whatever"),
        account_lead("n1", "lee@gmail.com", "Globex Industries Inc."),
        account_lead("f1", "sam@hotmail.com", "Initech Systms"),
        account_lead("c1", "al@yahoo.com", "Xlobex Industries"),
        account_lead("u1", "bo@other.org", "Nothing Alike"),
    ]
    .concat();
    let (_, r) = run(&router, &leads, SimOptions::default());
    let acc = r.accounts.unwrap();
    assert_eq!(acc.leads, 5);
    assert_eq!(
        acc.matched.into_iter().collect::<Vec<_>>(),
        [
            ("domain".to_string(), 1),
            ("fuzzy".into(), 1),
            ("name".into(), 1)
        ]
    );
    assert_eq!(acc.rates["all"], 0.6);
    assert_eq!(acc.unmatched, 2);
    let close: Vec<_> = acc
        .close
        .iter()
        .map(|c| (c.lead_id.as_deref(), c.account.as_str()))
        .collect();
    assert_eq!(close, [(Some("c1"), "a2")]);
}

#[test]
fn account_rates_count_screened_out_leads_too() {
    // Classify matches the account of a lead it routes and the report counts that
    // match; a lead screened out is never matched by classify, so the report matches
    // it itself: every lead is counted, once.
    let router = Router::from_json(
        r#"{
      "fields": {"email": "string", "company": "string"},
      "reps": [{"id": "ana"}, {"id": "ben"}],
      "screening": {"rules": [
        {"id": "test", "when": "email contains \"test\"", "reason": "test lead"}
      ]},
      "accounts": {"list": [
        {"id": "a1", "name": "Acme Corporation", "domains": ["acme.com"], "owner": "ana"},
        {"id": "a2", "name": "Globex Industries", "owner": "ana"}
      ]},
      "rules": [{"id": "all", "rep": "ben"}],
      "fallback": "ben"
    }"#,
    )
    .unwrap();
    let leads = [
        account_lead("d1", "kim@acme.com", "x"),
        account_lead("d2", "test@acme.com", "x"),
        account_lead("n1", "lee@gmail.com", "Globex Industries"),
        account_lead("n2", "test@gmail.com", "Globex Industries Inc."),
        account_lead("u1", "test@other.org", "Nothing Alike"),
    ]
    .concat();
    let (_, r) = run(&router, &leads, SimOptions::default());
    assert_eq!(r.outcomes.rejected, 3);
    let acc = r.accounts.unwrap();
    assert_eq!(acc.leads, 5);
    assert_eq!(
        acc.matched.into_iter().collect::<Vec<_>>(),
        [("domain".to_string(), 2), ("name".into(), 2)]
    );
    assert_eq!(acc.unmatched, 1);
}

#[test]
fn assertions_are_checked_into_the_report() {
    let router = Router::from_json(INSIGHT_CONFIG).unwrap();
    let opts = |share: f64, days: u32| SimOptions {
        assertions: leadroute::report::Assertions {
            max_fallback_share: Some(share),
            max_cap_days: Some(days),
        },
        ..SimOptions::default()
    };
    let (_, r) = run(&router, &insight_leads(), opts(0.1, 3));
    let got: Vec<(&str, bool, &str)> = r
        .assertions
        .iter()
        .map(|a| (a.code.as_str(), a.passed, a.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "max_fallback_share",
                false,
                "fallback owner Fay Wong: 36.4% of assigned leads (at most 10.0%)"
            ),
            (
                "max_cap_days",
                false,
                "Ana Ruiz at the month cap for 26 days from 2026-11-04 (at most 3)"
            ),
        ]
    );
    let (_, r) = run(&router, &insight_leads(), opts(0.5, 26));
    assert!(r.assertions.iter().all(|a| a.passed));
}
