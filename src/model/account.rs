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
    /// What reasons and traces read, by account index.
    pub list: Vec<Account>,
    /// What matching reads, by account index: 24 bytes each, apart from the cold rest.
    pub hot: Vec<Hot>,
    /// What conditions read ([`AccountFields`] order): `stride` values an account, every
    /// account's in one list, so a match's view is an offset, not a pointer to follow.
    pub values: Vec<Val<'static>>,
    pub stride: usize,
    /// Account countries, lowercase; [`Hot::country`] indexes this.
    pub countries: Vec<Box<str>>,
    /// The accounts' distinct domains (their own and their website's).
    pub domains: Keys,
    /// The accounts' distinct normalised names.
    pub names: Keys,
    /// Fuzzy index: every [`edit_keys`] key of every distinct name, to the name's entry
    /// in `names`.
    pub fuzzy: Table,
    /// The accounts of keys that more than one account has, each key's in a run.
    pub ids: Vec<u32>,
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
    /// The ancestor the owner came from, when inherited.
    pub owner_from: Option<u32>,
    pub team: Option<usize>,
}

/// No owner, no country.
pub const NONE: u32 = u32::MAX;

/// The fields matching and its tie-breaks read, packed.
#[derive(Debug, Clone, Copy)]
pub struct Hot {
    /// The owner rep, its own or (inherited) an ancestor's; [`NONE`] without one.
    pub owner: u32,
    /// Index in [`Accounts::countries`]; [`NONE`] without one.
    pub country: u32,
    pub employees: f64,
    pub last_active: i64,
}

/// An open-addressed table of 8-byte slots, `fingerprint << 32 | entry`, linear
/// probing, at most half full (measured: at 70% the longer runs a miss scans cost the
/// fuzzy tier 20% at a million accounts): a lookup reads one slot (with its neighbours,
/// in the same cache line), where a hash map of boxed keys and vectors followed four
/// pointers, each a cache miss at a million accounts. Several slots may have one key (the fuzzy
/// index is a multimap); a fingerprint only selects candidates, the entry decides.
#[derive(Debug, Clone, Default)]
pub struct Table {
    slots: Vec<u64>,
}

/// Header bytes of an entry in [`Keys::arena`]: the key's length, how many accounts
/// have it, the first of them (the account when one, else where its run starts in
/// [`Accounts::ids`]) and that account's owner (when one).
const HEADER: usize = 16;

/// Distinct keys (domains or normalised names), each an entry in one arena: its
/// header, then its bytes. One read verifies a key and names its account.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    pub table: Table,
    pub arena: Vec<u8>,
}

/// An entry's header.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub at: u32,
    pub len: u32,
    pub count: u32,
    pub first: u32,
    pub owner: u32,
}

/// murmur3's finaliser: every output bit depends on every input bit, so the slot
/// (high bits) and the fingerprint (low bits) are independent.
pub fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

pub fn key_hash(key: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(key);
    mix(h.finish())
}

fn fingerprint(h: u64) -> u32 {
    (h as u32) | 1
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes)
}

impl Table {
    /// A table of `(hash, entry)` items.
    pub fn build(items: &[(u64, u32)]) -> Table {
        let mut t = Table {
            slots: vec![0; items.len() * 2 + 1],
        };
        for (h, e) in items {
            let (mut i, _) = t.home(*h);
            while let Some(s) = t.slots.get_mut(i) {
                if *s == 0 {
                    *s = (u64::from(fingerprint(*h)) << 32) | u64::from(*e);
                    break;
                }
                i = t.next(i);
            }
        }
        t
    }

    pub fn bytes(&self) -> usize {
        self.slots.capacity() * 8
    }

    /// The hash's first slot and its word (read now: lookups batch these reads so the
    /// CPU waits for their cache misses together).
    fn home(&self, h: u64) -> (usize, u64) {
        let i = ((u128::from(h) * self.slots.len() as u128) >> 64) as usize;
        (i, self.slots.get(i).copied().unwrap_or(0))
    }

    fn next(&self, i: usize) -> usize {
        if i + 1 >= self.slots.len() {
            0
        } else {
            i + 1
        }
    }

