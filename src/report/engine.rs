//! The deterministic half of a simulation: the routing state, what is parked on the
//! timeline, the simulated clock and the claim tries. Cloned as the audit log's
//! checkpoints, so an explanation replays exactly what the run did.

use super::aggregate::Tally;
use super::claims::{time_to_claim, ClaimModel, TimeToClaim, MAX_CLAIM_TRIES};
use super::known::Known;
use super::timeline::{Parked, Timeline};
use crate::classify::Ticket;
use crate::decision::Decision;
use crate::lead::Lead;
use crate::model::Router;
use crate::route::RouteOptions;
use crate::sla::EventKind;
use crate::state::{PooledLead, State};
use std::collections::HashMap;

/// Where and when a lead is routed.
#[derive(Clone, Copy)]
pub struct Turn {
    pub at: i64,
    pub timed: bool,
}

#[derive(Clone)]
pub struct Engine {
    pub state: State,
    pub timeline: Timeline,
    /// Simulated time of the last lead routed.
    pub clock: Option<i64>,
    /// Claim tries per pooled lead id: `(tries made, time of the last)`.
    tries: HashMap<String, (u32, i64)>,
}

/// Claims counted for one pool.
#[derive(Debug, Clone, Default)]
pub struct PoolClaims {
    pub claimed: u64,
    pub from_history: u64,
    /// `claimed_at - pooled_at` per claim, ms.
    waits: Vec<i64>,
}

impl PoolClaims {
    pub fn time_to_claim(&self) -> Option<TimeToClaim> {
        time_to_claim(&self.waits)
    }
}

/// What routing writes: the counters (a replay writes into a scratch one).
pub struct Sink {
    pub tally: Tally,
    pub out_of_order: u64,
    pub claims: Vec<PoolClaims>,
    /// Claims made since last drained: `(lead id, rep index, at)`.
    pub claimed: Vec<(String, usize, i64)>,
    /// Pooled leads pushed to a rep on expiry since last drained: `(lead id, rep index)`.
    pub expired: Vec<(String, usize)>,
}

impl Sink {
    pub fn new(router: &Router, bucket: f64) -> Sink {
        Sink {
            tally: Tally::new(router, bucket),
            out_of_order: 0,
            claims: vec![PoolClaims::default(); router.pools.len()],
            claimed: Vec::new(),
            expired: Vec::new(),
        }
    }
}

impl Engine {
    pub fn new(router: &Router, touch_after_minutes: Option<u64>) -> Engine {
        Engine {
            state: router.new_state(),
            timeline: Timeline::new(router, touch_after_minutes),
            clock: None,
            tries: HashMap::new(),
        }
    }

    /// The clone's size, roughly: what it holds per remembered id, open assignment and
    /// parked item (strings and maps included).
    pub fn approx_bytes(&self) -> usize {
        let ids = self.state.ledger.len() + self.state.existing.len();
        let records = self.state.assignments.len() + self.state.pooled.len();
        4096 + ids * 112 + records * 320 + self.timeline.len() * 400 + self.tries.len() * 64
    }

