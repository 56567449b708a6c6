//! Least loaded: the member with the fewest leads in the period; equal loads go in
//! line order, and the chosen member moves to the back, so ties rotate fairly.

use crate::config::Period;
use crate::decision::CandidateReason;
use crate::select::criteria::load;
use crate::select::{PickInput, Why};
use crate::state::TeamState;

pub fn pick(
    period: Period,
    team: &mut TeamState,
    input: &PickInput<'_, '_, '_>,
    tier: &[bool],
    why: &mut [Why],
    tracing: bool,
) -> Option<usize> {
    let in_tier = |p: usize| tier.get(p).copied().unwrap_or(false);
    let load_of = |p: usize| -> u32 {
        let Some(ri) = input.members.get(p) else {
            return u32::MAX;
        };
        input
            .rep_states
            .get(*ri)
            .map_or(u32::MAX, |s| load::count(s, &input.clock.rep(*ri), period))
    };
    let mut best: Option<(usize, usize, u32)> = None;
    for (qi, p) in team.queue.iter().enumerate() {
        let p = *p as usize;
        if !in_tier(p) {
            continue;
        }
        let l = load_of(p);
        if best.is_none_or(|(_, _, bl)| l < bl) {
            best = Some((qi, p, l));
        }
    }
    let (qi, pos, _) = best?;
    team.queue.remove(qi);
    team.queue.push_back(pos as u32);
    let name = match period {
        Period::Day => "day",
        Period::Week => "week",
        Period::Month => "month",
    };
    for (p, w) in why.iter_mut().enumerate() {
        if in_tier(p) {
            let reason = if p == pos {
                CandidateReason::LeastLoaded
            } else {
                CandidateReason::MoreLoaded
            };
            *w = (
                reason,
                tracing.then(|| format!("{} this {name}", load_of(p))),
            );
        }
    }
    Some(pos)
}
