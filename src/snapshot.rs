//! The routing state as JSON: a fresh state for a router, snapshots keyed by ids (so they
//! survive config edits), restore with migration of older versions, live rep status.

use crate::config::json::Json;
use crate::config::Status;
use crate::error::{StateCode, StateError};
use crate::model::Router;
use crate::state::{Assignment, PeriodCounts, PooledLead, RepState, State, TeamState};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

#[cfg(feature = "ts")]
use tsify::Tsify;

/// The snapshot format written today. Older versions are migrated on load.
pub const SNAPSHOT_VERSION: u32 = 4;

/// The JSON form of `State`, keyed by ids so it survives config edits.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub version: u32,
    #[serde(default)]
    pub routed: u64,
    #[serde(default)]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, RepSnapshot>"))]
    pub reps: BTreeMap<String, RepSnapshot>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, TeamSnapshot>"))]
    pub teams: BTreeMap<String, TeamSnapshot>,
    #[serde(default)]
    pub pooled: Vec<PooledLead>,
    #[serde(default)]
    pub assignments: Vec<Assignment>,
    /// Leads routed within the remembered window, oldest first: a repeat is replayed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routed_leads: Vec<RoutedLead>,
    /// Lead-to-lead: who has each recent person's and company's lead, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub existing_leads: Vec<ExistingLead>,
    /// Recorded outcomes as decayed sums per team, rep and segment (version 4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<OutcomeStat>,
}

/// Decayed evidence as of `at`: leads with an outcome, conversions, their value.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct OutcomeStat {
    pub team: String,
    pub rep: String,
    /// The segment's hash in hex; absent for all of the rep's leads in the team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    pub leads: f64,
    pub conversions: f64,
    pub value: f64,
    pub at: i64,
}

/// The rep who has a person's (`person:EMAIL`) or company's (`company:DOMAIN`) latest
/// lead, since `at`.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct ExistingLead {
    pub key: String,
    pub rep: String,
    pub at: i64,
}

/// A remembered lead's placement, by ids.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct RoutedLead {
    pub lead_id: String,
    pub at: i64,
    pub outcome: String,
    pub via: String,
    pub rep: Option<String>,
    pub team: Option<String>,
    pub pool: Option<String>,
    pub rule: Option<String>,
    pub score: Option<f64>,
    /// The learned pick's segment hash in hex (version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// An outcome was recorded: another one is a duplicate (version 4).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outcome_recorded: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct RepSnapshot {
    /// `[[day key, count], ...]` for the newest kept days (likewise weeks, months).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub day: Vec<(i64, u32)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub week: Vec<(i64, u32)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub month: Vec<(i64, u32)>,
    /// Conditional cap rule id to its counts: `{"day": [[key, count]], ...}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, CapSnapshot>"))]
    pub caps: BTreeMap<String, CapSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "is_zero_pair")]
    pub claims: (i64, u32),
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct CapSnapshot {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub day: Vec<(i64, u32)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub week: Vec<(i64, u32)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub month: Vec<(i64, u32)>,
}

