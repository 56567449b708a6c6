//! The final pick among equally good members: round robin (queue), smooth weighted
//! round robin (shares follow `performance`), or least loaded in a period.

use super::PickInput;
use crate::config::{Period, Pick, SkipPolicy};
use crate::decision::CandidateReason;
use crate::state::TeamState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    RoundRobin(SkipPolicy),
    Weighted {
        hot: bool,
    },
    LeastLoaded(Period),
    /// Weighted rendezvous (highest random weight) hashing on the lead id: the same
    /// lead gets the same rep everywhere, with shares following `performance`.
    Rendezvous,
}

impl From<Pick> for Picker {
    fn from(p: Pick) -> Self {
        match p {
            Pick::RoundRobin => Picker::RoundRobin(SkipPolicy::KeepsPlace),
            Pick::Weighted => Picker::Weighted { hot: false },
            Pick::LeastLoaded => Picker::LeastLoaded(Period::Month),
        }
    }
}

/// Weights are integers so the rotation is exact and reproducible.
pub fn weight(performance: f64) -> i64 {
    ((performance * 1000.0).round() as i64).clamp(1, 1_000_000_000)
}

impl Picker {
    /// Picks among `tier` (member positions that may take the lead), updating the
    /// team state; marks why the other tier members were passed over.
    pub fn pick(
        self,
        team: &mut TeamState,
        input: &PickInput<'_, '_, '_>,
        tier: &[bool],
        why: &mut [(CandidateReason, Option<String>)],
        tracing: bool,
    ) -> Option<usize> {
        let in_tier = |p: usize| tier.get(p).copied().unwrap_or(false);
        let mark = |why: &mut [(CandidateReason, Option<String>)], chosen: usize, winner, loser| {
            for (p, w) in why.iter_mut().enumerate() {
                if in_tier(p) {
                    *w = (if p == chosen { winner } else { loser }, None);
                }
            }
        };
        match self {
            Picker::Rendezvous => {
                let key = lead_key(input.lead);
                let mut best: Option<(usize, f64)> = None;
                for p in 0..tier.len() {
                    if !in_tier(p) {
                        continue;
                    }
                    let Some(rep) = input.members.get(p).and_then(|ri| input.reps.get(*ri)) else {
                        continue;
                    };
                    let h = hash2(key, rep.id.as_bytes());
                    // A uniform draw in (0, 1]; -w / ln(u) is the weighted HRW score.
                    let u = ((h >> 11) as f64 + 1.0) / 9_007_199_254_740_992.0;
                    let score = -(weight(rep.performance) as f64) / u.ln().min(-f64::MIN_POSITIVE);
                    if best.is_none_or(|(_, b)| score > b) {
                        best = Some((p, score));
                    }
                }
                let (pos, _) = best?;
                mark(
                    why,
                    pos,
                    CandidateReason::HighestHash,
                    CandidateReason::LowerHash,
                );
                Some(pos)
            }
            Picker::RoundRobin(skipped) => {
                let qi = team.queue.iter().position(|p| in_tier(*p as usize))?;
                let pos = take_turn(team, qi, skipped)?;
                mark(
                    why,
                    pos,
                    CandidateReason::NextInLine,
                    CandidateReason::NotNextInLine,
                );
                Some(pos)
            }
            Picker::Weighted { hot } => {
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
                        pos,
                        CandidateReason::TopPerformer,
                        CandidateReason::NotTopPerformer,
                    );
                } else {
                    mark(
                        why,
                        pos,
                        CandidateReason::WeightedTurn,
                        CandidateReason::NotWeightedTurn,
                    );
                }
                Some(pos)
            }
            Picker::LeastLoaded(period) => {
                let i = match period {
                    Period::Day => 0,
                    Period::Week => 1,
                    Period::Month => 2,
                };
                let load = |p: usize| -> u32 {
                    let Some(ri) = input.members.get(p) else {
                        return u32::MAX;
                    };
                    let local = input.clock.rep(*ri);
                    let key = crate::rep::period_keys(&local).get(i).copied().unwrap_or(0);
                    input
                        .rep_states
                        .get(*ri)
                        .map_or(u32::MAX, |s| s.count(i, key))
                };
                // Queue order breaks ties, so equal loads rotate fairly.
                let mut best: Option<(usize, usize, u32)> = None;
                for (qi, p) in team.queue.iter().enumerate() {
                    let p = *p as usize;
                    if !in_tier(p) {
                        continue;
                    }
                    let l = load(p);
                    if best.is_none_or(|(_, _, bl)| l < bl) {
                        best = Some((qi, p, l));
                    }
                }
                let (qi, pos, _) = best?;
                team.queue.remove(qi);
                team.queue.push_back(pos as u32);
                for (p, w) in why.iter_mut().enumerate() {
                    if in_tier(p) {
                        *w = if p == pos {
                            (
                                CandidateReason::LeastLoaded,
                                tracing
                                    .then(|| format!("{} this {}", load(p), period_name(period))),
                            )
                        } else {
                            (
                                CandidateReason::MoreLoaded,
                                tracing
                                    .then(|| format!("{} this {}", load(p), period_name(period))),
                            )
                        };
                    }
                }
                Some(pos)
            }
        }
    }
}

fn period_name(p: Period) -> &'static str {
    match p {
        Period::Day => "day",
        Period::Week => "week",
        Period::Month => "month",
    }
}

/// A stable 64-bit key for the lead: its id, or all of its values when it has none.
fn lead_key(lead: &crate::lead::Lead) -> u64 {
    use crate::lead::Val;
    match lead.id() {
        Some(id) => hash2(0, id.as_bytes()),
        None => lead.values.iter().fold(1, |h, v| match v {
            Val::Str(s) => hash2(h, s.as_bytes()),
            Val::Num(n) => hash2(h, &n.to_bits().to_le_bytes()),
            Val::Bool(b) => hash2(h, &[u8::from(*b)]),
            Val::Missing => hash2(h, &[0xff]),
        }),
    }
}

/// FNV-1a over the bytes seeded with `seed`, then a SplitMix64 finalizer so nearby
/// inputs spread over the whole range. Stable across platforms and versions.
pub fn hash2(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The member at queue index `qi` takes the lead: with `KeepsPlace` only it moves to the
/// back (skipped reps keep their place); with `LosesTurn` everyone before it moves too.
pub(super) fn take_turn(team: &mut TeamState, qi: usize, skipped: SkipPolicy) -> Option<usize> {
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
