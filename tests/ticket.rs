//! The ticket wire: seeded random leads classified, sent as JSON text, read back and
//! assigned make exactly `route`'s decisions and state, with and without a trace; a
//! ticket from another config, for another lead or with an index outside the config is
//! a typed error.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../examples/policy/month.rs"]
mod month;

use leadroute::ticket::{TicketCode, TicketTarget, TicketWire};
use leadroute::{RouteOptions, Router};

/// Accounts (exact, name and fuzzy tiers, an owner-first owner, an `account_owner`
/// rule), lead-to-lead, scoring with grades and an MQL threshold that customers skip,
/// screening, a conditional cap, a pool, a rule naming a rep and the fallback.
const ACCOUNTS: &str = r#"{
  "fields": {"email": "string", "company": "string", "country": "string", "size": "number", "title": "string"},
  "reps": [{"id": "ana", "caps": {"day": 6}}, {"id": "ben", "caps": {"day": 5}}, {"id": "cho"}, {"id": "dev", "caps": {"day": 4}}, {"id": "eve"}],
  "teams": [
    {"id": "am", "members": ["cho", "ana"]},
    {"id": "sales", "members": ["ana", "ben", "dev"]},
    {"id": "emea", "members": ["eve", "ben"], "strategy": {"type": "least_loaded"}}
  ],
  "pools": [{"id": "open", "reps": ["ana", "eve"]}],
  "screening": {"required": ["email"], "rules": [{"id": "no-test", "when": "company == \"Test\"", "reason": "test lead"}]},
  "scoring": {
    "groups": [
      {"id": "fit", "max": 60, "rules": [
        {"id": "vp", "when": "title contains \"VP\"", "points": 40},
        {"id": "big", "when": "size >= 500", "points": 30}]},
      {"id": "geo", "rules": [{"id": "us", "when": "country == \"US\"", "points": 10}]}
    ],
    "grades": [{"grade": "A", "min": 50}, {"grade": "B", "min": 20}],
    "mql": 15
  },
  "accounts": {
    "skip_mql": true,
    "lead_to_lead": {"days": 2},
    "owners": {"legacy.com": "dev"},
    "list": [
      {"id": "acme", "name": "Acme Corporation", "domains": ["acme.com"], "owner": "ana", "team": "am"},
      {"id": "globex", "name": "Globex", "domains": ["globex.com"], "team": "am"},
      {"id": "initech", "name": "Initech Software", "owner": "cho"}
    ]
  },
  "cap_rules": [{"id": "big-per-day", "when": "size >= 1000", "teams": ["sales"], "day": 2}],
  "rules": [
    {"id": "customers", "when": "account.matched == true", "account_owner": true},
    {"id": "vip", "when": "title == \"CEO\"", "rep": "eve"},
    {"id": "emea", "when": "country in [\"DE\", \"FR\"]", "team": "emea"},
    {"id": "pool", "when": "country == \"BR\"", "pool": "open"},
    {"id": "us", "when": "country == \"US\"", "team": "sales"}
  ],
  "fallback": "cho"
}"#;

/// `(now, lead JSON)`: seeded leads over a week for [`ACCOUNTS`], repeats and
/// screened leads included.
fn account_leads(seed: u64, n: usize) -> Vec<(i64, String)> {
    let mut rng = month::Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let at = month::START + (i as i64) * 60_000 + rng.below(30_000) as i64;
        let domain = rng.pick(&[
            "acme.com",
            "globex.com",
            "legacy.com",
            "gmail.com",
            "hooli.com",
            "x.io",
            "",
        ]);
        let company = rng.pick(&[
            "Acme Corp",
            "Initech Sofware",
            "Initech Software",
            "Test",
            "Hooli",
            "",
        ]);
        let email = if domain.is_empty() {
            String::new()
        } else {
            format!("\"email\": \"p{}@{domain}\",", rng.below(40))
        };
        let company = if company.is_empty() {
            String::new()
        } else {
            format!("\"company\": \"{company}\",")
        };
        // Now and then a lead id seen before, for the replay path.
        let id = if i > 10 && rng.below(20) == 0 {
            rng.below(i as u64) as usize
        } else {
            i
        };
        out.push((
            at,
            format!(
                r#"{{"id": "L{id}", {email} {company} "country": "{}", "size": {}, "title": "{}"}}"#,
                rng.pick(&["US", "DE", "FR", "BR", "JP"]),
                rng.below(2000),
                rng.pick(&["VP Sales", "CEO", "Engineer", ""]),
            ),
        ));
    }
    out
}

