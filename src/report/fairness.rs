//! How evenly a team's leads are spread over its eligible members: the spread between
//! the most and least loaded, and the Gini coefficient of their lead counts.

use serde::{Deserialize, Serialize};

/// Fairness among a team's eligible members: members whose configured status is
/// `available` (a rep set to away in the config could never get a lead, which says
/// nothing about the strategy). Loads are the leads each got through this team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fairness {
    pub reps: Vec<String>,
    pub loads: Vec<u64>,
    pub min: u64,
    pub max: u64,
    /// `max - min`.
    pub spread: u64,
    pub mean: f64,
    /// 0 when every member got the same number of leads, towards 1 when one got them all.
    pub gini: f64,
}

impl Fairness {
    pub fn new(reps: Vec<String>, loads: Vec<u64>) -> Fairness {
        let min = loads.iter().copied().min().unwrap_or(0);
        let max = loads.iter().copied().max().unwrap_or(0);
        let mean = if loads.is_empty() {
            0.0
        } else {
            loads.iter().sum::<u64>() as f64 / loads.len() as f64
        };
        Fairness {
            gini: gini(&loads),
            reps,
            loads,
            min,
            max,
            spread: max - min,
            mean,
        }
    }
}

/// Gini coefficient of `x` (non-negative counts):
///
/// `G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)`,
///
/// the mean absolute difference over all ordered pairs, halved and divided by the mean.
/// Computed from the ascending sort as `G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n`
/// (i from 1), which is the same number. 0 for an empty list or when every count is 0.
/// With `n` members the largest value is `(n - 1) / n` (one member has everything).
pub fn gini(x: &[u64]) -> f64 {
    let n = x.len();
    let total: u64 = x.iter().sum();
    if n == 0 || total == 0 {
        return 0.0;
    }
    let mut sorted = x.to_vec();
    sorted.sort_unstable();
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64 + 1.0) * *v as f64)
        .sum();
    let n = n as f64;
    let g = 2.0 * weighted / (n * total as f64) - (n + 1.0) / n;
    // Rounding can leave -1e-17 for a perfectly even spread.
    g.max(0.0)
}
