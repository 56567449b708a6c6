//! The A/B split of live traffic: which arm a lead id belongs to. One rule for the edge
//! worker that splits live leads and the simulation that replays them, so both agree.

use crate::select::hash2;
use serde::{Deserialize, Serialize};

/// One arm of an A/B split: `a` runs the current config, `b` the one under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    A,
    B,
}

impl Arm {
    pub fn as_str(self) -> &'static str {
        match self {
            Arm::A => "a",
            Arm::B => "b",
        }
    }

    /// `a` or `b` (any case, spaces around allowed), as an export's `arm` column holds it.
    pub fn parse(text: &str) -> Option<Arm> {
        match text.trim() {
            "a" | "A" => Some(Arm::A),
            "b" | "B" => Some(Arm::B),
            _ => None,
        }
    }
}

/// Which arm a lead id belongs to: the top 53 bits of `hash2(seed, id)` as a number in
/// [0, 1), below `share_b` is arm B. The same id, seed and share always give the same
/// arm, so a retried lead stays in its arm and a replay of a live split agrees with it.
pub fn arm_of(lead_id: &str, share_b: f64, seed: u64) -> Arm {
    let u = (hash2(seed, lead_id.as_bytes()) >> 11) as f64 / 9_007_199_254_740_992.0;
    if u < share_b {
        Arm::B
    } else {
        Arm::A
    }
}
