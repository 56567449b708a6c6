//! How a team picks one rep for a lead: eligibility first (availability and caps),
//! then the strategy's filter and ranking (territory, demographic), then the pick.

mod demographic;
mod pick;
mod territory;

pub use demographic::AttrMatch;
pub use pick::{hash2, Picker};
pub use territory::TerritorySlots;

use crate::config::{Period, SkipPolicy};
use crate::decision::{Candidate, CandidateReason};
use crate::lead::Lead;
use crate::rep::Rep;
use crate::state::{RepState, TeamState};
use crate::time::LocalTime;

#[derive(Debug, Clone)]
pub enum Strategy {
    RoundRobin {
        skipped: SkipPolicy,
    },
    Weighted {
        hot_score: Option<f64>,
    },
    LeastLoaded {
        period: Period,
    },
    Territory {
        slots: TerritorySlots,
        then: Picker,
    },
    Demographic {
        required: Vec<AttrMatch>,
        preferred: Vec<AttrMatch>,
        then: Picker,
    },
}

/// Everything a pick needs to read, bundled to keep signatures short.
pub struct PickInput<'r, 'a, 'l> {
    pub reps: &'r [Rep],
    pub rep_states: &'a [RepState],
    pub members: &'a [usize],
    pub lead: &'a Lead<'l>,
    pub score: Option<f64>,
    /// Local times at `now`, per zone, computed on first use.
    pub(crate) clock: &'a crate::route::Clock<'a>,
    /// Reps that must not get this lead (e.g. the one who missed its SLA).
    pub exclude: &'a [usize],
    /// Use rendezvous hashing on the lead id instead of the team's rotation.
    pub stateless: bool,
}