    /// Calls `each` with the entry of every slot from `home` on whose fingerprint is
    /// `h`'s, until an empty slot or `each` says stop.
    fn scan(&self, h: u64, home: (usize, u64), mut each: impl FnMut(u32) -> bool) {
        let fp = fingerprint(h);
        let (mut i, mut w) = home;
        // The table is never full: an empty slot ends every scan; the bound is a guard.
        for _ in 0..self.slots.len() {
            if w == 0 || ((w >> 32) as u32 == fp && each(w as u32)) {
                return;
            }
            i = self.next(i);
            w = self.slots.get(i).copied().unwrap_or(0);
        }
    }
}

impl Keys {
    /// Appends an entry; its offset.
    pub fn push(&mut self, key: &str, count: u32, first: u32, owner: u32) -> u32 {
        let at = self.arena.len() as u32;
        for v in [key.len() as u32, count, first, owner] {
            self.arena.extend_from_slice(&v.to_le_bytes());
        }
        self.arena.extend_from_slice(key.as_bytes());
        // Headers stay 4-byte aligned.
        self.arena.resize(self.arena.len().next_multiple_of(4), 0);
        at
    }

    pub fn is_empty(&self) -> bool {
        self.arena.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.table.bytes() + self.arena.capacity()
    }

    pub fn entry(&self, at: u32) -> Option<Entry> {
        let h = self.arena.get(at as usize..at as usize + HEADER)?;
        Some(Entry {
            at,
            len: u32_at(h, 0),
            count: u32_at(h, 4),
            first: u32_at(h, 8),
            owner: u32_at(h, 12),
        })
    }

    pub fn text(&self, e: &Entry) -> &[u8] {
        let from = e.at as usize + HEADER;
        self.arena.get(from..from + e.len as usize).unwrap_or(&[])
    }

    fn find_from(&self, h: u64, home: (usize, u64), key: &[u8]) -> Option<Entry> {
        let mut found = None;
        self.table.scan(h, home, |at| {
            found = self.entry(at).filter(|e| self.text(e) == key);
            found.is_some()
        });
        found
    }

    pub fn get(&self, key: &[u8]) -> Option<Entry> {
        let h = key_hash(key);
        self.find_from(h, self.table.home(h), key)
    }
}

/// A scored candidate account, with its owner.
#[derive(Debug, Clone, Copy)]
struct Cand {
    id: u32,
    score: f64,
    owner: u32,
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
    let mut keys: Vec<u64> = variants(&chars).into_iter().map(|(k, _)| k).collect();
    keys.dedup();
    keys
}

/// [`edit_keys`] with the letter each variant skips (`usize::MAX`: none), sorted.
fn variants(chars: &[char]) -> Vec<(u64, usize)> {
    if chars.len() < FUZZY_MIN_CHARS || chars.len() > FUZZY_MAX_CHARS {
        return Vec::new();
    }
    // Each variant hashes on from the state of the letters before the one it skips:
    // half the work of hashing every variant from the start, the same hashes.
    let mut keys: Vec<(u64, usize)> = Vec::with_capacity(chars.len() + 1);
    let mut prefix = FxHasher::default();
    for (skip, c) in chars.iter().enumerate() {
        let mut h = prefix;
        for rest in chars.get(skip + 1..).unwrap_or(&[]) {
            h.write_u32(u32::from(*rest));
        }
        keys.push((h.finish(), skip));
        prefix.write_u32(u32::from(*c));
    }
    keys.push((prefix.finish(), usize::MAX));
    keys.sort_unstable();
    keys
}

/// Whether `name`'s letters (spaces removed) are `letters` without the one at `skip`,
/// or are that with one more letter: the variant a fuzzy key stands for is really one
/// of the name's, so a hash or fingerprint collision never makes a candidate.
fn has_variant(letters: &[char], skip: usize, name: &str) -> bool {
    let want = letters.len() - usize::from(skip < letters.len());
    let mut v = letters
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != skip)
        .map(|(_, c)| *c);
    let mut c = name.chars().filter(|c| *c != ' ');
    let have = c.clone().count();
    if have == want {
        return c.eq(v);
    }
    if have != want + 1 {
        return false;
    }
    let mut skipped = false;
    v.all(|x| loop {
        match c.next() {
            Some(y) if y == x => break true,
            Some(_) if !skipped => skipped = true,
            _ => break false,
        }
    })
}

