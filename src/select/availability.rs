//! Whether a rep can take a lead at `now`: status, out of office, working hours (in the
//! rep's time zone, unless the team ignores schedules) and every cap, conditional caps
//! included. Always required, except what a team's overflow lets its default owner skip.

use crate::model::cap::CapRule;
use crate::model::rep::{period_keys, Rep, Unavailable};
use crate::state::RepState;
use crate::time::LocalTime;

/// The conditional cap rules that match the lead being routed.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeadCaps<'a> {
    pub rules: &'a [CapRule],
    /// Indexes into `rules` whose condition holds for this lead.
    pub matched: &'a [usize],
}

/// What to check; overflow to a default owner may skip parts.
#[derive(Debug, Clone, Copy)]
pub struct Checks {
    pub status: bool,
    pub hours: bool,
    pub caps: bool,
}

impl Checks {
    pub const ALL: Checks = Checks {
        status: true,
        hours: true,
        caps: true,
    };
}

/// The first reason the rep cannot take the lead now, if any.
pub fn unavailable(
    rep: &Rep,
    state: &RepState,
    local: &LocalTime,
    checks: Checks,
    caps: LeadCaps,
) -> Option<Unavailable> {
    use crate::config::Status;
    if checks.status {
        match state.status.unwrap_or(rep.status) {
            Status::Available => {}
            Status::Busy => return Some(Unavailable::Busy),
            Status::Away => return Some(Unavailable::Away),
            Status::OutOfOffice => return Some(Unavailable::OutOfOffice),
        }
        if rep.out_of_office_on(local) {
            return Some(Unavailable::OutOfOffice);
        }
    }
    if checks.hours && !rep.in_hours(local) {
        return Some(Unavailable::OutOfHours);
    }
    if checks.caps {
        return at_cap(rep, state, local, caps).map(|(u, _)| u);
    }
    None
}

const CAP_REASONS: [Unavailable; 3] = [
    Unavailable::AtDayCap,
    Unavailable::AtWeekCap,
    Unavailable::AtMonthCap,
];

/// The first cap reached, with the conditional cap rule that set it (`None`: the rep's
/// own caps).
pub fn at_cap<'c>(
    rep: &Rep,
    state: &RepState,
    local: &LocalTime,
    caps: LeadCaps<'c>,
) -> Option<(Unavailable, Option<&'c CapRule>)> {
    let keys = period_keys(local);
    for (i, ((cap, key), reason)) in rep.caps.iter().zip(keys).zip(CAP_REASONS).enumerate() {
        if let Some(cap) = cap {
            if state.count(i, key) >= *cap {
                return Some((reason, None));
            }
        }
    }
    for &k in caps.matched {
        let Some(rule) = caps.rules.get(k).filter(|r| r.applies_to(rep.index)) else {
            continue;
        };
        for (i, ((cap, key), reason)) in rule.caps.iter().zip(keys).zip(CAP_REASONS).enumerate() {
            if let Some(cap) = cap {
                if state.capped_count(k, i, key) >= *cap {
                    return Some((reason, Some(rule)));
                }
            }
        }
    }
    None
}

/// The trace's detail for an unavailable rep: the local time, or the cap and its count.
pub fn detail(
    rep: &Rep,
    state: &RepState,
    local: &LocalTime,
    u: Unavailable,
    caps: LeadCaps,
) -> Option<String> {
    let i = match u {
        Unavailable::AtDayCap => 0,
        Unavailable::AtWeekCap => 1,
        Unavailable::AtMonthCap => 2,
        Unavailable::OutOfHours => {
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
    let name = ["daily", "weekly", "monthly"].get(i).copied().unwrap_or("");
    let key = *period_keys(local).get(i)?;
    let (cap, n, rule) = match at_cap(rep, state, local, caps) {
        Some((_, Some(rule))) => {
            let k = caps
                .rules
                .iter()
                .position(|r| std::ptr::eq(r, rule))
                .unwrap_or(0);
            (
                rule.caps.get(i).copied().flatten()?,
                state.capped_count(k, i, key),
                Some(rule.id.as_str()),
            )
        }
        _ => (
            rep.caps.get(i).copied().flatten()?,
            state.count(i, key),
            None,
        ),
    };
    let counted = if n == u32::MAX {
        "a period older than the counters keep".to_string()
    } else {
        format!("{n} assigned")
    };
    Some(match rule {
        Some(id) => format!("cap rule \"{id}\": {name} cap {cap} reached ({counted})"),
        None => format!("{name} cap {cap} reached ({counted})"),
    })
}
