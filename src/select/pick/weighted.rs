//! Top performer: smooth weighted round robin, so shares follow `performance` exactly
//! (0.3 vs 0.1 gives 3 of every 4 leads); a hot lead goes to the best performer.

use super::mark;
use crate::decision::CandidateReason;
use crate::select::{PickInput, Why};
use crate::state::TeamState;

/// Weights are integers so the rotation is exact and reproducible.
pub fn weight(performance: f64) -> i64 {
    ((performance * 1000.0).round() as i64).clamp(1, 1_000_000_000)
}

pub fn pick(
    hot: bool,
    team: &mut TeamState,
    input: &PickInput<'_, '_, '_>,
    tier: &[bool],
    why: &mut [Why],
) -> Option<usize> {
    let in_tier = |p: usize| tier.get(p).copied().unwrap_or(false);
    let perf = |p: usize| {
        input
            .members
            .get(p)
            .and_then(|ri| input.reps.get(*ri))
            .map_or(1.0, |r| r.performance)
    };
    let mut total = 0i64;
    for p in 0..tier.len() {
        if in_tier(p) {
            let w = weight(perf(p));
            total += w;
            if let Some(c) = team.credit.get_mut(p) {
                *c = c.saturating_add(w);
            }
        }
    }
    // Ties go to the earlier member, so the rotation is deterministic.
    let mut best: Option<usize> = None;
    for p in 0..tier.len() {
        if !in_tier(p) {
            continue;
        }
        let better = match best {
            None => true,
            Some(b) if hot => perf(p) > perf(b),
            Some(b) => team.credit.get(p) > team.credit.get(b),
        };
        if better {
            best = Some(p);
        }
    }
    let pos = best?;
    if let Some(c) = team.credit.get_mut(pos) {
        *c = c.saturating_sub(total);
    }
    if hot {
        mark(
            why,
            tier,
            pos,
            CandidateReason::TopPerformer,
            CandidateReason::NotTopPerformer,
        );
    } else {
        mark(
            why,
            tier,
            pos,
            CandidateReason::WeightedTurn,
            CandidateReason::NotWeightedTurn,
        );
    }
    Some(pos)
}
