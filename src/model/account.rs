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

mod filter;
mod rounds;
use filter::Filter;
pub use rounds::BATCH;

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
    /// Fuzzy index: every [`edit_keys`] key of every distinct name, to the name's slot
    /// in `names`.
    pub fuzzy: Postings,
    /// The accounts of keys that more than one account has, each key's in a run: how
    /// many, then the accounts.
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

/// Bytes of a key its slot holds; a longer key keeps its first `INLINE - 4` bytes there
/// and the offset of its whole text in [`Keys::long`].
const INLINE: usize = 28;
/// A [`Keys`] slot: a tag (24 bits of the hash above the key's length, [`LONG`] for a
/// long key; 0 for an empty slot), the first account, its owner, then the key.
const SLOT: usize = 12 + INLINE;
/// The length byte of a key longer than [`INLINE`].
const LONG: u8 = u8::MAX;
/// The home of a key [`Postings`]' filter rules out: no slot, so a scan from it reads
/// nothing and finds nothing.
const ABSENT: usize = usize::MAX;
/// Slots [`Keys::peek`] reads ahead of a scan: 160 bytes.
const PEEK_SLOTS: usize = 4;
/// Keys/(slots) of the key tables: 2/3 full. A slot is 40 bytes, so a scan's next slot
/// is mostly in the line already read or the adjacent one the CPU fetches with it.
const KEYS_FILL: (usize, usize) = (2, 3);
/// Postings/(slots) of the fuzzy table: 2/3 full. Its slots are 4 bytes, 16 a cache
/// line, so a miss's longer scan (5 slots on average, against 2.5 half full) mostly
/// stays in the line it read; at a million accounts this table is the largest part
/// of the index, and the fewer pages it spans, the fewer TLB misses.
const POSTINGS_FILL: (usize, usize) = (2, 3);

/// An owner that says the key has several accounts: the slot's `first` is where their
/// run starts in [`Accounts::ids`] (the count, then the accounts).
pub const MULTI: u32 = u32::MAX - 1;

fn slot_index(h: u64, len: usize) -> usize {
    ((u128::from(h) * len as u128) >> 64) as usize
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes)
}

/// The tag of a key with hash `h`: never 0, which marks an empty slot.
fn tag(h: u64, len: usize) -> u32 {
    let len = if len > INLINE { LONG } else { len as u8 };
    ((h as u32) & 0xffff_ff00) | 0x100 | u32::from(len)
}

/// Distinct keys (domains or normalised names) in an open-addressed table whose
/// 40-byte slots hold the key and what a hit needs (the first account and its owner),
/// linear probing: a hit is one read, the slot, which verifies the key byte by byte
/// (the tag only skips slots, it never decides) and names the account and the owner
/// the decision routes to. Before, the slot held a fingerprint and the offset of an
/// entry in an arena: two dependent reads, each a cache and TLB miss at a million
/// accounts. Only keys longer than [`INLINE`] bytes (few domains or names) read
/// their rest from [`Keys::long`], after their slot's prefix matched.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    slots: Vec<[u8; SLOT]>,
    /// Keys longer than [`INLINE`]: each its length (4 bytes), then its bytes.
    long: Vec<u8>,
    count: usize,
}

/// A found key: its slot, and the account (or run of accounts) it names.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub slot: u32,
    pub first: u32,
    /// The account's owner, [`NONE`] without one, [`MULTI`] for several accounts.
    pub owner: u32,
}

