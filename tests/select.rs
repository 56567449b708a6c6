//! The selection pipeline against an independent reading of its rules, over random
//! teams and leads: the chosen rep meets every hard requirement and has no worse
//! preference vector than any other eligible rep; requirements are broken only by
//! declared overflow (default owner, fallback); equal ranks share exactly.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{RouteOptions, Router};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

const LANGS: [&str; 3] = ["de", "en", "fr"];
const PRODUCTS: [&str; 2] = ["crm", "erp"];
/// Monday 2026-11-02 00:00 UTC.
const MONDAY: i64 = 1_793_577_600_000;
const HOUR: i64 = 3_600_000;

#[derive(Debug, Clone)]
struct RepGen {
    langs: Vec<usize>,
    products: Vec<usize>,
    busy: bool,
    day_cap: Option<u32>,
    /// Working hours every day, `[start, end)` in hours UTC.
    hours: Option<(u8, u8)>,
    performance: u8,
}

#[derive(Debug, Clone)]
enum Pref {
    Lang,
    Product,
    OnShift,
    Load,
    Performance,
}

#[derive(Debug, Clone)]
struct TeamGen {
    reps: Vec<RepGen>,
    /// Require the language; `Some(true)`: relaxable.
    require_lang: Option<bool>,
    hours_required: bool,
    prefer: Vec<Pref>,
    pick: u8,
    ignore_caps: bool,
}

#[derive(Debug, Clone)]
struct LeadGen {
    lang: Option<usize>,
    product: Option<usize>,
    /// Hours after Monday 00:00.
    at: i64,
}

fn rep_gen() -> impl Strategy<Value = RepGen> {
    (
        prop::sample::subsequence(vec![0usize, 1, 2], 0..=2),
        prop::sample::subsequence(vec![0usize, 1], 0..=2),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.5, 1u32..4),
        prop::option::weighted(0.4, (0u8..12).prop_map(|s| (s, s + 8))),
        1u8..4,
    )
        .prop_map(
            |(langs, products, busy, day_cap, hours, performance)| RepGen {
                langs,
                products,
                busy,
                day_cap,
                hours,
                performance,
            },
        )
}

fn team_gen() -> impl Strategy<Value = TeamGen> {
    (
        prop::collection::vec(rep_gen(), 1..6),
        prop::option::of(any::<bool>()),
        any::<bool>(),
        prop::sample::subsequence(vec![0u8, 1, 2, 3, 4], 0..=5).prop_shuffle(),
        0u8..4,
        any::<bool>(),
    )
        .prop_map(
            |(reps, require_lang, hours_required, prefer, pick, ignore_caps)| {
                let prefer = prefer
                    .into_iter()
                    .filter(|p| !(hours_required && *p == 2))
                    .map(|p| match p {
                        0 => Pref::Lang,
                        1 => Pref::Product,
                        2 => Pref::OnShift,
                        3 => Pref::Load,
                        _ => Pref::Performance,
                    })
                    .collect();
                TeamGen {
                    reps,
                    require_lang,
                    hours_required,
                    prefer,
                    pick,
                    ignore_caps,
                }
            },
        )
}

fn lead_gen() -> impl Strategy<Value = LeadGen> {
    (
        prop::option::weighted(0.8, 0usize..3),
        prop::option::weighted(0.8, 0usize..2),
        0i64..4,
    )
        .prop_map(|(lang, product, step)| LeadGen {
            lang,
            product,
            at: step,
        })
}