impl Accounts {
    /// The view conditions read for a hit.
    pub fn view(&self, hit: &AccountHit) -> AccountView<'_> {
        let values = hit.account.and_then(|i| {
            let from = i as usize * self.stride;
            self.values.get(from..from + self.stride)
        });
        AccountView {
            tier: hit.tier.as_str(),
            score: hit.score,
            values: values.unwrap_or(&[]),
        }
    }

    pub fn get(&self, i: u32) -> Option<&Account> {
        self.list.get(i as usize)
    }

    fn hot(&self, i: u32) -> Option<&Hot> {
        self.hot.get(i as usize)
    }

    /// Bytes the compiled accounts hold (capacities; strings of the cold records and
    /// values counted by length).
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        let strings: usize = self.list.iter().map(|a| a.id.len() + a.name.len()).sum();
        let values: usize = self
            .values
            .iter()
            .map(|v| match v {
                Val::Str(s) => s.len(),
                _ => 0,
            })
            .sum();
        self.list.capacity() * size_of::<Account>()
            + strings
            + self.hot.capacity() * size_of::<Hot>()
            + self.values.capacity() * size_of::<Val>()
            + values
            + self.domains.bytes()
            + self.names.bytes()
            + self.fuzzy.bytes()
            + self.ids.capacity() * 4
    }

    /// The lead's account: by email domain (never a free-mail domain for listed
    /// accounts), then normalised company name, then fuzzy name similarity.
    pub fn find(
        &self,
        lead: &Lead,
        free: Option<&crate::fxhash::FxHashSet<Box<str>>>,
    ) -> Option<AccountHit> {
        if let Some(hit) = lead
            .get(self.slot)
            .as_str()
            .and_then(|e| self.by_email(e, free, lead))
        {
            return Some(hit);
        }
        let company = self.company_slot.and_then(|s| lead.get(s).as_str())?;
        let norm = normalize(company);
        if norm.is_empty() {
            return None;
        }
        if let Some(e) = self.names.get(norm.as_bytes()) {
            let mut ranked = self.accounts_of(&e, 1.0);
            self.rank(&mut ranked, lead);
            return self.hit(ranked, company, Tier::Name);
        }
        self.fuzzy(&norm, company, lead)
    }

    /// The accounts of an entry, each with `score`.
    fn accounts_of(&self, e: &Entry, score: f64) -> Vec<Cand> {
        if e.count == 1 {
            return vec![Cand {
                id: e.first,
                score,
                owner: e.owner,
            }];
        }
        let from = e.first as usize;
        self.ids
            .get(from..from + e.count as usize)
            .unwrap_or(&[])
            .iter()
            .map(|id| Cand {
                id: *id,
                score,
                owner: self.hot(*id).map_or(NONE, |h| h.owner),
            })
            .collect()
    }

    fn by_email(
        &self,
        email_addr: &str,
        free: Option<&crate::fxhash::FxHashSet<Box<str>>>,
        lead: &Lead,
    ) -> Option<AccountHit> {
        let domain = email::domain(email_addr)?;
        let listed = !self.domains.is_empty() && !email::is_free_in(email_addr, free);
        // The first slot of each suffix tried below, read up front: eu.acme.com and
        // acme.com wait for memory together, not one after the other.
        let mut warm = [(0u64, (0usize, 0u64)); 4];
        let mut warmed = 0;
        let mut lower = [0u8; 128];
        if listed && domain.is_ascii() {
            if let Some(buf) = lower.get_mut(..domain.len()) {
                buf.copy_from_slice(domain.as_bytes());
                buf.make_ascii_lowercase();
                let mut rest: &[u8] = buf;
                for w in &mut warm {
                    let h = key_hash(rest);
                    *w = (h, self.domains.table.home(h));
                    warmed += 1;
                    match rest.iter().position(|b| *b == b'.') {
                        Some(p) if rest.get(p + 1..).is_some_and(|t| t.contains(&b'.')) => {
                            rest = rest.get(p + 1..).unwrap_or(&[]);
                        }
                        _ => break,
                    }
                }
            }
        }
        // Subdomains belong to the account too (eu.acme.com -> acme.com); the longest
        // known suffix wins.
        let mut rest = domain;
        let mut k = 0;
        loop {
            let hit = email::with_ascii_lower(rest, |l| {
                if listed {
                    let found = match warm.get(k).filter(|_| k < warmed) {
                        Some((h, home)) => self.domains.find_from(*h, *home, l.as_bytes()),
                        None => self.domains.get(l.as_bytes()),
                    };
                    if let Some(e) = found {
                        let mut ranked = self.accounts_of(&e, 1.0);
                        self.rank(&mut ranked, lead);
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
            k += 1;
            match rest.split_once('.') {
                Some((_, tail)) if tail.contains('.') => rest = tail,
                _ => return None,
            }
        }
    }

    /// The accounts the fuzzy tier scores for a normalised name, in the order they
    /// are scored, with the entry of each's name: those with a name one edit away
    /// (sharing an [`edit_keys`] key), each once, by key then account, at most
    /// [`FUZZY_CAP`].
    fn fuzzy_candidates_of(&self, norm: &str) -> Vec<(u32, Entry)> {
        let letters: Vec<char> = norm.chars().filter(|c| *c != ' ').collect();
        let variants = variants(&letters);
        // Every key's first slot, then every candidate entry's header, then the
        // checks: independent reads issued together, so the CPU waits for their cache
        // misses at once (a million accounts do not fit in its caches).
        let mut keys: Vec<(u64, u64, usize, (usize, u64))> = Vec::with_capacity(variants.len());
        for (i, (k, _)) in variants.iter().enumerate() {
            if keys.last().is_none_or(|(last, ..)| last != k) {
                let h = mix(*k);
                keys.push((*k, h, i, self.fuzzy.home(h)));
            }
        }
        let mut found: Vec<(usize, u32)> = Vec::new();
        for (rank, (_, h, _, home)) in keys.iter().enumerate() {
            self.fuzzy.scan(*h, *home, |at| {
                found.push((rank, at));
                false
            });
        }
        let entries: Vec<Option<Entry>> =
            found.iter().map(|(_, at)| self.names.entry(*at)).collect();
        let mut pairs: Vec<(usize, u32, Entry)> = Vec::new();
        for ((rank, _), e) in found.iter().zip(entries) {
            let Some(e) = e else { continue };
            let Some((key, _, first, _)) = keys.get(*rank) else {
                continue;
            };
            let name = std::str::from_utf8(self.names.text(&e)).unwrap_or("");
            let shares = variants
                .get(*first..)
                .unwrap_or(&[])
                .iter()
                .take_while(|(k, _)| k == key)
                .any(|(_, skip)| has_variant(&letters, *skip, name));
            if !shares {
                continue;
            }
            if e.count == 1 {
                pairs.push((*rank, e.first, e));
            } else {
                let from = e.first as usize;
                for id in self.ids.get(from..from + e.count as usize).unwrap_or(&[]) {
                    pairs.push((*rank, *id, e));
                }
            }
        }
        pairs.sort_unstable_by_key(|(rank, id, _)| (*rank, *id));
        let mut out: Vec<(u32, Entry)> = Vec::new();
        for (_, id, e) in pairs {
            if out.iter().any(|(seen, _)| *seen == id) {
                continue;
            }
            if out.len() >= FUZZY_CAP {
                break;
            }
            out.push((id, e));
        }
        out
    }

    /// The account whose normalised name is nearest to `company` among those one edit
    /// away (the fuzzy tier's candidates), with the similarity, whatever the threshold:
    /// for the simulation's list of near misses to clean up.
    pub(crate) fn nearest(&self, company: &str) -> Option<(u32, f64)> {
        let norm = normalize(company);
        let mut best: Option<(u32, f64)> = None;
        for (id, e) in self.fuzzy_candidates_of(&norm) {
            let name = std::str::from_utf8(self.names.text(&e)).unwrap_or("");
            let score = jaro_winkler(&norm, name);
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((id, score));
            }
        }
        best
    }

    /// How many accounts [`Accounts::fuzzy`] scores for a normalised name.
    pub fn fuzzy_candidates(&self, norm: &str) -> usize {
        self.fuzzy_candidates_of(norm).len()
    }

    fn fuzzy(&self, norm: &str, company: &str, lead: &Lead) -> Option<AccountHit> {
        if self.fuzzy_threshold >= 1.0 {
            return None;
        }
        let mut ranked: Vec<Cand> = Vec::new();
        for (id, e) in self.fuzzy_candidates_of(norm) {
            let name = std::str::from_utf8(self.names.text(&e)).unwrap_or("");
            let score = jaro_winkler(norm, name);
            if score >= self.fuzzy_threshold {
                let owner = if e.count == 1 {
                    e.owner
                } else {
                    self.hot(id).map_or(NONE, |h| h.owner)
                };
                ranked.push(Cand { id, score, owner });
            }
        }
        self.rank(&mut ranked, lead);
        self.hit(ranked, company, Tier::Fuzzy)
    }

    /// Best first: higher score, then the lead's country, then the configured
    /// preference, then list order.
    fn rank(&self, ranked: &mut [Cand], lead: &Lead) {
        if ranked.len() < 2 {
            return;
        }
        let country = self
            .country_slot
            .and_then(|s| lead.get(s).as_str())
            .map(|c| c.trim().to_lowercase())
            .and_then(|c| self.countries.iter().position(|x| **x == *c))
            .map(|i| i as u32);
        let key = |c: &Cand| {
            let h = self.hot(c.id);
            let same = h.is_some_and(|h| Some(h.country) == country);
            let (size, recent) = h.map_or((0.0, i64::MIN), |h| (h.employees, h.last_active));
            (c.score, same, size, recent, c.id)
        };
        crate::sort::sort_copy_by(ranked, |x, y| {
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

    fn hit(&self, ranked: Vec<Cand>, matched: &str, tier: Tier) -> Option<AccountHit> {
        let best = ranked.first()?;
        Some(AccountHit {
            account: Some(best.id),
            matched: matched.to_string(),
            owner: (best.owner != NONE).then_some(best.owner as usize),
            tier,
            score: best.score,
            runner_up: ranked.get(1).map(|c| (c.id, c.score)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{has_variant, Keys, Table};

    #[test]
    fn variants_are_checked_letter_by_letter() {
        let l: Vec<char> = "acmelabs".chars().collect();
        assert!(has_variant(&l, usize::MAX, "acme labs"));
        // Without the "m": "acelabs", or that with one letter more.
        assert!(has_variant(&l, 2, "acelabs"));
        assert!(has_variant(&l, 2, "axcelabs"));
        assert!(has_variant(&l, 2, "acmelabs"));
        assert!(!has_variant(&l, 2, "aelabs"));
        assert!(!has_variant(&l, 2, "axcelabsx"));
        assert!(!has_variant(&l, 2, "acelbas"));
        assert!(has_variant(&l, 7, "acmelab"));
        assert!(has_variant(&l, 7, "acmelabz"));
        assert!(!has_variant(&l, 7, "acmelbz"));
    }

    #[test]
    fn a_fingerprint_only_selects_and_the_entry_decides() {
        let mut k = Keys::default();
        let a = k.push("acme.com", 1, 7, 3);
        let b = k.push("globex.io", 2, 0, super::NONE);
        // Both under one hash: the lookup must still tell them apart by their bytes.
        k.table = Table::build(&[(42, a), (42, b)]);
        let h = 42;
        let got = k.find_from(h, k.table.home(h), b"globex.io").unwrap();
        assert_eq!((got.count, got.first), (2, 0));
        let got = k.find_from(h, k.table.home(h), b"acme.com").unwrap();
        assert_eq!((got.count, got.first, got.owner), (1, 7, 3));
        assert!(k.find_from(h, k.table.home(h), b"acme.co").is_none());
        assert!(k.get(b"acme.com").is_none());
    }
}