/// Routes `leads` twice, once whole and once through the wire, and asserts every
/// decision and the final state are the same; returns the tickets' targets.
fn wire_equals_route(r: &Router, leads: &[(i64, String)], trace: bool) -> Vec<TicketTarget> {
    let mut split = r.new_state();
    let mut whole = r.new_state();
    let mut targets = Vec::new();
    for (now, json) in leads {
        let lead = r.schema().parse_json(json).unwrap();
        let opts = RouteOptions {
            trace,
            ..RouteOptions::at(*now)
        };
        let ticket = r.classify(&lead, trace);
        let text = serde_json::to_string(&r.ticket_wire(&ticket)).unwrap();
        let wire: TicketWire = serde_json::from_str(&text).unwrap();
        targets.push(wire.target.clone());
        let back = r.ticket_from_json(&text, &lead).unwrap();
        let x = serde_json::to_value(r.assign_ticket(&mut split, back, &lead, opts)).unwrap();
        let y = serde_json::to_value(r.route(&mut whole, &lead, opts)).unwrap();
        assert_eq!(x, y, "decisions differ for {json}");
        if y["replayed"] == false {
            assert_eq!(
                wire.target == TicketTarget::Rejected,
                y["outcome"] == "rejected",
                "{json}: {text}"
            );
        }
        if !wire.needs_state {
            assert!(
                y["replayed"] == true || y["outcome"] == "rejected" || y["outcome"] == "nurture",
                "a stateless ticket can only end rejected or nurture: {json} {y}"
            );
        }
    }
    assert!(
        r.snapshot_json(&split) == r.snapshot_json(&whole),
        "states differ"
    );
    targets
}

#[test]
fn seeded_leads_through_the_wire_route_exactly_as_route_does() {
    let policy =
        Router::from_json(&std::fs::read_to_string("examples/policy/config.json").unwrap())
            .unwrap();
    let accounts = Router::from_json(ACCOUNTS).unwrap();
    for seed in [7, 8] {
        let leads = month::leads(seed);
        for trace in [true, false] {
            let t = wire_equals_route(&policy, &leads, trace);
            assert!(t.iter().any(|t| matches!(t, TicketTarget::Team(_))));
        }
    }
    for seed in [1, 2, 3] {
        let leads = account_leads(seed, 1500);
        for trace in [true, false] {
            let t = wire_equals_route(&accounts, &leads, trace);
            // Every kind of target occurs, so every branch of the wire was crossed.
            for kind in ["team", "pool", "rep", "fallback", "nurture", "rejected"] {
                assert!(
                    t.iter().any(|t| t.key().split(':').next() == Some(kind)),
                    "seed {seed}: no {kind} ticket"
                );
            }
        }
    }
}

