//! Generated accounts with name variants, and how well leads match them: shared by
//! `examples/account_match.rs` (1,000 to 1,000,000 accounts, with timings) and
//! `tests/account_match.rs` (1,000 accounts, no timings).

#![allow(dead_code)]

use leadroute::config::{Account, Accounts, Config, Rep, Rule};
use leadroute::{Limits, Router};
use std::collections::{BTreeMap, HashSet};

/// xorshift64*: seeded, so every run generates the same accounts and leads.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ven", "tor", "sel", "dra", "qui", "zen", "ber", "lin", "mar", "cor",
    "tex", "vis", "nor", "pha", "gen", "tri", "sol", "lux", "bri", "den", "fal", "gor", "hel",
    "ix", "jun", "kel", "mon", "nex", "oro", "pra", "rin", "sta", "tal", "ul", "vor", "wex", "yel",
    "zor", "ath", "bel", "cyn", "dor", "eli", "fen",
];
const KINDS: &[&str] = &[
    "Systems",
    "Labs",
    "Group",
    "Analytics",
    "Foods",
    "Energy",
    "Partners",
];
const SUFFIXES: &[&str] = &[
    "Inc.", "Ltd", "LLC", "GmbH", "S.A.", "AG", "Corp.", "Co.", "",
];
const TLDS: &[&str] = &[".com", ".io", ".de", ".co.uk", ".fr"];
const COUNTRIES: &[&str] = &["US", "DE", "GB", "FR", "ES"];
const FREE: &[&str] = &["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"];

/// A word of `least` or one more syllables.
fn word(rng: &mut Rng, least: usize) -> String {
    let n = least + rng.below(2);
    let w: String = (0..n).map(|_| rng.pick(SYLLABLES)).collect();
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A company's core name (no legal form): one or two words, maybe a kind. A name of
/// one word has 4 or 5 syllables (260 million such words), one of two words 2 or 3
/// each: so the lengths do not depend on how many accounts are generated. With one
/// word of 2 or 3 syllables (113,000 words) a million accounts used up the short names
/// and the rest came out longer, and longer names cost more to match: the cost per
/// lead grew with the list for a reason that was not the list.
fn core_name(rng: &mut Rng) -> String {
    let two = rng.chance(60);
    let mut name = word(rng, if two { 2 } else { 4 });
    if two {
        name.push(' ');
        name.push_str(&word(rng, 2));
    }
    if rng.chance(30) {
        name.push(' ');
        name.push_str(rng.pick(KINDS));
    }
    name
}

pub struct Generated {
    pub accounts: Vec<Account>,
    /// Core names, by account index.
    pub cores: Vec<String>,
    pub domains: Vec<String>,
    /// Core names not among the accounts (for unmatched leads).
    pub strangers: Vec<String>,
}

pub fn accounts(n: usize, seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let mut seen = HashSet::new();
    let mut g = Generated {
        accounts: Vec::with_capacity(n),
        cores: Vec::with_capacity(n),
        domains: Vec::with_capacity(n),
        strangers: Vec::new(),
    };
    while g.accounts.len() < n {
        let core = core_name(&mut rng);
        if !seen.insert(core.to_lowercase()) {
            continue;
        }
        let suffix = rng.pick(SUFFIXES);
        let name = if suffix.is_empty() {
            core.clone()
        } else {
            format!("{core} {suffix}")
        };
        let domain = format!("{}{}", core.to_lowercase().replace(' ', ""), rng.pick(TLDS));
        let i = g.accounts.len();
        g.accounts.push(Account {
            id: format!("acc-{i}"),
            name,
            domains: vec![domain.clone()],
            country: Some(rng.pick(COUNTRIES).to_string()),
            owner: Some(format!("rep-{}", i % 10)),
            employees: Some((rng.below(5000) + 1) as f64),
            ..Account::default()
        });
        g.cores.push(core);
        g.domains.push(domain);
    }
    while g.strangers.len() < 1000 {
        let core = core_name(&mut rng);
        if seen.insert(core.to_lowercase()) {
            g.strangers.push(core);
        }
    }
    g
}

/// The router over the accounts (built from the config value: a 1,000,000-account
/// JSON text would pass the config size limit).
pub fn router(
    accounts: Vec<Account>,
    with_accounts: bool,
) -> Result<Router, leadroute::ConfigErrors> {
    let reps = (0..10)
        .map(|i| Rep {
            id: format!("rep-{i}"),
            ..Rep::default()
        })
        .collect();
    let mut fields = BTreeMap::new();
    for f in ["email", "company", "country"] {
        fields.insert(f.to_string(), leadroute::config::FieldType::String);
    }
    let config = Config {
        fields,
        reps,
        accounts: with_accounts.then(|| Accounts {
            list: accounts,
            ..Accounts::default()
        }),
        rules: vec![Rule {
            id: "all".into(),
            when: None,
            rep: Some("rep-0".into()),
            team: None,
            pool: None,
            account_owner: None,
            sla: None,
        }],
        fallback: "rep-0".into(),
        ..Config::default()
    };
    let limits = Limits {
        accounts: 2_000_000,
        ..Limits::default()
    };
    Router::new_with_limits(config, limits)
}

/// What a lead was generated to test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A work email on the account's domain (or a subdomain).
    Domain,
    /// A free-mail address and the account's name written differently.
    Name,
    /// A free-mail address and the account's name with one typo.
    Typo,
    /// A free-mail address and a company that is not an account.
    Stranger,
}