    /// Routes one lead at its turn (after everything due before it), counting into `sink`.
    /// A ticket classified ahead is assigned instead (`classify` then `assign_ticket` is
    /// `route`), when it was classified with the trace this turn asks for.
    #[allow(clippy::too_many_arguments)]
    pub fn route<'r>(
        &mut self,
        router: &'r Router,
        claims: Option<&ClaimModel>,
        sink: &mut Sink,
        (lead, ticket): (&Lead, Option<Ticket<'r>>),
        known: Known,
        turn: Turn,
        trace: bool,
    ) -> Decision<'r> {
        // The lead parser's own reading of `created_at` is the one `route` users pass.
        let at = lead.created_at.unwrap_or(turn.at);
        let now = match self.clock {
            Some(c) if at < c => {
                if turn.timed {
                    sink.out_of_order += 1;
                }
                c
            }
            _ => at,
        };
        self.advance(router, claims, sink, now);
        self.clock = Some(now);
        let opts = RouteOptions {
            now,
            trace,
            stateless: false,
        };
        let d = match ticket {
            Some(t) if t.decision.trace.is_some() == trace => {
                router.assign_ticket(&mut self.state, t, lead, opts)
            }
            _ => router.route(&mut self.state, lead, opts),
        };
        sink.tally.decision(router, &self.state, &d, &known, now);
        let tally = &mut sink.tally;
        let tries = &self.tries;
        self.timeline.park(
            router,
            &mut self.state,
            |_| known,
            |pool| tally.waits_forever(router, pool),
            |p, k| claim_due(claims, tries, p, k),
        );
        d
    }

    /// Runs every claim try, touch, reminder, breach and pool expiry due up to `now`,
    /// each at its own time, in time order.
    pub fn advance(
        &mut self,
        router: &Router,
        claims: Option<&ClaimModel>,
        sink: &mut Sink,
        now: i64,
    ) {
        while let Some(due) = self.timeline.next_due() {
            if due > now {
                break;
            }
            let items = self.timeline.take_due(router, due);
            let mut moved: HashMap<String, (Known, Option<String>)> = HashMap::new();
            let mut touches = Vec::new();
            let mut tries = Vec::new();
            for item in items {
                match item {
                    Parked::Assignment(a, k) => {
                        if self.timeline.touch_at(&a).is_some_and(|t| t <= due) {
                            touches.push((a.lead_id.clone(), a.rep.clone()));
                        }
                        moved.insert(a.lead_id.clone(), (k, a.team.clone()));
                        self.state.assignments.insert(a.lead_id.clone(), a);
                    }
                    Parked::Pooled(p, k) => {
                        // Not expiring now: it is due for a claim try.
                        if p.expires_at.is_none_or(|e| e > due) {
                            tries.push((p.lead_id.clone(), p.pool.clone(), p.pooled_at, k));
                        }
                        moved.insert(p.lead_id.clone(), (k, None));
                        self.state.pooled.insert(p.lead_id.clone(), p);
                    }
                }
            }
            // A touch at the deadline itself is in time: touch before the tick.
            for (id, rep) in touches {
                if router.touch(&mut self.state, &id, &rep, due).is_ok() {
                    sink.tally.sla.touched += 1;
                }
            }
            if let Some(model) = claims {
                for (id, pool, pooled_at, k) in tries {
                    self.try_claim(router, model, sink, &id, &pool, pooled_at, &k, due);
                }
            }
            for e in router.tick(&mut self.state, due) {
                if e.kind == EventKind::PoolExpired {
                    self.tries.remove(&e.lead_id);
                    if let Some(ri) = router.rep_index(&e.rep) {
                        sink.expired.push((e.lead_id.clone(), ri));
                    }
                }
                let (known, team) = moved
                    .get(&e.lead_id)
                    .map_or((Known::default(), None), |(k, t)| (*k, t.as_deref()));
                sink.tally.event(router, &self.state, &e, &known, team);
            }
            let tally = &mut sink.tally;
            let tries = &self.tries;
            self.timeline.park(
                router,
                &mut self.state,
                |id| moved.get(id).map(|m| m.0).unwrap_or_default(),
                |pool| tally.waits_forever(router, pool),
                |p, k| claim_due(claims, tries, p, k),
            );
        }
    }

    /// One claim try: the history file's claimer, or the pool's members in a seeded
    /// order, each through `Router::claim` (limits, hours, caps, eligibility).
    #[allow(clippy::too_many_arguments)]
    fn try_claim(
        &mut self,
        router: &Router,
        model: &ClaimModel,
        sink: &mut Sink,
        id: &str,
        pool: &str,
        pooled_at: i64,
        k: &Known,
        now: i64,
    ) {
        let (n, _) = self.tries.get(id).copied().unwrap_or((0, pooled_at));
        let Some(pi) = router.pool_ids.get(pool).copied() else {
            return;
        };
        let history = model.from_history && k.claimed_by.is_some() && k.claimed_at.is_some();
        let candidates: Vec<usize> = match (history, k.claimed_by) {
            (true, Some(r)) => vec![r as usize],
            _ => {
                let members = router.pools.get(pi).map_or(&[][..], |p| &p.members[..]);
                let len = members.len().max(1);
                let start = (model.unit(id, n, 2) * len as f64) as usize % len;
                members
                    .iter()
                    .cycle()
                    .skip(start)
                    .take(members.len())
                    .copied()
                    .collect()
            }
        };
        for ri in candidates {
            let Some(rep) = router.reps.get(ri) else {
                continue;
            };
            if router.claim(&mut self.state, id, &rep.id, now).is_ok() {
                self.tries.remove(id);
                sink.tally.claimed(router, &self.state, ri, k, now);
                if let Some(c) = sink.claims.get_mut(pi) {
                    c.claimed += 1;
                    c.from_history += u64::from(history);
                    c.waits.push(now.saturating_sub(pooled_at));
                }
                sink.claimed.push((id.to_string(), ri, now));
                return;
            }
        }
        // A claim the history records but this run cannot make is not tried again.
        let n = if history { MAX_CLAIM_TRIES } else { n + 1 };
        self.tries.insert(id.to_string(), (n, now));
    }
}

/// When `p` is next tried: the history file's claim time, or the last try plus a drawn
/// delay; None when the model does not claim from its pool or the tries are used up.
fn claim_due(
    claims: Option<&ClaimModel>,
    tries: &HashMap<String, (u32, i64)>,
    p: &PooledLead,
    k: &Known,
) -> Option<i64> {
    let model = claims?;
    let (n, last) = tries.get(&p.lead_id).copied().unwrap_or((0, p.pooled_at));
    if n >= MAX_CLAIM_TRIES {
        return None;
    }
    if model.from_history {
        if let (Some(_), Some(at)) = (k.claimed_by, k.claimed_at) {
            return (n == 0).then_some(at.max(p.pooled_at));
        }
    }
    let delay = model.delay_of(&p.pool)?;
    Some(last.saturating_add(model.draw(delay, &p.lead_id, n)))
}
