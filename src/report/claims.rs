//! The claim model of a simulation: who takes a pooled lead and when, so pull and hybrid
//! policies can be replayed (without one nobody claims, and every pooled lead expires).
//!
//! A delay is drawn per lead from a seeded hash (no random source: the same seed, pool
//! and lead id always give the same delay), then the pool's members try in a seeded
//! order through `Router::claim`, which holds claim limits, hours, caps and eligibility.
//! A try that nobody can take is tried again after a fresh delay, until the lead expires.
//! Claims read from the history file (`claimed_by`, `claimed_at`) take precedence.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most claim tries per pooled lead (a pool whose members are never available).
pub const MAX_CLAIM_TRIES: u32 = 500;

/// How members claim from pools in a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimModel {
    /// Changes every drawn delay and member order; the same seed gives the same run.
    pub seed: u64,
    /// The delay for pools not listed in `pools`; `None`: those pools are not claimed from
    /// (unless the history file says who claimed).
    pub delay: Option<Delay>,
    /// Per pool id.
    pub pools: BTreeMap<String, Delay>,
    /// Read `claimed_by` / `claimed_at` from the leads when present (default true).
    pub from_history: bool,
}

impl Default for ClaimModel {
    fn default() -> Self {
        ClaimModel {
            seed: 0,
            delay: Some(Delay::Exponential { mean_minutes: 30.0 }),
            pools: BTreeMap::new(),
            from_history: true,
        }
    }
}

/// A distribution of the time from pooling (or a failed try) to a member's claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Delay {
    Fixed { minutes: f64 },
    Uniform { min_minutes: f64, max_minutes: f64 },
    Exponential { mean_minutes: f64 },
}

/// Time to claim per pool: the p50 and p90 of `claimed_at - pooled_at`, in minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeToClaim {
    pub p50_minutes: f64,
    pub p90_minutes: f64,
}

impl ClaimModel {
    /// The delay of `pool` (None: not claimed from by the model).
    pub fn delay_of(&self, pool: &str) -> Option<&Delay> {
        self.pools.get(pool).or(self.delay.as_ref())
    }

    /// A uniform number in [0, 1) for try `n` of `lead_id`: the top 53 bits of a seeded
    /// hash, so a run never reads a random source and always draws the same.
    pub fn unit(&self, lead_id: &str, n: u32, salt: u64) -> f64 {
        let seed = self
            .seed
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(u64::from(n))
            .wrapping_add(salt.wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
        (crate::select::hash2(seed, lead_id.as_bytes()) >> 11) as f64 / 9_007_199_254_740_992.0
    }

    /// Ms from pooling (try 0) or from the last failed try to try `n`.
    pub fn draw(&self, delay: &Delay, lead_id: &str, n: u32) -> i64 {
        let u = self.unit(lead_id, n, 1);
        let minutes = match *delay {
            Delay::Fixed { minutes } => minutes,
            Delay::Uniform {
                min_minutes,
                max_minutes,
            } => min_minutes + (max_minutes - min_minutes).max(0.0) * u,
            Delay::Exponential { mean_minutes } => -mean_minutes * (1.0 - u).ln(),
        };
        let minutes = if minutes.is_finite() {
            minutes.clamp(0.0, 525_600.0)
        } else {
            0.0
        };
        // A try again waits at least a minute, so an unavailable pool is not tried
        // hundreds of times in one instant.
        let floor = if n > 0 { 60_000 } else { 0 };
        // Whole seconds: claim times read as a person would write them.
        ((minutes * 60.0).round() as i64 * 1000).max(floor)
    }
}

/// Nearest-rank percentiles of claim waits in ms, as minutes.
pub fn time_to_claim(waits: &[i64]) -> Option<TimeToClaim> {
    if waits.is_empty() {
        return None;
    }
    let mut w = waits.to_vec();
    w.sort_unstable();
    let rank = |p: f64| {
        let k = ((p * w.len() as f64).ceil() as usize).clamp(1, w.len());
        w.get(k - 1).copied().unwrap_or(0) as f64 / 60_000.0
    };
    Some(TimeToClaim {
        p50_minutes: rank(0.5),
        p90_minutes: rank(0.9),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_seeded_and_bounded() {
        let m = ClaimModel {
            seed: 7,
            ..ClaimModel::default()
        };
        let d = Delay::Uniform {
            min_minutes: 10.0,
            max_minutes: 20.0,
        };
        let a = m.draw(&d, "L1", 0);
        assert_eq!(a, m.draw(&d, "L1", 0));
        assert!((600_000..=1_200_000).contains(&a));
        assert_eq!(m.draw(&Delay::Fixed { minutes: 0.0 }, "L1", 3), 60_000);
        assert_eq!(
            time_to_claim(&[60_000, 120_000, 180_000, 240_000]),
            Some(TimeToClaim {
                p50_minutes: 2.0,
                p90_minutes: 4.0
            })
        );
    }
}
