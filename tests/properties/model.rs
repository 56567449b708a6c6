//! An independent model of routing for property tests and the sequence fuzz target:
//! generated configs and event sequences, checked against the engine after every step.
//
// Shared by tests/properties.rs and fuzz/src/lib.rs (included with `#[path]`), so it
// depends on nothing but leadroute and serde_json. The model re-derives who may take
// a lead (status, out of office, working hours, caps counted by the model itself), where
// every lead is, and which claims may succeed; the engine is only trusted for choices
// the config leaves open (which of several eligible reps).

use leadroute::config::Status;
use leadroute::sla::{Event, EventKind};
use leadroute::{Outcome, RouteOptions, Router, State, Via};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const MINUTE: i64 = 60_000;
pub const DAY: i64 = 86_400_000;
/// Monday 2026-11-02 08:00 UTC: sequences start on a working day.
pub const START: i64 = 1_793_606_400_000;
const KEEP_TOUCHED: i64 = 7 * DAY;
const KEEP_FINISHED: i64 = leadroute::sla::KEEP_FINISHED_MS;
const TIERS: [&str; 4] = ["a", "b", "c", "spam"];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const STATUSES: [Status; 4] = [
    Status::Available,
    Status::Busy,
    Status::Away,
    Status::OutOfOffice,
];