fn config(t: &TeamGen) -> Value {
    let mut reps: Vec<Value> = t
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut rep = json!({
                "id": format!("r{i}"),
                "languages": r.langs.iter().map(|l| LANGS[*l]).collect::<Vec<_>>(),
                "products": r.products.iter().map(|p| PRODUCTS[*p]).collect::<Vec<_>>(),
                "performance": r.performance,
                "caps": {"day": r.day_cap},
            });
            if r.busy {
                rep["status"] = json!("busy");
            }
            if let Some((s, e)) = r.hours {
                let span = format!("{s:02}:00-{e:02}:00");
                rep["hours"] = json!({"tz": "UTC", "mon": span, "tue": span, "wed": span,
                    "thu": span, "fri": span, "sat": span, "sun": span});
            }
            rep
        })
        .collect();
    reps.push(json!({"id": "boss", "caps": {"day": 1}}));
    reps.push(json!({"id": "fb"}));
    let mut members: Vec<String> = (0..t.reps.len()).map(|i| format!("r{i}")).collect();
    members.push("boss".into());
    let mut require = Vec::new();
    if let Some(relaxable) = t.require_lang {
        require.push(
            json!({"type": "attribute", "attribute": "languages", "field": "language",
            "relaxable": relaxable}),
        );
    }
    // "boss" is a member too, with no languages or products: overflow must still work.
    let prefer: Vec<Value> = t
        .prefer
        .iter()
        .map(|p| match p {
            Pref::Lang => {
                json!({"type": "attribute", "attribute": "languages", "field": "language"})
            }
            Pref::Product => {
                json!({"type": "attribute", "attribute": "products", "field": "product"})
            }
            Pref::OnShift => json!({"type": "on_shift"}),
            Pref::Load => json!({"type": "load", "period": "day"}),
            Pref::Performance => json!({"type": "performance"}),
        })
        .collect();
    let pick = match t.pick {
        0 => json!({"type": "round_robin", "skipped": "keeps_place"}),
        1 => json!({"type": "round_robin", "skipped": "loses_turn"}),
        2 => json!({"type": "weighted"}),
        _ => json!({"type": "least_loaded", "period": "day"}),
    };
    json!({
        "fields": {"language": "string", "product": "string"},
        "reps": reps,
        "teams": [{"id": "t", "members": members, "default_owner": "boss", "select": {
            "working_hours": if t.hours_required { "require" } else { "ignore" },
            "require": require, "prefer": prefer, "pick": pick,
            "overflow": {"ignore_caps": t.ignore_caps}
        }}],
        "rules": [{"id": "all", "team": "t"}],
        "fallback": "fb"
    })
}

/// The independent reading: per member (boss last), what the pipeline should see.
struct View {
    langs: Vec<Vec<&'static str>>,
    products: Vec<Vec<&'static str>>,
    busy: Vec<bool>,
    caps: Vec<Option<u32>>,
    hours: Vec<Option<(u8, u8)>>,
    performance: Vec<f64>,
}

impl View {
    fn new(t: &TeamGen) -> View {
        let mut v = View {
            langs: t
                .reps
                .iter()
                .map(|r| r.langs.iter().map(|l| LANGS[*l]).collect())
                .collect(),
            products: t
                .reps
                .iter()
                .map(|r| r.products.iter().map(|p| PRODUCTS[*p]).collect())
                .collect(),
            busy: t.reps.iter().map(|r| r.busy).collect(),
            caps: t.reps.iter().map(|r| r.day_cap).collect(),
            hours: t.reps.iter().map(|r| r.hours).collect(),
            performance: t.reps.iter().map(|r| f64::from(r.performance)).collect(),
        };
        v.langs.push(vec![]);
        v.products.push(vec![]);
        v.busy.push(false);
        v.caps.push(Some(1));
        v.hours.push(None);
        v.performance.push(1.0);
        v
    }
    fn on_shift(&self, m: usize, hour: i64) -> bool {
        self.hours[m].is_none_or(|(s, e)| (i64::from(s)..i64::from(e)).contains(&hour))
    }
}

