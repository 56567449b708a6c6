//! How a team picks one rep for a lead, as one pipeline: availability and caps (always),
//! the team's requirements (hard, or relaxable), its ordered preferences, then the pick
//! among the best-ranked. Every config `strategy` is one of these pipelines.

pub mod availability;
pub mod criteria;
pub mod overflow;
pub mod pick;

pub use availability::{Checks, LeadCaps};
pub use pick::hash2;

use crate::clock::Clock;
use crate::condition::Computed;
use crate::decision::{Candidate, CandidateReason};
use crate::lead::Lead;
use crate::model::rep::Rep;
use crate::model::team::{Criterion, Pick, Selection};
use crate::state::{RepState, TeamState};
use std::cmp::Ordering;

/// A candidate's trace entry while the pick is made: reason and detail.
pub type Why = (CandidateReason, Option<String>);

/// Everything a pick needs to read, bundled to keep signatures short.
pub struct PickInput<'r, 'a, 'l> {
    pub reps: &'r [Rep],
    pub rep_states: &'a [RepState],
    pub members: &'a [usize],
    pub lead: &'a Lead<'l>,
    /// Score and grade, for `hot_score` and `when` conditions on requirements.
    pub computed: &'a Computed<'a>,
    /// Local times at `now`, per zone, computed on first use.
    pub clock: &'a Clock<'a>,
    /// Conditional caps that match this lead.
    pub caps: LeadCaps<'a>,
    /// Reps that must not get this lead (e.g. the one who missed its SLA).
    pub exclude: &'a [usize],
    /// Use rendezvous hashing on the lead id instead of the team's rotation.
    pub stateless: bool,
    /// The team's index and the recorded outcomes, for the learned pick.
    pub team: u32,
    pub outcomes: &'a crate::state::Outcomes,
}

