//! Matching a batch of leads round by round (`Router::classify_many`, which issues
//! every lead's index reads of a round together) gives each lead exactly the ticket
//! it gets alone (`Router::classify`): the account, tier, score, runner-up, trace and
//! rule, for every kind of lead and every batch size.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../examples/accounts/gen.rs"]
mod gen;

use leadroute::config::Account;

/// Generated accounts plus duplicates: a second account under the same name and
/// domain (ties ranked by country, then size), and one without an owner.
fn accounts() -> Vec<Account> {
    let g = gen::accounts(1_000, 7);
    let mut list = g.accounts.clone();
    for (i, a) in g.accounts.iter().enumerate().step_by(9) {
        let mut twin = a.clone();
        twin.id = format!("twin-{i}");
        twin.country = Some(if i % 2 == 0 { "DE" } else { "US" }.into());
        twin.employees = Some((i % 7) as f64 * 100.0);
        if i % 4 == 0 {
            twin.owner = None;
        }
        list.push(twin);
    }
    list
}

/// Generated leads of every tier, then leads that stop at each step: no email, an
/// email without a domain, no company, a company that normalises to nothing, a name
/// too short or too long for the fuzzy index, a subdomain chain, other case, a
/// country to break ties with.
fn leads() -> Vec<String> {
    let g = gen::accounts(1_000, 7);
    let mut out: Vec<String> = gen::leads(&g, 3_000, 11)
        .into_iter()
        .map(|l| l.json)
        .collect();
    let first = &g.cores[0];
    let domain = &g.domains[9];
    let odd = [
        r#"{"id":"n1"}"#.to_string(),
        r#"{"id":"n2","email":"nobody"}"#.to_string(),
        r#"{"id":"n3","email":"x@"}"#.to_string(),
        r#"{"id":"n4","email":"x@gmail.com"}"#.to_string(),
        r#"{"id":"n5","email":"x@gmail.com","company":"Inc."}"#.to_string(),
        r#"{"id":"n6","email":"x@gmail.com","company":"Ab"}"#.to_string(),
        format!(r#"{{"id":"n7","company":"{}"}}"#, "q".repeat(60)),
        format!(r#"{{"id":"n8","email":"a@x.y.eu.{domain}"}}"#),
        format!(r#"{{"id":"n9","email":"a@EU.{}"}}"#, domain.to_uppercase()),
        format!(r#"{{"id":"n10","company":"{first}","country":"DE"}}"#),
        format!(r#"{{"id":"n11","company":"{first}","country":"us"}}"#),
        format!(r#"{{"id":"n12","email":"a@{domain}","country":"DE"}}"#),
        format!(
            r#"{{"id":"n13","company":"{}x","country":"DE"}}"#,
            g.cores[18]
        ),
        r#"{"id":"n14","email":"a@","company":"Ünïcødé GmbH"}"#.to_string(),
    ];
    out.extend(odd);
    out
}

#[test]
fn a_batch_gives_each_lead_its_own_ticket() {
    let router = gen::router(accounts(), true).unwrap();
    let texts = leads();
    let parsed: Vec<leadroute::Lead> = texts
        .iter()
        .map(|t| router.schema().parse_json(t).unwrap().into_owned())
        .collect();
    let alone: Vec<String> = parsed
        .iter()
        .map(|l| format!("{:?}", router.classify(l, true)))
        .collect();
    // Every kind matched somewhere, ties and runners-up included.
    let all = alone.join("\n");
    for tier in ["\"domain\"", "\"name\"", "\"fuzzy\"", "runner_up: Some"] {
        assert!(all.contains(tier), "no lead shows {tier}");
    }
    let refs: Vec<&leadroute::Lead> = parsed.iter().collect();
    for size in [1, 2, 3, 7, 16, 33, refs.len()] {
        for (i, chunk) in refs.chunks(size).enumerate() {
            let batch = router.classify_many(chunk, true);
            assert_eq!(batch.len(), chunk.len());
            for (j, t) in batch.iter().enumerate() {
                assert_eq!(
                    format!("{t:?}"),
                    alone[i * size + j],
                    "batch of {size}, lead {}",
                    i * size + j
                );
            }
        }
    }
    // The same lead twice in one batch, and leads in another order.
    let mut mixed: Vec<&leadroute::Lead> = refs.iter().rev().step_by(5).copied().collect();
    mixed.extend(refs.iter().step_by(11));
    let batch = router.classify_many(&mixed, false);
    for (l, t) in mixed.iter().zip(&batch) {
        assert_eq!(format!("{t:?}"), format!("{:?}", router.classify(l, false)));
    }
    assert!(router.classify_many(&[], true).is_empty());
}

#[test]
fn without_accounts_a_batch_classifies_as_one_at_a_time() {
    let router = gen::router(Vec::new(), false).unwrap();
    let texts = leads();
    let parsed: Vec<leadroute::Lead> = texts
        .iter()
        .take(200)
        .map(|t| router.schema().parse_json(t).unwrap().into_owned())
        .collect();
    let refs: Vec<&leadroute::Lead> = parsed.iter().collect();
    for (l, t) in refs.iter().zip(router.classify_many(&refs, true)) {
        assert_eq!(format!("{t:?}"), format!("{:?}", router.classify(l, true)));
    }
}

use proptest::prelude::*;

/// A company or email as people type them: an account's name or domain with random
/// edits (letters dropped, doubled or changed, case, punctuation, legal forms, a
/// subdomain, other scripts), or any text at all.
fn typed(names: Vec<String>, domains: Vec<String>) -> impl Strategy<Value = (String, String)> {
    let edit = prop_oneof![
        Just(String::new()),
        Just(" Inc.".to_string()),
        Just(", GmbH".to_string()),
        Just("-".to_string()),
        Just("é".to_string()),
        "[a-z]{1,2}",
        "\\PC{0,3}",
    ];
    (
        0..names.len(),
        0..domains.len(),
        edit.clone(),
        any::<u8>(),
        prop_oneof![Just("eu.".to_string()), Just(String::new()), "[a-z.]{0,6}"],
        "\\PC{0,12}",
        0..4u8,
    )
        .prop_map(move |(n, d, add, at, sub, garbage, how)| {
            let mut name: Vec<char> = names[n].chars().collect();
            let at = usize::from(at) % (name.len() + 1);
            match how {
                0 if at < name.len() => {
                    name.remove(at);
                }
                1 => name.insert(at, 'q'),
                _ => {}
            }
            let mut company: String = name.into_iter().collect();
            company.push_str(&add);
            if how == 3 {
                company = garbage.clone();
            }
            let email = match how {
                0 | 1 => format!("x@{sub}{}", domains[d]),
                2 => format!("x@{garbage}"),
                _ => "x@gmail.com".to_string(),
            };
            (company, email)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the leads say and however many come together, a batch gives each
    /// the ticket it gets alone.
    #[test]
    fn any_batch_matches_as_its_leads_alone(
        leads in {
            let g = gen::accounts(1_000, 7);
            proptest::collection::vec(typed(g.cores.clone(), g.domains.clone()), 1..40)
        }
    ) {
        static ROUTER: std::sync::OnceLock<leadroute::Router> = std::sync::OnceLock::new();
        let router = ROUTER.get_or_init(|| gen::router(accounts(), true).unwrap());
        let parsed: Vec<leadroute::Lead> = leads
            .iter()
            .enumerate()
            .map(|(i, (company, email))| {
                let json = serde_json::json!({"id": format!("p{i}"), "company": company, "email": email});
                router.schema().parse_json(&json.to_string()).unwrap().into_owned()
            })
            .collect();
        let refs: Vec<&leadroute::Lead> = parsed.iter().collect();
        let batch = router.classify_many(&refs, true);
        for (l, t) in refs.iter().zip(&batch) {
            prop_assert_eq!(format!("{t:?}"), format!("{:?}", router.classify(l, true)));
        }
    }
}
