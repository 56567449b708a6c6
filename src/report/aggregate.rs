//! The running counters of a simulation: every decision and SLA event updates fixed-size
//! tallies (per rep, team, rule, pool), so memory does not grow with the number of leads.

use super::fairness::Fairness;
use super::known::Known;
use super::{
    Bucket, CapReached, Caps, Conversion, Outcomes, PerPeriod, PoolReport, RepReport, Report,
    RuleReport, ScoreReport, SlaReport, TeamReport, MAX_SCORE_BUCKETS,
};
use crate::clock::Clock;
use crate::config::Status;
use crate::decision::{Decision, Outcome, Via};
use crate::fxhash::FxHashMap as HashMap;
use crate::model::rep::Unavailable;
use crate::model::{Router, Target};
use crate::sla::{Event, EventKind};
use crate::state::State;
use std::collections::BTreeMap;

/// The name reports use for a `via` (its serialized form).
pub fn via_name(v: Via) -> &'static str {
    v.as_str()
}

const VIAS: [Via; Via::ALL.len()] = Via::ALL;

#[derive(Debug, Clone, Copy, Default)]
pub struct ConvTally {
    leads: u64,
    converted: u64,
    revenue: f64,
}

impl ConvTally {
    fn add(&mut self, k: &Known) {
        if let Some(c) = k.converted {
            self.leads += 1;
            self.converted += u64::from(c);
            self.revenue += k.revenue();
        }
    }
    fn sub(&mut self, k: &Known) {
        if let Some(c) = k.converted {
            self.leads = self.leads.saturating_sub(1);
            self.converted = self.converted.saturating_sub(u64::from(c));
            self.revenue -= k.revenue();
        }
    }
    fn report(&self) -> Option<Conversion> {
        (self.leads > 0).then(|| Conversion {
            leads: self.leads,
            converted: self.converted,
            rate: self.converted as f64 / self.leads as f64,
            revenue: self.revenue,
        })
    }
}

#[derive(Debug, Clone, Default)]
struct RepTally {
    assigned: u64,
    received: u64,
    rerouted_away: u64,
    peak: [u32; 3],
    capped: [u32; 3],
    skipped: [u64; Unavailable::ALL.len()],
    missed_sla: u64,
    conv: ConvTally,
    /// Week and month caps reached, when (one entry per period reached).
    cap_reached: Vec<CapReached>,
}

/// The cap of period `i` (1 week, 2 month) reached at `local`.
fn cap_reached(i: usize, cap: u32, local: &crate::time::LocalTime) -> CapReached {
    let (period, day, length) = if i == 1 {
        ("week", u32::from(local.weekday) + 1, 7)
    } else {
        let next = if local.month == 12 {
            crate::time::days_from_civil(local.year + 1, 1, 1)
        } else {
            crate::time::days_from_civil(local.year, local.month + 1, 1)
        };
        let first = crate::time::days_from_civil(local.year, local.month, 1);
        (
            "month",
            u32::from(local.day),
            u32::try_from(next - first).unwrap_or(30),
        )
    };
    let (y, m, d) = crate::time::civil_from_days(local.days);
    CapReached {
        period: period.to_string(),
        cap,
        date: format!("{y:04}-{m:02}-{d:02}"),
        day,
        days_left: length.saturating_sub(day),
    }
}

#[derive(Debug, Clone, Default)]
struct TeamTally {
    leads: u64,
    to_default_owner: u64,
    to_fallback: u64,
    /// Leads owned per member position.
    members: Vec<u64>,
}

#[derive(Debug, Clone, Default)]
struct RuleTally {
    hits: u64,
    conv: ConvTally,
}

#[derive(Debug, Clone, Default)]
struct ScoreTally {
    scored: u64,
    sum: f64,
    min: f64,
    max: f64,
    below_mql: u64,
    /// `(bucket key, count)`, sorted by key (at most [`MAX_SCORE_BUCKETS`]).
    buckets: Vec<(i64, u64)>,
    outside: u64,
    grades: BTreeMap<String, u64>,
    rejected: super::RejectedScores,
}

#[derive(Debug, Clone, Default)]
struct PoolTally {
    pooled: u64,
    expired: u64,
    /// Pooled in a pool without expiry: waiting for good.
    forever: u64,
}