/// Picks a member position, updating the team's rotation; pushes one candidate entry
/// per member when `trace` is given. The second value is the learned pick's sampling
/// probability of the chosen member.
pub fn pick<'r>(
    sel: &Selection,
    team: &mut TeamState,
    input: &PickInput<'r, '_, '_>,
    trace: Option<&mut Vec<Candidate<'r>>>,
) -> Option<(usize, Option<f64>)> {
    let checks = Checks {
        hours: sel.hours,
        ..Checks::ALL
    };
    if trace.is_none() && !input.stateless && sel.is_plain_round_robin() {
        if let Pick::RoundRobin(skipped) = sel.pick {
            return first_in_line(skipped, checks, team, input).map(|p| (p, None));
        }
    }
    let tracing = trace.is_some();
    let n = input.members.len();
    let mut why: Vec<Why> = vec![(CandidateReason::NotNextInLine, None); n];
    // What the lead asks of each requirement, then of each preference (one buffer).
    let prepared: Vec<criteria::Prepared> = sel
        .require
        .iter()
        .map(|r| &r.criterion)
        .chain(sel.prefer.iter().map(|p| &p.criterion))
        .map(|c| criteria::prepare(c, input.lead, input.computed))
        .collect();
    let (required, preferred) = prepared.split_at(sel.require.len().min(prepared.len()));

    // 1. Availability, caps and hard requirements; relaxable misses as a bit mask.
    let mut open: Vec<(usize, u64)> = Vec::with_capacity(n);
    'members: for (pos, &ri) in input.members.iter().enumerate() {
        let (Some(rep), Some(rs)) = (input.reps.get(ri), input.rep_states.get(ri)) else {
            continue;
        };
        let local = input.clock.rep(ri);
        if input.exclude.contains(&ri) {
            set(&mut why, pos, CandidateReason::MissedSla, None);
            continue;
        }
        if let Some(u) = availability::unavailable(rep, rs, &local, checks, input.caps) {
            let detail = tracing
                .then(|| availability::detail(rep, rs, &local, u, input.caps))
                .flatten();
            set(&mut why, pos, u.into(), detail);
            continue;
        }
        let mut misses = 0u64;
        for (k, (req, prep)) in sel.require.iter().zip(required).enumerate() {
            if criteria::passes(&req.criterion, prep, rep, &local) {
                continue;
            }
            if req.relaxable {
                misses |= 1 << k;
                continue;
            }
            let (reason, detail) = failed(&req.criterion, tracing);
            set(&mut why, pos, reason, detail);
            continue 'members;
        }
        open.push((pos, misses));
    }

    // 2. Relax relaxable requirements, last first, until someone is left.
    let mut relaxed = 0u64;
    let mut relaxed_names: Vec<&'static str> = Vec::new();
    for k in (0..sel.require.len()).rev() {
        if open.is_empty() || open.iter().any(|(_, m)| m & !relaxed == 0) {
            break;
        }
        if let Some(req) = sel.require.get(k).filter(|r| r.relaxable) {
            relaxed |= 1 << k;
            relaxed_names.push(req.criterion.name());
        }
    }
    // The preference vectors of the eligible members, one after another in one buffer
    // (`width` values each): a vector per member was most of routing's allocations.
    let width = relaxed_names.len() + if sel.weighted { 1 } else { sel.prefer.len() };
    let mut ranks: Vec<f64> = Vec::with_capacity(open.len() * width);
    // `open`'s own buffer, compacted in place to the eligible members.
    let mut eligible = open;
    let mut kept = 0;
    for i in 0..eligible.len() {
        let Some(&(pos, misses)) = eligible.get(i) else {
            break;
        };
        let unrelaxed = misses & !relaxed;
        if unrelaxed != 0 {
            let k = unrelaxed.trailing_zeros() as usize;
            if let Some(req) = sel.require.get(k) {
                let (reason, detail) = failed(&req.criterion, tracing);
                set(&mut why, pos, reason, detail);
            }
            continue;
        }
        // 3. The preference vector: relaxed requirements first (met = 1), then the
        //    preferences in order, or their weighted sum.
        let (Some(rep), Some(ri)) = (
            input.members.get(pos).and_then(|ri| input.reps.get(*ri)),
            input.members.get(pos).copied(),
        ) else {
            continue;
        };
        let local = input.clock.rep(ri);
        let Some(rs) = input.rep_states.get(ri) else {
            continue;
        };
        for k in 0..sel.require.len() {
            if relaxed & (1 << k) != 0 {
                ranks.push(f64::from(u8::from(misses & (1 << k) == 0)));
            }
        }
        let values = sel.prefer.iter().zip(preferred).map(|(p, prep)| {
            (
                p.weight,
                criteria::value(&p.criterion, prep, rep, rs, &local),
            )
        });
        if sel.weighted {
            ranks.push(values.map(|(w, x)| w * x).sum());
        } else {
            ranks.extend(values.map(|(_, x)| x));
        }
        if let Some(slot) = eligible.get_mut(kept) {
            *slot = (pos, misses);
        }
        kept += 1;
    }
    eligible.truncate(kept);
    let rank_of = |i: usize| ranks.get(i * width..(i + 1) * width).unwrap_or(&[]);

    // 4. The best-ranked tier, then the pick within it.
    let best = (0..eligible.len()).max_by(|a, b| lexicographic(rank_of(*a), rank_of(*b)));
    let chosen = best.and_then(|best| {
        let best = rank_of(best);
        let mut tier = vec![false; n];
        for (i, (pos, _)) in eligible.iter().enumerate() {
            let v = rank_of(i);
            if lexicographic(v, best) == Ordering::Equal {
                if let Some(t) = tier.get_mut(*pos) {
                    *t = true;
                }
            } else {
                let at = v
                    .iter()
                    .zip(best)
                    .position(|(a, b)| a.total_cmp(b) != Ordering::Equal)
                    .unwrap_or(0);
                let reason = lost_on(sel, relaxed_names.len(), at);
                let detail = tracing.then(|| {
                    format!(
                        "ranked {} below the best {} on {}",
                        fmt_vec(v),
                        fmt_vec(best),
                        criterion_at(sel, &relaxed_names, at)
                    )
                });
                set(&mut why, *pos, reason, detail);
            }
        }
        let hot = match (sel.pick, input.computed.score) {
            (Pick::Weighted { hot_score: Some(h) }, Some(s)) => s >= h,
            _ => false,
        };
        let p = if input.stateless {
            Pick::Rendezvous
        } else {
            sel.pick
        };
        pick::pick(
            p,
            sel.learned.as_deref(),
            hot,
            team,
            input,
            &tier,
            &mut why,
            tracing,
        )
    });
    let propensity = chosen.and_then(|(_, q)| q);
    let chosen = chosen.map(|(p, _)| p);
    if let Some(trace) = trace {
        let ranked = !relaxed_names.is_empty() || !sel.prefer.is_empty();
        for (pos, &ri) in input.members.iter().enumerate() {
            let Some(rep) = input.reps.get(ri) else {
                continue;
            };
            let (reason, mut detail) = why
                .get(pos)
                .cloned()
                .unwrap_or((CandidateReason::NotNextInLine, None));
            if Some(pos) == chosen && !relaxed_names.is_empty() {
                let note = format!("relaxed requirement: {}", relaxed_names.join(", "));
                detail = Some(match detail {
                    Some(d) => format!("{d}; {note}"),
                    None => note,
                });
            }
            let rank = if ranked {
                eligible
                    .iter()
                    .position(|(p, _)| *p == pos)
                    .map(|i| rank_of(i).to_vec())
            } else {
                None
            };
            trace.push(Candidate {
                rep: &rep.id,
                chosen: Some(pos) == chosen,
                reason,
                detail,
                rank,
            });
        }
    }
    chosen.map(|p| (p, propensity))
}

