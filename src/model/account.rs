//! Compiled accounts and lead-to-account matching: indexes built once (domain and
//! normalised name hashed, one-edit name variants sorted), then tiers tried in order
//! per lead, explained.

use crate::accounts::{jaro_winkler, normalize};
use crate::condition::{AccountFields, AccountView};
use crate::config::AccountPrefer;
use crate::email;
use crate::fxhash::{FxHashMap as HashMap, FxHasher};
use crate::lead::{Lead, Val};
use std::hash::Hasher;

/// Names shorter than this are not matched fuzzily (too many near neighbours).
const FUZZY_MIN_CHARS: usize = 4;
/// Names longer than this (letters, without spaces) are not indexed for fuzzy matching:
/// the index holds one key per letter.
const FUZZY_MAX_CHARS: usize = 40;
/// The most candidates one lead's name is scored against.
pub const FUZZY_CAP: usize = 64;

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
    /// Fuzzy index: [`edit_keys`] of every name, sorted, with the account each came
    /// from (`fuzzy_ids[i]` for `fuzzy_keys[i]`): two parallel lists take 12 bytes a key.
    pub fuzzy_keys: Vec<u64>,
    pub fuzzy_ids: Vec<u32>,
    /// Where the keys with each value of their top `fuzzy_bits` bits start in
    /// `fuzzy_keys` (one more entry at the end): a lookup reads one bucket, not a
    /// binary search whose every step misses the cache at a million accounts.
    pub fuzzy_buckets: Vec<u32>,
    pub fuzzy_bits: u32,
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

/// Hashes of a normalised name's letters (spaces removed) and of each variant with one
/// letter deleted (a symmetric-delete index): two names one edit apart (a letter
/// dropped, added, changed, or two swapped) share a key, so candidates are found by
/// lookup, never by a scan. Empty for names too short or too long to index.
pub fn edit_keys(norm: &str) -> Vec<u64> {
    let chars: Vec<char> = norm.chars().filter(|c| *c != ' ').collect();
    if chars.len() < FUZZY_MIN_CHARS || chars.len() > FUZZY_MAX_CHARS {
        return Vec::new();
    }
    let hash = |skip: usize| {
        let mut h = FxHasher::default();
        for (i, c) in chars.iter().enumerate() {
            if i != skip {
                h.write_u32(u32::from(*c));
            }
        }
        h.finish()
    };
    let mut keys: Vec<u64> = (0..chars.len()).map(hash).collect();
    keys.push(hash(usize::MAX));
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A key's bucket: its top `bits` bits.
pub fn bucket(key: u64, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        (key >> (64 - bits)) as usize
    }
}

/// The bucket starts of sorted `keys` with about one key a bucket.
pub fn buckets(keys: &[u64]) -> (Vec<u32>, u32) {
    let bits = (usize::BITS - keys.len().leading_zeros()).min(32);
    let mut starts = vec![0u32; (1usize << bits) + 1];
    let mut at = 0usize;
    for (b, slot) in starts.iter_mut().enumerate() {
        while keys.get(at).is_some_and(|k| bucket(*k, bits) < b) {
            at += 1;
        }
        *slot = at as u32;
    }
    (starts, bits)
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

    /// How many accounts [`Accounts::fuzzy`] scores for a normalised name.
    pub fn fuzzy_candidates(&self, norm: &str) -> usize {
        let mut seen: Vec<u32> = Vec::new();
        'keys: for k in edit_keys(norm) {
            let (from, to) = self.fuzzy_range(k);
            for i in self.fuzzy_ids.get(from..to).unwrap_or(&[]) {
                if seen.contains(i) {
                    continue;
                }
                if seen.len() >= FUZZY_CAP {
                    break 'keys;
                }
                seen.push(*i);
            }
        }
        seen.len()
    }

    fn fuzzy(&self, norm: &str, company: &str, country: Option<&str>) -> Option<AccountHit> {
        if self.fuzzy_threshold >= 1.0 {
            return None;
        }
        let mut seen: Vec<u32> = Vec::new();
        let mut ranked: Vec<(u32, f64)> = Vec::new();
        // Every range first, then the candidates: independent lookups let the CPU wait
        // for their cache misses at once (a million accounts do not fit in its caches).
        let ranges: Vec<(usize, usize)> = edit_keys(norm)
            .into_iter()
            .map(|k| self.fuzzy_range(k))
            .collect();
        'keys: for (from, to) in ranges {
            for i in self.fuzzy_ids.get(from..to).unwrap_or(&[]) {
                if seen.contains(i) {
                    continue;
                }
                if seen.len() >= FUZZY_CAP {
                    break 'keys;
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

    /// The index range of the fuzzy keys equal to `key`.
    fn fuzzy_range(&self, key: u64) -> (usize, usize) {
        let b = bucket(key, self.fuzzy_bits);
        let start = self.fuzzy_buckets.get(b).map_or(0, |s| *s as usize);
        let end = self.fuzzy_buckets.get(b + 1).map_or(start, |s| *s as usize);
        let Some(keys) = self.fuzzy_keys.get(start..end) else {
            return (0, 0);
        };
        let from = start + keys.partition_point(|k| *k < key);
        let to = start + keys.partition_point(|k| *k <= key);
        (from, to)
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