/// Counters for one simulation. Indexes follow the router's reps, teams, rules, pools.
#[derive(Debug, Clone)]
pub struct Tally {
    pub leads: u64,
    outcomes: Outcomes,
    rejected_by: BTreeMap<String, u64>,
    via: [u64; VIAS.len()],
    unmatched: u64,
    reps: Vec<RepTally>,
    teams: Vec<TeamTally>,
    rules: Vec<RuleTally>,
    screening: Vec<RuleTally>,
    screening_index: HashMap<String, usize>,
    pools: Vec<PoolTally>,
    score: ScoreTally,
    bucket: f64,
    pub sla: SlaReport,
    conversion: ConvTally,
    assigned_conversion: ConvTally,
}

impl Tally {
    pub fn new(router: &Router, bucket: f64) -> Tally {
        let screening_ids: Vec<&str> = std::iter::once("required")
            .chain(router.screening.iter().map(|r| r.id.as_str()))
            .collect();
        Tally {
            leads: 0,
            outcomes: Outcomes::default(),
            rejected_by: BTreeMap::new(),
            via: [0; VIAS.len()],
            unmatched: 0,
            reps: vec![RepTally::default(); router.reps.len()],
            teams: router
                .teams
                .iter()
                .map(|t| TeamTally {
                    members: vec![0; t.members.len()],
                    ..TeamTally::default()
                })
                .collect(),
            rules: vec![RuleTally::default(); router.rules.len()],
            screening: vec![RuleTally::default(); screening_ids.len()],
            screening_index: screening_ids
                .iter()
                .enumerate()
                .rev()
                .map(|(i, r)| (r.to_string(), i))
                .collect(),
            pools: vec![PoolTally::default(); router.pools.len()],
            score: ScoreTally::default(),
            bucket: if bucket.is_finite() && bucket > 0.0 {
                bucket
            } else {
                10.0
            },
            sla: SlaReport::default(),
            conversion: ConvTally::default(),
            assigned_conversion: ConvTally::default(),
        }
    }

    /// Counts one routing decision, made at `now`; `state` is the state after it.
    pub fn decision(
        &mut self,
        router: &Router,
        state: &State,
        d: &Decision,
        known: &Known,
        now: i64,
    ) {
        self.leads += 1;
        self.conversion.add(known);
        if let Some(i) = VIAS.iter().position(|v| *v == d.via) {
            if let Some(n) = self.via.get_mut(i) {
                *n += 1;
            }
        }
        match d.outcome {
            Outcome::Assigned => self.outcomes.assigned += 1,
            Outcome::Pooled => self.outcomes.pooled += 1,
            Outcome::Nurture => self.outcomes.nurture += 1,
            Outcome::Rejected => self.outcomes.rejected += 1,
        }
        match &d.score {
            Some(s) if d.outcome == Outcome::Rejected => {
                let r = &mut self.score.rejected;
                r.scored += 1;
                r.mql += u64::from(s.mql);
                if let Some(g) = s.grade {
                    *r.grades.entry(g.to_string()).or_default() += 1;
                }
            }
            Some(s) => self.score(s.total, s.grade, s.mql),
            None => {}
        }

        // Rules: screening rules for rejections, routing rules otherwise.
        match (d.outcome, d.rule) {
            (Outcome::Rejected, rule) => {
                let rule = rule.unwrap_or("required");
                match self.rejected_by.get_mut(rule) {
                    Some(n) => *n += 1,
                    None => {
                        self.rejected_by.insert(rule.to_string(), 1);
                    }
                }
                if let Some(t) = self
                    .screening_index
                    .get(rule)
                    .and_then(|i| self.screening.get_mut(*i))
                {
                    t.hits += 1;
                    t.conv.add(known);
                }
            }
            (_, Some(rule)) => {
                if let Some(t) = router
                    .rule_ids
                    .get(rule)
                    .and_then(|i| self.rules.get_mut(*i))
                {
                    t.hits += 1;
                    t.conv.add(known);
                }
            }
            (Outcome::Assigned, None) if d.via == Via::Fallback => self.unmatched += 1,
            _ => {}
        }

        let assigned = d.rep.and_then(|r| router.rep_index(r));
        if d.outcome == Outcome::Assigned {
            self.assigned_conversion.add(known);
            if let Some(ri) = assigned {
                if let Some(r) = self.reps.get_mut(ri) {
                    r.assigned += 1;
                    r.conv.add(known);
                }
                self.note_load(router, state, ri, now);
            }
        }
        if let Some(pi) = d.pool.and_then(|p| router.pool_ids.get(p)) {
            if let Some(p) = self.pools.get_mut(*pi) {
                p.pooled += 1;
            }
        }
        let team = d.team.and_then(|t| router.team_ids.get(t)).copied();
        if let Some(ti) = team {
            self.team_lead(router, ti, assigned, d.via);
        }
        self.skipped(router, state, d, team, assigned, now);
    }

