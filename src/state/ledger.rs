//! Leads already routed, by id, so routing the same lead again (a retried form post, a
//! replayed webhook) returns the earlier decision instead of assigning it twice.
//! Bounded: ids older than the window, or beyond the most kept, are forgotten oldest
//! first.

use crate::decision::{Outcome, Via};
use std::collections::{BTreeMap, VecDeque};

/// How one lead was placed, in indexes (names are the router's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Routed {
    pub at: i64,
    pub outcome: Outcome,
    pub via: Via,
    pub rep: Option<u32>,
    pub team: Option<u32>,
    pub pool: Option<u32>,
    pub rule: Option<u32>,
    pub score: Option<f64>,
    /// The lead's segment for the `learned` pick (0: none).
    pub segment: u64,
    /// An outcome was recorded for the lead: a second one changes nothing.
    pub outcome_recorded: bool,
}

/// An entry of a [`Ledger`]: it knows when it was recorded.
pub trait Timed: Copy {
    fn at(&self) -> i64;
}

impl Timed for Routed {
    fn at(&self) -> i64 {
        self.at
    }
}

/// Entries by key, forgotten oldest first (routed leads by id; also the existing
/// leads by person and company, `super::existing`).
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger<T = Routed> {
    by_id: BTreeMap<String, T>,
    /// `(routed at, id)` in the order they were recorded, for forgetting oldest first.
    order: VecDeque<(i64, String)>,
}

impl<T> Default for Ledger<T> {
    fn default() -> Self {
        Ledger {
            by_id: BTreeMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<T: Timed> Ledger<T> {
    pub fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Records (or replaces) a lead's placement, then forgets what is older than
    /// `window_ms` before `at` or beyond `max` entries.
    pub fn record(&mut self, id: &str, r: T, window_ms: i64, max: usize) {
        if self.by_id.insert(id.to_string(), r).is_none() {
            self.order.push_back((r.at(), id.to_string()));
        }
        let horizon = r.at().saturating_sub(window_ms);
        while let Some((at, _)) = self.order.front() {
            let over = self.by_id.len() > max;
            if *at >= horizon && !over {
                break;
            }
            let Some((at, id)) = self.order.pop_front() else {
                break;
            };
            match self.by_id.get(&id) {
                // Replaced since with a recent placement: it moves to its new time.
                Some(e) if e.at() != at && e.at() >= horizon && !over => {
                    let at = e.at();
                    self.order.push_back((at, id));
                }
                _ => {
                    self.by_id.remove(&id);
                }
            }
        }
    }

    /// Replaces an entry in place, keeping its place in the forgetting order.
    pub fn mark(&mut self, id: &str, r: T) {
        if let Some(e) = self.by_id.get_mut(id) {
            *e = r;
        }
    }

    pub fn forget(&mut self, id: &str) {
        self.by_id.remove(id);
        self.order.retain(|(_, x)| x != id);
    }

    /// In the order recorded (for snapshots).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.order
            .iter()
            .filter_map(|(_, id)| self.by_id.get_key_value(id).map(|(k, v)| (k.as_str(), v)))
    }
}