#[test]
fn a_ticket_names_the_object_of_its_team() {
    let r = Router::from_json(ACCOUNTS).unwrap();
    let wire = |json: &str| {
        let lead = r.schema().parse_json(json).unwrap();
        r.ticket_wire(&r.classify(&lead, false))
    };
    let w = wire(r#"{"id": "A", "email": "x@y.io", "country": "DE", "title": "VP"}"#);
    assert_eq!(w.target.key(), "team:emea");
    assert!(w.needs_state);
    assert_eq!(w.config, r.fingerprint());
    let w = wire(r#"{"id": "B", "email": "x@y.io", "country": "BR", "title": "VP"}"#);
    assert_eq!(w.target, TicketTarget::Pool("open".into()));
    let w = wire(r#"{"id": "C", "email": "x@y.io", "country": "JP", "title": "VP"}"#);
    assert_eq!(w.target, TicketTarget::Fallback("cho".into()));
    let w = wire(r#"{"id": "D", "company": "Hooli"}"#);
    assert_eq!(w.target, TicketTarget::Rejected);
    assert_eq!(w.screened.as_ref().unwrap().rule, "required");
    assert!(!w.needs_state);
    // Nurture, but lead-to-lead may still give it to a rep who has the person's lead.
    let w = wire(r#"{"id": "E", "email": "x@y.io", "country": "JP"}"#);
    assert_eq!(w.target, TicketTarget::Nurture);
    assert!(w.needs_state);
    let text = serde_json::to_string(&w).unwrap();
    assert!(text.contains(r#""target":{"kind":"nurture"}"#), "{text}");
}

#[test]
fn nurture_without_anyone_to_try_first_needs_no_state() {
    let r = Router::from_json(
        r#"{"fields": {"size": "number"}, "reps": [{"id": "ana"}],
            "teams": [{"id": "t", "members": ["ana"]}],
            "scoring": {"groups": [{"id": "g", "rules": [{"id": "big", "when": "size > 10", "points": 10}]}], "mql": 5},
            "rules": [{"id": "all", "team": "t"}], "fallback": "ana"}"#,
    )
    .unwrap();
    let lead = r.schema().parse_json(r#"{"id": "n1", "size": 1}"#).unwrap();
    let w = r.ticket_wire(&r.classify(&lead, true));
    assert_eq!(w.target, TicketTarget::Nurture);
    assert!(!w.needs_state);
}

#[test]
fn foreign_wrong_and_broken_tickets_are_typed_errors() {
    let r = Router::from_json(ACCOUNTS).unwrap();
    let other = Router::from_json(&ACCOUNTS.replace("\"day\": 6", "\"day\": 7")).unwrap();
    assert_ne!(r.fingerprint(), other.fingerprint());
    assert_eq!(
        r.fingerprint(),
        Router::from_json(ACCOUNTS).unwrap().fingerprint()
    );
    let lead = r
        .schema()
        .parse_json(r#"{"id": "A", "email": "p@acme.com", "country": "US", "title": "VP Sales", "size": 900}"#)
        .unwrap();
    let text = serde_json::to_string(&r.ticket_wire(&r.classify(&lead, true))).unwrap();

    let e = other.ticket_from_json(&text, &lead).unwrap_err();
    assert_eq!(e.code, TicketCode::ForeignTicket);
    assert_eq!(e.code.as_str(), "foreign_ticket");
    assert!(e.message.contains(&r.fingerprint()), "{}", e.message);

    let b = r.schema().parse_json(r#"{"id": "B"}"#).unwrap();
    let e = r.ticket_from_json(&text, &b).unwrap_err();
    assert_eq!(e.code, TicketCode::WrongLead);
    assert_eq!(e.message, "ticket for lead `A` sent with lead `B`");

    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["route"]["rule"] = 99.into();
    let e = r.ticket_from_json(&v.to_string(), &lead).unwrap_err();
    assert_eq!(e.code, TicketCode::InvalidTicket);
    assert_eq!(e.message, "invalid ticket: rule out of range");

    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["score"]["breakdown"][0][1] = 7.into();
    let e = r.ticket_from_json(&v.to_string(), &lead).unwrap_err();
    assert_eq!(e.message, "invalid ticket: score rule out of range");

    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["format"] = 2.into();
    assert_eq!(
        r.ticket_from_json(&v.to_string(), &lead).unwrap_err().code,
        TicketCode::ForeignTicket
    );

    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["extra"] = 1.into();
    let e = r.ticket_from_json(&v.to_string(), &lead).unwrap_err();
    assert_eq!(e.code, TicketCode::InvalidTicket);
    assert!(e.message.contains("unknown field `extra`"), "{}", e.message);

    let e = r.ticket_from_json("[1]", &lead).unwrap_err();
    assert_eq!(e.code, TicketCode::InvalidTicket);
}

#[test]
fn the_ticket_codes_are_documented() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for code in [
        TicketCode::InvalidTicket,
        TicketCode::ForeignTicket,
        TicketCode::WrongLead,
    ] {
        assert!(
            readme.contains(&format!("| `{}` |", code.as_str())),
            "{code:?}"
        );
    }
}
