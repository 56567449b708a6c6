//! Compiled accounts and lead-to-account matching: hash indexes built once (domain,
//! normalised name, fuzzy blocks), then tiers tried in order per lead, explained.

use crate::accounts::{jaro_winkler, normalize};
use crate::condition::{AccountFields, AccountView};
use crate::config::AccountPrefer;
use crate::email;
use crate::fxhash::FxHashMap as HashMap;
use crate::lead::{Lead, Val};

/// Fuzzy candidates come from blocks (the name's first and last few characters), and
/// at most this many accounts of a block are scored, so the per-lead cost does not grow
/// with the number of accounts.
pub const BLOCK_CAP: usize = 256;
/// Characters of a block key.
const BLOCK_CHARS: usize = 4;
/// Names shorter than this are not matched fuzzily (too many near neighbours).
const FUZZY_MIN_CHARS: usize = 4;

#[derive(Debug, Clone)]
pub struct Accounts {
    /// The lead's email field.
    pub slot: usize,
    pub company_slot: Option<usize>,
    pub country_slot: Option<usize>,
    /// `accounts.owners`: domain to owner rep.
    pub owners: HashMap<Box<str>, usize>,
    pub list: Vec<Account>,
    pub by_domain: HashMap<Box<str>, Vec<u32>>,
    pub by_name: HashMap<Box<str>, Vec<u32>>,
    pub blocks: HashMap<Box<str>, Vec<u32>>,
    pub fuzzy_threshold: f64,
    pub prefer: AccountPrefer,
    pub skip_mql: bool,
    pub owner_first: bool,
    pub fields: AccountFields,
    /// Lead-to-lead: the window (ms) and whether the company (domain) counts.
    pub lead_to_lead: Option<(i64, bool)>,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: Box<str>,
    pub name: Box<str>,
    pub norm: Box<str>,
    /// Lowercase.
    pub country: Option<Box<str>>,
    /// The owner rep, its own or (inherited) an ancestor's.
    pub owner: Option<usize>,
    /// The ancestor the owner came from, when inherited.
    pub owner_from: Option<u32>,
    pub team: Option<usize>,
    pub employees: f64,
    pub last_active: i64,
    /// What conditions read ([`AccountFields`] order).
    pub values: Box<[Val<'static>]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Domain,
    Name,
    Fuzzy,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Domain => "domain",
            Tier::Name => "name",
            Tier::Fuzzy => "fuzzy",
        }
    }
}

/// A lead's matched account.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountHit {
    /// Index in [`Accounts::list`]; `None` for an `accounts.owners` domain.
    pub account: Option<u32>,
    /// What matched: the domain, or the lead's company name.
    pub matched: String,
    pub owner: Option<usize>,
    pub tier: Tier,
    pub score: f64,
    /// The next best account, with its score.
    pub runner_up: Option<(u32, f64)>,
}

/// The blocking keys of a normalised name.
pub fn block_keys(norm: &str) -> [String; 2] {
    let chars: Vec<char> = norm.chars().filter(|c| *c != ' ').collect();
    let head: String = chars.iter().take(BLOCK_CHARS).collect();
    let tail: String = chars
        .iter()
        .skip(chars.len().saturating_sub(BLOCK_CHARS))
        .collect();
    [format!("<{head}"), format!(">{tail}")]
}

