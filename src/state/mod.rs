//! Routing state as a value: per-rep period counters and live status, per-team
//! rotation, pools, claims and open assignments. Snapshots to versioned JSON by id.

use crate::config::Status;
use std::collections::{BTreeMap, VecDeque};

pub mod existing;
mod ledger;
pub mod outcomes;
mod records;

pub use existing::{ExistingLeads, Holder};
pub use ledger::{Ledger, Routed, Timed};
pub use outcomes::{Outcomes, Stat};
pub use records::{Assignment, LeadFields, PooledLead};

/// How many periods of each kind (day, week, month) a rep's counters remember. A call
/// with an older `now` counts in its own period as long as that period is among the
/// newest kept; an older one is treated as full, so a cap can never be exceeded by
/// routing out of time order.
pub const PERIODS_KEPT: usize = 4;

/// Leads counted per period key, for the newest [`PERIODS_KEPT`] periods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodCounts(pub [(i64, u32); PERIODS_KEPT]);

impl PeriodCounts {
    /// The count in period `key`; `u32::MAX` for a period older than every kept one.
    pub fn count(&self, key: i64) -> u32 {
        let mut full = true;
        let mut oldest = i64::MAX;
        for (k, n) in &self.0 {
            if *n == 0 {
                full = false;
                continue;
            }
            if *k == key {
                return *n;
            }
            oldest = oldest.min(*k);
        }
        if full && key < oldest {
            u32::MAX
        } else {
            0
        }
    }

    pub fn add(&mut self, key: i64) {
        if let Some(slot) = self.0.iter_mut().find(|(k, n)| *n > 0 && *k == key) {
            slot.1 = slot.1.saturating_add(1);
        } else if let Some(slot) = self.0.iter_mut().find(|(_, n)| *n == 0) {
            *slot = (key, 1);
        } else if let Some(slot) = self.0.iter_mut().min_by_key(|(k, _)| *k) {
            // Full: the new period replaces the oldest one, if it is newer than that.
            if key > slot.0 {
                *slot = (key, 1);
            }
        }
        self.normalize();
    }

    /// One layout per content (newest first, empty slots zeroed at the end), so equal
    /// counters compare equal however they were reached.
    fn normalize(&mut self) {
        for slot in &mut self.0 {
            if slot.1 == 0 {
                *slot = (0, 0);
            }
        }
        self.0
            .sort_unstable_by_key(|(k, n)| (*n == 0, std::cmp::Reverse(*k)));
    }

    /// The counted periods, oldest first.
    pub fn pairs(&self) -> Vec<(i64, u32)> {
        let mut v: Vec<(i64, u32)> = self.0.iter().copied().filter(|(_, n)| *n > 0).collect();
        // Snapshot paths, a few items: the one merge sort, not another standard sort copy.
        crate::sort::sort_copy_by(&mut v, Ord::cmp);
        v
    }

    /// From snapshot pairs (the newest [`PERIODS_KEPT`] are kept).
    pub fn from_pairs(pairs: &[(i64, u32)]) -> Self {
        let mut c = PeriodCounts::default();
        let mut sorted: Vec<(i64, u32)> = pairs.iter().copied().filter(|(_, n)| *n > 0).collect();
        crate::sort::sort_copy_by(&mut sorted, Ord::cmp);
        for (slot, (k, n)) in c.0.iter_mut().zip(sorted.iter().rev().take(PERIODS_KEPT)) {
            *slot = (*k, *n);
        }
        c.normalize();
        c
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|(_, n)| *n == 0)
    }

    /// Takes one lead back out of period `key` (a released claim).
    pub fn remove_one(&mut self, key: i64) {
        if let Some(slot) = self.0.iter_mut().find(|(k, n)| *n > 0 && *k == key) {
            slot.1 -= 1;
        }
        self.normalize();
    }

    /// The count in the newest counted period.
    pub fn latest(&self) -> u32 {
        self.0
            .iter()
            .filter(|(_, n)| *n > 0)
            .max_by_key(|(k, _)| *k)
            .map_or(0, |(_, n)| *n)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepState {
    /// Leads per period: day, week, month.
    pub periods: [PeriodCounts; 3],
    /// A live status set through the API; overrides the config's.
    pub status: Option<Status>,
    /// Pool claims today: `(day key, count)`.
    pub claims: (i64, u32),
    /// Per conditional cap rule (router order): leads that matched it, per period.
    pub capped: Vec<[PeriodCounts; 3]>,
}

impl RepState {
    pub fn count(&self, period: usize, key: i64) -> u32 {
        self.periods.get(period).map_or(0, |c| c.count(key))
    }
    pub fn add(&mut self, keys: [i64; 3]) {
        for (c, key) in self.periods.iter_mut().zip(keys) {
            c.add(key);
        }
    }
    /// Leads matching conditional cap rule `rule` in the period.
    pub fn capped_count(&self, rule: usize, period: usize, key: i64) -> u32 {
        self.capped
            .get(rule)
            .and_then(|p| p.get(period))
            .map_or(0, |c| c.count(key))
    }
    /// Takes one lead back out of conditional cap rule `rule`'s periods.
    pub fn remove_capped(&mut self, rule: usize, keys: [i64; 3]) {
        if let Some(p) = self.capped.get_mut(rule) {
            for (c, key) in p.iter_mut().zip(keys) {
                c.remove_one(key);
            }
        }
    }

    pub fn add_capped(&mut self, rule: usize, keys: [i64; 3]) {
        if self.capped.len() <= rule {
            self.capped.resize(rule + 1, Default::default());
        }
        if let Some(p) = self.capped.get_mut(rule) {
            for (c, key) in p.iter_mut().zip(keys) {
                c.add(key);
            }
        }
    }
    pub fn claims_on(&self, day: i64) -> u32 {
        if self.claims.0 == day {
            self.claims.1
        } else {
            0
        }
    }
    pub fn is_blank(&self) -> bool {
        self.periods.iter().all(PeriodCounts::is_empty)
            && self.status.is_none()
            && self.claims.1 == 0
            && self.capped.iter().flatten().all(PeriodCounts::is_empty)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamState {
    /// Member positions in rotation order; the front is next in line.
    pub queue: VecDeque<u32>,
    /// Smooth weighted round-robin credit per member position.
    pub credit: Vec<i64>,
}

/// All mutable routing state. Cheap to clone; restore it with `Router::restore`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    pub(crate) reps: Vec<RepState>,
    pub(crate) teams: Vec<TeamState>,
    /// Leads routed so far (also names leads that arrive without an id).
    pub(crate) routed: u64,
    pub(crate) pooled: BTreeMap<String, PooledLead>,
    pub(crate) assignments: BTreeMap<String, Assignment>,
    /// Leads already routed, by id (a repeat is replayed, not routed again).
    pub(crate) ledger: Ledger,
    /// Who has each recent person's and company's lead (lead-to-lead).
    pub(crate) existing: ExistingLeads,
    /// Recorded outcomes, decayed, per team, rep and segment (the `learned` pick).
    pub(crate) outcomes: Outcomes,
}

impl State {
    pub fn routed(&self) -> u64 {
        self.routed
    }
    pub fn rep(&self, i: usize) -> Option<&RepState> {
        self.reps.get(i)
    }
    pub fn outcomes(&self) -> &Outcomes {
        &self.outcomes
    }
}