impl Keys {
    /// The table of `(key, first, owner)` items, keys distinct.
    pub fn build(items: &[(String, u32, u32)]) -> Keys {
        let n = items.len() * KEYS_FILL.1 / KEYS_FILL.0 + 1;
        let mut k = Keys {
            slots: vec![[0; SLOT]; n],
            long: Vec::new(),
            count: items.len(),
        };
        for (key, first, owner) in items {
            let h = key_hash(key.as_bytes());
            let mut slot = [0u8; SLOT];
            let bytes = key.as_bytes();
            let words = [tag(h, bytes.len()), *first, *owner];
            for (dst, w) in slot.chunks_exact_mut(4).zip(words) {
                dst.copy_from_slice(&w.to_le_bytes());
            }
            let (inline, offset) = if bytes.len() > INLINE {
                let at = k.long.len() as u32;
                k.long
                    .extend_from_slice(&(bytes.len() as u32).to_le_bytes());
                k.long.extend_from_slice(bytes);
                (bytes.get(..INLINE - 4).unwrap_or(&[]), Some(at))
            } else {
                (bytes, None)
            };
            if let Some(dst) = slot.get_mut(12..12 + inline.len()) {
                dst.copy_from_slice(inline);
            }
            if let (Some(at), Some(dst)) = (offset, slot.get_mut(SLOT - 4..)) {
                dst.copy_from_slice(&at.to_le_bytes());
            }
            let mut i = slot_index(h, n);
            while let Some(s) = k.slots.get_mut(i) {
                if u32_at(s, 0) == 0 {
                    *s = slot;
                    break;
                }
                i = if i + 1 >= n { 0 } else { i + 1 };
            }
        }
        k
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many slots the table has (an [`Entry::slot`] is below this).
    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    pub fn bytes(&self) -> usize {
        self.slots.capacity() * SLOT + self.long.capacity()
    }

    /// The hash's first slot (not read: see [`Keys::peek`]).
    pub fn home(&self, h: u64) -> usize {
        slot_index(h, self.slots.len())
    }

    /// Reads the tags of the slots a scan from `home` most likely reads: a step's
    /// reads are issued together this way, before any is used, so the CPU waits for
    /// their cache misses at once (see `rounds.rs`). A scan that misses reads 5 slots
    /// on average at 2/3 full, 200 bytes: 3 or 4 cache lines, each a miss of its own
    /// (at a million accounts) when only the first was read ahead.
    pub fn peek(&self, home: usize) -> u32 {
        (home..home.saturating_add(PEEK_SLOTS))
            .filter_map(|i| self.slots.get(i))
            .fold(0, |x, s| x ^ u32_at(s, 0))
    }

    /// Reads the tag of one slot (see [`Keys::peek`]).
    pub fn peek_slot(&self, i: usize) -> u32 {
        self.slots.get(i).map_or(0, |s| u32_at(s, 0))
    }

    /// The key of an occupied slot.
    pub fn text(&self, slot: u32) -> &[u8] {
        let Some(s) = self.slots.get(slot as usize) else {
            return &[];
        };
        let len = u32_at(s, 0) as u8;
        if len == LONG {
            let at = u32_at(s, SLOT - 4) as usize;
            let n = u32_at(&self.long, at) as usize;
            self.long.get(at + 4..at + 4 + n).unwrap_or(&[])
        } else {
            s.get(12..12 + usize::from(len)).unwrap_or(&[])
        }
    }

    /// Every occupied slot with its key.
    pub fn each(&self) -> impl Iterator<Item = (u32, &[u8])> {
        (0..self.slots.len() as u32)
            .filter(|i| {
                self.slots
                    .get(*i as usize)
                    .is_some_and(|s| u32_at(s, 0) != 0)
            })
            .map(|i| (i, self.text(i)))
    }

    fn find_from(&self, h: u64, home: usize, key: &[u8]) -> Option<Entry> {
        let want = tag(h, key.len());
        let n = self.slots.len();
        let mut i = home;
        // The table is never full: an empty slot ends every scan; the bound is a guard.
        for _ in 0..n {
            let s = self.slots.get(i)?;
            let t = u32_at(s, 0);
            if t == 0 {
                return None;
            }
            if t == want {
                let same = if key.len() > INLINE {
                    s.get(12..SLOT - 4) == key.get(..INLINE - 4) && self.text(i as u32) == key
                } else {
                    s.get(12..12 + key.len()) == Some(key)
                };
                if same {
                    return Some(Entry {
                        slot: i as u32,
                        first: u32_at(s, 4),
                        owner: u32_at(s, 8),
                    });
                }
            }
            i = if i + 1 >= n { 0 } else { i + 1 };
        }
        None
    }

    pub fn get(&self, key: &[u8]) -> Option<Entry> {
        if self.slots.is_empty() {
            return None;
        }
        let h = key_hash(key);
        self.find_from(h, self.home(h), key)
    }

    /// The entry of an occupied slot.
    pub fn entry(&self, slot: u32) -> Option<Entry> {
        let s = self
            .slots
            .get(slot as usize)
            .filter(|s| u32_at(s.as_slice(), 0) != 0)?;
        Some(Entry {
            slot,
            first: u32_at(s, 4),
            owner: u32_at(s, 8),
        })
    }
}

/// The fuzzy index: an open-addressed multimap of 4-byte slots from an [`edit_keys`]
/// key to the slot of a name in [`Accounts::names`] (plus one; 0 is empty) in the low
/// bits and as many bits of the key's hash as are left above: at a million accounts,
/// 21 bits of slot and 11 of hash, half the bytes of the 8-byte slots before (this
/// table is the largest part of the index). The hash bits only select candidates:
/// each is checked letter by letter against the name its slot holds, so a collision
/// never makes one.
#[derive(Debug, Clone, Default)]
pub struct Postings {
    slots: Vec<u32>,
    /// Bits of the name slot.
    bits: u32,
    /// Says which keys surely have no posting, before a slot is read.
    filter: Filter,
}

impl Postings {
    /// The fuzzy index of the names in `names`: every [`edit_keys`] key of each.
    /// Sized from an upper bound (a name's letters plus one; a name's duplicate keys
    /// are rare) so the keys are hashed straight into the table, never held in a list:
    /// at a million accounts that list was 240 MB while the index was built, which the
    /// allocator then kept.
    pub fn of_names(names: &Keys) -> Postings {
        let bound: usize = names.each().map(|(_, t)| keys_bound(t)).sum();
        let mut p = Postings::with_room(bound, names.slots());
        for (slot, text) in names.each() {
            for k in edit_keys(std::str::from_utf8(text).unwrap_or("")) {
                p.insert(mix(k), slot);
            }
        }
        p
    }