/// Picks `items[i % len]`, or None for an empty list.
fn nth<T: Copy>(items: &[T], i: usize) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        items.get(i % items.len()).copied()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepSpec {
    /// Index into `STATUSES`; None leaves the config's default (available).
    pub status: Option<u8>,
    /// Day, week, month; None means no `caps` key (month defaults to 150).
    pub caps: Option<[Option<u32>; 3]>,
    /// UTC working hours per weekday (minutes `[start, end)`), None: always in hours.
    pub hours: Option<[Option<(u16, u16)>; 7]>,
    /// Inclusive out-of-office ranges in days after `START`'s day.
    pub ooo: Vec<(u8, u8)>,
    pub performance: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StrategySpec {
    RoundRobin { loses_turn: bool },
    Weighted { hot: Option<f64> },
    LeastLoaded { period: u8 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlaSpec {
    pub first_touch: u16,
    pub remind: Vec<u16>,
    pub escalate_to: Option<usize>,
    pub reroute: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeamSpec {
    pub members: Vec<usize>,
    pub default_owner: Option<usize>,
    pub strategy: StrategySpec,
    pub sla: Option<SlaSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolSpec {
    pub reps: Vec<usize>,
    pub teams: Vec<usize>,
    pub blind: bool,
    pub per_day: Option<u32>,
    pub open: Option<u32>,
    pub expire_after: Option<u16>,
    pub expire_to: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Rep(usize),
    Team(usize),
    Pool(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleSpec {
    /// `tier == TIERS[t]`; None matches every lead.
    pub tier: Option<u8>,
    pub target: Target,
    pub sla: Option<SlaSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoringSpec {
    /// Points for tier a, b, c.
    pub tier_points: [f64; 3],
    /// Points when `size >= 100`.
    pub size_points: f64,
    pub mql: Option<f64>,
}

/// A whole config in model terms. `normalize` makes any value of it a valid config.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub reps: Vec<RepSpec>,
    pub teams: Vec<TeamSpec>,
    pub pools: Vec<PoolSpec>,
    pub rules: Vec<RuleSpec>,
    pub screen_spam: bool,
    pub scoring: Option<ScoringSpec>,
    /// `(domain number, owner rep)`: `d{n}.example` belongs to the rep.
    pub accounts: Vec<(u8, usize)>,
    pub fallback: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeadSpec {
    pub tier: Option<u8>,
    pub domain: Option<u8>,
    pub size: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Route {
        lead: LeadSpec,
        stateless: bool,
    },
    Claim {
        lead: usize,
        rep: usize,
    },
    ClaimNext {
        pool: usize,
        rep: usize,
    },
    Release {
        lead: usize,
        rep: usize,
    },
    Touch {
        lead: usize,
        rep: usize,
    },
    Tick,
    SetStatus {
        rep: usize,
        status: Option<u8>,
    },
    /// Snapshot to JSON and restore from it, as a restarted process would.
    Restore,
    /// Moves the clock forward (never back).
    Advance {
        minutes: u32,
    },
}

impl Spec {
    /// Clamps indexes and fills gaps so the spec always compiles.
    pub fn normalize(&mut self) {
        if self.reps.is_empty() {
            self.reps.push(RepSpec {
                status: None,
                caps: None,
                hours: None,
                ooo: Vec::new(),
                performance: 1.0,
            });
        }
        let nr = self.reps.len();
        for r in &mut self.reps {
            r.status = r.status.map(|s| s % 4);
            if !(r.performance.is_finite() && r.performance >= 0.0) {
                r.performance = 1.0;
            }
            if let Some(week) = &mut r.hours {
                for d in week.iter_mut() {
                    *d = d.and_then(|(a, b)| {
                        let (a, b) = (a % 1440, b % 1441);
                        (a < b).then_some((a, b))
                    });
                }
            }
            for o in &mut r.ooo {
                if o.0 > o.1 {
                    *o = (o.1, o.0);
                }
            }
        }
        let fix_sla = |s: &mut SlaSpec| {
            s.first_touch = s.first_touch.max(1);
            s.escalate_to = s.escalate_to.map(|e| e % nr);
        };
        for t in &mut self.teams {
            let mut seen = BTreeSet::new();
            t.members.retain(|m| seen.insert(*m % nr));
            for m in &mut t.members {
                *m %= nr;
            }
            if t.members.is_empty() {
                t.members.push(0);
            }
            t.default_owner = t.default_owner.map(|d| d % nr);
            if let StrategySpec::LeastLoaded { period } = &mut t.strategy {
                *period %= 3;
            }
            if let StrategySpec::Weighted { hot: Some(h) } = &mut t.strategy {
                if !h.is_finite() {
                    *h = 10.0;
                }
            }
            if let Some(s) = &mut t.sla {
                fix_sla(s);
            }
        }
        let nt = self.teams.len();
        for p in &mut self.pools {
            for r in &mut p.reps {
                *r %= nr;
            }
            p.reps.sort_unstable();
            p.reps.dedup();
            if nt == 0 {
                p.teams.clear();
                p.expire_to = None;
            }
            for t in &mut p.teams {
                *t %= nt.max(1);
            }
            p.teams.sort_unstable();
            p.teams.dedup();
            if p.reps.is_empty() && p.teams.is_empty() {
                p.reps.push(0);
            }
            p.expire_to = p.expire_to.map(|t| t % nt.max(1));
            p.expire_after = p.expire_after.map(|m| m.max(1));
        }
        let np = self.pools.len();
        for r in &mut self.rules {
            r.tier = r.tier.map(|t| t % 4);
            r.target = match r.target {
                Target::Team(t) if nt > 0 => Target::Team(t % nt),
                Target::Pool(p) if np > 0 => Target::Pool(p % np),
                Target::Rep(i) | Target::Team(i) | Target::Pool(i) => Target::Rep(i % nr),
            };
            if let Some(s) = &mut r.sla {
                fix_sla(s);
            }
        }
        for a in &mut self.accounts {
            a.0 %= 4;
            a.1 %= nr;
        }
        let mut seen = BTreeSet::new();
        self.accounts.retain(|a| seen.insert(a.0));
        if let Some(s) = &mut self.scoring {
            for p in s.tier_points.iter_mut().chain([&mut s.size_points]) {
                if !p.is_finite() {
                    *p = 1.0;
                }
            }
            s.mql = s.mql.filter(|m| m.is_finite());
        }
        self.fallback %= nr;
    }

    pub fn rep_id(i: usize) -> String {
        format!("r{i}")
    }

    fn caps(&self, rep: usize) -> [Option<u32>; 3] {
        match self.reps.get(rep).and_then(|r| r.caps) {
            Some(c) => c,
            None => [None, None, Some(150)],
        }
    }

    /// Rep indexes who may see and claim from the pool (listed reps, then team members).
    pub fn pool_members(&self, pool: usize) -> Vec<usize> {
        let Some(p) = self.pools.get(pool) else {
            return Vec::new();
        };
        let mut out = p.reps.clone();
        for t in &p.teams {
            for m in self.teams.get(*t).map_or(&[][..], |t| &t.members) {
                if !out.contains(m) {
                    out.push(*m);
                }
            }
        }
        out
    }

    pub fn config_json(&self) -> String {
        let sla = |s: &SlaSpec| {
            let mut v = json!({
                "first_touch_minutes": s.first_touch,
                "remind_after_minutes": s.remind,
                "reroute": s.reroute,
            });
            if let Some(e) = s.escalate_to {
                v["escalate_to"] = json!(Spec::rep_id(e));
            }
            v
        };
        let hhmm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        let start_day = START.div_euclid(DAY);
        let reps: Vec<Value> = self
            .reps
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut v = json!({"id": Spec::rep_id(i), "performance": r.performance});
                if let Some(s) = r.status.and_then(|s| nth(&STATUSES, s.into())) {
                    v["status"] = serde_json::to_value(s).unwrap_or(Value::Null);
                }
                if let Some([d, w, m]) = r.caps {
                    let mut c = json!({});
                    for (k, n) in [("day", d), ("week", w), ("month", m)] {
                        if let Some(n) = n {
                            c[k] = json!(n);
                        }
                    }
                    v["caps"] = c;
                }
                if let Some(week) = &r.hours {
                    let mut h = json!({"tz": "UTC"});
                    for (name, span) in WEEKDAYS.iter().zip(week) {
                        if let Some((a, b)) = span {
                            h[*name] = json!(format!("{}-{}", hhmm(*a), hhmm(*b)));
                        }
                    }
                    v["hours"] = h;
                }
                if !r.ooo.is_empty() {
                    v["out_of_office"] = r
                        .ooo
                        .iter()
                        .map(|(a, b)| {
                            json!({"from": date(start_day + i64::from(*a)),
                                   "to": date(start_day + i64::from(*b))})
                        })
                        .collect();
                }
                v
            })
            .collect();
        let teams: Vec<Value> = self
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let strategy = match t.strategy {
                    StrategySpec::RoundRobin { loses_turn } => json!({
                        "type": "round_robin",
                        "skipped": if loses_turn { "loses_turn" } else { "keeps_place" },
                    }),
                    StrategySpec::Weighted { hot } => match hot {
                        Some(h) => json!({"type": "weighted", "hot_score": h}),
                        None => json!({"type": "weighted"}),
                    },
                    StrategySpec::LeastLoaded { period } => {
                        let name = nth(&["day", "week", "month"], period.into());
                        json!({"type": "least_loaded", "period": name.unwrap_or("month")})
                    }
                };
                let mut v = json!({
                    "id": format!("t{i}"),
                    "members": t.members.iter().map(|m| Spec::rep_id(*m)).collect::<Vec<_>>(),
                    "strategy": strategy,
                });
                if let Some(d) = t.default_owner {
                    v["default_owner"] = json!(Spec::rep_id(d));
                }
                if let Some(s) = &t.sla {
                    v["sla"] = sla(s);
                }
                v
            })
            .collect();
        let pools: Vec<Value> = self
            .pools
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut v = json!({
                    "id": format!("p{i}"),
                    "reps": p.reps.iter().map(|m| Spec::rep_id(*m)).collect::<Vec<_>>(),
                    "teams": p.teams.iter().map(|t| format!("t{t}")).collect::<Vec<_>>(),
                    "visibility": if p.blind { "blind" } else { "cherry_pick" },
                    "visible_fields": if p.blind { vec!["tier"] } else { vec!["tier", "size"] },
                });
                let mut limit = json!({});
                if let Some(n) = p.per_day {
                    limit["per_day"] = json!(n);
                }
                if let Some(n) = p.open {
                    limit["open"] = json!(n);
                }
                v["claim_limit"] = limit;
                if let Some(m) = p.expire_after {
                    v["expire_after_minutes"] = json!(m);
                }
                if let Some(t) = p.expire_to {
                    v["expire_to"] = json!(format!("t{t}"));
                }
                v
            })
            .collect();
        let rules: Vec<Value> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut v = json!({"id": format!("rule{i}")});
                if let Some(t) = r.tier.and_then(|t| nth(&TIERS, t.into())) {
                    v["when"] = json!(format!("tier == \"{t}\""));
                }
                match r.target {
                    Target::Rep(x) => v["rep"] = json!(Spec::rep_id(x)),
                    Target::Team(x) => v["team"] = json!(format!("t{x}")),
                    Target::Pool(x) => v["pool"] = json!(format!("p{x}")),
                }
                if let Some(s) = &r.sla {
                    v["sla"] = sla(s);
                }
                v
            })
            .collect();
        let mut config = json!({
            "fields": {"tier": "string", "email": "string", "size": "number"},
            "reps": reps,
            "teams": teams,
            "pools": pools,
            "rules": rules,
            "fallback": Spec::rep_id(self.fallback),
        });
        if self.screen_spam {
            config["screening"] = json!({"rules": [
                {"id": "spam", "when": "tier == \"spam\"", "reason": "spam"}
            ]});
        }
        if let Some(s) = &self.scoring {
            let mut v = json!({"groups": [
                {"id": "fit", "rules": [
                    {"id": "ta", "when": "tier == \"a\"", "points": s.tier_points[0]},
                    {"id": "tb", "when": "tier == \"b\"", "points": s.tier_points[1]},
                    {"id": "tc", "when": "tier == \"c\"", "points": s.tier_points[2]}
                ]},
                {"id": "size", "rules": [
                    {"id": "big", "when": "size >= 100", "points": s.size_points}
                ]}
            ]});
            if let Some(m) = s.mql {
                v["mql"] = json!(m);
            }
            config["scoring"] = v;
        }
        if !self.accounts.is_empty() {
            let owners: BTreeMap<String, String> = self
                .accounts
                .iter()
                .map(|(d, r)| (format!("d{d}.example"), Spec::rep_id(*r)))
                .collect();
            config["accounts"] = json!({"owners": owners});
        }
        config.to_string()
    }
}

