//! The learned pick: Thompson sampling on each member's Beta posterior of the
//! conversion rate (or value per lead) from recorded outcomes, seeded by the lead id, with
//! a fairness floor that overrides the draw for a member owed leads. Caps stay hard
//! limits: a member at a cap is never in the tier this pick chooses from.

use super::rendezvous::{hash2, lead_key};
use super::sample::Rng;
use crate::config::Objective;
use crate::decision::CandidateReason;
use crate::lead::{Lead, Val};
use crate::model::team::Learned;
use crate::select::{PickInput, Why};
use crate::state::{Outcomes, TeamState};

/// A member's posterior: Beta(a, b) on the conversion rate, and the mean value of a
/// conversion (used as a constant multiplier for the `value` objective).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posterior {
    pub a: f64,
    pub b: f64,
    pub value: f64,
    /// Decayed leads with an outcome behind it, in the segment (or overall).
    pub leads: f64,
}

impl Posterior {
    pub fn mean(&self) -> f64 {
        self.a / (self.a + self.b)
    }
    /// An approximate 90% interval (normal approximation, clipped to [0, 1]).
    pub fn interval(&self) -> (f64, f64) {
        let n = self.a + self.b;
        let m = self.mean();
        let sd = (m * (1.0 - m) / (n + 1.0)).sqrt();
        ((m - 1.645 * sd).max(0.0), (m + 1.645 * sd).min(1.0))
    }
}

/// The posterior of rep `ri` in team `team` for segment `segment` at `now`. A segment's
/// prior is the rep's posterior mean from their other segments with the prior's weight,
/// so a rep new to a segment starts from what they show elsewhere, not from scratch
/// (and no outcome counts twice).
pub fn posterior(
    l: &Learned,
    outcomes: &Outcomes,
    team: u32,
    ri: u32,
    segment: u64,
    now: i64,
) -> Posterior {
    let stat = |seg: u64| {
        outcomes
            .get((team, ri, seg))
            .map(|s| s.at(now, l.half_life_ms))
            .unwrap_or_default()
    };
    let all = stat(0);
    let a = l.prior_rate * l.prior_weight + all.conversions;
    let b = (1.0 - l.prior_rate) * l.prior_weight + (all.leads - all.conversions).max(0.0);
    let value_of =
        |conv: f64, val: f64, prior: f64| (prior * l.prior_weight + val) / (l.prior_weight + conv);
    let overall = Posterior {
        a,
        b,
        value: value_of(all.conversions, all.value, l.prior_value),
        leads: all.leads,
    };
    if segment == 0 {
        return overall;
    }
    let seg = stat(segment);
    let other_leads = (all.leads - seg.leads).max(0.0);
    let other_conversions = (all.conversions - seg.conversions).clamp(0.0, other_leads);
    let m = (l.prior_rate * l.prior_weight + other_conversions) / (l.prior_weight + other_leads);
    Posterior {
        a: m * l.prior_weight + seg.conversions,
        b: (1.0 - m) * l.prior_weight + (seg.leads - seg.conversions).max(0.0),
        value: value_of(seg.conversions, seg.value, overall.value),
        leads: seg.leads,
    }
}

/// The lead's segment: a hash of its values of the segment fields (numbers by band),
/// never 0 (0 stands for "all leads").
pub fn segment(l: &Learned, lead: &Lead) -> u64 {
    if l.segment.is_empty() {
        return 0;
    }
    let mut h = 0x5e9u64;
    for (slot, _) in &l.segment {
        h = match lead.get(*slot) {
            Val::Str(s) => hash2(h, s.trim().to_lowercase().as_bytes()),
            Val::Num(n) => hash2(h, &band(&l.bands, *n).to_le_bytes()),
            Val::Bool(b) => hash2(h, &[u8::from(*b), 0xfe]),
            Val::Missing => hash2(h, &[0xff]),
        };
    }
    h.max(1)
}

fn band(bands: &[f64], n: f64) -> u32 {
    bands.iter().take_while(|e| n >= **e).count() as u32
}

/// The segment in words, for the trace: `industry saas, company_size band 1`.
fn segment_label(l: &Learned, lead: &Lead) -> String {
    let parts: Vec<String> = l
        .segment
        .iter()
        .map(|(slot, name)| match lead.get(*slot) {
            Val::Str(s) => format!("{name} {}", s.trim().to_lowercase()),
            Val::Num(n) => format!("{name} band {}", band(&l.bands, *n)),
            Val::Bool(b) => format!("{name} {b}"),
            Val::Missing => format!("{name} missing"),
        })
        .collect();
    parts.join(", ")
}