fn lex(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.total_cmp(y) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_pick_is_never_worse_ranked_and_requirements_hold(
        t in team_gen(),
        leads in prop::collection::vec(lead_gen(), 1..30),
    ) {
        let router = Router::from_json(&config(&t).to_string()).unwrap();
        let mut state = router.new_state();
        let v = View::new(&t);
        let n = v.langs.len();
        // Leads per member per day, counted from the decisions alone.
        let mut counts: BTreeMap<(usize, i64), u32> = BTreeMap::new();
        let mut clock = MONDAY + 9 * HOUR;
        for (i, l) in leads.iter().enumerate() {
            clock += l.at * HOUR;
            let hour = (clock / HOUR).rem_euclid(24);
            let day = clock.div_euclid(24 * HOUR);
            let mut lead = json!({"id": format!("L{i}")});
            if let Some(x) = l.lang { lead["language"] = json!(LANGS[x]); }
            if let Some(x) = l.product { lead["product"] = json!(PRODUCTS[x]); }
            let text = lead.to_string();
            let parsed = router.schema().parse_json(&text).unwrap();
            let d = router.route(&mut state, &parsed, RouteOptions::at(clock));
            let count = |m: usize| counts.get(&(m, day)).copied().unwrap_or(0);
            let open = |m: usize| {
                !v.busy[m]
                    && (!t.hours_required || v.on_shift(m, hour))
                    && v.caps[m].is_none_or(|c| count(m) < c)
            };
            let speaks = |m: usize| l.lang.is_none_or(|x| v.langs[m].contains(&LANGS[x]));
            let mut eligible: Vec<usize> = (0..n).filter(|m| open(*m)).collect();
            let mut relaxed = false;
            match t.require_lang {
                Some(false) => eligible.retain(|m| speaks(*m)),
                Some(true) if eligible.iter().any(|m| speaks(*m)) => eligible.retain(|m| speaks(*m)),
                Some(true) => relaxed = !eligible.is_empty(),
                None => {}
            }
            let vector = |m: usize| -> Vec<f64> {
                let mut out = Vec::new();
                if relaxed { out.push(f64::from(u8::from(speaks(m)))); }
                for p in &t.prefer {
                    out.push(match p {
                        Pref::Lang => f64::from(u8::from(l.lang.is_some_and(|x| v.langs[m].contains(&LANGS[x])))),
                        Pref::Product => f64::from(u8::from(l.product.is_some_and(|x| v.products[m].contains(&PRODUCTS[x])))),
                        Pref::OnShift => f64::from(u8::from(v.on_shift(m, hour))),
                        Pref::Load => -f64::from(count(m)),
                        Pref::Performance => v.performance[m],
                    });
                }
                out
            };
            let member = |id: &str| -> Option<usize> {
                match id {
                    "boss" => Some(n - 1),
                    "fb" => None,
                    r => r.strip_prefix('r').map(|x| x.parse().unwrap()),
                }
            };
            let got = d.rep.and_then(member);
            let via = format!("{:?}", d.via);
            if eligible.is_empty() {
                // Only declared overflow breaks the rules: the default owner (within what
                // overflow lets it ignore), else the fallback owner.
                match via.as_str() {
                    "TeamDefaultOwner" => {
                        prop_assert!(!v.busy[n - 1]);
                        prop_assert!(t.ignore_caps || count(n - 1) < 1, "boss over cap");
                    }
                    "Fallback" => {
                        let boss_ok = !v.busy[n - 1] && (t.ignore_caps || count(n - 1) < 1);
                        prop_assert!(!boss_ok, "fallback while the default owner could take it: {}", d.reason);
                    }
                    other => prop_assert!(false, "lead {i}: nobody eligible but via {other}: {}", d.reason),
                }
            } else {
                prop_assert_eq!(via.as_str(), "Team", "lead {}: {}", i, d.reason);
                let chosen = got.unwrap();
                prop_assert!(eligible.contains(&chosen), "lead {i}: r{chosen} not eligible: {}", d.reason);
                let best = vector(chosen);
                for m in &eligible {
                    prop_assert!(lex(&vector(*m), &best) != Ordering::Greater,
                        "lead {i}: member {m} ranks {:?} above the chosen {chosen} {:?}", vector(*m), best);
                }
                // The trace carries the same vectors.
                let trace = d.trace.as_ref().unwrap();
                if relaxed || !t.prefer.is_empty() {
                    let c = trace.candidates.iter().find(|c| c.chosen).unwrap();
                    prop_assert_eq!(c.rank.clone().unwrap(), best);
                }
            }
            if let Some(m) = got {
                *counts.entry((m, day)).or_default() += 1;
            }
        }
    }

    /// Among reps that rank equal, round robin shares exactly: k·N identical leads give
    /// each of N equal reps k, with either skip policy, while unequal reps get none.
    #[test]
    fn equal_ranks_share_exactly(n in 1usize..6, k in 1usize..8, loses in any::<bool>()) {
        let mut reps: Vec<Value> = (0..n).map(|i| json!({"id": format!("de{i}"), "languages": ["de"]})).collect();
        reps.push(json!({"id": "en", "languages": ["en"]}));
        let members: Vec<Value> = reps.iter().map(|r| r["id"].clone()).collect();
        let cfg = json!({
            "fields": {"language": "string"},
            "reps": reps,
            "teams": [{"id": "t", "members": members, "select": {
                "prefer": [{"type": "attribute", "attribute": "languages", "field": "language"}],
                "pick": {"type": "round_robin", "skipped": if loses { "loses_turn" } else { "keeps_place" }}
            }}],
            "rules": [{"id": "all", "team": "t"}],
            "fallback": "en"
        });
        let router = Router::from_json(&cfg.to_string()).unwrap();
        let mut state = router.new_state();
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for i in 0..n * k {
            let text = json!({"id": format!("L{i}"), "language": "de"}).to_string();
            let lead = router.schema().parse_json(&text).unwrap();
            let d = router.route(&mut state, &lead, RouteOptions { trace: i % 2 == 0, ..RouteOptions::at(MONDAY) });
            *got.entry(d.rep.unwrap().to_string()).or_default() += 1;
        }
        prop_assert_eq!(got.len(), n);
        prop_assert!(got.values().all(|c| *c == k), "{got:?}");
    }
}