impl LeadSpec {
    pub fn json(&self, id: &str) -> String {
        let mut v = json!({"id": id});
        if let Some(t) = self.tier.and_then(|t| nth(&TIERS, t.into())) {
            v["tier"] = json!(t);
        }
        if let Some(d) = self.domain {
            v["email"] = json!(format!("kim.{id}@d{}.example", d % 4));
        }
        if let Some(s) = self.size.filter(|s| s.is_finite()) {
            v["size"] = json!(s);
        }
        v.to_string()
    }
}

fn date(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to (year, month, day); written here again (not taken from
/// the engine) so the model's calendar is independent of the code under test.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Day, ISO week and month keys of a UTC instant.
pub fn period_keys(now: i64) -> [i64; 3] {
    let day = now.div_euclid(DAY);
    let (y, m, _) = civil(day);
    [day, (day + 3).div_euclid(7), y * 12 + m - 1]
}

#[derive(Debug, Clone, PartialEq)]
enum Place {
    /// Rejected or nurture: done, owned by nobody.
    Closed,
    Assigned,
    InPool {
        pool: usize,
        at: i64,
        expires: Option<i64>,
    },
    Claimed {
        rep: usize,
        pool: usize,
        at: i64,
        touched: Option<i64>,
        pruned: bool,
    },
}

#[derive(Debug, Clone)]
struct LeadModel {
    id: String,
    place: Place,
    owner: Option<usize>,
    /// Reps who missed this lead's SLA (never given it again by a re-route).
    missed: Vec<usize>,
    score: Option<f64>,
    /// From the claim on, when its last SLA step falls due (a claim's rule may carry one).
    sla_span: i64,
}

/// Drives the engine and the model side by side; every method returns the first
/// broken invariant as an error.
pub struct Checker {
    pub spec: Spec,
    pub router: Router,
    pub state: State,
    pub now: i64,
    /// Everything the engine returned, in order (to compare runs).
    pub transcript: Vec<String>,
    /// Outcome counts: assigned, pooled, nurture, rejected.
    pub tally: [u64; 4],
    counts: HashMap<(usize, usize, i64), u32>,
    live: Vec<Option<Status>>,
    claims_day: Vec<(i64, u32)>,
    leads: Vec<LeadModel>,
    routes: u64,
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)*) => {
        if !$cond {
            return Err(format!($($fmt)*));
        }
    };
}

impl Checker {
    pub fn new(mut spec: Spec) -> Result<Checker, String> {
        spec.normalize();
        let config = spec.config_json();
        let router = Router::from_json(&config)
            .map_err(|e| format!("a normalized spec must compile: {e}\n{config}"))?;
        let state = router.new_state();
        let n = spec.reps.len();
        Ok(Checker {
            spec,
            router,
            state,
            now: START,
            transcript: Vec::new(),
            tally: [0; 4],
            counts: HashMap::new(),
            live: vec![None; n],
            claims_day: vec![(0, 0); n],
            leads: Vec::new(),
            routes: 0,
        })
    }

