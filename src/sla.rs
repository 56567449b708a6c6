//! Notify and remind: first-touch SLAs on assigned leads. `touch` records contact;
//! `tick` emits due reminders, escalations, re-routes and pool expiries exactly once.

use crate::clock::Clock;
use crate::decision::{Decision, Outcome, Via};
use crate::error::{StateCode, StateError};
use crate::model::{Router, Sla};
use crate::state::Assignment;
use crate::state::State;
use serde::Serialize;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// Touched assignments are kept this long (so a repeated `touch` is a no-op), then pruned.
const KEEP_TOUCHED_MS: i64 = 7 * 24 * 3_600_000;
/// An untouched record with nothing left to do (every reminder sent, escalated, or no SLA
/// at all, as for a claim) leaves the state this long after its last due time, so the
/// state stays bounded however many leads are never touched.
pub const KEEP_FINISHED_MS: i64 = 30 * 24 * 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Reminder,
    Escalation,
    Reassigned,
    PoolExpired,
}

/// Something that became due; plain data for dashboards and notification hooks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct Event {
    pub kind: EventKind,
    /// When it became due (ms since the epoch).
    pub at: i64,
    pub lead_id: String,
    /// Who it concerns: the owner reminded, the manager escalated to, the new owner.
    pub rep: String,
    /// The previous owner (re-routes), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_rep: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    pub reason: String,
}

impl Router {
    fn sla_for(&self, a: &Assignment) -> Option<&Sla> {
        let rule_sla = a
            .rule
            .as_ref()
            .and_then(|id| self.rule(id))
            .and_then(|r| r.sla.as_ref());
        rule_sla.or_else(|| {
            a.team
                .as_ref()
                .and_then(|t| self.team_ids.get(t))
                .and_then(|ti| self.teams.get(*ti))
                .and_then(|t| t.sla.as_ref())
        })
    }

    /// Whether `tick` at `now` has anything to do for this record.
    fn has_due(&self, a: &Assignment, now: i64) -> bool {
        if let Some(t) = a.touched_at {
            return now.saturating_sub(t) > KEEP_TOUCHED_MS;
        }
        let Some(sla) = self.sla_for(a) else {
            return false;
        };
        let reminder_due = sla
            .remind_after_ms
            .get(a.reminders as usize)
            .is_some_and(|after| a.assigned_at.saturating_add(*after) <= now);
        let breach_due = !a.escalated && a.assigned_at.saturating_add(sla.first_touch_ms) <= now;
        reminder_due || breach_due
    }

    /// An untouched record with nothing more due, past [`KEEP_FINISHED_MS`].
    fn finished(&self, a: &Assignment, now: i64) -> bool {
        let last_due = match self.sla_for(a) {
            Some(sla) => {
                let more = (a.reminders as usize) < sla.remind_after_ms.len() || !a.escalated;
                if more {
                    return false;
                }
                let last = sla.remind_after_ms.last().copied().unwrap_or(0);
                a.assigned_at.saturating_add(last.max(sla.first_touch_ms))
            }
            None => a.assigned_at,
        };
        now.saturating_sub(last_due) > KEEP_FINISHED_MS
    }

    /// Records first contact of `lead_id` by its owner. Repeating it changes nothing.
    pub fn touch(
        &self,
        state: &mut State,
        lead_id: &str,
        rep: &str,
        now: i64,
    ) -> Result<(), StateError> {
        self.rep_or_error(rep)?;
        match state.assignments.get_mut(lead_id) {
            Some(a) if a.rep == rep => {
                if a.touched_at.is_none() {
                    a.touched_at = Some(now);
                    // Contacted: nothing will re-route it, so its fields are not needed.
                    if a.pool.is_none() {
                        a.fields.clear();
                    }
                }
                Ok(())
            }
            Some(_) => Err(StateError::with_code(
                StateCode::NotOwner,
                format!("lead \"{lead_id}\" is not assigned to rep \"{rep}\""),
            )),
            None => Err(StateError::with_code(
                StateCode::UnknownLead,
                format!("lead \"{lead_id}\" is not tracked (no SLA or claim applies to it)"),
            )),
        }
    }

