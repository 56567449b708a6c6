//! The final pick among the best-ranked members, one file each: round robin (a queue
//! with pointer semantics), smooth weighted round robin, least loaded, rendezvous hash,
//! learned (Thompson sampling on recorded outcomes).

pub mod learned;
pub mod least_loaded;
pub mod rendezvous;
pub mod round_robin;
pub mod sample;
pub mod weighted;

use super::{PickInput, Why};
use crate::decision::CandidateReason;
use crate::model::team::{Learned, Pick};
use crate::state::TeamState;

pub use rendezvous::hash2;
pub use weighted::weight;

/// Picks a member position among `tier` (positions that may take the lead), updating
/// the team's rotation, and marks why the other tier members were passed over.
/// `hot`: the lead's score is at the weighted pick's `hot_score`. Returns the position
/// and, for the learned pick, the chosen member's sampling probability.
#[allow(clippy::too_many_arguments)]
pub fn pick(
    p: Pick,
    learned: Option<&Learned>,
    hot: bool,
    team: &mut TeamState,
    input: &PickInput<'_, '_, '_>,
    tier: &[bool],
    why: &mut [Why],
    tracing: bool,
) -> Option<(usize, Option<f64>)> {
    let pos = match (p, learned) {
        (Pick::Learned, Some(l)) => return learned::pick(l, team, input, tier, why, tracing),
        (Pick::Rendezvous | Pick::Learned, _) => rendezvous::pick(input, tier, why),
        (Pick::RoundRobin(skipped), _) => round_robin::pick(skipped, team, tier, why),
        (Pick::Weighted { .. }, _) => weighted::pick(hot, team, input, tier, why),
        (Pick::LeastLoaded(period), _) => {
            least_loaded::pick(period, team, input, tier, why, tracing)
        }
    }?;
    Some((pos, None))
}

/// Marks the chosen tier member `winner` and the rest of the tier `loser`.
pub(super) fn mark(
    why: &mut [Why],
    tier: &[bool],
    chosen: usize,
    winner: CandidateReason,
    loser: CandidateReason,
) {
    for (p, w) in why.iter_mut().enumerate() {
        if tier.get(p).copied().unwrap_or(false) {
            *w = (if p == chosen { winner } else { loser }, None);
        }
    }
}
