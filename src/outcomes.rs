//! Outcomes in: a CRM says a routed lead converted (or not) and for how much; the
//! lead's rep and team come from the remembered placement, and the outcome is added to
//! the decayed statistic the `learned` pick samples from. One outcome per lead.

use crate::decision::Outcome;
use crate::error::{StateCode, StateError};
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

impl LeadOutcome {
    /// `{"converted": true, "value": 1200, "at": 1767603600000}` as the binding and the
    /// edge take it: `converted` and `at` (plausible ms) required, `value` at least 0.
    pub fn from_json(text: &str) -> Result<LeadOutcome, StateError> {
        let bad = |m: String| StateError::with_code(StateCode::InvalidOutcome, m);
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("invalid outcome: {e}")))?;
        let Some(o) = v.as_object() else {
            return Err(bad(format!(
                "an outcome must be an object like {{ converted: true, at: Date.now() }}, found {}",
                crate::config::found(&v)
            )));
        };
        if let Some(k) = o
            .keys()
            .find(|k| !["converted", "value", "at"].contains(&k.as_str()))
        {
            let shown = crate::lead::preview(k);
            return Err(bad(format!(
                "unknown key \"{shown}\" in an outcome (it takes converted, value, at)"
            )));
        }
        let converted = match o.get("converted") {
            Some(serde_json::Value::Bool(b)) => *b,
            other => {
                return Err(bad(format!(
                    "outcome.converted must be true or false, found {}",
                    other.map_or("nothing".to_string(), crate::config::found)
                )))
            }
        };
        let at = match o.get("at").and_then(serde_json::Value::as_f64) {
            Some(n) => crate::clock::check_now(n)
                .map_err(|m| bad(format!("outcome.{}", m.replacen("now", "at", 1))))?,
            None => {
                return Err(bad(
                    "outcome.at is required: ms since the epoch of the close (e.g. Date.now())"
                        .to_string(),
                ))
            }
        };
        let value = match o.get("value") {
            None | Some(serde_json::Value::Null) => 0.0,
            Some(v) => v.as_f64().ok_or_else(|| {
                bad(format!(
                    "outcome.value must be a number, found {}",
                    crate::config::found(v)
                ))
            })?,
        };
        Ok(LeadOutcome {
            converted,
            value,
            at,
        })
    }
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
        check_value(outcome.value)?;
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
        if let Some(ti) = routed.team {
            learn(self, state, ti as usize, ri, routed.segment, outcome);
        }
        let mut marked = routed;
        marked.outcome_recorded = true;
        state.ledger.mark(lead_id, marked);
        Ok(done)
    }

    /// Records an outcome for a placement the caller remembers instead of the state
    /// (the edge keeps every lead id itself and runs the engine with `remember_days: 0`):
    /// the rep, the team and the decision's `segment`. Idempotency is then the caller's.
    pub fn record_placed_outcome(
        &self,
        state: &mut State,
        placement: &Placement,
        outcome: LeadOutcome,
    ) -> Result<(), StateError> {
        check_value(outcome.value)?;
        let ri = self.rep_index(&placement.rep).ok_or_else(|| {
            StateError::with_code(
                StateCode::UnknownRep,
                format!("unknown rep \"{}\"", crate::lead::preview(&placement.rep)),
            )
        })?;
        let Some(team) = placement.team.as_deref() else {
            return Ok(());
        };
        let ti = *self.team_ids.get(team).ok_or_else(|| {
            StateError::with_code(
                StateCode::NotFound,
                format!("unknown team \"{}\"", crate::lead::preview(team)),
            )
        })?;
        let segment = placement
            .segment
            .as_deref()
            .and_then(|s| u64::from_str_radix(s, 16).ok())
            .unwrap_or(0);
        learn(self, state, ti, ri, segment, outcome);
        Ok(())
    }
}

impl Router {
    /// The JSON entry point of the binding and the edge: `outcome` as
    /// [`LeadOutcome::from_json`] reads it; with `placement` (`{rep, team?, segment?}`, the
    /// decision's own fields) the caller's memory of the lead is used, not the state's.
    pub fn record_outcome_json(
        &self,
        state: &mut State,
        lead_id: &str,
        outcome: &str,
        placement: Option<&str>,
    ) -> Result<OutcomeRecorded, StateError> {
        let outcome = LeadOutcome::from_json(outcome)?;
        let Some(text) = placement else {
            return self.record_outcome(state, lead_id, outcome);
        };
        let bad = |m: &str| StateError::with_code(StateCode::InvalidOutcome, m);
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(&format!("invalid placement: {e}")))?;
        let field = |k: &str| match v.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(x) => Err(bad(&format!(
                "placement.{k} must be a string, found {}",
                crate::config::found(x)
            ))),
        };
        let placement = Placement {
            rep: field("rep")?.ok_or_else(|| bad("placement.rep is required"))?,
            team: field("team")?,
            segment: field("segment")?,
        };
        self.record_placed_outcome(state, &placement, outcome)?;
        Ok(OutcomeRecorded {
            lead_id: lead_id.to_string(),
            rep: placement.rep,
            team: placement.team,
            duplicate: false,
        })
    }
}

/// Where a lead went, as the caller remembers it (`record_placed_outcome`).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub rep: String,
    pub team: Option<String>,
    /// The decision's `segment` (hex).
    pub segment: Option<String>,
}

fn check_value(value: f64) -> Result<(), StateError> {
    if value.is_finite() && value >= 0.0 {
        return Ok(());
    }
    Err(StateError::with_code(
        StateCode::InvalidOutcome,
        format!("an outcome's value must be a number of at least 0, found {value}"),
    ))
}

/// Adds the outcome to the rep's statistic in the team, overall and in its segment.
fn learn(router: &Router, state: &mut State, ti: usize, ri: usize, segment: u64, o: LeadOutcome) {
    let half_life = router
        .teams
        .get(ti)
        .and_then(|t| t.select.learned.as_ref())
        .map_or(DEFAULT_HALF_LIFE_MS, |l| l.half_life_ms);
    let (ti, ri) = (ti as u32, ri as u32);
    state
        .outcomes
        .add((ti, ri, 0), o.converted, o.value, o.at, half_life);
    if segment != 0 {
        state
            .outcomes
            .add((ti, ri, segment), o.converted, o.value, o.at, half_life);
    }
}
