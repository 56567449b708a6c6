//! Pull distribution: leads waiting in pools, listings with visibility applied,
//! claims (exactly one winner) and releases. Also the open assignments SLA tracks.

use crate::lead::{Lead, Val};
use crate::model::Router;
use crate::state::{Assignment, LeadFields, PooledLead};
use serde::Serialize;
use std::collections::BTreeMap;

#[cfg(feature = "ts")]
use tsify::Tsify;
impl Router {
    /// The lead's declared fields as JSON (id included).
    pub fn lead_fields(&self, lead: &Lead) -> LeadFields {
        let mut out = BTreeMap::new();
        for (slot, name) in self.schema.names().enumerate() {
            let v = match lead.get(slot) {
                Val::Missing => continue,
                Val::Str(s) => serde_json::Value::String(s.to_string()),
                Val::Num(n) => serde_json::Number::from_f64(*n)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                Val::Bool(b) => serde_json::Value::Bool(*b),
            };
            out.insert(name.to_string(), v);
        }
        out
    }

    /// Rebuilds a lead from stored fields (for re-routing).
    pub fn lead_from_fields<'a>(&self, fields: &'a LeadFields) -> Lead<'a> {
        let mut values = vec![Val::Missing; self.schema.len()];
        for (name, v) in fields {
            if let Some(slot) = self.schema.slot(name) {
                let val = match v {
                    serde_json::Value::String(s) => Val::Str(std::borrow::Cow::Borrowed(s)),
                    serde_json::Value::Number(n) => n.as_f64().map_or(Val::Missing, Val::Num),
                    serde_json::Value::Bool(b) => Val::Bool(*b),
                    _ => Val::Missing,
                };
                if let Some(s) = values.get_mut(slot) {
                    *s = val;
                }
            }
        }
        Lead {
            values,
            created_at: None,
        }
    }
}

/// A pooled lead as one rep may see it: only the pool's visible fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct PoolListing {
    pub lead_id: String,
    pub pool: String,
    pub pooled_at: i64,
    pub expires_at: Option<i64>,
    /// Shown in cherry-pick pools only.
    pub score: Option<f64>,
    #[cfg_attr(
        feature = "ts",
        tsify(type = "Record<string, string | number | boolean>")
    )]
    pub fields: LeadFields,
}

/// A successful claim: the whole lead, revealed to its new owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct Claim {
    pub lead_id: String,
    pub pool: String,
    pub rep: String,
    pub claimed_at: i64,
    pub score: Option<f64>,
    #[cfg_attr(
        feature = "ts",
        tsify(type = "Record<string, string | number | boolean>")
    )]
    pub fields: LeadFields,
}

use crate::error::{StateCode, StateError};
use crate::state::State;

impl Router {
    fn pool_index(&self, id: &str) -> Result<usize, StateError> {
        self.pool_ids.get(id).copied().ok_or_else(|| {
            let ids = self.pools.iter().map(|p| p.id.as_str());
            StateError::with_code(
                StateCode::UnknownPool,
                match crate::error::did_you_mean(id, ids) {
                    Some(s) => format!("unknown pool \"{id}\" (did you mean \"{s}\"?)"),
                    None => format!("unknown pool \"{id}\""),
                },
            )
        })
    }

    pub(crate) fn rep_or_error(&self, id: &str) -> Result<usize, StateError> {
        self.rep_index(id).ok_or_else(|| {
            let ids = self.reps.iter().map(|r| r.id.as_str());
            StateError::with_code(
                StateCode::UnknownRep,
                match crate::error::did_you_mean(id, ids) {
                    Some(s) => format!("unknown rep \"{id}\" (did you mean \"{s}\"?)"),
                    None => format!("unknown rep \"{id}\""),
                },
            )
        })
    }

