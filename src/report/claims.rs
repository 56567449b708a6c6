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
