//! Overflow: when no member can take the lead, the team's default owner may, and the
//! team says what the owner may ignore ("the team lead takes what nobody else can,
//! regardless of cap").

use super::availability::{self, Checks, LeadCaps};
use crate::model::rep::{Rep, Unavailable};
use crate::model::team::{Overflow, Selection};
use crate::state::RepState;
use crate::time::LocalTime;

/// What blocks the default owner, after the team's overflow allowances.
pub fn owner_blocked(
    sel: &Selection,
    rep: &Rep,
    state: &RepState,
    local: &LocalTime,
    caps: LeadCaps,
) -> Option<Unavailable> {
    let Overflow {
        ignore_caps,
        ignore_availability,
    } = sel.overflow;
    let checks = Checks {
        status: !ignore_availability,
        hours: sel.hours && !ignore_availability,
        caps: !ignore_caps,
    };
    availability::unavailable(rep, state, local, checks, caps)
}
