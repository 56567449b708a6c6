//! Round robin: the member nearest the front of the line among the best-ranked. With
//! `keeps_place` only the chosen rep moves to the back (reps passed over keep their
//! place); with `loses_turn` everyone in front of them moves back too (a pointer).

use super::mark;
use crate::config::SkipPolicy;
use crate::decision::CandidateReason;
use crate::select::Why;
use crate::state::TeamState;

pub fn pick(
    skipped: SkipPolicy,
    team: &mut TeamState,
    tier: &[bool],
    why: &mut [Why],
) -> Option<usize> {
    let in_tier = |p: usize| tier.get(p).copied().unwrap_or(false);
    let qi = team.queue.iter().position(|p| in_tier(*p as usize))?;
    let pos = take_turn(team, qi, skipped)?;
    mark(
        why,
        tier,
        pos,
        CandidateReason::NextInLine,
        CandidateReason::NotNextInLine,
    );
    Some(pos)
}

/// The member at queue index `qi` takes the lead.
pub fn take_turn(team: &mut TeamState, qi: usize, skipped: SkipPolicy) -> Option<usize> {
    let pos = *team.queue.get(qi)? as usize;
    match skipped {
        SkipPolicy::KeepsPlace => {
            team.queue.remove(qi);
            team.queue.push_back(pos as u32);
        }
        SkipPolicy::LosesTurn => team.queue.rotate_left(qi + 1),
    }
    Some(pos)
}