    fn score(&mut self, total: f64, grade: Option<&str>, mql: bool) {
        let s = &mut self.score;
        if s.scored == 0 || total < s.min {
            s.min = total;
        }
        if s.scored == 0 || total > s.max {
            s.max = total;
        }
        s.scored += 1;
        s.sum += total;
        if !mql {
            s.below_mql += 1;
        }
        let key = (total / self.bucket).floor();
        let key = if key.is_finite() && key.abs() < 1e15 {
            key as i64
        } else {
            i64::MAX
        };
        let room = s.buckets.len() < MAX_SCORE_BUCKETS && key != i64::MAX;
        match s.buckets.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(i) => {
                if let Some((_, n)) = s.buckets.get_mut(i) {
                    *n += 1;
                }
            }
            Err(i) if room => s.buckets.insert(i, (key, 1)),
            Err(_) => s.outside += 1,
        }
        if let Some(g) = grade {
            match s.grades.get_mut(g) {
                Some(n) => *n += 1,
                None => {
                    s.grades.insert(g.to_string(), 1);
                }
            }
        }
    }

    /// A lead placed by team `ti`, with `rep` (a member, its default owner or the fallback).
    fn team_lead(&mut self, router: &Router, ti: usize, rep: Option<usize>, via: Via) {
        if let Some(t) = self.teams.get_mut(ti) {
            t.leads += 1;
            match via {
                Via::TeamDefaultOwner => t.to_default_owner += 1,
                Via::Fallback => t.to_fallback += 1,
                _ => {}
            }
        }
        self.member_load(router, ti, rep, 1);
    }

    fn member_load(&mut self, router: &Router, ti: usize, rep: Option<usize>, delta: i64) {
        let pos = router
            .teams
            .get(ti)
            .and_then(|team| rep.and_then(|ri| team.members.iter().position(|m| *m == ri)));
        let slot = pos.and_then(|p| self.teams.get_mut(ti).and_then(|t| t.members.get_mut(p)));
        if let Some(n) = slot {
            *n = n.saturating_add_signed(delta);
        }
    }

    /// Peak loads and caps reached, read from the rep's counters after an assignment.
    fn note_load(&mut self, router: &Router, state: &State, ri: usize, now: i64) {
        let (Some(rep), Some(rs), Some(t)) =
            (router.reps.get(ri), state.rep(ri), self.reps.get_mut(ri))
        else {
            return;
        };
        for (i, counts) in rs.periods.iter().enumerate() {
            let count = counts.latest();
            if let Some(peak) = t.peak.get_mut(i) {
                *peak = (*peak).max(count);
            }
            if let (Some(Some(cap)), Some(capped)) = (rep.caps.get(i), t.capped.get_mut(i)) {
                if count == *cap {
                    *capped += 1;
                    if i > 0 {
                        let local = router.zone(rep.zone).local(now);
                        t.cap_reached.push(cap_reached(i, *cap, &local));
                    }
                }
            }
        }
    }

    /// Who could not take the lead when it came: the team's members (and its default
    /// owner when the lead fell through to the fallback), or the rep a rule names. Asking
    /// after the decision gives the router's answer without building a trace: only the
    /// rep who got the lead has a new count, and counts only make a cap reason stick.
    fn skipped(
        &mut self,
        router: &Router,
        state: &State,
        d: &Decision,
        team: Option<usize>,
        assigned: Option<usize>,
        now: i64,
    ) {
        let clock = Clock::new(router, now);
        // Only a rep the strategy picked could take it; anyone else who was asked could not
        // (the fallback owner takes a lead even when unavailable, so may be counted too).
        let picked = if d.via == Via::Team { assigned } else { None };
        let check = |tally: &mut Tally, ri: usize| {
            if Some(ri) == picked {
                return;
            }
            let (Some(rep), Some(rs)) = (router.reps.get(ri), state.rep(ri)) else {
                return;
            };
            let local = clock.rep(ri);
            let checks = crate::select::Checks::ALL;
            let caps = crate::select::LeadCaps::default();
            if let Some(u) = crate::select::availability::unavailable(rep, rs, &local, checks, caps)
            {
                if let Some(n) = tally
                    .reps
                    .get_mut(ri)
                    .and_then(|r| r.skipped.get_mut(u as usize))
                {
                    *n += 1;
                }
            }
        };
        if let Some(team) = team.and_then(|ti| router.teams.get(ti)) {
            for m in &team.members {
                check(self, *m);
            }
            if d.via == Via::Fallback {
                if let Some(owner) = team.default_owner {
                    check(self, owner);
                }
            }
        } else if d.via == Via::Fallback {
            let named = d
                .rule
                .and_then(|r| router.rule(r))
                .and_then(|r| match r.target {
                    Target::Rep(ri) => Some(ri),
                    _ => None,
                });
            if let Some(ri) = named {
                check(self, ri);
            }
        }
    }

    /// Counts one SLA or pool event. `known` and `team` belong to the lead it concerns
    /// (the team it was assigned through, for re-routes).
    pub fn event(
        &mut self,
        router: &Router,
        state: &State,
        e: &Event,
        known: &Known,
        team: Option<&str>,
    ) {
        let rep = router.rep_index(&e.rep);
        match e.kind {
            EventKind::Reminder => self.sla.reminders += 1,
            EventKind::Escalation => {
                self.sla.escalations += 1;
                let missed = e.from_rep.as_deref().and_then(|r| router.rep_index(r));
                if let Some(r) = missed.and_then(|ri| self.reps.get_mut(ri)) {
                    r.missed_sla += 1;
                }
            }
            EventKind::Reassigned => {
                self.sla.reassigned += 1;
                let from = e.from_rep.as_deref().and_then(|r| router.rep_index(r));
                if let Some(r) = from.and_then(|ri| self.reps.get_mut(ri)) {
                    r.rerouted_away += 1;
                    r.conv.sub(known);
                }
                if let Some(ri) = rep {
                    if let Some(r) = self.reps.get_mut(ri) {
                        r.received += 1;
                        r.conv.add(known);
                    }
                    self.note_load(router, state, ri, e.at);
                }
                // Not a new lead for the team: only which member owns it changed.
                if let Some(ti) = team.and_then(|t| router.team_ids.get(t)).copied() {
                    self.member_load(router, ti, from, -1);
                    self.member_load(router, ti, rep, 1);
                }
            }
            EventKind::PoolExpired => {
                self.sla.pool_expired += 1;
                self.assigned_conversion.add(known);
                let pool = e.pool.as_deref().and_then(|p| router.pool_ids.get(p));
                if let Some(p) = pool.and_then(|pi| self.pools.get_mut(*pi)) {
                    p.expired += 1;
                }
                if let Some(ri) = rep {
                    if let Some(r) = self.reps.get_mut(ri) {
                        r.received += 1;
                        r.conv.add(known);
                    }
                    self.note_load(router, state, ri, e.at);
                }
                let team = pool
                    .and_then(|pi| router.pools.get(*pi))
                    .and_then(|p| p.expire_to);
                if let Some(ti) = team {
                    let in_team = router
                        .teams
                        .get(ti)
                        .is_some_and(|t| rep.is_some_and(|ri| t.members.contains(&ri)));
                    let via = if in_team {
                        Via::Team
                    } else if router.teams.get(ti).and_then(|t| t.default_owner) == rep {
                        Via::TeamDefaultOwner
                    } else {
                        Via::Fallback
                    };
                    self.team_lead(router, ti, rep, via);
                }
            }
        }
    }

    /// A pooled lead in a pool without expiry: it waits for good.
    /// A member claimed a pooled lead: it is the rep's now.
    pub fn claimed(&mut self, router: &Router, state: &State, ri: usize, known: &Known, now: i64) {
        self.assigned_conversion.add(known);
        if let Some(r) = self.reps.get_mut(ri) {
            r.received += 1;
            r.conv.add(known);
        }
        self.note_load(router, state, ri, now);
    }

    pub fn waits_forever(&mut self, router: &Router, pool: &str) {
        if let Some(p) = router
            .pool_ids
            .get(pool)
            .and_then(|pi| self.pools.get_mut(*pi))
        {
            p.forever += 1;
        }
    }

    /// Fills the aggregate parts of `out`; `waiting` is the leads parked per pool index.
    pub fn fill(&self, router: &Router, waiting: &[u64], out: &mut Report) {
        out.leads = self.leads;
        out.outcomes = self.outcomes;
        out.rejected_by = self.rejected_by.clone();
        out.via = crate::sort::btree_map(
            VIAS.iter()
                .zip(self.via)
                .filter(|(_, n)| *n > 0)
                .map(|(v, n)| (via_name(*v).to_string(), n)),
        );
        out.unmatched = self.unmatched;

        let owned = |t: &RepTally| (t.assigned + t.received).saturating_sub(t.rerouted_away);
        let total: u64 = self.reps.iter().map(owned).sum();
        out.reps = router
            .reps
            .iter()
            .zip(&self.reps)
            .map(|(r, t)| {
                let leads = owned(t);
                let per = |a: [u32; 3]| PerPeriod {
                    day: a[0],
                    week: a[1],
                    month: a[2],
                };
                RepReport {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    leads,
                    share: if total == 0 {
                        0.0
                    } else {
                        leads as f64 / total as f64
                    },
                    assigned: t.assigned,
                    received: t.received,
                    rerouted_away: t.rerouted_away,
                    caps: Caps {
                        day: r.caps[0],
                        week: r.caps[1],
                        month: r.caps[2],
                    },
                    peak: per(t.peak),
                    capped: per(t.capped),
                    skipped: crate::sort::btree_map(
                        Unavailable::ALL
                            .iter()
                            .zip(t.skipped)
                            .filter(|(_, n)| *n > 0)
                            .map(|(u, n)| (u.key().to_string(), n)),
                    ),
                    missed_sla: t.missed_sla,
                    conversion: t.conv.report(),
                    cap_reached: t.cap_reached.clone(),
                }
            })
            .collect();

        out.teams = router
            .teams
            .iter()
            .zip(&self.teams)
            .map(|(team, t)| {
                let (reps, loads): (Vec<String>, Vec<u64>) = team
                    .members
                    .iter()
                    .zip(&t.members)
                    .filter_map(|(ri, n)| {
                        let rep = router.reps.get(*ri)?;
                        (rep.status == Status::Available).then(|| (rep.id.clone(), *n))
                    })
                    .unzip();
                TeamReport {
                    id: team.id.clone(),
                    name: team.name.clone(),
                    leads: t.leads,
                    to_default_owner: t.to_default_owner,
                    to_fallback: t.to_fallback,
                    fairness: Fairness::new(reps, loads),
                }
            })
            .collect();

        let rule = |id: &str, kind: &str, t: &RuleTally| RuleReport {
            id: id.to_string(),
            kind: kind.to_string(),
            hits: t.hits,
            conversion: t.conv.report(),
        };
        out.rules = router
            .rules
            .iter()
            .zip(&self.rules)
            .map(|(r, t)| rule(&r.id, "routing", t))
            .chain(
                std::iter::once("required")
                    .chain(router.screening.iter().map(|r| r.id.as_str()))
                    .zip(&self.screening)
                    .map(|(id, t)| rule(id, "screening", t)),
            )
            .collect();

        out.pools = router
            .pools
            .iter()
            .zip(&self.pools)
            .enumerate()
            .map(|(i, (p, t))| PoolReport {
                id: p.id.clone(),
                name: p.name.clone(),
                pooled: t.pooled,
                expired: t.expired,
                waiting: t.forever + waiting.get(i).copied().unwrap_or(0),
                ..PoolReport::default()
            })
            .collect();

        let s = &self.score;
        out.score = (s.scored > 0 || s.rejected.scored > 0).then(|| ScoreReport {
            scored: s.scored,
            mean: if s.scored > 0 {
                s.sum / s.scored as f64
            } else {
                0.0
            },
            min: s.min,
            max: s.max,
            below_mql: s.below_mql,
            bucket: self.bucket,
            histogram: s
                .buckets
                .iter()
                .map(|(k, n)| Bucket {
                    from: *k as f64 * self.bucket,
                    to: (*k as f64 + 1.0) * self.bucket,
                    count: *n,
                })
                .collect(),
            outside: s.outside,
            grades: s.grades.clone(),
            rejected: s.rejected.clone(),
        });
        out.sla = self.sla;
        out.conversion = self.conversion.report();
        out.assigned_conversion = self.assigned_conversion.report();
    }
}