    /// An empty table for `items` postings, of name slots below `names`.
    fn with_room(items: usize, names: usize) -> Postings {
        let bits = u32::BITS - (names as u32 + 1).leading_zeros();
        let n = items * POSTINGS_FILL.1 / POSTINGS_FILL.0 + 1;
        Postings {
            slots: vec![0; n],
            bits,
            filter: Filter::for_keys(items),
        }
    }

    fn insert(&mut self, h: u64, name: u32) {
        self.filter.insert(h);
        let n = self.slots.len();
        let mut i = slot_index(h, n);
        let word = self.check(h) | (name + 1);
        // Never full (sized for every posting, with room): an empty slot ends the scan.
        for _ in 0..n {
            match self.slots.get_mut(i) {
                Some(s) if *s == 0 => {
                    *s = word;
                    return;
                }
                _ => i = if i + 1 >= n { 0 } else { i + 1 },
            }
        }
    }

    /// The hash bits a slot keeps above the name slot (none when the slot needs all
    /// 32 bits: then every posting on the scan is checked against its name).
    fn check(&self, h: u64) -> u32 {
        if self.bits >= u32::BITS {
            0
        } else {
            (h as u32) << self.bits
        }
    }

    pub fn bytes(&self) -> usize {
        self.slots.capacity() * 4 + self.filter.bytes()
    }

    /// The hash's first slot (not read: see [`Postings::peek`]), or [`ABSENT`] when
    /// the filter says the key surely has no posting.
    pub fn home(&self, h: u64) -> usize {
        if self.filter.may_hold(h) {
            slot_index(h, self.slots.len())
        } else {
            ABSENT
        }
    }

    /// Reads the slots a scan from `home` most likely reads (see [`Keys::peek`]): the
    /// first and the eighth, 28 bytes on, so a scan that crosses into the next cache
    /// line (a third of them, at 2/3 full) does not wait for it alone.
    pub fn peek(&self, home: usize) -> u32 {
        let at = |i: usize| self.slots.get(i).copied().unwrap_or(0);
        at(home) ^ at(home.saturating_add(7))
    }