    fn count(&self, rep: usize, period: usize, now: i64) -> u32 {
        let key = period_keys(now).get(period).copied().unwrap_or(0);
        self.counts.get(&(rep, period, key)).copied().unwrap_or(0)
    }

    fn bump(&mut self, rep: usize, at: i64, up: bool) {
        for (p, key) in period_keys(at).into_iter().enumerate() {
            let c = self.counts.entry((rep, p, key)).or_insert(0);
            *c = if up {
                c.saturating_add(1)
            } else {
                c.saturating_sub(1)
            };
        }
    }

    /// The model's own answer to "can this rep take a lead now?".
    pub fn eligible(&self, rep: usize, now: i64) -> bool {
        let Some(r) = self.spec.reps.get(rep) else {
            return false;
        };
        let config_status = r
            .status
            .and_then(|s| nth(&STATUSES, s.into()))
            .unwrap_or(Status::Available);
        let status = self
            .live
            .get(rep)
            .copied()
            .flatten()
            .unwrap_or(config_status);
        if status != Status::Available {
            return false;
        }
        let day = now.div_euclid(DAY);
        let start_day = START.div_euclid(DAY);
        if r.ooo
            .iter()
            .any(|(a, b)| day >= start_day + i64::from(*a) && day <= start_day + i64::from(*b))
        {
            return false;
        }
        if let Some(week) = &r.hours {
            let weekday = (day + 3).rem_euclid(7) as usize;
            let minute = (now.rem_euclid(DAY) / MINUTE) as u16;
            let open = week
                .get(weekday)
                .copied()
                .flatten()
                .is_some_and(|(a, b)| minute >= a && minute < b);
            if !open {
                return false;
            }
        }
        let caps = self.spec.caps(rep);
        (0..3).all(|p| match caps.get(p).copied().flatten() {
            Some(cap) => self.count(rep, p, now) < cap,
            None => true,
        })
    }

    fn lead_index(&self, i: usize) -> (Option<usize>, String) {
        let n = self.leads.len();
        let i = i % (n + 1);
        match self.leads.get(i) {
            Some(l) => (Some(i), l.id.clone()),
            None => (None, "L-unknown".to_string()),
        }
    }

    /// Even `i` picks among leads where `want` holds (so claims meet pooled leads and
    /// touches meet owned ones often); odd `i` picks any lead, or an unknown id.
    fn lead_where(&self, i: usize, want: impl Fn(&LeadModel) -> bool) -> (Option<usize>, String) {
        if i & 1 == 0 {
            let hits: Vec<usize> = (0..self.leads.len())
                .filter(|j| self.leads.get(*j).is_some_and(&want))
                .collect();
            if let Some(l) = nth(&hits, i / 2).and_then(|j| self.leads.get(j).map(|l| (j, l))) {
                return (Some(l.0), l.1.id.clone());
            }
        }
        self.lead_index(i / 2)
    }

    /// Even `i` picks a rep who plausibly acts on the lead (its owner, or a member of
    /// its pool); odd `i` any rep, or one that does not exist.
    fn rep_for(&self, lead: Option<usize>, i: usize) -> (usize, String) {
        if i & 1 == 0 {
            let near = match lead.and_then(|l| self.leads.get(l)) {
                Some(LeadModel {
                    place: Place::InPool { pool, .. },
                    ..
                }) => self.spec.pool_members(*pool),
                Some(l) => l.owner.into_iter().collect(),
                None => Vec::new(),
            };
            if let Some(r) = nth(&near, i / 2) {
                return (r, Spec::rep_id(r));
            }
        }
        self.rep_of(i / 2)
    }

    fn rep_of(&self, i: usize) -> (usize, String) {
        let n = self.spec.reps.len();
        // One slot past the reps names a rep that does not exist.
        let i = i % (n + 1);
        (
            i,
            if i < n {
                Spec::rep_id(i)
            } else {
                "nobody".into()
            },
        )
    }

    fn rep_index(id: &str) -> Option<usize> {
        id.strip_prefix('r').and_then(|n| n.parse().ok())
    }

    pub fn apply(&mut self, op: &Op) -> Result<(), String> {
        let before = self.state.clone();
        let result = match op {
            Op::Route { lead, stateless } => self.route(lead, *stateless),
            Op::Claim { lead, rep } => {
                let (li, id) = self.lead_where(*lead, |l| matches!(l.place, Place::InPool { .. }));
                let (ri, rep) = self.rep_for(li, *rep);
                self.claim(li, &id, ri, &rep, None)
            }
            Op::ClaimNext { pool, rep } => self.claim_next(*pool, *rep),
            Op::Release { lead, rep } => self.release(*lead, *rep),
            Op::Touch { lead, rep } => self.touch(*lead, *rep),
            Op::Tick => self.tick(),
            Op::SetStatus { rep, status } => {
                let (ri, id) = self.rep_of(*rep);
                let status = status.and_then(|s| nth(&STATUSES, s.into()));
                let r = self.router.set_status(&mut self.state, &id, status);
                self.transcript.push(match &r {
                    Ok(()) => format!("status {id} {status:?}"),
                    Err(e) => format!("ERR status {id}: {e}"),
                });
                match r {
                    Ok(()) => {
                        ensure!(ri < self.spec.reps.len(), "set_status accepted {id}");
                        if let Some(s) = self.live.get_mut(ri) {
                            *s = status;
                        }
                        Ok(())
                    }
                    Err(_) => {
                        ensure!(ri >= self.spec.reps.len(), "set_status refused {id}");
                        Ok(())
                    }
                }
            }
            Op::Restore => {
                let json = self.router.snapshot_json(&self.state);
                let restored = self
                    .router
                    .restore_json(&json)
                    .map_err(|e| format!("own snapshot does not load: {e}\n{json}"))?;
                ensure!(
                    restored == self.state,
                    "restore(snapshot(state)) differs from state\n{json}"
                );
                self.state = restored;
                Ok(())
            }
            Op::Advance { minutes } => {
                self.now = self
                    .now
                    .saturating_add(i64::from(*minutes).saturating_mul(MINUTE));
                Ok(())
            }
        };
        result?;
        if self
            .transcript
            .last()
            .is_some_and(|t| t.starts_with("ERR "))
        {
            ensure!(
                self.state == before,
                "a refused call changed the state: {:?}",
                self.transcript.last()
            );
        }
        self.check_state()
    }

