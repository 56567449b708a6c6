//! Recorded outcomes as a decayed sufficient statistic per team, rep and segment: the
//! decayed count of leads, of conversions and of their value, never a list of leads, so
//! the state stays bounded however many outcomes arrive.

use std::collections::BTreeMap;

/// The most statistics a state keeps; past it the one with the least evidence goes
/// (segments are lead values, so their number is the only part the config does not
/// bound).
pub const MAX_STATS: usize = 100_000;

/// Decayed evidence at time `at`: each outcome counts `2^(-age / half_life)`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stat {
    pub leads: f64,
    pub conversions: f64,
    pub value: f64,
    pub at: i64,
}

impl Stat {
    /// The evidence as it stands at `now` (never grown for a `now` before `at`).
    pub fn at(&self, now: i64, half_life_ms: f64) -> Stat {
        let k = decay(now.saturating_sub(self.at), half_life_ms);
        Stat {
            leads: self.leads * k,
            conversions: self.conversions * k,
            value: self.value * k,
            at: now.max(self.at),
        }
    }

    /// Adds one outcome at `at`. Out of time order it is added decayed instead, so the
    /// statistic does not depend on the order outcomes arrive in.
    pub fn add(&mut self, converted: bool, value: f64, at: i64, half_life_ms: f64) {
        let w = if at >= self.at {
            *self = self.at(at, half_life_ms);
            1.0
        } else {
            decay(self.at - at, half_life_ms)
        };
        self.leads += w;
        if converted {
            self.conversions += w;
            self.value += w * value;
        }
    }
}

/// `2^(-age / half_life)`, 1 for a negative age.
fn decay(age_ms: i64, half_life_ms: f64) -> f64 {
    if age_ms <= 0 {
        1.0
    } else {
        (-(age_ms as f64) / half_life_ms * std::f64::consts::LN_2).exp()
    }
}

/// The statistic's key: team index, rep index, segment hash (0: all of the rep's leads
/// in the team).
pub type StatKey = (u32, u32, u64);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcomes {
    stats: BTreeMap<StatKey, Stat>,
}

impl Outcomes {
    pub fn get(&self, key: StatKey) -> Option<&Stat> {
        self.stats.get(&key)
    }

    pub fn add(&mut self, key: StatKey, converted: bool, value: f64, at: i64, half_life_ms: f64) {
        self.stats
            .entry(key)
            .or_default()
            .add(converted, value, at, half_life_ms);
        if self.stats.len() > MAX_STATS {
            let weakest = self
                .stats
                .iter()
                .filter(|(k, _)| *k != &key)
                .min_by(|a, b| a.1.leads.total_cmp(&b.1.leads))
                .map(|(k, _)| *k);
            if let Some(k) = weakest {
                self.stats.remove(&k);
            }
        }
    }

    /// Restores one statistic as snapshotted.
    pub fn insert(&mut self, key: StatKey, stat: Stat) {
        if self.stats.len() < MAX_STATS {
            self.stats.insert(key, stat);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&StatKey, &Stat)> {
        self.stats.iter()
    }

    pub fn len(&self) -> usize {
        self.stats.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stats.is_empty()
    }
}