    /// The leads waiting in a pool as `rep` may see them (visibility applied), oldest
    /// first. Expired leads are not listed (the next `tick` pushes them).
    pub fn list_pool(
        &self,
        state: &State,
        pool: &str,
        rep: &str,
        now: i64,
    ) -> Result<Vec<PoolListing>, StateError> {
        let pi = self.pool_index(pool)?;
        let ri = self.rep_or_error(rep)?;
        let p = self
            .pools
            .get(pi)
            .ok_or_else(|| StateError::with_code(StateCode::UnknownPool, "unknown pool"))?;
        if !p.members.contains(&ri) {
            return Err(StateError::with_code(
                StateCode::NotMember,
                format!("rep \"{rep}\" cannot see pool \"{pool}\""),
            ));
        }
        let visible: Vec<&str> = p.visible.iter().map(|s| self.schema.name(*s)).collect();
        let local = self.reps.get(ri).map(|r| self.zone(r.zone).local(now));
        let mut out: Vec<PoolListing> = state
            .pooled
            .values()
            .filter(|l| l.pool == p.id && l.expires_at.is_none_or(|e| e > now))
            .filter(|l| {
                local
                    .as_ref()
                    .is_some_and(|t| self.unmet(p, ri, &l.fields, t).is_none())
            })
            .map(|l| PoolListing {
                lead_id: l.lead_id.clone(),
                pool: l.pool.clone(),
                pooled_at: l.pooled_at,
                expires_at: l.expires_at,
                score: match p.visibility {
                    crate::config::Visibility::CherryPick => l.score,
                    crate::config::Visibility::Blind => None,
                },
                fields: crate::sort::btree_map(
                    l.fields
                        .iter()
                        .filter(|(k, _)| visible.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone())),
                ),
            })
            .collect();
        crate::sort::sort_by(&mut out, |a, b| {
            a.pooled_at
                .cmp(&b.pooled_at)
                .then_with(|| a.lead_id.cmp(&b.lead_id))
        });
        Ok(out)
    }

    /// Claims a pooled lead for `rep`. Exactly one rep wins; claiming again as the
    /// winner returns the same claim and changes nothing.
    pub fn claim(
        &self,
        state: &mut State,
        lead_id: &str,
        rep: &str,
        now: i64,
    ) -> Result<Claim, StateError> {
        let ri = self.rep_or_error(rep)?;
        let Some(pooled) = state.pooled.get(lead_id) else {
            return match state.assignments.get(lead_id) {
                Some(a) if a.rep == rep && a.pool.is_some() => Ok(Claim {
                    lead_id: a.lead_id.clone(),
                    pool: a.pool.clone().unwrap_or_default(),
                    rep: a.rep.clone(),
                    claimed_at: a.assigned_at,
                    score: a.score,
                    fields: a.fields.clone(),
                }),
                Some(a) if a.pool.is_some() => Err(StateError::with_code(
                    StateCode::AlreadyClaimed,
                    format!("lead \"{lead_id}\" is already claimed by someone else"),
                )),
                _ => Err(StateError::with_code(
                    StateCode::UnknownLead,
                    format!("lead \"{lead_id}\" is not waiting in any pool"),
                )),
            };
        };
        let pi = self.pool_index(&pooled.pool)?;
        let p = self
            .pools
            .get(pi)
            .ok_or_else(|| StateError::with_code(StateCode::UnknownPool, "unknown pool"))?;
        if !p.members.contains(&ri) {
            // Not the pool's name: a non-member learns nothing about where the lead is.
            return Err(StateError::with_code(
                StateCode::NotMember,
                format!("rep \"{rep}\" cannot claim lead \"{lead_id}\": not a member of its pool"),
            ));
        }
        if pooled.expires_at.is_some_and(|e| e <= now) {
            return Err(StateError::with_code(
                StateCode::Expired,
                format!("lead \"{lead_id}\" has expired from pool \"{}\"", p.id),
            ));
        }
        let r = self
            .reps
            .get(ri)
            .ok_or_else(|| StateError::with_code(StateCode::UnknownRep, "unknown rep"))?;
        let local = self.zone(r.zone).local(now);
        let rs = state
            .reps
            .get(ri)
            .ok_or_else(|| StateError::with_code(StateCode::UnknownRep, "unknown rep"))?;
        // Conditional caps hold for claims as for pushed leads.
        let matched = self.pooled_caps(&pooled.fields, pooled.score);
        if let Some(u) = crate::select::availability::unavailable(
            r,
            rs,
            &local,
            crate::select::Checks::ALL,
            self.lead_caps(&matched),
        ) {
            return Err(StateError::with_code(
                StateCode::Unavailable,
                format!("rep \"{rep}\" cannot claim now: {}", u.describe()),
            ));
        }
        if let Some(what) = self.unmet(p, ri, &pooled.fields, &local) {
            return Err(StateError::with_code(
                StateCode::NotEligible,
                format!("rep \"{rep}\" cannot claim lead \"{lead_id}\": {what}"),
            ));
        }
        if p.visibility == crate::config::Visibility::Blind {
            let oldest = self.list_pool(state, &p.id, rep, now)?.into_iter().next();
            if oldest.is_none_or(|l| l.lead_id != lead_id) {
                return Err(StateError::with_code(
                    StateCode::OutOfOrder,
                    format!(
                        "pool \"{}\" is blind: its leads are claimed oldest first (claimNext)",
                        p.id
                    ),
                ));
            }
        }
        if let Some(limit) = p.claim_per_day {
            let n = rs.claims_on(local.day_key());
            if n >= limit {
                return Err(StateError::with_code(StateCode::LimitReached, format!(
                    "rep \"{rep}\" is over the claim limit of pool \"{}\": {n} of {limit} claims today",
                    p.id
                )));
            }
        }
        if let Some(limit) = p.claim_open {
            let open = state
                .assignments
                .values()
                .filter(|a| {
                    a.rep == rep && a.pool.as_deref() == Some(&p.id) && a.touched_at.is_none()
                })
                .count() as u32;
            if open >= limit {
                return Err(StateError::with_code(StateCode::LimitReached, format!(
                    "rep \"{rep}\" is over the claim limit of pool \"{}\": {open} of {limit} claimed leads not yet contacted",
                    p.id
                )));
            }
        }
        let Some(pooled) = state.pooled.remove(lead_id) else {
            return Err(StateError::with_code(
                StateCode::UnknownLead,
                "lead vanished",
            ));
        };
        if let Some(rs) = state.reps.get_mut(ri) {
            self.count(
                rs,
                ri,
                crate::model::rep::period_keys(&local),
                &matched,
                true,
            );
            let day = local.day_key();
            // Like period counts, an older day never replaces the current one.
            if day >= rs.claims.0 || rs.claims.1 == 0 {
                rs.claims = (day, rs.claims_on(day).saturating_add(1));
            }
        }
        let claim = Claim {
            lead_id: pooled.lead_id.clone(),
            pool: pooled.pool.clone(),
            rep: rep.to_string(),
            claimed_at: now,
            score: pooled.score,
            fields: pooled.fields.clone(),
        };
        state.assignments.insert(
            pooled.lead_id.clone(),
            Assignment {
                lead_id: pooled.lead_id,
                rep: rep.to_string(),
                team: None,
                rule: pooled.rule,
                pool: Some(pooled.pool),
                assigned_at: now,
                touched_at: None,
                reminders: 0,
                escalated: false,
                missed_by: Vec::new(),
                score: pooled.score,
                fields: pooled.fields,
            },
        );
        Ok(claim)
    }

    /// The pool requirement rep `ri` does not meet for a pooled lead, if any.
    fn unmet(
        &self,
        p: &crate::model::Pool,
        ri: usize,
        fields: &LeadFields,
        local: &crate::time::LocalTime,
    ) -> Option<String> {
        if p.require.is_empty() {
            return None;
        }
        let rep = self.reps.get(ri)?;
        let lead = self.lead_from_fields(fields);
        let computed = crate::condition::Computed::default();
        p.require.iter().find_map(|c| {
            let prep = crate::select::criteria::prepare(c, &lead, &computed);
            (!crate::select::criteria::passes(c, &prep, rep, local))
                .then(|| format!("does not meet the pool's requirement ({})", c.name()))
        })
    }

    /// The conditional cap rules a stored lead matches (none to evaluate without rules).
    fn pooled_caps(&self, fields: &LeadFields, score: Option<f64>) -> Vec<usize> {
        if self.cap_rules.is_empty() {
            return Vec::new();
        }
        self.caps_of(&self.lead_from_fields(fields), score)
    }

    /// Blind pull: claims the oldest lead in the pool that `rep` may claim.
    pub fn claim_next(
        &self,
        state: &mut State,
        pool: &str,
        rep: &str,
        now: i64,
    ) -> Result<Claim, StateError> {
        let first = self.list_pool(state, pool, rep, now)?.into_iter().next();
        match first {
            Some(l) => self.claim(state, &l.lead_id, rep, now),
            None => Err(StateError::with_code(
                StateCode::PoolEmpty,
                format!("pool \"{pool}\" is empty"),
            )),
        }
    }

    /// Gives a claimed lead back to its pool (the claimer only; before first touch).
    pub fn release(
        &self,
        state: &mut State,
        lead_id: &str,
        rep: &str,
        now: i64,
    ) -> Result<(), StateError> {
        let ri = self.rep_or_error(rep)?;
        match state.assignments.get(lead_id) {
            Some(a) if a.rep == rep && a.pool.is_some() && a.touched_at.is_none() => {}
            Some(a) if a.rep == rep && a.pool.is_some() => {
                return Err(StateError::with_code(
                    StateCode::AlreadyContacted,
                    format!("lead \"{lead_id}\" was already contacted and cannot be released"),
                ))
            }
            _ => {
                return Err(StateError::with_code(
                    StateCode::NotOwner,
                    format!("lead \"{lead_id}\" is not claimed by rep \"{rep}\""),
                ))
            }
        }
        let Some(a) = state.assignments.remove(lead_id) else {
            return Err(StateError::with_code(
                StateCode::UnknownLead,
                "lead vanished",
            ));
        };
        let pool_id = a.pool.unwrap_or_default();
        let expire = self
            .pool_ids
            .get(&pool_id)
            .and_then(|pi| self.pools.get(*pi))
            .and_then(|p| p.expire_after_ms);
        // The claim no longer counts against the rep's caps.
        let matched = self.pooled_caps(&a.fields, a.score);
        if let (Some(r), Some(rs)) = (self.reps.get(ri), state.reps.get_mut(ri)) {
            let then = crate::model::rep::period_keys(&self.zone(r.zone).local(a.assigned_at));
            self.count(rs, ri, then, &matched, false);
        }
        state.pooled.insert(
            a.lead_id.clone(),
            PooledLead {
                lead_id: a.lead_id,
                pool: pool_id,
                pooled_at: now,
                expires_at: expire.map(|ms| now.saturating_add(ms)),
                score: a.score,
                rule: a.rule,
                fields: a.fields,
            },
        );
        Ok(())
    }
}