    /// Invariants that hold between any two calls.
    fn check_state(&self) -> Result<(), String> {
        ensure!(
            self.state.routed() == self.routes,
            "routed {} but {} leads went in",
            self.state.routed(),
            self.routes
        );
        ensure!(
            self.tally.iter().sum::<u64>() == self.routes,
            "outcomes {:?} do not add up to {} leads",
            self.tally,
            self.routes
        );
        let snap = self.router.snapshot(&self.state);
        let engine_pooled: BTreeSet<&str> =
            snap.pooled.iter().map(|p| p.lead_id.as_str()).collect();
        let model_pooled: BTreeSet<&str> = self
            .leads
            .iter()
            .filter(|l| matches!(l.place, Place::InPool { .. }))
            .map(|l| l.id.as_str())
            .collect();
        ensure!(
            engine_pooled == model_pooled,
            "pooled leads differ: engine {engine_pooled:?}, model {model_pooled:?}"
        );
        for (ri, _) in self.spec.reps.iter().enumerate() {
            let caps = self.spec.caps(ri);
            for (p, key) in period_keys(self.now).into_iter().enumerate() {
                let model = self.count(ri, p, self.now);
                let engine = self.state.rep(ri).map_or(0, |s| s.count(p, key));
                ensure!(
                    model == engine,
                    "rep r{ri} period {p}: engine counts {engine}, model {model}"
                );
                if let Some(cap) = caps.get(p).copied().flatten() {
                    ensure!(
                        ri == self.spec.fallback || model <= cap,
                        "rep r{ri} has {model} leads in period {p}, over its cap {cap}"
                    );
                }
            }
        }
        Ok(())
    }

    /// Who may take a lead sent to team `t`, as the model sees it.
    fn team_choice_ok(
        &self,
        t: usize,
        rep: usize,
        via: Via,
        score: Option<f64>,
        stateless: bool,
    ) -> bool {
        let Some(team) = self.spec.teams.get(t) else {
            return false;
        };
        let eligible: Vec<usize> = team
            .members
            .iter()
            .copied()
            .filter(|m| self.eligible(*m, self.now))
            .collect();
        let owner_ok = team
            .default_owner
            .is_some_and(|d| self.eligible(d, self.now));
        match via {
            Via::Team => {
                if !eligible.contains(&rep) {
                    return false;
                }
                match team.strategy {
                    // Stateless picks hash the lead id over every eligible member.
                    _ if stateless => true,
                    StrategySpec::LeastLoaded { period } => {
                        let p = usize::from(period);
                        let min = eligible.iter().map(|m| self.count(*m, p, self.now)).min();
                        Some(self.count(rep, p, self.now)) == min
                    }
                    StrategySpec::Weighted { hot: Some(h) } if score.is_some_and(|s| s >= h) => {
                        let perf = |r: usize| self.spec.reps.get(r).map_or(0.0, |x| x.performance);
                        eligible.iter().all(|m| perf(*m) <= perf(rep))
                    }
                    _ => true,
                }
            }
            Via::TeamDefaultOwner => eligible.is_empty() && team.default_owner == Some(rep),
            Via::Fallback => eligible.is_empty() && !owner_ok && rep == self.spec.fallback,
            _ => false,
        }
    }