    /// Calls `each` with the name slot of every posting from `home` on whose hash
    /// bits are `h`'s, until an empty slot.
    fn scan(&self, h: u64, home: usize, mut each: impl FnMut(u32)) {
        let n = self.slots.len();
        let want = self.check(h);
        let mask = if self.bits >= u32::BITS {
            u32::MAX
        } else {
            (1u32 << self.bits) - 1
        };
        let mut i = home;
        for _ in 0..n {
            let Some(w) = self.slots.get(i).copied().filter(|w| *w != 0) else {
                return;
            };
            if w & !mask == want {
                each((w & mask) - 1);
            }
            i = if i + 1 >= n { 0 } else { i + 1 };
        }
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

/// A normalised name's letters (spaces removed) and its [`variants`]: what the fuzzy
/// tier looks up.
struct Probe {
    letters: Vec<char>,
    variants: Vec<(u64, usize)>,
}

impl Probe {
    fn of(norm: &str) -> Probe {
        let letters: Vec<char> = norm.chars().filter(|c| *c != ' ').collect();
        let variants = variants(&letters);
        Probe { letters, variants }
    }
}

/// A fuzzy key to look up: the variant's hash, its hash in the table, the index of
/// its first variant in [`Probe::variants`] and its first slot.
struct FuzzyKey {
    key: u64,
    h: u64,
    first: usize,
    home: usize,
}

/// An email's domain and what looking it up needs: whether listed accounts may match
/// it (not a free-mail domain), and the hash and first slot of each of its first
/// suffixes (`eu.acme.com`, `acme.com`).
struct EmailPlan<'l> {
    domain: &'l str,
    listed: bool,
    warm: [(u64, usize); 4],
    warmed: usize,
}

/// How many keys [`edit_keys`] gives a name at most.
fn keys_bound(norm: &[u8]) -> usize {
    let letters = std::str::from_utf8(norm)
        .unwrap_or("")
        .chars()
        .filter(|c| *c != ' ')
        .count();
    if (FUZZY_MIN_CHARS..=FUZZY_MAX_CHARS).contains(&letters) {
        letters + 1
    } else {
        0
    }
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

    /// The hit of an exact tier's key.
    fn exact_hit(&self, e: &Entry, matched: &str, tier: Tier, lead: &Lead) -> Option<AccountHit> {
        if e.owner != MULTI {
            // One account: its slot held all the decision needs (the account and its
            // owner). The account's own records (`list`, `hot`, `values`) are read only
            // when something asks: a rule or cap testing `account.*` reads `values`,
            // the trace and the reasons read `list`, a missing owner makes the
            // `account_owner` rule read the team; each is another cache miss at a
            // million accounts.
            return Some(AccountHit {
                account: Some(e.first),
                matched: matched.to_string(),
                owner: (e.owner != NONE).then_some(e.owner as usize),
                tier,
                score: 1.0,
                runner_up: None,
            });
        }
        let mut ranked = self.accounts_of(e, 1.0);
        self.rank(&mut ranked, lead);
        self.hit(ranked, matched, tier)
    }

    /// The accounts of a [`MULTI`] entry's run.
    fn run(&self, e: &Entry) -> &[u32] {
        let from = e.first as usize;
        let n = self.ids.get(from).copied().unwrap_or(0) as usize;
        self.ids.get(from + 1..from + 1 + n).unwrap_or(&[])
    }

    /// The accounts of an entry, each with `score`.
    fn accounts_of(&self, e: &Entry, score: f64) -> Vec<Cand> {
        if e.owner != MULTI {
            return vec![Cand {
                id: e.first,
                score,
                owner: e.owner,
            }];
        }
        self.run(e)
            .iter()
            .map(|id| Cand {
                id: *id,
                score,
                owner: self.hot(*id).map_or(NONE, |h| h.owner),
            })
            .collect()
    }

    /// The first step of matching a lead with an email: its domain, and the first
    /// slot of each suffix [`Accounts::email_hit`] tries, not read yet.
    fn email_plan<'l>(
        &self,
        email_addr: &'l str,
        free: Option<&crate::fxhash::FxHashSet<Box<str>>>,
    ) -> Option<EmailPlan<'l>> {
        let domain = email::domain(email_addr)?;
        let listed = !self.domains.is_empty() && !email::is_free_in(email_addr, free);
        let mut plan = EmailPlan {
            domain,
            listed,
            warm: [(0, 0); 4],
            warmed: 0,
        };
        let mut lower = [0u8; 128];
        if listed && domain.is_ascii() {
            if let Some(buf) = lower.get_mut(..domain.len()) {
                buf.copy_from_slice(domain.as_bytes());
                buf.make_ascii_lowercase();
                let mut rest: &[u8] = buf;
                for w in &mut plan.warm {
                    let h = key_hash(rest);
                    *w = (h, self.domains.home(h));
                    plan.warmed += 1;
                    match rest.iter().position(|b| *b == b'.') {
                        Some(p) if rest.get(p + 1..).is_some_and(|t| t.contains(&b'.')) => {
                            rest = rest.get(p + 1..).unwrap_or(&[]);
                        }
                        _ => break,
                    }
                }
            }
        }
        Some(plan)
    }