/// One Thompson draw for a member: the sampled rate, times the value per conversion
/// for the `value` objective.
fn draw(l: &Learned, p: &Posterior, seed: u64) -> f64 {
    let rate = Rng::new(seed).beta(p.a, p.b);
    match l.objective {
        Objective::Conversion => rate,
        Objective::Value => rate * p.value,
    }
}

/// The highest draw among `(position, seed, posterior)`, ties to the earlier position.
fn best(l: &Learned, members: &[(usize, u64, Posterior)], round: u64) -> Option<(usize, f64)> {
    let mut top: Option<(usize, f64)> = None;
    for (pos, seed, p) in members {
        let seed = if round == 0 {
            *seed
        } else {
            hash2(*seed, &round.to_le_bytes())
        };
        let x = draw(l, p, seed);
        if top.is_none_or(|(_, t)| x > t) {
            top = Some((*pos, x));
        }
    }
    top
}

/// Picks a tier member; returns its position and the probability the draw had of
/// choosing it (1 when the floor decided; an estimate from `draws` more seeded rounds
/// otherwise: the share of the rounds, the real one included, that it wins).
pub fn pick(
    l: &Learned,
    team: &mut TeamState,
    input: &PickInput<'_, '_, '_>,
    tier: &[bool],
    why: &mut [Why],
    tracing: bool,
) -> Option<(usize, Option<f64>)> {
    let now = input.clock.now();
    let seg = segment(l, input.lead);
    let key = lead_key(input.lead);
    let mut members: Vec<(usize, u64, Posterior)> = Vec::new();
    for (pos, in_tier) in tier.iter().enumerate() {
        let Some(ri) = input.members.get(pos).filter(|_| *in_tier) else {
            continue;
        };
        let Some(rep) = input.reps.get(*ri) else {
            continue;
        };
        let p = posterior(l, input.outcomes, input.team, *ri as u32, seg, now);
        members.push((pos, hash2(key, rep.id.as_bytes()), p));
    }
    let (top, _) = best(l, &members, 0)?;
    // The floor: every tier member earns `floor` of a lead per lead; one owed a whole
    // lead takes this one (the most owed first), whatever the draw.
    let mut chosen = top;
    let mut by_floor = false;
    if l.floor_milli > 0 {
        for (pos, _, _) in &members {
            if let Some(c) = team.credit.get_mut(*pos) {
                *c = c.saturating_add(l.floor_milli);
            }
        }
        let owed = members
            .iter()
            .map(|(pos, _, _)| (*pos, team.credit.get(*pos).copied().unwrap_or(0)))
            .filter(|(_, c)| *c >= 1000)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((pos, _)) = owed {
            by_floor = pos != top;
            chosen = pos;
        }
        if let Some(c) = team.credit.get_mut(chosen) {
            *c = c.saturating_sub(1000);
        }
    }
    let propensity = if by_floor {
        Some(1.0)
    } else if l.draws == 0 {
        None
    } else {
        let wins = (1..=u64::from(l.draws))
            .filter(|r| best(l, &members, *r).is_some_and(|(p, _)| p == chosen))
            .count();
        Some((wins + 1) as f64 / (f64::from(l.draws) + 1.0))
    };
    let label = tracing.then(|| segment_label(l, input.lead));
    for (pos, seed, p) in &members {
        let reason = match (*pos == chosen, *pos == top, by_floor) {
            (true, _, true) => CandidateReason::FairnessFloor,
            (true, _, false) => CandidateReason::HighestDraw,
            (false, true, true) => CandidateReason::OverriddenByFloor,
            _ => CandidateReason::LowerDraw,
        };
        let detail = tracing.then(|| {
            let (lo, hi) = p.interval();
            let mut d = format!(
                "mean {} (90% {} to {}) from {} leads, drew {}",
                fmt3(p.mean()),
                fmt3(lo),
                fmt3(hi),
                crate::text::fmt_num((p.leads * 10.0).round() / 10.0),
                fmt3(draw(l, p, *seed))
            );
            if l.objective == Objective::Value {
                d.push_str(&format!(" (value per conversion {})", fmt3(p.value)));
            }
            if let Some(label) = label.as_deref().filter(|s| !s.is_empty()) {
                d.push_str(&format!("; segment {label}"));
            }
            if reason == CandidateReason::FairnessFloor {
                d.push_str(&format!(
                    "; owed a lead under the floor of {}",
                    crate::text::fmt_num(l.floor_milli as f64 / 1000.0)
                ));
            }
            d
        });
        if let Some(w) = why.get_mut(*pos) {
            *w = (reason, detail);
        }
    }
    Some((chosen, propensity))
}

fn fmt3(x: f64) -> String {
    crate::text::fmt_num((x * 1000.0).round() / 1000.0)
}