#[test]
fn implausible_now_is_refused_with_a_hint() {
    use leadroute::clock::check_now;
    assert_eq!(check_now(1_793_577_600_000.0), Ok(1_793_577_600_000));
    assert_eq!(
        check_now(1_793_577_600.0).unwrap_err(),
        "now must be ms since the epoch between 2000-01-01 and 2200-01-01, found 1793577600 (that looks like seconds: multiply by 1000)"
    );
    assert_eq!(
        check_now(1_793_577_600_000_000.0).unwrap_err(),
        "now must be ms since the epoch between 2000-01-01 and 2200-01-01, found 1793577600000000 (that looks like microseconds: divide by 1000)"
    );
    assert!(check_now(f64::NAN).is_err());
    assert!(check_now(1.5).is_err());
}

#[test]
fn the_free_email_list_is_visible_with_the_configs_changes() {
    let base = Router::from_json(r#"{"reps": [{"id": "a"}], "fallback": "a"}"#).unwrap();
    let list = base.free_email_domains();
    assert!(list.contains(&"gmail.com") && list.contains(&"yahoo.com"));
    assert!(list.windows(2).all(|w| w[0] < w[1]));
    let custom = Router::from_json(
        r#"{"reps": [{"id": "a"}], "fallback": "a",
            "free_email_domains": {"add": ["@Mail.Example"], "remove": ["yahoo.com"]}}"#,
    )
    .unwrap();
    let list = custom.free_email_domains();
    assert!(list.contains(&"mail.example") && !list.contains(&"yahoo.com"));
    assert_eq!(list.len(), base.free_email_domains().len());
}

#[test]
fn pipeline_config_errors_name_the_path() {
    let err = Router::from_json(
        r#"{"fields": {"language": "string"}, "reps": [{"id": "a"}], "fallback": "a",
            "teams": [{"id": "t", "members": ["a"], "select": {
              "require": [{"type": "performance"}, {"type": "attribute", "attribute": "languages", "field": "langauge"}],
              "prefer": [{"type": "on_shift"}, {"type": "load", "weight": 2}],
              "overflow": {"ignore_caps": true}
            }}]}"#,
    )
    .unwrap_err()
    .to_string();
    for want in [
        "teams[0].select.require[0].type: performance and load rank reps: list them under \"prefer\"",
        "teams[0].select.require[1].field: unknown field \"langauge\" (did you mean \"language\"?)",
        "teams[0].select.prefer[0].type: \"on_shift\" ranks nobody while working hours are required: set \"working_hours\": \"ignore\"",
        "teams[0].select.prefer[1].weight: weights apply with \"rank\": \"weighted\" (ordered preferences compare in order)",
        "teams[0].select.overflow: overflow settings apply to the team's \"default_owner\": name one",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    let both = Router::from_json(
        r#"{"reps": [{"id": "a"}], "fallback": "a",
            "teams": [{"id": "t", "members": ["a"], "strategy": {"type": "round_robin"}, "select": {}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        both.contains("teams[0].select: a team has either \"strategy\" or \"select\""),
        "{both}"
    );
}