    /// The domain tier, its slots read: the longest known suffix of the domain
    /// (eu.acme.com belongs to acme.com's account), or an `accounts.owners` domain.
    fn email_hit(&self, plan: &EmailPlan, lead: &Lead) -> Option<AccountHit> {
        let mut rest = plan.domain;
        let mut k = 0;
        loop {
            let hit = email::with_ascii_lower(rest, |l| {
                if plan.listed {
                    let found = match plan.warm.get(k).filter(|_| k < plan.warmed) {
                        Some((h, home)) => self.domains.find_from(*h, *home, l.as_bytes()),
                        None => self.domains.get(l.as_bytes()),
                    };
                    if let Some(e) = found {
                        return self.exact_hit(&e, rest, Tier::Domain, lead);
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

    /// The fuzzy tier's keys for a name's variants that may have postings (the
    /// filter rules out most of the others), each once, with its first slot (not read
    /// yet).
    fn fuzzy_keys(&self, probe: &Probe) -> Vec<FuzzyKey> {
        let mut keys: Vec<FuzzyKey> = Vec::with_capacity(probe.variants.len());
        let mut last = None;
        for (i, (k, _)) in probe.variants.iter().enumerate() {
            if last == Some(*k) {
                continue;
            }
            last = Some(*k);
            let h = mix(*k);
            let home = self.fuzzy.home(h);
            if home != ABSENT {
                keys.push(FuzzyKey {
                    key: *k,
                    h,
                    first: i,
                    home,
                });
            }
        }
        keys
    }

    /// The name slots the keys' postings point at, with the rank of the key each came
    /// from (their first slots read).
    fn fuzzy_found(&self, keys: &[FuzzyKey]) -> Vec<(usize, u32)> {
        let mut found: Vec<(usize, u32)> = Vec::new();
        for (rank, k) in keys.iter().enumerate() {
            self.fuzzy
                .scan(k.h, k.home, |slot| found.push((rank, slot)));
        }
        found
    }

    /// The accounts the fuzzy tier scores, from the postings found (their names'
    /// slots read), in the order they are scored, with the slot of each's name: those
    /// with a name one edit away (checked letter by letter), each once, by key then
    /// account, at most [`FUZZY_CAP`].
    fn fuzzy_pick(
        &self,
        probe: &Probe,
        keys: &[FuzzyKey],
        found: &[(usize, u32)],
    ) -> Vec<(u32, u32)> {
        let (letters, variants) = (&probe.letters, &probe.variants);
        let mut pairs: Vec<(usize, u32, u32)> = Vec::new();
        for (rank, slot) in found {
            let Some(e) = self.names.entry(*slot) else {
                continue;
            };
            let Some(k) = keys.get(*rank) else {
                continue;
            };
            let name = std::str::from_utf8(self.names.text(e.slot)).unwrap_or("");
            let shares = variants
                .get(k.first..)
                .unwrap_or(&[])
                .iter()
                .take_while(|(v, _)| *v == k.key)
                .any(|(_, skip)| has_variant(letters, *skip, name));
            if !shares {
                continue;
            }
            if e.owner != MULTI {
                pairs.push((*rank, e.first, e.slot));
            } else {
                pairs.extend(self.run(&e).iter().map(|id| (*rank, *id, e.slot)));
            }
        }
        pairs.sort_unstable_by_key(|(rank, id, _)| (*rank, *id));
        let mut out: Vec<(u32, u32)> = Vec::new();
        for (_, id, slot) in pairs {
            if out.iter().any(|(seen, _)| *seen == id) {
                continue;
            }
            if out.len() >= FUZZY_CAP {
                break;
            }
            out.push((id, slot));
        }
        out
    }

    /// Reads the keys' first slots (see [`Postings::peek`]).
    fn peek_keys(&self, keys: &[FuzzyKey]) -> u32 {
        keys.iter().fold(0, |x, k| x ^ self.fuzzy.peek(k.home))
    }

    /// Reads the slots of the names the postings found.
    fn peek_found(&self, found: &[(usize, u32)]) -> u32 {
        found
            .iter()
            .fold(0, |x, (_, slot)| x ^ self.names.peek_slot(*slot as usize))
    }

    /// The fuzzy tier's candidates for a name, one step after another (each step's
    /// reads issued together, see `rounds.rs`).
    fn fuzzy_candidates_of(&self, probe: &Probe) -> Vec<(u32, u32)> {
        let keys = self.fuzzy_keys(probe);
        std::hint::black_box(self.peek_keys(&keys));
        let found = self.fuzzy_found(&keys);
        std::hint::black_box(self.peek_found(&found));
        self.fuzzy_pick(probe, &keys, &found)
    }

    /// The account whose normalised name is nearest to `company` among those one edit
    /// away (the fuzzy tier's candidates), with the similarity, whatever the threshold:
    /// for the simulation's list of near misses to clean up.
    pub(crate) fn nearest(&self, company: &str) -> Option<(u32, f64)> {
        let norm = normalize(company);
        let mut best: Option<(u32, f64)> = None;
        for (id, slot) in self.fuzzy_candidates_of(&Probe::of(&norm)) {
            let name = std::str::from_utf8(self.names.text(slot)).unwrap_or("");
            let score = jaro_winkler(&norm, name);
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((id, score));
            }
        }
        best
    }

    /// How many accounts [`Accounts::fuzzy`] scores for a normalised name.
    pub fn fuzzy_candidates(&self, norm: &str) -> usize {
        self.fuzzy_candidates_of(&Probe::of(norm)).len()
    }

    /// The fuzzy tier's match among its candidates: the best scoring at or above the
    /// threshold.
    fn fuzzy_hit(
        &self,
        norm: &str,
        candidates: &[(u32, u32)],
        company: &str,
        lead: &Lead,
    ) -> Option<AccountHit> {
        let mut ranked: Vec<Cand> = Vec::new();
        for &(id, slot) in candidates {
            let name = std::str::from_utf8(self.names.text(slot)).unwrap_or("");
            let score = jaro_winkler(norm, name);
            if score >= self.fuzzy_threshold {
                let owner = match self.names.entry(slot) {
                    Some(e) if e.owner != MULTI => e.owner,
                    _ => self.hot(id).map_or(NONE, |h| h.owner),
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
    use super::{has_variant, key_hash, Keys, Postings, INLINE, MULTI, NONE};

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
    fn a_slot_holds_its_key_and_its_account() {
        let long = "a-very-long-subsidiary-name.example.co.uk";
        let long_twin = "a-very-long-subsidiary-name.example.co.jp";
        assert!(long.len() > INLINE);
        let k = Keys::build(&[
            ("acme.com".into(), 7, 3),
            ("globex.io".into(), 0, MULTI),
            (long.into(), 9, NONE),
        ]);
        let got = k.get(b"acme.com").unwrap();
        assert_eq!((got.first, got.owner), (7, 3));
        assert_eq!(k.text(got.slot), b"acme.com");
        let got = k.get(b"globex.io").unwrap();
        assert_eq!((got.first, got.owner), (0, MULTI));
        let got = k.get(long.as_bytes()).unwrap();
        assert_eq!((got.first, got.owner), (9, NONE));
        assert_eq!(k.text(got.slot), long.as_bytes());
        assert!(k.get(long_twin.as_bytes()).is_none());
        assert!(k.get(b"acme.co").is_none());
        assert!(k.get(b"").is_none());
        assert_eq!(k.each().count(), 3);
    }

    #[test]
    fn a_tag_only_selects_and_the_bytes_decide() {
        let k = Keys::build(&[("acme.com".into(), 7, 3)]);
        // Another key of the same length under acme.com's hash (a collision): its tag
        // is acme.com's, and the bytes still tell them apart.
        let h = key_hash(b"acme.com");
        assert!(k.find_from(h, k.home(h), b"acme.com").is_some());
        assert!(k.find_from(h, k.home(h), b"acme.org").is_none());
    }

    #[test]
    fn postings_keep_every_name_under_its_key() {
        let mut p = Postings::with_room(3, 10);
        for (h, name) in [(42, 5), (42, 9), (7 << 40, 1)] {
            p.insert(h, name);
        }
        let mut got = Vec::new();
        p.scan(42, p.home(42), |s| got.push(s));
        got.sort_unstable();
        assert_eq!(got, [5, 9]);
        let mut got = Vec::new();
        p.scan(7 << 40, p.home(7 << 40), |s| got.push(s));
        assert!(got.contains(&1));
    }
}