impl Accounts {
    /// The view conditions read for a hit.
    pub fn view(&self, hit: &AccountHit) -> AccountView<'_> {
        AccountView {
            tier: hit.tier.as_str(),
            score: hit.score,
            values: hit
                .account
                .and_then(|i| self.list.get(i as usize))
                .map_or(&[], |a| &a.values),
        }
    }

    pub fn get(&self, i: u32) -> Option<&Account> {
        self.list.get(i as usize)
    }

    /// The lead's account: by email domain (never a free-mail domain for listed
    /// accounts), then normalised company name, then fuzzy name similarity.
    pub fn find(
        &self,
        lead: &Lead,
        free: Option<&crate::fxhash::FxHashSet<Box<str>>>,
    ) -> Option<AccountHit> {
        let country = self
            .country_slot
            .and_then(|s| lead.get(s).as_str())
            .map(|c| c.trim().to_lowercase());
        let country = country.as_deref();
        if let Some(hit) = lead
            .get(self.slot)
            .as_str()
            .and_then(|e| self.by_email(e, free, country))
        {
            return Some(hit);
        }
        let company = self.company_slot.and_then(|s| lead.get(s).as_str())?;
        let norm = normalize(company);
        if norm.is_empty() {
            return None;
        }
        if let Some(ids) = self.by_name.get(norm.as_str()) {
            let mut ranked: Vec<(u32, f64)> = ids.iter().map(|i| (*i, 1.0)).collect();
            self.rank(&mut ranked, country);
            return self.hit(ranked, company, Tier::Name);
        }
        self.fuzzy(&norm, company, country)
    }

    fn by_email(
        &self,
        email_addr: &str,
        free: Option<&crate::fxhash::FxHashSet<Box<str>>>,
        country: Option<&str>,
    ) -> Option<AccountHit> {
        let domain = email::domain(email_addr)?;
        let listed = !self.by_domain.is_empty() && !email::is_free_in(email_addr, free);
        // Subdomains belong to the account too (eu.acme.com -> acme.com); the longest
        // known suffix wins.
        let mut rest = domain;
        loop {
            let hit = email::with_ascii_lower(rest, |l| {
                if listed {
                    if let Some(ids) = self.by_domain.get(l) {
                        let mut ranked: Vec<(u32, f64)> = ids.iter().map(|i| (*i, 1.0)).collect();
                        self.rank(&mut ranked, country);
                        return self.hit(ranked, rest, Tier::Domain);
                    }
                }
                self.owners.get(l).map(|ri| AccountHit {
                    account: None,
                    matched: rest.to_string(),
                    owner: Some(*ri),
                    tier: Tier::Domain,
                    score: 1.0,
                    runner_up: None,
                })
            });
            if hit.is_some() {
                return hit;
            }
            match rest.split_once('.') {
                Some((_, tail)) if tail.contains('.') => rest = tail,
                _ => return None,
            }
        }
    }

    fn fuzzy(&self, norm: &str, company: &str, country: Option<&str>) -> Option<AccountHit> {
        if self.fuzzy_threshold >= 1.0 || norm.chars().count() < FUZZY_MIN_CHARS {
            return None;
        }
        let mut seen: Vec<u32> = Vec::new();
        let mut ranked: Vec<(u32, f64)> = Vec::new();
        for key in block_keys(norm) {
            let Some(ids) = self.blocks.get(key.as_str()) else {
                continue;
            };
            for i in ids.iter().take(BLOCK_CAP) {
                if seen.contains(i) {
                    continue;
                }
                seen.push(*i);
                let Some(a) = self.get(*i) else { continue };
                let score = jaro_winkler(norm, &a.norm);
                if score >= self.fuzzy_threshold {
                    ranked.push((*i, score));
                }
            }
        }
        self.rank(&mut ranked, country);
        self.hit(ranked, company, Tier::Fuzzy)
    }

    /// Best first: higher score, then the lead's country, then the configured
    /// preference, then list order.
    fn rank(&self, ranked: &mut [(u32, f64)], country: Option<&str>) {
        let key = |(i, score): &(u32, f64)| {
            let a = self.get(*i);
            let same = a
                .and_then(|a| a.country.as_deref())
                .is_some_and(|c| Some(c) == country);
            let (size, recent) = a.map_or((0.0, i64::MIN), |a| (a.employees, a.last_active));
            (*score, same, size, recent, *i)
        };
        ranked.sort_by(|x, y| {
            let (sx, cx, zx, rx, ix) = key(x);
            let (sy, cy, zy, ry, iy) = key(y);
            let pref = match self.prefer {
                AccountPrefer::Largest => zy.total_cmp(&zx).then(ry.cmp(&rx)),
                AccountPrefer::MostRecent => ry.cmp(&rx).then(zy.total_cmp(&zx)),
            };
            sy.total_cmp(&sx)
                .then(cy.cmp(&cx))
                .then(pref)
                .then(ix.cmp(&iy))
        });
    }

    fn hit(&self, ranked: Vec<(u32, f64)>, matched: &str, tier: Tier) -> Option<AccountHit> {
        let mut it = ranked.into_iter();
        let (best, score) = it.next()?;
        Some(AccountHit {
            account: Some(best),
            matched: matched.to_string(),
            owner: self.get(best).and_then(|a| a.owner),
            tier,
            score,
            runner_up: it.next(),
        })
    }
}