fn is_zero_pair(p: &(i64, u32)) -> bool {
    p.1 == 0
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct TeamSnapshot {
    /// Rep ids in rotation order.
    pub queue: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, number>"))]
    pub credit: BTreeMap<String, i64>,
}

impl Router {
    /// A fresh state for this router: zero counters, rotation in member order.
    pub fn new_state(&self) -> State {
        State {
            reps: vec![RepState::default(); self.reps.len()],
            teams: self
                .teams
                .iter()
                .map(|t| TeamState {
                    queue: (0..t.members.len() as u32).collect(),
                    credit: vec![0; t.members.len()],
                })
                .collect(),
            routed: 0,
            pooled: BTreeMap::new(),
            assignments: BTreeMap::new(),
            ledger: Default::default(),
            existing: Default::default(),
            outcomes: Default::default(),
        }
    }

    /// The state as a JSON-ready snapshot.
    pub fn snapshot(&self, state: &State) -> Snapshot {
        let reps = crate::sort::btree_map(
            self.reps
                .iter()
                .zip(&state.reps)
                .filter(|(_, s)| !s.is_blank())
                .map(|(r, s)| {
                    let [day, week, month] = &s.periods;
                    let caps = crate::sort::btree_map(
                        self.cap_rules
                            .iter()
                            .zip(&s.capped)
                            .filter(|(_, c)| !c.iter().all(PeriodCounts::is_empty))
                            .map(|(rule, [d, w, m])| {
                                (
                                    rule.id.clone(),
                                    CapSnapshot {
                                        day: d.pairs(),
                                        week: w.pairs(),
                                        month: m.pairs(),
                                    },
                                )
                            }),
                    );
                    (
                        r.id.clone(),
                        RepSnapshot {
                            day: day.pairs(),
                            week: week.pairs(),
                            month: month.pairs(),
                            caps,
                            status: s.status,
                            claims: s.claims,
                        },
                    )
                }),
        );
        let teams = crate::sort::btree_map(self.teams.iter().zip(&state.teams).map(|(t, s)| {
            let id_of = |pos: usize| {
                t.members
                    .get(pos)
                    .and_then(|m| self.reps.get(*m))
                    .map(|r| r.id.clone())
                    .unwrap_or_default()
            };
            (
                t.id.clone(),
                TeamSnapshot {
                    queue: s.queue.iter().map(|p| id_of(*p as usize)).collect(),
                    credit: crate::sort::btree_map(
                        s.credit
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| **c != 0)
                            .map(|(i, c)| (id_of(i), *c)),
                    ),
                },
            )
        }));
        Snapshot {
            version: SNAPSHOT_VERSION,
            routed: state.routed,
            reps,
            teams,
            pooled: state.pooled.values().cloned().collect(),
            assignments: state.assignments.values().cloned().collect(),
            routed_leads: state
                .ledger
                .iter()
                .map(|(id, r)| {
                    let name = |list: Vec<&str>, i: Option<u32>| {
                        i.and_then(|i| list.get(i as usize).map(|s| s.to_string()))
                    };
                    RoutedLead {
                        lead_id: id.to_string(),
                        at: r.at,
                        outcome: r.outcome.as_str().into(),
                        via: r.via.as_str().into(),
                        rep: name(self.reps.iter().map(|x| x.id.as_str()).collect(), r.rep),
                        team: name(self.teams.iter().map(|x| x.id.as_str()).collect(), r.team),
                        pool: name(self.pools.iter().map(|x| x.id.as_str()).collect(), r.pool),
                        rule: name(self.rules.iter().map(|x| x.id.as_str()).collect(), r.rule),
                        score: r.score,
                        segment: (r.segment != 0).then(|| format!("{:016x}", r.segment)),
                        outcome_recorded: r.outcome_recorded,
                    }
                })
                .collect(),
            existing_leads: state
                .existing
                .iter()
                .filter_map(|(key, h)| {
                    Some(ExistingLead {
                        key: key.to_string(),
                        rep: self.reps.get(h.rep as usize)?.id.clone(),
                        at: h.at,
                    })
                })
                .collect(),
            outcomes: state
                .outcomes
                .iter()
                .filter_map(|((ti, ri, seg), st)| {
                    Some(OutcomeStat {
                        team: self.teams.get(*ti as usize)?.id.clone(),
                        rep: self.reps.get(*ri as usize)?.id.clone(),
                        segment: (*seg != 0).then(|| format!("{seg:016x}")),
                        leads: st.leads,
                        conversions: st.conversions,
                        value: st.value,
                        at: st.at,
                    })
                })
                .collect(),
        }
    }

    /// Sets a rep's live status (`None` returns to the config's status).
    pub fn set_status(
        &self,
        state: &mut State,
        rep: &str,
        status: Option<Status>,
    ) -> Result<(), StateError> {
        let i = self.rep_index(rep).ok_or_else(|| {
            let ids = self.reps.iter().map(|r| r.id.as_str());
            StateError::with_code(
                StateCode::UnknownRep,
                match crate::error::did_you_mean(rep, ids) {
                    Some(s) => format!("unknown rep \"{rep}\" (did you mean \"{s}\"?)"),
                    None => format!("unknown rep \"{rep}\""),
                },
            )
        })?;
        if let Some(s) = state.reps.get_mut(i) {
            s.status = status;
        }
        Ok(())
    }

    /// Snapshot as JSON text.
    pub fn snapshot_json(&self, state: &State) -> String {
        serde_json::to_string(&self.snapshot(state)).unwrap_or_default()
    }

    /// Restores a state from a snapshot. Reps and teams no longer in the config are
    /// dropped; new ones start fresh (new members join the end of the rotation).
    pub fn restore(&self, snap: &Snapshot) -> Result<State, StateError> {
        if snap.version == 0 || snap.version > SNAPSHOT_VERSION {
            return Err(StateError::with_code(StateCode::InvalidSnapshot, format!(
                "snapshot version {} is not supported (this build reads versions 1 to {SNAPSHOT_VERSION})",
                snap.version
            )));
        }
        let mut state = self.new_state();
        state.routed = snap.routed;
        for (id, rs) in &snap.reps {
            if let Some(i) = self.rep_index(id) {
                if let Some(s) = state.reps.get_mut(i) {
                    s.periods = [
                        PeriodCounts::from_pairs(&rs.day),
                        PeriodCounts::from_pairs(&rs.week),
                        PeriodCounts::from_pairs(&rs.month),
                    ];
                    for (k, rule) in self.cap_rules.iter().enumerate() {
                        if let Some(c) = rs.caps.get(&rule.id) {
                            s.capped.resize(self.cap_rules.len(), Default::default());
                            if let Some(slot) = s.capped.get_mut(k) {
                                *slot = [
                                    PeriodCounts::from_pairs(&c.day),
                                    PeriodCounts::from_pairs(&c.week),
                                    PeriodCounts::from_pairs(&c.month),
                                ];
                            }
                        }
                    }
                    s.status = rs.status;
                    s.claims = rs.claims;
                }
            }
        }
        for (ti, t) in self.teams.iter().enumerate() {
            let (Some(ts), Some(s)) = (snap.teams.get(&t.id), state.teams.get_mut(ti)) else {
                continue;
            };
            let pos_of = |id: &str| {
                t.members
                    .iter()
                    .position(|m| self.reps.get(*m).is_some_and(|r| r.id == id))
            };
            let mut queue: VecDeque<u32> = VecDeque::with_capacity(t.members.len());
            for id in &ts.queue {
                if let Some(p) = pos_of(id) {
                    if !queue.contains(&(p as u32)) {
                        queue.push_back(p as u32);
                    }
                }
            }
            for p in 0..t.members.len() as u32 {
                if !queue.contains(&p) {
                    queue.push_back(p);
                }
            }
            s.queue = queue;
            for (id, c) in &ts.credit {
                if let Some(slot) = pos_of(id).and_then(|p| s.credit.get_mut(p)) {
                    *slot = *c;
                }
            }
        }
        for p in &snap.pooled {
            state.pooled.insert(p.lead_id.clone(), p.clone());
        }
        for a in &snap.assignments {
            state.assignments.insert(a.lead_id.clone(), a.clone());
        }
        for l in &snap.routed_leads {
            let (Some(outcome), Some(via)) = (
                crate::decision::Outcome::ALL
                    .into_iter()
                    .find(|o| o.as_str() == l.outcome),
                crate::decision::Via::ALL
                    .into_iter()
                    .find(|v| v.as_str() == l.via),
            ) else {
                continue;
            };
            let idx = |m: &crate::fxhash::FxHashMap<String, usize>, id: &Option<String>| {
                id.as_ref().and_then(|i| m.get(i)).map(|i| *i as u32)
            };
            let routed = crate::state::Routed {
                at: l.at,
                outcome,
                via,
                rep: idx(&self.rep_ids, &l.rep),
                team: idx(&self.team_ids, &l.team),
                pool: idx(&self.pool_ids, &l.pool),
                rule: idx(&self.rule_ids, &l.rule),
                score: l.score,
                segment: hex(&l.segment),
                outcome_recorded: l.outcome_recorded,
            };
            state
                .ledger
                .record(&l.lead_id, routed, i64::MAX, usize::MAX);
        }
        // A rep no longer in the config is forgotten with their leads.
        for e in &snap.existing_leads {
            if let Some(ri) = self.rep_ids.get(&e.rep) {
                let holder = crate::state::Holder {
                    at: e.at,
                    rep: *ri as u32,
                };
                state.existing.record(&e.key, holder, i64::MAX, usize::MAX);
            }
        }
        // A team or rep no longer in the config takes its evidence with it.
        for o in &snap.outcomes {
            if let (Some(ti), Some(ri)) = (self.team_ids.get(&o.team), self.rep_ids.get(&o.rep)) {
                let stat = crate::state::Stat {
                    leads: o.leads,
                    conversions: o.conversions,
                    value: o.value,
                    at: o.at,
                };
                let key = (*ti as u32, *ri as u32, hex(&o.segment));
                state.outcomes.insert(key, stat);
            }
        }
        Ok(state)
    }

    /// Restores from snapshot JSON, migrating older versions.
    pub fn restore_json(&self, json: &str) -> Result<State, StateError> {
        if json.len() > self.limits.snapshot_bytes {
            return Err(StateError::with_code(
                StateCode::InvalidSnapshot,
                format!(
                    "snapshot of {} bytes is larger than the limit of {} bytes",
                    json.len(),
                    self.limits.snapshot_bytes
                ),
            ));
        }
        let doc = crate::config::json::parse(json).map_err(|e| {
            StateError::with_code(StateCode::InvalidSnapshot, format!("invalid snapshot: {e}"))
        })?;
        // The current version is read as it is; older ones are migrated as JSON values.
        match doc.get("version").and_then(Json::as_u64) {
            Some(v) if v == u64::from(SNAPSHOT_VERSION) => self.read_restore(&doc),
            _ => self.restore_value(doc.to_value()),
        }
    }

    pub fn restore_value(&self, value: serde_json::Value) -> Result<State, StateError> {
        let value = migrate(value)?;
        self.read_restore(&Json::owned(&value))
    }

    fn read_restore(&self, value: &Json) -> Result<State, StateError> {
        let mut errors = crate::error::ConfigErrors::default();
        let snap = read_snapshot(&mut crate::config::Reader::new(&mut errors), value);
        match (snap, errors.0.first()) {
            (Some(snap), None) => self.restore(&snap),
            (_, Some(e)) => Err(StateError::with_code(
                StateCode::InvalidSnapshot,
                format!(
                    "invalid snapshot at {}: {}",
                    if e.path.is_empty() {
                        "the top level"
                    } else {
                        &e.path
                    },
                    e.message
                ),
            )),
            (None, None) => Err(StateError::with_code(
                StateCode::InvalidSnapshot,
                "invalid snapshot",
            )),
        }
    }
}