    fn route(&mut self, lead: &LeadSpec, stateless: bool) -> Result<(), String> {
        let index = self.leads.len();
        let id = format!("L{index}");
        let text = lead.json(&id);
        let parsed = self
            .router
            .schema()
            .parse_json(&text)
            .map_err(|e| format!("generated lead does not parse: {e}: {text}"))?;
        let opts = RouteOptions {
            now: self.now,
            trace: true,
            stateless,
        };
        let d = self.router.route(&mut self.state, &parsed, opts);
        self.routes += 1;
        self.transcript.push(
            serde_json::to_string(&d).map_err(|e| format!("decision does not serialize: {e}"))?,
        );
        ensure!(
            d.lead_id.as_deref() == Some(id.as_str()),
            "lead id {:?}",
            d.lead_id
        );
        let slot = match d.outcome {
            Outcome::Assigned => 0,
            Outcome::Pooled => 1,
            Outcome::Nurture => 2,
            Outcome::Rejected => 3,
        };
        if let Some(t) = self.tally.get_mut(slot) {
            *t += 1;
        }
        let rep = d.rep.and_then(Checker::rep_index);
        ensure!(
            (d.outcome == Outcome::Assigned) == rep.is_some(),
            "outcome {:?} with rep {:?}",
            d.outcome,
            d.rep
        );

        // The expected path, step by step, from the model alone.
        let tier = lead.tier.map(|t| t % 4);
        let expect_closed = |want: Outcome| -> Result<(), String> {
            ensure!(
                d.outcome == want && d.rep.is_none(),
                "{id}: expected {want:?}, got {:?} via {:?} ({})",
                d.outcome,
                d.via,
                d.reason
            );
            Ok(())
        };
        let mut model = LeadModel {
            id: id.clone(),
            place: Place::Closed,
            owner: None,
            missed: Vec::new(),
            score: None,
            sla_span: 0,
        };
        if self.spec.screen_spam && tier == Some(3) {
            expect_closed(Outcome::Rejected)?;
            self.leads.push(model);
            return Ok(());
        }
        let score = self.spec.scoring.as_ref().map(|s| {
            let fit = match tier {
                Some(t) if t < 3 => s.tier_points.get(usize::from(t)).copied().unwrap_or(0.0),
                _ => 0.0,
            };
            let size = if lead
                .size
                .filter(|x| x.is_finite())
                .is_some_and(|x| x >= 100.0)
            {
                s.size_points
            } else {
                0.0
            };
            let mut total = 0.0;
            total += 0.0 + fit;
            total += 0.0 + size;
            total
        });
        let owner = lead
            .domain
            .and_then(|dom| self.spec.accounts.iter().find(|a| a.0 == dom % 4))
            .map(|a| a.1);
        let via_ok = match owner.filter(|o| self.eligible(*o, self.now)) {
            Some(o) => d.via == Via::AccountOwner && rep == Some(o),
            None => {
                let below = match (&self.spec.scoring, score) {
                    (Some(s), Some(total)) => s.mql.is_some_and(|m| total < m),
                    _ => false,
                };
                if below {
                    expect_closed(Outcome::Nurture)?;
                    self.leads.push(model);
                    return Ok(());
                }
                let rule = self
                    .spec
                    .rules
                    .iter()
                    .position(|r| r.tier.is_none() || r.tier == tier);
                let rule_id = rule.map(|r| format!("rule{r}"));
                ensure!(
                    d.rule.map(str::to_string) == rule_id,
                    "{id}: rule {:?}, model expects {rule_id:?}",
                    d.rule
                );
                match rule.and_then(|r| self.spec.rules.get(r)).map(|r| r.target) {
                    None => d.via == Via::Fallback && rep == Some(self.spec.fallback),
                    Some(Target::Rep(r)) => {
                        if self.eligible(r, self.now) {
                            d.via == Via::Rule && rep == Some(r)
                        } else {
                            d.via == Via::Fallback && rep == Some(self.spec.fallback)
                        }
                    }
                    Some(Target::Team(t)) => rep.is_some_and(|r| {
                        self.team_choice_ok(t, r, d.via, score, stateless)
                            && d.team == Some(&*format!("t{t}"))
                    }),
                    Some(Target::Pool(p)) => {
                        ensure!(
                            d.outcome == Outcome::Pooled && d.pool == Some(&*format!("p{p}")),
                            "{id}: expected pool p{p}, got {:?} ({})",
                            d.outcome,
                            d.reason
                        );
                        let expires = self
                            .spec
                            .pools
                            .get(p)
                            .and_then(|x| x.expire_after)
                            .map(|m| self.now + i64::from(m) * MINUTE);
                        model.place = Place::InPool {
                            pool: p,
                            at: self.now,
                            expires,
                        };
                        model.score = score;
                        model.sla_span = rule
                            .and_then(|r| self.spec.rules.get(r))
                            .and_then(|r| r.sla.as_ref())
                            .map_or(0, |s| {
                                let last = s.remind.iter().copied().max().unwrap_or(0);
                                i64::from(s.first_touch.max(last)) * MINUTE
                            });
                        self.leads.push(model);
                        return Ok(());
                    }
                }
            }
        };
        ensure!(
            via_ok && d.outcome == Outcome::Assigned,
            "{id}: assigned to {:?} via {:?}, which the model does not allow ({})",
            d.rep,
            d.via,
            d.reason
        );
        if let Some(r) = rep {
            self.bump(r, self.now, true);
            model.owner = Some(r);
        }
        model.place = Place::Assigned;
        self.leads.push(model);
        Ok(())
    }

    /// Whether the model lets `rep` claim lead `li` now (None: no such lead).
    fn may_claim(&self, li: Option<usize>, ri: usize) -> bool {
        let Some(l) = li.and_then(|i| self.leads.get(i)) else {
            return false;
        };
        match l.place {
            Place::InPool { pool, expires, .. } => {
                let Some(p) = self.spec.pools.get(pool) else {
                    return false;
                };
                let day = period_keys(self.now)[0];
                let claims_today = match self.claims_day.get(ri) {
                    Some((d, n)) if *d == day => *n,
                    _ => 0,
                };
                let open = self
                    .leads
                    .iter()
                    .filter(|x| {
                        matches!(x.place, Place::Claimed { rep, pool: q, touched: None, pruned: false, .. }
                            if rep == ri && q == pool)
                    })
                    .count() as u32;
                // A blind pool is claimed oldest first: by id only its oldest lead.
                let oldest = self
                    .leads
                    .iter()
                    .filter_map(|x| match x.place {
                        Place::InPool {
                            pool: q,
                            at,
                            expires,
                        } if q == pool && expires.is_none_or(|e| e > self.now) => {
                            Some((at, x.id.as_str()))
                        }
                        _ => None,
                    })
                    .min();
                let in_turn = !p.blind || oldest.is_some_and(|(_, id)| id == l.id);
                in_turn
                    && self.spec.pool_members(pool).contains(&ri)
                    && expires.is_none_or(|e| e > self.now)
                    && self.eligible(ri, self.now)
                    && p.per_day.is_none_or(|n| claims_today < n)
                    && p.open.is_none_or(|n| open < n)
            }
            Place::Claimed { rep, pruned, .. } => rep == ri && !pruned,
            _ => false,
        }
    }

