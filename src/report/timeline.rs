//! What is still due after routing: open SLA assignments and pooled leads, parked outside
//! the routing state by the time their next reminder, breach, touch or expiry falls due.
//!
//! `tick` looks at every tracked assignment and pooled lead, and a re-route clones the
//! whole state; over a million leads that is quadratic. Parking keeps the state holding
//! only what is due at the moment it is ticked, so each tick costs what it changes.

use super::known::Known;
use crate::model::{Router, Sla};
use crate::state::State;
use crate::state::{Assignment, PooledLead};
use std::collections::{BTreeMap, HashMap};

#[derive(Clone)]
pub enum Parked {
    Assignment(Assignment, Known),
    Pooled(PooledLead, Known),
}

/// Parked items by `(due, sequence)`; the indexes find a lead's entry when the same id
/// is assigned or pooled again (the state keeps one record per id, so must we).
#[derive(Clone)]
pub struct Timeline {
    queue: BTreeMap<(i64, u64), Parked>,
    assigned: HashMap<String, (i64, u64)>,
    pooled: HashMap<String, (i64, u64)>,
    /// Parked pooled leads per pool index.
    per_pool: Vec<u64>,
    seq: u64,
    touch_after_ms: Option<i64>,
    sla_by_rule: HashMap<String, Sla>,
    sla_by_team: HashMap<String, Sla>,
}

impl Timeline {
    pub fn new(router: &Router, touch_after_minutes: Option<u64>) -> Timeline {
        Timeline {
            queue: BTreeMap::new(),
            assigned: HashMap::new(),
            pooled: HashMap::new(),
            per_pool: vec![0; router.pools.len()],
            seq: 0,
            touch_after_ms: touch_after_minutes.map(|m| m.min(1 << 30) as i64 * 60_000),
            sla_by_rule: router
                .rules
                .iter()
                .rev()
                .filter_map(|r| Some((r.id.clone(), r.sla.clone()?)))
                .collect(),
            sla_by_team: router
                .teams
                .iter()
                .rev()
                .filter_map(|t| Some((t.id.clone(), t.sla.clone()?)))
                .collect(),
        }
    }

    /// The SLA that applies: the rule's, else the team's (as `tick` decides).
    fn sla(&self, a: &Assignment) -> Option<&Sla> {
        let rule = a.rule.as_ref().and_then(|r| self.sla_by_rule.get(r));
        rule.or_else(|| a.team.as_ref().and_then(|t| self.sla_by_team.get(t)))
    }

    /// When something next happens to `a`, or None when nothing will.
    fn assignment_due(&self, a: &Assignment) -> Option<i64> {
        if a.touched_at.is_some() {
            return None;
        }
        let sla = self.sla(a)?;
        let reminder = usize::try_from(a.reminders)
            .ok()
            .and_then(|k| sla.remind_after_ms.get(k))
            .map(|ms| a.assigned_at.saturating_add(*ms));
        let breach = (!a.escalated).then(|| a.assigned_at.saturating_add(sla.first_touch_ms));
        let event = match (reminder, breach) {
            (Some(r), Some(b)) => r.min(b),
            (r, b) => r.or(b)?,
        };
        Some(match self.touch_at(a) {
            Some(t) => t.min(event),
            None => event,
        })
    }

    /// When the simulated owner touches `a`.
    pub fn touch_at(&self, a: &Assignment) -> Option<i64> {
        self.touch_after_ms
            .map(|ms| a.assigned_at.saturating_add(ms))
    }

    /// Moves every tracked assignment and pooled lead out of `state` into the queue.
    /// A pooled lead is due at its expiry or its next claim try (`claim_due`), whichever
    /// comes first; one with neither is handed to `forever`. Finished assignments are
    /// dropped.
    pub fn park(
        &mut self,
        router: &Router,
        state: &mut State,
        known: impl Fn(&str) -> Known,
        mut forever: impl FnMut(&str),
        mut claim_due: impl FnMut(&PooledLead, &Known) -> Option<i64>,
    ) {
        for (id, a) in std::mem::take(&mut state.assignments) {
            if let Some(old) = self.assigned.remove(&id) {
                self.queue.remove(&old);
            }
            let mut a = a;
            // The fields are only read to re-route a breach; once that cannot happen,
            // drop them so each later tick clones a small record.
            if a.escalated || self.sla(&a).is_none_or(|s| !s.reroute) {
                a.fields.clear();
            }
            if let Some(due) = self.assignment_due(&a) {
                self.seq += 1;
                let key = (due, self.seq);
                let k = known(&id);
                self.assigned.insert(id, key);
                self.queue.insert(key, Parked::Assignment(a, k));
            }
        }
        for (id, p) in std::mem::take(&mut state.pooled) {
            if let Some(old) = self.pooled.remove(&id) {
                if let Some(Parked::Pooled(was, _)) = self.queue.remove(&old) {
                    self.count_pool(router, &was.pool, -1);
                }
            }
            let k = known(&id);
            let due = match (p.expires_at, claim_due(&p, &k)) {
                (Some(e), Some(c)) => Some(e.min(c)),
                (e, c) => e.or(c),
            };
            match due {
                Some(due) => {
                    self.seq += 1;
                    let key = (due, self.seq);
                    self.count_pool(router, &p.pool, 1);
                    self.pooled.insert(id, key);
                    self.queue.insert(key, Parked::Pooled(p, k));
                }
                None => forever(&p.pool),
            }
        }
    }

    fn count_pool(&mut self, router: &Router, pool: &str, delta: i64) {
        let slot = router
            .pool_ids
            .get(pool)
            .and_then(|pi| self.per_pool.get_mut(*pi));
        if let Some(n) = slot {
            *n = n.saturating_add_signed(delta);
        }
    }

    /// Items parked.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn next_due(&self) -> Option<i64> {
        self.queue.keys().next().map(|(due, _)| *due)
    }

    /// Takes every item due at `due` (the earliest due time).
    pub fn take_due(&mut self, router: &Router, due: i64) -> Vec<Parked> {
        let mut out = Vec::new();
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > due {
                break;
            }
            let item = entry.remove();
            match &item {
                Parked::Assignment(a, _) => {
                    self.assigned.remove(&a.lead_id);
                }
                Parked::Pooled(p, _) => {
                    self.pooled.remove(&p.lead_id);
                    self.count_pool(router, &p.pool, -1);
                }
            }
            out.push(item);
        }
        out
    }

    /// Assignments still under an open SLA.
    pub fn open(&self) -> u64 {
        self.assigned.len() as u64
    }

    /// Pooled leads still waiting, per pool index.
    pub fn waiting(&self) -> &[u64] {
        &self.per_pool
    }
}