    /// Everything due at or before `now`, in time order, with its state change
    /// applied. Calling it again with the same `now` returns nothing new.
    pub fn tick(&self, state: &mut State, now: i64) -> Vec<Event> {
        let mut events = Vec::new();
        // Only records with something due are cloned and processed.
        let ids: Vec<String> = state
            .assignments
            .values()
            .filter(|a| self.has_due(a, now))
            .map(|a| a.lead_id.clone())
            .collect();
        for id in ids {
            let Some(a) = state.assignments.get(&id).cloned() else {
                continue;
            };
            if let Some(t) = a.touched_at {
                if now.saturating_sub(t) > KEEP_TOUCHED_MS {
                    state.assignments.remove(&id);
                }
                continue;
            }

            let Some(sla) = self.sla_for(&a).cloned() else {
                continue;
            };
            let mut updated = a.clone();
            for (k, after) in sla.remind_after_ms.iter().enumerate() {
                let due = a.assigned_at.saturating_add(*after);
                if (k as u32) < a.reminders {
                    continue;
                }
                if due > now {
                    break;
                }
                updated.reminders = k as u32 + 1;
                events.push(Event {
                    kind: EventKind::Reminder,
                    at: due,
                    lead_id: id.clone(),
                    rep: a.rep.clone(),
                    from_rep: None,
                    pool: None,
                    reason: format!("not contacted {} after assignment", human_duration(*after)),
                });
            }
            let breach = a.assigned_at.saturating_add(sla.first_touch_ms);
            if !a.escalated && breach <= now {
                updated.escalated = true;
                let why = format!(
                    "first-touch SLA of {} missed by {}",
                    human_duration(sla.first_touch_ms),
                    a.rep
                );
                // The manager who missed the SLA on a lead they hold (a default owner or
                // a fallback who is also `escalate_to`) is not told about themselves.
                let escalate = sla
                    .escalate_to
                    .and_then(|m| self.reps.get(m))
                    .filter(|m| m.id != a.rep);
                if let Some(m) = escalate {
                    events.push(Event {
                        kind: EventKind::Escalation,
                        at: breach,
                        lead_id: id.clone(),
                        rep: m.id.clone(),
                        from_rep: Some(a.rep.clone()),
                        pool: None,
                        reason: why.clone(),
                    });
                }
                if sla.reroute {
                    state.assignments.insert(id.clone(), updated.clone());
                    if let Some(e) = self.reroute(state, &updated, breach, now, &why) {
                        events.push(e);
                        continue;
                    }
                }
            }
            state.assignments.insert(id, updated);
        }
        // Finished records leave in the same tick that finished them, so a replayed
        // tick changes nothing.
        state
            .assignments
            .retain(|_, a| a.touched_at.is_some() || !self.finished(a, now));
        self.expire_pools(state, now, &mut events);
        crate::sort::sort_by(&mut events, |a, b| {
            a.at.cmp(&b.at)
                .then_with(|| a.lead_id.cmp(&b.lead_id))
                .then_with(|| a.kind.cmp(&b.kind))
        });
        events
    }