pub const KIND_NAMES: [(Kind, &str); 4] = [
    (Kind::Domain, "domain"),
    (Kind::Name, "name"),
    (Kind::Typo, "fuzzy"),
    (Kind::Stranger, "none"),
];

pub struct TestLead {
    pub json: String,
    /// The lead's company name, if it has one.
    pub company: Option<String>,
    pub kind: Kind,
    /// The account it should match.
    pub expect: Option<String>,
}

/// The same name as a person might type it: other case, legal form, punctuation.
fn variant(rng: &mut Rng, core: &str) -> String {
    let mut s = match rng.below(3) {
        0 => core.to_uppercase(),
        1 => core.to_lowercase(),
        _ => core.to_string(),
    };
    if rng.chance(30) {
        s = s.replace(' ', "-");
    }
    match rng.below(4) {
        0 => {}
        1 => s = format!("{s}, {}", rng.pick(SUFFIXES)),
        2 => s = format!("{s} {}", rng.pick(SUFFIXES)),
        _ => s = format!("The {s}"),
    }
    s
}

/// One edit (swap, drop, double or replace a letter) away from the name.
fn typo(rng: &mut Rng, core: &str) -> String {
    let mut c: Vec<char> = core.chars().collect();
    // Not the first letter: people rarely mistype it.
    let at = 1 + rng.below(c.len().saturating_sub(2).max(1));
    match rng.below(4) {
        0 if at + 1 < c.len() => c.swap(at, at + 1),
        1 if c.len() > 5 => {
            c.remove(at);
        }
        2 => {
            let ch = c.get(at).copied().unwrap_or('x');
            c.insert(at, ch);
        }
        _ => {
            if let Some(x) = c.get_mut(at) {
                *x = if *x == 'e' { 'a' } else { 'e' };
            }
        }
    }
    let s: String = c.into_iter().collect();
    if rng.chance(50) {
        format!("{s} {}", rng.pick(SUFFIXES))
    } else {
        s
    }
}

pub fn leads(g: &Generated, n: usize, seed: u64) -> Vec<TestLead> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let a = rng.below(g.accounts.len());
            let id = g.accounts.get(a).map(|x| x.id.clone());
            let core = g.cores.get(a).cloned().unwrap_or_default();
            let free = format!("p{i}@{}", rng.pick(FREE));
            let (kind, email, company) = match rng.below(10) {
                0..=3 => {
                    let d = g.domains.get(a).cloned().unwrap_or_default();
                    let host = if rng.chance(30) { format!("eu.{d}") } else { d };
                    (Kind::Domain, format!("p{i}@{host}"), None)
                }
                4..=6 => (Kind::Name, free, Some(variant(&mut rng, &core))),
                7..=8 => (Kind::Typo, free, Some(typo(&mut rng, &core))),
                _ => {
                    let s = g.strangers.get(rng.below(g.strangers.len())).cloned();
                    (Kind::Stranger, free, s)
                }
            };
            let mut lead = serde_json::Map::new();
            lead.insert("id".into(), format!("L{i}").into());
            lead.insert("email".into(), email.into());
            if let Some(c) = &company {
                lead.insert("company".into(), c.clone().into());
            }
            TestLead {
                json: serde_json::Value::Object(lead).to_string(),
                company,
                expect: (kind != Kind::Stranger).then_some(id).flatten(),
                kind,
            }
        })
        .collect()
}

/// Per tier: leads generated for it, matched right, and all matches reported at it
/// (right or wrong).
#[derive(Debug, Default, Clone, Copy)]
pub struct TierStats {
    pub generated: usize,
    pub found: usize,
    pub reported: usize,
    pub reported_right: usize,
}

impl TierStats {
    pub fn precision(&self) -> f64 {
        if self.reported == 0 {
            1.0
        } else {
            self.reported_right as f64 / self.reported as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.generated == 0 {
            1.0
        } else {
            self.found as f64 / self.generated as f64
        }
    }
}

/// Matches every lead (traced) and scores the tiers: `domain`, `name`, `fuzzy`, and
/// `none` (strangers: `found` counts those left unmatched).
pub fn evaluate(router: &Router, leads: &[TestLead]) -> BTreeMap<&'static str, TierStats> {
    let mut out: BTreeMap<&'static str, TierStats> = BTreeMap::new();
    for l in leads {
        let Ok(lead) = router.schema().parse_json(&l.json) else {
            continue;
        };
        let d = router.classify(&lead, true).decision;
        let m = d.trace.as_ref().and_then(|t| t.account.as_ref());
        let got = m.and_then(|m| m.account);
        let right = got.is_some() && got == l.expect.as_deref();
        let kind_name = KIND_NAMES
            .iter()
            .find(|(k, _)| *k == l.kind)
            .map_or("none", |(_, n)| *n);
        let s = out.entry(kind_name).or_default();
        s.generated += 1;
        if right || (l.kind == Kind::Stranger && m.is_none()) {
            s.found += 1;
        }
        if let Some(m) = m {
            let t = out.entry(m.tier).or_default();
            t.reported += 1;
            if right {
                t.reported_right += 1;
            }
        }
    }
    out
}