/// A segment hash from its hex (0, "no segment", for anything else).
fn hex(s: &Option<String>) -> u64 {
    s.as_deref()
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .unwrap_or(0)
}

fn read_snapshot(r: &mut crate::config::Reader, v: &Json) -> Option<Snapshot> {
    use crate::config::found_json as found;
    let o = r.obj(
        v,
        "",
        &[
            "version",
            "routed",
            "reps",
            "teams",
            "pooled",
            "assignments",
            "routed_leads",
            "existing_leads",
            "outcomes",
        ],
        &["version"],
    )?;
    let pair = |r: &mut crate::config::Reader, v: &Json, p: &str| -> (i64, u32) {
        if let Some([k, n]) = v.as_array() {
            if let (Some(k), Some(n)) = (k.as_i64(), n.as_u64().and_then(|n| u32::try_from(n).ok()))
            {
                return (k, n);
            }
        }
        r.err(
            p,
            format!("expected [period key, count], found {}", found(v)),
        );
        (0, 0)
    };
    // `[key, count]` (version 2) or `[[key, count], ...]` (version 3).
    let pairs = |r: &mut crate::config::Reader, v: &Json, p: &str| match v.as_array() {
        Some([Json::Number(_), Json::Number(_)]) => {
            vec![pair(r, v, p)]
        }
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, x)| pair(r, x, &format!("{p}[{i}]")))
            .collect(),
        None => {
            pair(r, v, p);
            Vec::new()
        }
    };
    let counts = |r: &mut crate::config::Reader, o: &crate::config::Obj, k: &str| {
        o.map.get(k).map_or(Vec::new(), |v| {
            pairs(r, v, &crate::config::child(&o.path, k))
        })
    };
    let reps = crate::sort::btree_map(r.map(&o, "reps", |r, v, p| {
        let rs = r.obj(
            v,
            p,
            &["day", "week", "month", "caps", "status", "claims"],
            &[],
        )?;
        let claims = rs
            .map
            .get("claims")
            .map_or((0, 0), |v| pair(r, v, &crate::config::child(p, "claims")));
        let caps = crate::sort::btree_map(r.map(&rs, "caps", |r, v, p| {
            let c = r.obj(v, p, &["day", "week", "month"], &[])?;
            Some(CapSnapshot {
                day: counts(r, &c, "day"),
                week: counts(r, &c, "week"),
                month: counts(r, &c, "month"),
            })
        }));
        Some(RepSnapshot {
            day: counts(r, &rs, "day"),
            week: counts(r, &rs, "week"),
            month: counts(r, &rs, "month"),
            caps,
            status: r.choice(&rs, "status", crate::config::STATUSES),
            claims,
        })
    }));
    let teams = crate::sort::btree_map(r.map(&o, "teams", |r, v, p| {
        let t = r.obj(v, p, &["queue", "credit"], &["queue"])?;
        Some(TeamSnapshot {
            queue: r.strings(&t, "queue"),
            credit: crate::sort::btree_map(r.map(&t, "credit", |r, v, p| match v.as_i64() {
                Some(n) => Some(n),
                None => {
                    r.err(p, format!("expected a whole number, found {}", found(v)));
                    None
                }
            })),
        })
    }));
    let fields =
        |r: &mut crate::config::Reader, o: &crate::config::Obj| -> crate::state::LeadFields {
            crate::sort::btree_map(r.map(o, "fields", |_, v, _| Some(v.to_value())))
        };
    let pooled = r.list(&o, "pooled", |r, v, p| {
        let l = r.obj(
            v,
            p,
            &[
                "lead_id",
                "pool",
                "pooled_at",
                "expires_at",
                "score",
                "rule",
                "fields",
            ],
            &["lead_id", "pool", "pooled_at"],
        )?;
        Some(PooledLead {
            lead_id: r.req_string(&l, "lead_id"),
            pool: r.req_string(&l, "pool"),
            pooled_at: r.i64(&l, "pooled_at").unwrap_or(0),
            expires_at: r.i64(&l, "expires_at"),
            score: r.f64(&l, "score"),
            rule: r.string(&l, "rule"),
            fields: fields(r, &l),
        })
    });
    let assignments = r.list(&o, "assignments", |r, v, p| {
        let a = r.obj(
            v,
            p,
            &[
                "lead_id",
                "rep",
                "team",
                "rule",
                "pool",
                "assigned_at",
                "touched_at",
                "reminders",
                "escalated",
                "missed_by",
                "score",
                "fields",
            ],
            &["lead_id", "rep", "assigned_at"],
        )?;
        Some(Assignment {
            lead_id: r.req_string(&a, "lead_id"),
            rep: r.req_string(&a, "rep"),
            team: r.string(&a, "team"),
            rule: r.string(&a, "rule"),
            pool: r.string(&a, "pool"),
            assigned_at: r.i64(&a, "assigned_at").unwrap_or(0),
            touched_at: r.i64(&a, "touched_at"),
            reminders: r.uint(&a, "reminders", u64::from(u32::MAX)).unwrap_or(0) as u32,
            escalated: r.bool(&a, "escalated").unwrap_or(false),
            missed_by: r.strings(&a, "missed_by"),
            score: r.f64(&a, "score"),
            fields: fields(r, &a),
        })
    });
    let routed_leads = r.list(&o, "routed_leads", |r, v, p| {
        let l = r.obj(
            v,
            p,
            &[
                "lead_id",
                "at",
                "outcome",
                "via",
                "rep",
                "team",
                "pool",
                "rule",
                "score",
                "segment",
                "outcome_recorded",
            ],
            &["lead_id", "at", "outcome", "via"],
        )?;
        Some(RoutedLead {
            lead_id: r.req_string(&l, "lead_id"),
            at: r.i64(&l, "at").unwrap_or(0),
            outcome: r.req_string(&l, "outcome"),
            via: r.req_string(&l, "via"),
            rep: r.string(&l, "rep"),
            team: r.string(&l, "team"),
            pool: r.string(&l, "pool"),
            rule: r.string(&l, "rule"),
            score: r.f64(&l, "score"),
            segment: r.string(&l, "segment"),
            outcome_recorded: r.bool(&l, "outcome_recorded").unwrap_or(false),
        })
    });
    let outcomes = r.list(&o, "outcomes", |r, v, p| {
        let s = r.obj(
            v,
            p,
            &[
                "team",
                "rep",
                "segment",
                "leads",
                "conversions",
                "value",
                "at",
            ],
            &["team", "rep", "leads", "conversions", "value", "at"],
        )?;
        let num = |r: &mut crate::config::Reader, k: &str| {
            r.f64(&s, k)
                .filter(|x| x.is_finite() && *x >= 0.0)
                .unwrap_or(0.0)
        };
        Some(OutcomeStat {
            team: r.req_string(&s, "team"),
            rep: r.req_string(&s, "rep"),
            segment: r.string(&s, "segment"),
            leads: num(r, "leads"),
            conversions: num(r, "conversions"),
            value: num(r, "value"),
            at: r.i64(&s, "at").unwrap_or(0),
        })
    });
    let existing_leads = r.list(&o, "existing_leads", |r, v, p| {
        let e = r.obj(v, p, &["key", "rep", "at"], &["key", "rep", "at"])?;
        Some(ExistingLead {
            key: r.req_string(&e, "key"),
            rep: r.req_string(&e, "rep"),
            at: r.i64(&e, "at").unwrap_or(0),
        })
    });
    Some(Snapshot {
        routed_leads,
        existing_leads,
        outcomes,
        version: r.uint(&o, "version", u64::from(u32::MAX)).unwrap_or(0) as u32,
        routed: r.uint(&o, "routed", u64::MAX).unwrap_or(0),
        reps,
        teams,
        pooled,
        assignments,
    })
}

/// Version 1 (the first release) kept counters as `{"counts": {"day": [k, n], ...}}`
/// per rep and had no pools; rewrite it into the current shape.
fn migrate(mut value: serde_json::Value) -> Result<serde_json::Value, StateError> {
    let version = value
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| {
            StateError::with_code(
                StateCode::InvalidSnapshot,
                "invalid snapshot: missing \"version\"",
            )
        })?;
    // Version 4 only added keys (outcomes, a lead's segment and outcome flag).
    if version == 2 || version == 3 {
        if let Some(obj) = value.as_object_mut() {
            obj.insert("version".into(), SNAPSHOT_VERSION.into());
        }
    }
    if version == 1 {
        if let Some(reps) = value.get_mut("reps").and_then(|r| r.as_object_mut()) {
            for rep in reps.values_mut() {
                if let Some(obj) = rep.as_object_mut() {
                    if let Some(serde_json::Value::Object(counts)) = obj.remove("counts") {
                        for (k, v) in counts {
                            obj.insert(k, v);
                        }
                    }
                }
            }
        }
        if let Some(obj) = value.as_object_mut() {
            obj.insert("version".into(), SNAPSHOT_VERSION.into());
        }
    }
    Ok(value)
}
