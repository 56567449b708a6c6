//! Outcomes in: a CRM says a routed lead converted (or not) and for how much; the
//! lead's rep and team come from the remembered placement, and the outcome is added to
//! the decayed statistic the `learned` pick samples from. One outcome per lead.

use crate::decision::Outcome;
use crate::error::{StateCode, StateError};
use crate::lead::Lead;
use crate::model::team::Pick;
use crate::model::Router;
use crate::state::State;
use serde::Serialize;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// Half-life for teams without a learned pick (their statistics are kept too, so a
/// team switched to `learned` later starts from its history).
const DEFAULT_HALF_LIFE_MS: f64 = 90.0 * 86_400_000.0;

/// What the CRM reports for a lead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadOutcome {
    pub converted: bool,
    /// The deal's value (for the `value` objective); 0 when not given.
    pub value: f64,
    /// When it converted or was lost, in ms.
    pub at: i64,
}

/// What `record_outcome` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct OutcomeRecorded {
    pub lead_id: String,
    pub rep: String,
    pub team: Option<String>,
    /// True when the lead already had an outcome: this one changed nothing.
    pub duplicate: bool,
}

impl Router {
    /// Records the outcome of a routed lead. Idempotent per lead: the first outcome
    /// counts and a repeat (a retried webhook, a later status change) returns
    /// `duplicate: true` and changes nothing, so a CRM may send every status change.
    /// The lead must still be remembered (`lead_ids.remember_days`): `unknown_lead`
    /// otherwise; `not_assigned` for a lead that went to no rep.
    pub fn record_outcome(
        &self,
        state: &mut State,
        lead_id: &str,
        outcome: LeadOutcome,
    ) -> Result<OutcomeRecorded, StateError> {
        if !outcome.value.is_finite() || outcome.value < 0.0 {
            return Err(StateError::with_code(
                StateCode::InvalidOutcome,
                format!(
                    "an outcome's value must be a number of at least 0, found {}",
                    outcome.value
                ),
            ));
        }
        let shown = crate::lead::preview(lead_id);
        let Some(routed) = state.ledger.get(lead_id).copied() else {
            return Err(StateError::with_code(
                StateCode::UnknownLead,
                format!("lead \"{shown}\" is not remembered: never routed, or routed longer ago than lead_ids.remember_days"),
            ));
        };
        // The rep holding it now: claimed from a pool or re-routed since, or as routed.
        let rep = match state.assignments.get(lead_id) {
            Some(a) => self.rep_index(&a.rep),
            None if routed.outcome == Outcome::Assigned => routed.rep.map(|r| r as usize),
            None => None,
        };
        let Some((ri, rep)) = rep.and_then(|ri| Some((ri, self.reps.get(ri)?))) else {
            return Err(StateError::with_code(
                StateCode::NotAssigned,
                format!(
                    "lead \"{shown}\" went to no rep ({}): there is nobody to learn about",
                    routed.outcome.as_str()
                ),
            ));
        };
        let team = routed.team.and_then(|t| self.teams.get(t as usize));
        let done = OutcomeRecorded {
            lead_id: lead_id.to_string(),
            rep: rep.id.clone(),
            team: team.map(|t| t.id.clone()),
            duplicate: routed.outcome_recorded,
        };
        if routed.outcome_recorded {
            return Ok(done);
        }
        if let (Some(ti), Some(team)) = (routed.team, team) {
            let half_life = team
                .select
                .learned
                .as_ref()
                .map_or(DEFAULT_HALF_LIFE_MS, |l| l.half_life_ms);
            let (converted, value, at) = (outcome.converted, outcome.value, outcome.at);
            let key = (ti, ri as u32, 0);
            state.outcomes.add(key, converted, value, at, half_life);
            if routed.segment != 0 {
                let key = (ti, ri as u32, routed.segment);
                state.outcomes.add(key, converted, value, at, half_life);
            }
        }
        let mut marked = routed;
        marked.outcome_recorded = true;
        state.ledger.mark(lead_id, marked);
        Ok(done)
    }

    /// The lead's segment for the `learned` pick of the team it went to (0: none).
    pub(crate) fn segment_of(&self, team: Option<&str>, lead: &Lead) -> u64 {
        let learned = team
            .and_then(|t| self.team_ids.get(t))
            .and_then(|ti| self.teams.get(*ti))
            .filter(|t| t.select.pick == Pick::Learned)
            .and_then(|t| t.select.learned.as_deref());
        learned.map_or(0, |l| crate::select::pick::learned::segment(l, lead))
    }
}
