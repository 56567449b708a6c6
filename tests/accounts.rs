//! Lead-to-account matching outside the case files: config errors of the accounts
//! section, CSV loading, and the property that a free-mail lead never matches by domain.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{RouteOptions, Router};
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: i64 = 1_793_000_000_000;

fn config(accounts: Value, rules: Value) -> Value {
    json!({
        "fields": {"email": "string", "company": "string", "country": "string"},
        "reps": [{"id": "ana"}, {"id": "ben"}],
        "teams": [{"id": "sales", "members": ["ben"]}],
        "accounts": accounts,
        "rules": rules,
        "fallback": "ben"
    })
}

fn errors(c: &Value) -> String {
    Router::from_json(&c.to_string()).unwrap_err().to_string()
}

#[test]
fn accounts_section_errors_name_their_path() {
    let c = config(
        json!({
            "fields": {"tier": "string", "id": "string"},
            "list": [
                {"id": "a", "name": "A", "owner": "anna", "parent": "zz", "fields": {"tire": "x"}},
                {"id": "a", "name": "B", "team": "sale", "last_active": "soon"}
            ],
            "fuzzy_threshold": 1.5
        }),
        json!([{"id": "all", "team": "sales"}]),
    );
    let e = errors(&c);
    for want in [
        "accounts.fields.id: \"id\" is a built-in account field",
        "accounts.list[0].owner: unknown rep \"anna\" (did you mean \"ana\"?)",
        "accounts.list[0].parent: unknown account \"zz\"",
        "accounts.list[0].fields.tire: unknown account field \"tire\" (did you mean \"tier\"?)",
        "accounts.list[1].id: duplicate account id \"a\"",
        "accounts.list[1].team: unknown team \"sale\" (did you mean \"sales\"?)",
        "accounts.list[1].last_active: \"soon\" is not a date",
        "accounts.fuzzy_threshold: 1.5 is not between 0 and 1",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

#[test]
fn account_fields_are_known_only_in_routing_rules_with_accounts() {
    let no_accounts = json!({
        "fields": {"email": "string"},
        "reps": [{"id": "ana"}],
        "rules": [{"id": "r", "when": "account.matched == true", "rep": "ana"}],
        "fallback": "ana"
    });
    assert!(errors(&no_accounts).contains(
        "rules[0].when: line 1, column 1: \"account.matched\" is known only in routing and cap rules of a config with accounts"
    ), "{}", errors(&no_accounts));
    let typo = config(
        json!({"fields": {"tier": "string"}, "list": []}),
        json!([{"id": "r", "when": "account.teir == \"x\"", "rep": "ana"}]),
    );
    assert!(
        errors(&typo).contains("unknown field \"account.teir\" (did you mean \"account.tier\"?)"),
        "{}",
        errors(&typo)
    );
    let screening = json!({
        "fields": {"email": "string"},
        "reps": [{"id": "ana"}],
        "screening": {"rules": [{"id": "s", "when": "account.matched == true", "reason": "x"}]},
        "accounts": {"list": []},
        "rules": [],
        "fallback": "ana"
    });
    assert!(
        errors(&screening).contains("\"account.matched\" is known only in routing and cap rules")
    );
}

#[test]
fn csv_errors_carry_their_line_and_accounts_load_from_csv() {
    let c = config(
        json!({"csv": "id,name,employees\na1,Acme,12\na2,,x\n"}),
        json!([{"id": "all", "team": "sales"}]),
    );
    let e = errors(&c);
    assert!(
        e.contains("accounts.csv: line 3: employees \"x\" is not a number"),
        "{e}"
    );
    let accounts = leadroute::accounts::from_csv(
        "id,name,domains,owner,website\na1,\"Acme, Inc.\",\"acme.com, acme.de\",ana,https://acme.io\n",
    )
    .unwrap();
    assert_eq!(accounts[0].domains, ["acme.com", "acme.de"]);
    let c = config(
        json!({"list": serde_json::to_value(&accounts).unwrap()}),
        json!([{"id": "all", "team": "sales"}]),
    );
    let r = Router::from_json(&c.to_string()).unwrap();
    let mut s = r.new_state();
    for email in ["x@acme.de", "x@shop.acme.io"] {
        let text = json!({"email": email}).to_string();
        let lead = r.schema().parse_json(&text).unwrap();
        assert_eq!(
            r.route(&mut s, &lead, RouteOptions::at(NOW)).rep,
            Some("ana")
        );
    }
}

const FREE: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "proton.me",
];
const BUSINESS: &[&str] = &["acme.com", "globex.io", "initech.de"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Accounts may list free-mail domains (a CRM export often does); a lead from a
    /// free-mail address, subdomains too, never matches any account by domain,
    /// whatever its company name, while business domains still do.
    #[test]
    fn free_mail_never_matches_by_domain(
        domains in prop::collection::vec((0..FREE.len() + BUSINESS.len(), 0..3usize), 1..8),
        leads in prop::collection::vec((0..FREE.len(), any::<bool>(), 0..4usize), 1..12),
        extra_free in any::<bool>(),
    ) {
        let list: Vec<Value> = domains
            .iter()
            .enumerate()
            .map(|(i, (d, name))| {
                let domain = FREE.iter().chain(BUSINESS).nth(*d).unwrap();
                let name = ["Acme", "Globex", "Gmail"][*name];
                json!({"id": format!("a{i}"), "name": name,
                       "domains": [domain, "custom-free.net"], "owner": "ana"})
            })
            .collect();
        let mut c = config(json!({"list": list}), json!([{"id": "all", "team": "sales"}]));
        if extra_free {
            c["free_email_domains"] = json!({"add": ["custom-free.net"]});
        }
        let r = Router::from_json(&c.to_string()).unwrap();
        let mut s = r.new_state();
        for (i, (d, sub, company)) in leads.iter().enumerate() {
            let host = if *sub { format!("mail.{}", FREE[*d]) } else { FREE[*d].to_string() };
            let mut lead = json!({"id": format!("L{i}"), "email": format!("kim@{host}")});
            if *company > 0 {
                let name = ["", "ACME inc", "Globex", "gmail"][*company];
                lead["company"] = json!(name);
            }
            let text = lead.to_string();
            let lead = r.schema().parse_json(&text).unwrap();
            let d = serde_json::to_value(r.route(&mut s, &lead, RouteOptions::at(NOW))).unwrap();
            prop_assert_ne!(&d["trace"]["account"]["tier"], "domain", "{}", d);
        }
        if extra_free {
            let lead = r.schema().parse_json(r#"{"email": "kim@custom-free.net"}"#).unwrap();
            let d = serde_json::to_value(r.route(&mut s, &lead, RouteOptions::at(NOW))).unwrap();
            prop_assert_ne!(&d["trace"]["account"]["tier"], "domain", "{}", d);
        }
        // A business domain in the list still matches by domain.
        if let Some(b) = domains.iter().find(|(d, _)| *d >= FREE.len()) {
            let email = format!("kim@{}", BUSINESS[b.0 - FREE.len()]);
            let text = json!({"email": email}).to_string();
            let lead = r.schema().parse_json(&text).unwrap();
            let d = serde_json::to_value(r.route(&mut s, &lead, RouteOptions::at(NOW))).unwrap();
            prop_assert_eq!(&d["trace"]["account"]["tier"], "domain", "{}", d);
        }
    }
}

/// The public config drops the accounts but keeps the section's shape, so rules that
/// read `account.*` still compile in a browser preview.
#[test]
fn public_config_keeps_account_rules_without_the_accounts() {
    let c = config(
        json!({"fields": {"tier": "string"}, "skip_mql": true,
               "list": [{"id": "a-secret", "name": "Secret Corp", "domains": ["secret.com"], "owner": "ana"}],
               "csv": "id,name\nb-secret,Other Secret\n", "owners": {"legacy.com": "ana"}}),
        json!([{"id": "strategic", "when": "account.tier == \"strategic\"", "rep": "ana"},
               {"id": "all", "team": "sales"}]),
    );
    let router = Router::from_json(&c.to_string()).unwrap();
    let public = serde_json::to_string(&router.config().public()).unwrap();
    for secret in ["a-secret", "b-secret", "secret.com", "legacy.com"] {
        assert!(!public.contains(secret), "{secret} in {public}");
    }
    let preview = Router::from_json(&public).unwrap();
    let lead = preview
        .schema()
        .parse_json(r#"{"email": "x@secret.com"}"#)
        .unwrap();
    let d = preview.route(&mut preview.new_state(), &lead, RouteOptions::at(NOW));
    assert_eq!((d.rep, d.rule), (Some("ben"), Some("all")));
}

#[test]
fn accounts_over_the_limit_are_one_clear_error() {
    let limits = leadroute::Limits {
        accounts: 2,
        ..leadroute::Limits::default()
    };
    let list =
        json!([{"id": "a", "name": "A"}, {"id": "b", "name": "B"}, {"id": "c", "name": "C"}]);
    let c = config(json!({"list": list}), json!([]));
    let e = Router::from_json_with_limits(&c.to_string(), limits)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("accounts.list: 3 accounts, more than the limit of 2"),
        "{e}"
    );
    let c = config(
        json!({"list": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}], "csv": "id,name\nc,C\n"}),
        json!([]),
    );
    let e = Router::from_json_with_limits(&c.to_string(), limits)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("accounts: 3 accounts, more than the limit of 2"),
        "{e}"
    );
}
