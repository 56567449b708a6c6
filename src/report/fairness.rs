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
/// `G = sum_i sum_j |x_i - x_j| / (2 n^2 mean) = sum_i sum_j |x_i - x_j| / (2 n sum x)`,
///
/// the mean absolute difference over all ordered pairs, halved and divided by the mean.
/// The pair sum is taken exactly in integers from the ascending sort,
/// `sum_i sum_j |x_i - x_j| = 2 sum_i (2i - n - 1) x_(i)` (i from 1), so the only rounding
/// is the final division. 0 for an empty list or when every count is 0; with `n` members
/// the largest value is `(n - 1) / n` (one member has everything).
pub fn gini(x: &[u64]) -> f64 {
    let n = x.len() as i128;
    let total: i128 = x.iter().map(|v| i128::from(*v)).sum();
    if n == 0 || total == 0 {
        return 0.0;
    }
    let mut sorted = x.to_vec();
    sorted.sort_unstable();
    let pairs: i128 = 2 * sorted
        .iter()
        .zip(1i128..)
        .map(|(v, i)| (2 * i - n - 1) * i128::from(*v))
        .sum::<i128>();
    pairs as f64 / (2 * n * total) as f64
}
