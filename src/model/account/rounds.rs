//! Matching in rounds: each tier's lookup is cut into the step that plans its reads
//! (hashes the key, finds its first slot) and the step that makes them, so the reads
//! of many leads can be issued together before any is used.
//!
//! At a million accounts the index is about 550 MB and every read of it is a cache
//! and TLB miss (on this project's VM a read that waits for the one before takes
//! 288 ns in 512 MB; 16 to 64 issued together take 15-23 ns each). One lead alone
//! waits for each of its rounds in turn: the domain's slot, then the name's, then the
//! fuzzy keys', then the candidates'. [`Accounts::find_each`] runs a batch of leads
//! round by round instead: every lead's next reads, then every lead's step, so a batch
//! of 16 waits for memory about once a round, not 16 times.
//! Every step is the one [`Accounts::find`] takes, in the same order for each lead, so
//! a lead's match is the same alone or in a batch (`tests/account_rounds.rs`).

use super::{AccountHit, Accounts, EmailPlan, FuzzyKey, Probe, Tier};
use crate::accounts::normalize;
use crate::fxhash::FxHashSet;
use crate::lead::Lead;

/// Where a lead's match stands: the reads its next step makes are planned, not made.
enum Step<'l> {
    /// The email's domain and suffixes.
    Email(EmailPlan<'l>),
    /// The normalised company name, its hash and first slot.
    Name {
        company: &'l str,
        norm: String,
        h: u64,
        home: usize,
    },
    /// The name missed: its fuzzy keys.
    Fuzzy(Near<'l>),
    /// The keys' postings: the candidate names' slots.
    Candidates(Near<'l>, Vec<(usize, u32)>),
    Done(Option<AccountHit>),
}

/// A name the fuzzy tier looks up: the lead's company, normalised, its letters and
/// variants, and the keys that may have postings.
struct Near<'l> {
    company: &'l str,
    norm: String,
    probe: Probe,
    keys: Vec<FuzzyKey>,
}

type Free<'f> = Option<&'f FxHashSet<Box<str>>>;

/// Leads whose reads [`Accounts::find_each`] issues together: enough reads in flight
/// to wait for memory about once a round (16 independent reads in 512 MB took 23 ns
/// each on this project's VM, one after another 288 ns each), few enough that their
/// steps fit on the stack and their slots stay in the cache until used.
pub const BATCH: usize = 16;

impl Accounts {
    /// The lead's account: by email domain (never a free-mail domain for listed
    /// accounts), then normalised company name, then fuzzy name similarity.
    pub fn find(&self, lead: &Lead, free: Free) -> Option<AccountHit> {
        let mut step = self.start(lead, free);
        loop {
            if let Step::Done(hit) = step {
                return hit;
            }
            std::hint::black_box(self.read(&step));
            step = self.next(lead, step);
        }
    }

    /// Calls `each` with every lead's [`Accounts::find`], in order, the reads of each
    /// round issued together for [`BATCH`] leads at a time (see the top of this file):
    /// the same matches, less waiting for memory when the index is larger than the
    /// caches. The steps live on the stack: a batch's list on the heap (2.5 KB, past the
    /// allocator's per-thread cache) cost more in `malloc`, measured at a million
    /// accounts, than the waiting it saved.
    pub fn find_each(
        &self,
        leads: &[&Lead],
        free: Free,
        mut each: impl FnMut(usize, Option<AccountHit>),
    ) {
        for (c, chunk) in leads.chunks(BATCH).enumerate() {
            let mut steps: [Step; BATCH] = std::array::from_fn(|i| match chunk.get(i) {
                Some(lead) => self.start(lead, free),
                None => Step::Done(None),
            });
            loop {
                let mut seen = 0u32;
                let mut open = false;
                for s in &steps {
                    if !matches!(s, Step::Done(_)) {
                        open = true;
                        seen ^= self.read(s);
                    }
                }
                if !open {
                    break;
                }
                std::hint::black_box(seen);
                for (s, lead) in steps.iter_mut().zip(chunk) {
                    if !matches!(s, Step::Done(_)) {
                        let step = std::mem::replace(s, Step::Done(None));
                        *s = self.next(lead, step);
                    }
                }
            }
            for (i, s) in steps.into_iter().take(chunk.len()).enumerate() {
                each(
                    c * BATCH + i,
                    if let Step::Done(hit) = s { hit } else { None },
                );
            }
        }
    }

    /// The first step: the email's domain, or without one the company name.
    fn start<'l>(&self, lead: &'l Lead, free: Free) -> Step<'l> {
        match lead
            .get(self.slot)
            .as_str()
            .and_then(|e| self.email_plan(e, free))
        {
            Some(plan) => Step::Email(plan),
            None => self.by_name(lead),
        }
    }

    /// The name step, or done when the lead has no company name to match.
    fn by_name<'l>(&self, lead: &'l Lead) -> Step<'l> {
        let Some(company) = self.company_slot.and_then(|s| lead.get(s).as_str()) else {
            return Step::Done(None);
        };
        let norm = normalize(company);
        if norm.is_empty() || self.names.is_empty() {
            return Step::Done(None);
        }
        // The fuzzy keys are hashed only after the exact name missed: hashing them
        // while the name's slot arrives (measured) cost the name tier 0.3 µs a lead
        // (a name's variants are O(letters²) to hash) and saved the others less.
        let h = super::key_hash(norm.as_bytes());
        let home = self.names.home(h);
        Step::Name {
            company,
            norm,
            h,
            home,
        }
    }

    /// Reads the first word of every slot the step will read (their values do not
    /// matter: the reads are made so the CPU waits for them together).
    fn read(&self, step: &Step) -> u32 {
        match step {
            Step::Email(plan) => plan
                .warm
                .iter()
                .take(plan.warmed)
                .fold(0, |x, (_, home)| x ^ self.domains.peek(*home)),
            Step::Name { home, .. } => self.names.peek(*home),
            Step::Fuzzy(near) => self.peek_keys(&near.keys),
            Step::Candidates(_, found) => self.peek_found(found),
            Step::Done(_) => 0,
        }
    }

    /// Takes the step (its reads made by [`Accounts::read`]) and plans the next.
    fn next<'l>(&self, lead: &'l Lead, step: Step<'l>) -> Step<'l> {
        match step {
            Step::Email(plan) => match self.email_hit(&plan, lead) {
                Some(hit) => Step::Done(Some(hit)),
                None => self.by_name(lead),
            },
            Step::Name {
                company,
                norm,
                h,
                home,
            } => {
                if let Some(e) = self.names.find_from(h, home, norm.as_bytes()) {
                    return Step::Done(self.exact_hit(&e, company, Tier::Name, lead));
                }
                if self.fuzzy_threshold >= 1.0 {
                    return Step::Done(None);
                }
                let probe = Probe::of(&norm);
                let keys = self.fuzzy_keys(&probe);
                if keys.is_empty() {
                    return Step::Done(None);
                }
                Step::Fuzzy(Near {
                    company,
                    norm,
                    probe,
                    keys,
                })
            }
            Step::Fuzzy(near) => {
                let found = self.fuzzy_found(&near.keys);
                Step::Candidates(near, found)
            }
            Step::Candidates(near, found) => {
                let candidates = self.fuzzy_pick(&near.probe, &near.keys, &found);
                Step::Done(self.fuzzy_hit(&near.norm, &candidates, near.company, lead))
            }
            Step::Done(hit) => Step::Done(hit),
        }
    }
}