    /// `next`: claim through `claim_next` on this pool instead of by id.
    fn claim(
        &mut self,
        li: Option<usize>,
        id: &str,
        ri: usize,
        rep: &str,
        next: Option<&str>,
    ) -> Result<(), String> {
        let allowed = self.may_claim(li, ri);
        let before = self.state.clone();
        let r = match next {
            Some(pool) => self.router.claim_next(&mut self.state, pool, rep, self.now),
            None => self.router.claim(&mut self.state, id, rep, self.now),
        };
        match &r {
            Ok(c) => self.transcript.push(format!("claim {}", json!(c))),
            Err(e) => self.transcript.push(format!("ERR claim {id} {rep}: {e}")),
        }
        ensure!(
            r.is_ok() == allowed,
            "claim {id} by {rep}: engine {r:?}, model allows: {allowed}"
        );
        let Some(l) = li.and_then(|i| self.leads.get_mut(i)) else {
            return Ok(());
        };
        if let (Ok(c), Place::InPool { pool, .. }) = (&r, l.place.clone()) {
            ensure!(c.rep == rep && c.lead_id == id, "claim returned {c:?}");
            l.place = Place::Claimed {
                rep: ri,
                pool,
                at: self.now,
                touched: None,
                pruned: false,
            };
            l.owner = Some(ri);
            self.bump(ri, self.now, true);
            let day = period_keys(self.now)[0];
            if let Some(slot) = self.claims_day.get_mut(ri) {
                *slot = if slot.0 == day {
                    (day, slot.1 + 1)
                } else {
                    (day, 1)
                };
            }
        } else if r.is_ok() {
            // Claiming again as the winner is idempotent.
            ensure!(
                self.state == before,
                "a repeated claim of {id} changed the state"
            );
        }
        Ok(())
    }

