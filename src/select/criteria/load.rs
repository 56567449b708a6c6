//! Load: the rep's leads in the current day, week or month; fewer ranks first.

use crate::config::Period;
use crate::model::rep::period_keys;
use crate::state::RepState;
use crate::time::LocalTime;

pub fn period_index(p: Period) -> usize {
    match p {
        Period::Day => 0,
        Period::Week => 1,
        Period::Month => 2,
    }
}

pub fn count(state: &RepState, local: &LocalTime, period: Period) -> u32 {
    let i = period_index(period);
    let key = period_keys(local).get(i).copied().unwrap_or(0);
    state.count(i, key)
}

/// Negated so that higher is better, like every preference value.
pub fn value(state: &RepState, local: &LocalTime, period: Period) -> f64 {
    -f64::from(count(state, local, period))
}
