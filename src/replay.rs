//! Idempotent routing: the placement of every lead routed within the remembered window
//! is kept by id, so a repeat (a retried form post, a replayed webhook) returns the same
//! decision marked `replayed` and counts nothing; `route_again` moves a lead on purpose.

use crate::decision::{Decision, Outcome, Trace, Via};
use crate::lead::Lead;
use crate::model::Router;
use crate::route::RouteOptions;
use crate::state::{Routed, State};
use crate::text::join;

/// The most lead ids a state remembers; older ones are forgotten first.
pub const MAX_REMEMBERED: usize = 1_000_000;

impl Router {
    /// The earlier placement of `id`, if the state knows the lead.
    pub(crate) fn replay<'r>(
        &'r self,
        state: &State,
        id: &str,
        opts: RouteOptions,
    ) -> Option<Decision<'r>> {
        let mut routed = state.ledger.get(id).copied();
        // Where it is now: claimed, re-routed or expired into a team since.
        if let Some(a) = state.assignments.get(id) {
            let r = routed.get_or_insert(Routed {
                at: a.assigned_at,
                outcome: Outcome::Assigned,
                via: Via::Claim,
                rep: None,
                team: None,
                pool: None,
                rule: None,
                score: a.score,
                segment: 0,
                outcome_recorded: false,
            });
            r.outcome = Outcome::Assigned;
            r.rep = self.rep_index(&a.rep).map(|i| i as u32);
        } else if let Some(p) = state.pooled.get(id) {
            let r = routed.get_or_insert(Routed {
                at: p.pooled_at,
                outcome: Outcome::Pooled,
                via: Via::Pool,
                rep: None,
                team: None,
                pool: None,
                rule: None,
                score: p.score,
                segment: 0,
                outcome_recorded: false,
            });
            r.outcome = Outcome::Pooled;
            r.rep = None;
            r.pool = self.pool_ids.get(&p.pool).map(|i| *i as u32);
        }
        let r = routed?;
        let rep = r.rep.and_then(|i| self.reps.get(i as usize));
        let team = r.team.and_then(|i| self.teams.get(i as usize));
        let pool = r.pool.and_then(|i| self.pools.get(i as usize));
        let rule = r
            .rule
            .and_then(|i| self.rules.get(i as usize))
            .map(|x| x.id.as_str());
        let place = match (r.outcome, rep, pool) {
            (Outcome::Assigned, Some(rep), _) => join(&["assigned to ", &rep.name]),
            (Outcome::Pooled, _, Some(p)) => join(&["waiting in pool ", &p.name]),
            (o, _, _) => o.as_str().to_string(),
        };
        let reason = join(&[
            "lead \"",
            id,
            "\" was routed before (",
            &place,
            "): the same decision, nothing counted again",
        ]);
        let mut trace = opts.trace.then(Trace::default);
        if let Some(t) = trace.as_mut() {
            t.steps.push(reason.clone());
        }
        Some(Decision {
            lead_id: Some(id.to_string()),
            outcome: r.outcome,
            via: r.via,
            rep: rep.map(|x| x.id.as_str()),
            rep_name: rep.map(|x| x.name.as_str()),
            calendar_url: rep.and_then(|x| x.calendar_url.as_deref()),
            team: team.map(|t| t.id.as_str()),
            pool: pool.map(|p| p.id.as_str()),
            rule,
            reason,
            score: r.score.map(|total| crate::decision::Score {
                total,
                grade: self.computed(Some(total)).grade,
                mql: self
                    .scoring
                    .as_ref()
                    .and_then(|s| s.mql)
                    .is_none_or(|m| total >= m),
                groups: Vec::new(),
                breakdown: Vec::new(),
            }),
            replayed: true,
            propensity: None,
            segment: None,
            trace,
            account_tier: None,
        })
    }

    /// Remembers a new decision's placement under its lead id.
    pub(crate) fn remember(&self, state: &mut State, d: &Decision, now: i64) {
        let Some(id) = d.lead_id.as_deref().filter(|_| self.remember_ms > 0) else {
            return;
        };
        let idx = |m: &crate::fxhash::FxHashMap<String, usize>, v: Option<&str>| {
            v.and_then(|v| m.get(v)).map(|i| *i as u32)
        };
        let routed = Routed {
            at: now,
            outcome: d.outcome,
            via: d.via,
            rep: idx(&self.rep_ids, d.rep),
            team: idx(&self.team_ids, d.team),
            pool: idx(&self.pool_ids, d.pool),
            rule: idx(&self.rule_ids, d.rule),
            score: d.score.as_ref().map(|s| s.total),
            segment: d
                .segment
                .as_deref()
                .and_then(|s| u64::from_str_radix(s, 16).ok())
                .unwrap_or(0),
            outcome_recorded: false,
        };
        state
            .ledger
            .record(id, routed, self.remember_ms, MAX_REMEMBERED);
    }

    /// Routes a lead again on purpose: its earlier placement is undone (out of its pool,
    /// or its rep's counts taken back) and it is routed as new.
    pub fn route_again<'r>(
        &'r self,
        state: &mut State,
        lead: &Lead,
        opts: RouteOptions,
    ) -> Decision<'r> {
        if let Some(id) = lead.id() {
            let earlier = state.ledger.get(id).copied();
            state.pooled.remove(id);
            let holder = match state.assignments.remove(id) {
                Some(a) => self.rep_index(&a.rep).map(|r| (r, a.assigned_at)),
                None => earlier
                    .filter(|e| e.outcome == Outcome::Assigned)
                    .and_then(|e| e.rep.map(|r| (r as usize, e.at))),
            };
            if let Some((ri, at)) = holder {
                let score = earlier.and_then(|e| e.score);
                let matched = self.caps_of(lead, score);
                if let (Some(rep), Some(rs)) = (self.reps.get(ri), state.reps.get_mut(ri)) {
                    let keys = crate::model::rep::period_keys(&self.zone(rep.zone).local(at));
                    self.count(rs, ri, keys, &matched, false);
                }
            }
            state.ledger.forget(id);
        }
        let mut d = self.route_new(state, lead, opts);
        self.remember(state, &d, opts.now);
        d.reason = join(&["re-routed on request: ", &d.reason]);
        if let Some(t) = d.trace.as_mut() {
            t.steps.push(d.reason.clone());
        }
        d
    }
}