    fn claim_next(&mut self, pool: usize, rep: usize) -> Result<(), String> {
        let np = self.spec.pools.len();
        let pi = pool % (np + 1);
        let pool_id = if pi < np {
            format!("p{pi}")
        } else {
            "p-unknown".into()
        };
        let members = self.spec.pool_members(pi);
        let (ri, rep_id) = match nth(&members, rep / 2).filter(|_| rep & 1 == 0) {
            Some(r) => (r, Spec::rep_id(r)),
            None => self.rep_of(rep / 2),
        };
        let member = pi < np && members.contains(&ri);
        let oldest = self
            .leads
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.place {
                Place::InPool { pool, at, expires }
                    if pool == pi && expires.is_none_or(|e| e > self.now) =>
                {
                    Some((at, l.id.clone(), i))
                }
                _ => None,
            })
            .min();
        match (member, oldest) {
            (true, Some((_, id, i))) => self.claim(Some(i), &id, ri, &rep_id, Some(&pool_id)),
            _ => {
                let r = self
                    .router
                    .claim_next(&mut self.state, &pool_id, &rep_id, self.now);
                self.transcript
                    .push(format!("ERR claim_next {pool_id} {rep_id}: {r:?}"));
                ensure!(
                    r.is_err(),
                    "claim_next {pool_id} by {rep_id} succeeded: {r:?}"
                );
                Ok(())
            }
        }
    }

    fn release(&mut self, lead: usize, rep: usize) -> Result<(), String> {
        let (li, id) = self.lead_where(lead, |l| matches!(l.place, Place::Claimed { .. }));
        let (ri, rep_id) = self.rep_for(li, rep);
        let place = li.and_then(|i| self.leads.get(i)).map(|l| l.place.clone());
        let allowed = matches!(place, Some(Place::Claimed { rep, touched: None, pruned: false, .. }) if rep == ri);
        let r = self.router.release(&mut self.state, &id, &rep_id, self.now);
        match &r {
            Ok(()) => self.transcript.push(format!("release {id} {rep_id}")),
            Err(e) => self
                .transcript
                .push(format!("ERR release {id} {rep_id}: {e}")),
        }
        ensure!(
            r.is_ok() == allowed,
            "release {id} by {rep_id}: engine {r:?}, model allows: {allowed}"
        );
        if let (Ok(()), Some(Place::Claimed { pool, at, .. })) = (r, place) {
            self.bump(ri, at, false);
            let expires = self
                .spec
                .pools
                .get(pool)
                .and_then(|p| p.expire_after)
                .map(|m| self.now + i64::from(m) * MINUTE);
            if let Some(l) = li.and_then(|i| self.leads.get_mut(i)) {
                l.place = Place::InPool {
                    pool,
                    at: self.now,
                    expires,
                };
                l.owner = None;
            }
        }
        Ok(())
    }

    fn touch(&mut self, lead: usize, rep: usize) -> Result<(), String> {
        let (li, id) = self.lead_where(lead, |l| l.owner.is_some());
        let (ri, rep_id) = self.rep_for(li, rep);
        let model = li.and_then(|i| self.leads.get(i)).cloned();
        let r = self.router.touch(&mut self.state, &id, &rep_id, self.now);
        match &r {
            Ok(()) => self.transcript.push(format!("touch {id} {rep_id}")),
            Err(e) => self
                .transcript
                .push(format!("ERR touch {id} {rep_id}: {e}")),
        }
        if let Some(Place::Claimed {
            rep, pruned: false, ..
        }) = model.as_ref().map(|m| &m.place)
        {
            ensure!(
                r.is_ok() == (*rep == ri),
                "touch of claimed {id} by {rep_id}: {r:?}"
            );
        }
        if r.is_ok() {
            ensure!(
                model.as_ref().and_then(|m| m.owner) == Some(ri),
                "touch {id} by {rep_id} accepted, but the model's owner is {:?}",
                model.as_ref().and_then(|m| m.owner)
            );
            // Touching again changes nothing.
            let once = self.state.clone();
            let again = self.router.touch(&mut self.state, &id, &rep_id, self.now);
            ensure!(
                again.is_ok() && self.state == once,
                "a repeated touch changed the state"
            );
            if let Some(Place::Claimed { touched, .. }) =
                li.and_then(|i| self.leads.get_mut(i)).map(|l| &mut l.place)
            {
                touched.get_or_insert(self.now);
            }
        }
        Ok(())
    }

    fn tick(&mut self) -> Result<(), String> {
        let now = self.now;
        let events = self.router.tick(&mut self.state, now);
        self.transcript.push(format!("tick {}", json!(events)));
        // Replaying the same tick finds nothing new and changes nothing.
        let mut again = self.state.clone();
        let replay = self.router.tick(&mut again, now);
        ensure!(
            replay.is_empty(),
            "tick replayed at the same time emitted {replay:?}"
        );
        ensure!(again == self.state, "a replayed tick changed the state");
        ensure!(
            events.windows(2).all(|w| match w {
                [a, b] => a.at <= b.at,
                _ => true,
            }),
            "events are not in time order"
        );

        // The engine re-routes breached leads (in lead id order) before it expires
        // pools (in lead id order); replay them in that order against the model.
        let mut by_kind: Vec<&Event> = events.iter().collect();
        by_kind.sort_by(|a, b| {
            let rank = |e: &Event| u8::from(e.kind == EventKind::PoolExpired);
            rank(a)
                .cmp(&rank(b))
                .then_with(|| a.lead_id.cmp(&b.lead_id))
        });
        let mut expired = BTreeSet::new();
        for e in by_kind {
            let li = self.leads.iter().position(|l| l.id == e.lead_id);
            let Some(li) = li else {
                return Err(format!("event for an unknown lead: {e:?}"));
            };
            let new_rep = Checker::rep_index(&e.rep);
            match e.kind {
                EventKind::Reassigned => {
                    let (Some(r), Some(from)) =
                        (new_rep, e.from_rep.as_deref().and_then(Checker::rep_index))
                    else {
                        return Err(format!("re-route without reps: {e:?}"));
                    };
                    let eligible = self.eligible(r, now);
                    let l = self.leads.get_mut(li).ok_or("lead vanished")?;
                    ensure!(
                        l.owner == Some(from),
                        "{} re-routed from {from}, model owner {:?}",
                        l.id,
                        l.owner
                    );
                    l.missed.push(from);
                    ensure!(
                        !l.missed.contains(&r),
                        "{} re-routed back to r{r}, who missed its SLA",
                        l.id
                    );
                    ensure!(
                        eligible || r == self.spec.fallback,
                        "{} re-routed to r{r}, who cannot take leads now",
                        l.id
                    );
                    l.owner = Some(r);
                    self.bump(r, now, true);
                }
                EventKind::PoolExpired => {
                    let Some(r) = new_rep else {
                        return Err(format!("expired lead pushed to nobody: {e:?}"));
                    };
                    let pool = match self.leads.get(li).map(|l| &l.place) {
                        Some(Place::InPool {
                            pool,
                            expires: Some(x),
                            ..
                        }) if *x <= now => *pool,
                        other => return Err(format!("{} expired from place {other:?}", e.lead_id)),
                    };
                    let to = self.spec.pools.get(pool).and_then(|p| p.expire_to);
                    let score = self.leads.get(li).and_then(|l| l.score);
                    let ok = match to {
                        Some(t) => [Via::Team, Via::TeamDefaultOwner, Via::Fallback]
                            .into_iter()
                            .any(|v| self.team_choice_ok(t, r, v, score, false)),
                        None => r == self.spec.fallback,
                    };
                    ensure!(
                        ok,
                        "{} expired to r{r}, which the model does not allow",
                        e.lead_id
                    );
                    let l = self.leads.get_mut(li).ok_or("lead vanished")?;
                    l.place = Place::Assigned;
                    l.owner = Some(r);
                    self.bump(r, now, true);
                    expired.insert(e.lead_id.clone());
                }
                EventKind::Reminder | EventKind::Escalation => {}
            }
        }
        let due: BTreeSet<String> = self
            .leads
            .iter()
            .filter(|l| matches!(l.place, Place::InPool { expires: Some(x), .. } if x <= now))
            .map(|l| l.id.clone())
            .collect();
        ensure!(
            due.is_empty(),
            "pooled leads past expiry stayed pooled: {due:?}"
        );
        for l in &mut self.leads {
            match &mut l.place {
                Place::Claimed {
                    touched: Some(t),
                    pruned,
                    ..
                } if now - *t > KEEP_TOUCHED => *pruned = true,
                // Untouched with nothing left due: gone after the finished horizon.
                Place::Claimed {
                    touched: None,
                    at,
                    pruned,
                    ..
                } if now - (*at + l.sla_span) > KEEP_FINISHED => *pruned = true,
                _ => {}
            }
        }
        Ok(())
    }

    /// Every lead the model has seen.
    pub fn leads_in(&self) -> usize {
        self.leads.len()
    }
}

/// Runs ops on a fresh checker; returns the transcript.
pub fn run(spec: &Spec, ops: &[Op]) -> Result<Checker, String> {
    let mut c = Checker::new(spec.clone())?;
    for (i, op) in ops.iter().enumerate() {
        c.apply(op).map_err(|e| format!("step {i} {op:?}: {e}"))?;
    }
    Ok(c)
}