/// Round robin with nothing to rank, without a trace: check members in line order and
/// stop at the first who can take the lead, so the cost does not grow with the team.
fn first_in_line(
    skipped: crate::config::SkipPolicy,
    checks: Checks,
    team: &mut TeamState,
    input: &PickInput,
) -> Option<usize> {
    let qi = team.queue.iter().position(|p| {
        input.members.get(*p as usize).is_some_and(|ri| {
            !input.exclude.contains(ri)
                && match (input.reps.get(*ri), input.rep_states.get(*ri)) {
                    (Some(rep), Some(rs)) => availability::unavailable(
                        rep,
                        rs,
                        &input.clock.rep(*ri),
                        checks,
                        input.caps,
                    )
                    .is_none(),
                    _ => false,
                }
        })
    })?;
    pick::round_robin::take_turn(team, qi, skipped)
}

/// Compares preference vectors, first entry most important.
pub fn lexicographic(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.total_cmp(y) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    a.len().cmp(&b.len())
}

/// The trace reason for a failed requirement.
fn failed(c: &Criterion, tracing: bool) -> Why {
    match c {
        Criterion::Territory(_) => (CandidateReason::NotInTerritory, None),
        Criterion::OnShift => (CandidateReason::OutOfHours, None),
        c => (
            CandidateReason::MissingRequired,
            tracing.then(|| format!("does not cover the lead's {}", c.name())),
        ),
    }
}

/// The trace reason for a lower rank: by the criterion the candidate lost on.
fn lost_on(sel: &Selection, relaxed: usize, at: usize) -> CandidateReason {
    if at < relaxed {
        return CandidateReason::MissingRequired;
    }
    if sel.weighted {
        return CandidateReason::FewerPreferred;
    }
    match sel.prefer.get(at - relaxed).map(|p| &p.criterion) {
        Some(Criterion::Territory(_)) => CandidateReason::LessSpecificTerritory,
        Some(Criterion::Load(_)) => CandidateReason::MoreLoaded,
        Some(Criterion::OnShift) => CandidateReason::OutOfHours,
        _ => CandidateReason::FewerPreferred,
    }
}

fn criterion_at(sel: &Selection, relaxed: &[&'static str], at: usize) -> String {
    if let Some(name) = relaxed.get(at) {
        return format!("relaxed requirement {name}");
    }
    if sel.weighted {
        return "weighted preferences".to_string();
    }
    sel.prefer
        .get(at - relaxed.len())
        .map_or("?", |p| p.criterion.name())
        .to_string()
}

fn fmt_vec(v: &[f64]) -> String {
    let parts: Vec<String> = v.iter().map(|x| crate::text::fmt_num(*x)).collect();
    format!("[{}]", parts.join(", "))
}

fn set(why: &mut [Why], pos: usize, reason: CandidateReason, detail: Option<String>) {
    if let Some(w) = why.get_mut(pos) {
        *w = (reason, detail);
    }
}