/// Picks a member position, updating the team's rotation; pushes one candidate
/// entry per member when `trace` is given.
pub fn pick<'r>(
    strategy: &Strategy,
    team: &mut TeamState,
    input: &PickInput<'r, '_, '_>,
    trace: Option<&mut Vec<Candidate<'r>>>,
) -> Option<usize> {
    if trace.is_none() {
        if let Strategy::RoundRobin { skipped } = strategy {
            if !input.stateless {
                return first_in_line(*skipped, team, input);
            }
        }
    }
    let n = input.members.len();
    // rank[pos]: None = cannot take it; Some(r) = can, higher is better.
    let mut rank: Vec<Option<u32>> = vec![None; n];
    let mut why: Vec<(CandidateReason, Option<String>)> =
        vec![(CandidateReason::NotNextInLine, None); n];
    let tracing = trace.is_some();
    // The lead's side of territory and demographic matching, computed once, not per rep.
    let place = match strategy {
        Strategy::Territory { slots, .. } => slots.place(input.lead),
        _ => None,
    };
    let (required_wants, preferred_wants) = match strategy {
        Strategy::Demographic {
            required,
            preferred,
            ..
        } => (
            demographic::wants(input.lead, required),
            demographic::wants(input.lead, preferred),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    for (pos, &ri) in input.members.iter().enumerate() {
        let (Some(rep), Some(rs)) = (input.reps.get(ri), input.rep_states.get(ri)) else {
            continue;
        };
        let local = &input.clock.rep(ri);
        if input.exclude.contains(&ri) {
            set(&mut why, pos, CandidateReason::MissedSla, None);
            continue;
        }
        if let Some(u) = rep.unavailable(rs, local) {
            let detail = tracing.then(|| unavailable_detail(rep, rs, local, u));
            set(&mut why, pos, u.into(), detail.flatten());
            continue;
        }
        let r = match strategy {
            Strategy::Territory { .. } => match place.as_ref().and_then(|p| p.rank(rep)) {
                Some(r) => r,
                None => {
                    set(&mut why, pos, CandidateReason::NotInTerritory, None);
                    continue;
                }
            },
            Strategy::Demographic {
                required,
                preferred,
                ..
            } => {
                match demographic::rank(rep, required, &required_wants, preferred, &preferred_wants)
                {
                    Ok(r) => r,
                    Err(attr) => {
                        set(
                            &mut why,
                            pos,
                            CandidateReason::MissingRequired,
                            tracing.then(|| format!("does not cover the lead's {attr}")),
                        );
                        continue;
                    }
                }
            }
            _ => 0,
        };
        if let Some(slot) = rank.get_mut(pos) {
            *slot = Some(r);
        }
    }
    let best = rank.iter().flatten().max().copied();
    let chosen = best.and_then(|best| {
        let tier: Vec<bool> = rank.iter().map(|r| *r == Some(best)).collect();
        for (pos, r) in rank.iter().enumerate() {
            if let Some(r) = r {
                if *r < best {
                    let reason = match strategy {
                        Strategy::Territory { .. } => CandidateReason::LessSpecificTerritory,
                        _ => CandidateReason::FewerPreferred,
                    };
                    set(&mut why, pos, reason, None);
                }
            }
        }
        let picker = match strategy {
            _ if input.stateless => Picker::Rendezvous,
            Strategy::RoundRobin { skipped } => Picker::RoundRobin(*skipped),
            Strategy::Weighted { hot_score } => Picker::Weighted {
                hot: matches!((hot_score, input.score), (Some(h), Some(s)) if s >= *h),
            },
            Strategy::LeastLoaded { period } => Picker::LeastLoaded(*period),
            Strategy::Territory { then, .. } | Strategy::Demographic { then, .. } => *then,
        };
        picker.pick(team, input, &tier, &mut why, tracing)
    });
    if let Some(trace) = trace {
        for (pos, &ri) in input.members.iter().enumerate() {
            let Some(rep) = input.reps.get(ri) else {
                continue;
            };
            let (reason, detail) = why
                .get(pos)
                .cloned()
                .unwrap_or((CandidateReason::NotNextInLine, None));
            trace.push(Candidate {
                rep: &rep.id,
                chosen: Some(pos) == chosen,
                reason,
                detail,
            });
        }
    }
    chosen
}

/// Round robin without a trace: check members in line order and stop at the first
/// who can take the lead, so the cost does not grow with the team's size.
fn first_in_line(skipped: SkipPolicy, team: &mut TeamState, input: &PickInput) -> Option<usize> {
    let qi = team.queue.iter().position(|p| {
        let pos = *p as usize;
        input.members.get(pos).is_some_and(|ri| {
            !input.exclude.contains(ri)
                && match (input.reps.get(*ri), input.rep_states.get(*ri)) {
                    (Some(rep), Some(rs)) => rep.unavailable(rs, &input.clock.rep(*ri)).is_none(),
                    _ => false,
                }
        })
    })?;
    pick::take_turn(team, qi, skipped)
}

fn set(
    why: &mut [(CandidateReason, Option<String>)],
    pos: usize,
    reason: CandidateReason,
    detail: Option<String>,
) {
    if let Some(w) = why.get_mut(pos) {
        *w = (reason, detail);
    }
}

fn unavailable_detail(
    rep: &Rep,
    rs: &RepState,
    local: &LocalTime,
    u: crate::rep::Unavailable,
) -> Option<String> {
    use crate::rep::Unavailable as U;
    let keys = crate::rep::period_keys(local);
    let (i, name) = match u {
        U::AtDayCap => (0, "daily"),
        U::AtWeekCap => (1, "weekly"),
        U::AtMonthCap => (2, "monthly"),
        U::OutOfHours => {
            return Some(format!(
                "local time {:02}:{:02} on {}",
                local.minute_of_day / 60,
                local.minute_of_day % 60,
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .get(usize::from(local.weekday))
                    .copied()
                    .unwrap_or("?")
            ))
        }
        _ => return None,
    };
    let cap = rep.caps.get(i).copied().flatten()?;
    let n = rs.count(i, *keys.get(i)?);
    Some(format!("{name} cap {cap} reached ({n} assigned)"))
}