    /// Routes an SLA-breached lead again through its team, never back to a rep who
    /// missed it. Returns the event, or None when nobody else can take it.
    fn reroute(
        &self,
        state: &mut State,
        a: &Assignment,
        due: i64,
        now: i64,
        why: &str,
    ) -> Option<Event> {
        let ti = a
            .team
            .as_ref()
            .and_then(|t| self.team_ids.get(t))
            .copied()?;
        let mut exclude: Vec<usize> = a
            .missed_by
            .iter()
            .filter_map(|r| self.rep_index(r))
            .collect();
        let current = self.rep_index(&a.rep)?;
        exclude.push(current);
        let fields = a.fields.clone();
        let lead = self.lead_from_fields(&fields);
        let mut d = scratch_decision(&a.lead_id, a.rule.as_deref().and_then(|r| self.rule_id(r)));
        // Keep the missed-by list: `assign` copies it from the existing record.
        if let Some(rec) = state.assignments.get_mut(&a.lead_id) {
            rec.missed_by.push(a.rep.clone());
        }
        let sla = self.sla_for(a).cloned();
        let clock = Clock::new(self, now);
        // Only the fallback can hand the lead back to a rep who missed it, and reaching the
        // fallback changes nothing but its counters and this lead's record: keep those to
        // undo, instead of cloning the whole state.
        let saved_fallback = state.reps.get(self.fallback).cloned();
        let saved_record = state.assignments.get(&a.lead_id).cloned();
        let matched = self.caps_of(&lead, a.score);
        self.route_to_team(
            state,
            &mut d,
            ti,
            &lead,
            self.lead_caps(&matched),
            a.score,
            &exclude,
            sla.as_ref(),
            now,
            &clock,
        );
        let new_rep = d.rep.and_then(|r| self.rep_index(r));
        if new_rep.is_none_or(|r| exclude.contains(&r)) {
            if let (Some(saved), Some(slot)) = (saved_fallback, state.reps.get_mut(self.fallback)) {
                *slot = saved;
            }
            if let Some(mut rec) = saved_record {
                rec.missed_by.pop();
                state.assignments.insert(a.lead_id.clone(), rec);
            }
            return None;
        }
        let rep = d.rep.unwrap_or_default().to_string();
        Some(Event {
            kind: EventKind::Reassigned,
            at: due,
            lead_id: a.lead_id.clone(),
            rep,
            from_rep: Some(a.rep.clone()),
            pool: None,
            reason: format!("{why}; re-routed: {}", d.reason),
        })
    }

    fn rule_id(&self, id: &str) -> Option<&str> {
        self.rule(id).map(|r| r.id.as_str())
    }

    /// Pushes leads whose pool time ran out to the pool's `expire_to` team (or the
    /// fallback owner).
    fn expire_pools(&self, state: &mut State, now: i64, events: &mut Vec<Event>) {
        let due: Vec<String> = state
            .pooled
            .values()
            .filter(|p| p.expires_at.is_some_and(|e| e <= now))
            .map(|p| p.lead_id.clone())
            .collect();
        for id in due {
            let Some(p) = state.pooled.remove(&id) else {
                continue;
            };
            let pool = self.pool_ids.get(&p.pool).and_then(|i| self.pools.get(*i));
            let lead = self.lead_from_fields(&p.fields);
            let mut d = scratch_decision(&id, p.rule.as_deref().and_then(|r| self.rule_id(r)));
            let why = format!(
                "unclaimed in pool {}",
                pool.map_or(p.pool.as_str(), |x| x.name.as_str())
            );
            let matched = self.caps_of(&lead, p.score);
            let caps = self.lead_caps(&matched);
            match pool.and_then(|x| x.expire_to) {
                Some(ti) => {
                    let sla = self.teams.get(ti).and_then(|t| t.sla.clone());
                    let clock = Clock::new(self, now);
                    self.route_to_team(
                        state,
                        &mut d,
                        ti,
                        &lead,
                        caps,
                        p.score,
                        &[],
                        sla.as_ref(),
                        now,
                        &clock,
                    );
                }
                None => self.fallback(state, &mut d, &lead, caps, &why, None, now),
            }
            events.push(Event {
                kind: EventKind::PoolExpired,
                at: p.expires_at.unwrap_or(now),
                lead_id: id,
                rep: d.rep.unwrap_or_default().to_string(),
                from_rep: None,
                pool: Some(p.pool.clone()),
                reason: format!("{why}; pushed: {}", d.reason),
            });
        }
    }
}

fn scratch_decision<'r>(lead_id: &str, rule: Option<&'r str>) -> Decision<'r> {
    Decision {
        replayed: false,
        propensity: None,
        segment: None,
        lead_id: Some(lead_id.to_string()),
        outcome: Outcome::Assigned,
        via: Via::Reroute,
        rep: None,
        rep_name: None,
        calendar_url: None,
        team: None,
        pool: None,
        rule,
        reason: String::new(),
        score: None,
        trace: None,
        account_tier: None,
    }
}

/// `5 min`, `1 h`, `1 d 2 h`.
pub fn human_duration(ms: i64) -> String {
    let mins = ms / 60_000;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} d"));
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m} min"));
    }
    parts.join(" ")
}
