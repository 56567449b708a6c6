//! Does a team's `learned` pick pay off? A seeded simulation with planted ground truth:
//! each member has a true conversion rate per segment (the learned pick's `segment`
//! values), leads arrive evenly over months, outcomes come back after a seeded delay, and
//! the team's caps hold. Three policies route the same leads, and a lead converts for
//! all three on the same seeded draw (common random numbers), so the differences are
//! the policies':
//!
//! - `learned`: the team as configured, starting with no history at all;
//! - `static`: the `weighted` pick with each member's `performance` set once to the
//!   conversion rate measured over the quarter before (routed round robin): the static
//!   top performer an admin would type in;
//! - `round_robin`.
//!
//! Regret is in expected conversions against the best member for each lead's segment,
//! ignoring caps (so even a perfect policy has some: the best rep cannot take
//! everything). The learned run's own log (decision propensities and outcomes) gives an
//! off-policy estimate of a uniform choice among the eligible members, next to that
//! choice's true expectation. Everything comes from the seed: the same options give
//! the same numbers.

use super::off_policy::{estimate, Estimate, Logged};
use crate::config::{FieldType, PickSpec};
use crate::error::ConfigErrors;
use crate::outcomes::LeadOutcome;
use crate::route::RouteOptions;
use crate::select::pick::sample::Rng;
use crate::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

const DAY: i64 = 86_400_000;
const MONTH_DAYS: i64 = 30;
/// Most months and leads a month one run simulates (a year at 600 a month takes well
/// under a second natively; the caps keep a browser tab responsive).
pub const MAX_MONTHS: usize = 36;
pub const MAX_LEADS_PER_MONTH: usize = 5_000;
pub const MAX_SEGMENTS: usize = 12;

/// How to run the simulation. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LearningOptions {
    pub seed: u64,
    pub months: usize,
    pub leads_per_month: usize,
    /// The first lead's time, ms since the epoch (default 2026-01-05).
    pub start: i64,
    /// Outcomes arrive between these many days after the lead (uniform).
    pub delay_days: [f64; 2],
    /// The team to simulate; default the first team with a `learned` pick.
    pub team: Option<String>,
    /// Generated truth: the mean true conversion rate...
    pub base_rate: f64,
    /// ...and how far a member's rate in a segment lies from it (uniform in ± spread).
    pub spread: f64,
    /// Generated truth: how many segments (one when the pick has no `segment` fields).
    pub segments: usize,
    /// Generated truth: halfway through, the best and the worst member of the first
    /// segment swap rates (a rep improves, another slips), so a policy must adapt.
    pub shift: bool,
    /// Explicit truth instead of a generated one.
    pub planted: Option<Planted>,
}

impl Default for LearningOptions {
    fn default() -> Self {
        LearningOptions {
            seed: 19,
            months: 12,
            leads_per_month: 600,
            start: 1_767_571_200_000,
            delay_days: [14.0, 45.0],
            team: None,
            base_rate: 0.15,
            spread: 0.1,
            segments: 3,
            shift: true,
            planted: None,
        }
    }
}

/// Planted ground truth: the segments leads arrive in and each member's true rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Planted {
    pub segments: Vec<PlantedSegment>,
    /// Per member (by rep id), the true conversion rate in each segment, in order.
    pub rates: Vec<RepRates>,
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantedSegment {
    pub name: String,
    /// The lead fields that put a lead in this segment (`{"industry": "saas"}`).
    pub lead: Map<String, Value>,
    /// How often it arrives (relative to the other segments).
    pub mix: f64,
    /// A converted deal's mean value (each deal is 0.5 to 1.5 times it).
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepRates {
    pub rep: String,
    pub rates: Vec<f64>,
}

/// From `month` on, `rep`'s true rate in segment `segment` (an index) is `rate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub month: usize,
    pub rep: String,
    pub segment: usize,
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LearningError {
    /// No team has a `learned` pick (or the named one does not exist or has none).
    NoLearnedTeam(Option<String>),
    /// An option out of range: which, and why.
    Option(&'static str, String),
    /// A derived config (the static or round robin variant) did not compile.
    Config(ConfigErrors),
}

impl LearningError {
    pub fn code(&self) -> &'static str {
        match self {
            LearningError::NoLearnedTeam(_) => "no_learned_team",
            LearningError::Option(..) => "invalid_option",
            LearningError::Config(_) => "invalid_config",
        }
    }
}

impl fmt::Display for LearningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LearningError::NoLearnedTeam(None) => {
                write!(
                    f,
                    "no team has a learned pick (\"pick\": {{\"type\": \"learned\"}})"
                )
            }
            LearningError::NoLearnedTeam(Some(t)) => {
                write!(f, "team `{t}` does not exist or has no learned pick")
            }
            LearningError::Option(name, why) => write!(f, "`{name}`: {why}"),
            LearningError::Config(e) => write!(f, "a derived config did not compile: {e}"),
        }
    }
}

impl std::error::Error for LearningError {}

/// What the simulation found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearningReport {
    pub team: String,
    /// The team's members, the order of every `per_rep` list.
    pub members: Vec<String>,
    pub segments: Vec<String>,
    /// True rates at the start, member by segment, and the changes after.
    pub truth: Vec<RepRates>,
    pub changes: Vec<Change>,
    /// The static top performer's weights, measured over the quarter before.
    pub static_weights: Vec<f64>,
    /// The learned pick's fairness floor (share of leads).
    pub floor: f64,
    pub leads: usize,
    pub policies: Vec<PolicyResult>,
    /// From the learned log: a uniform choice among the eligible members.
    pub off_policy: Option<OffPolicyLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyResult {
    /// `learned`, `static` or `round_robin`.
    pub policy: &'static str,
    pub label: &'static str,
    /// Leads a member took (the others went elsewhere or were refused: `unassigned`).
    pub leads: usize,
    pub unassigned: usize,
    pub conversions: usize,
    pub revenue: f64,
    /// Expected conversions lost against the best member of each lead's segment.
    pub regret: f64,
    pub per_rep: Vec<usize>,
    pub min_share: f64,
    pub max_share: f64,
    pub months: Vec<Period>,
}

/// One month of one policy; `cumulative_*` run from the first month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub month: usize,
    pub leads: usize,
    pub conversions: usize,
    pub revenue: f64,
    pub regret: f64,
    pub cumulative_conversions: usize,
    pub cumulative_revenue: f64,
    pub cumulative_regret: f64,
    pub per_rep: Vec<usize>,
    /// The smallest member's share of this month's leads...
    pub min_share: f64,
    /// ...and of all leads so far: what the learned pick's floor holds (its credit runs
    /// from the first lead, so a rep drawn often early may get less later).
    pub cumulative_min_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OffPolicyLine {
    pub target: &'static str,
    pub ips: f64,
    pub snips: f64,
    pub effective_n: f64,
    pub n: usize,
    /// The target's true expected conversion rate over the same leads.
    pub truth: f64,
}

impl From<Estimate> for OffPolicyLine {
    fn from(e: Estimate) -> Self {
        OffPolicyLine {
            target: "uniform",
            ips: e.ips,
            snips: e.snips,
            effective_n: e.effective_n,
            n: e.n,
            truth: 0.0,
        }
    }
}

/// The truth as the run reads it: rates `[member][segment]` and the changes.
struct Truth {
    segments: Vec<PlantedSegment>,
    rates: Vec<Vec<f64>>,
    changes: Vec<(usize, usize, usize, f64)>,
}

impl Truth {
    fn rate(&self, member: usize, segment: usize, month: usize) -> f64 {
        let mut p = self
            .rates
            .get(member)
            .and_then(|r| r.get(segment))
            .copied()
            .unwrap_or(0.0);
        for (m, r, s, rate) in &self.changes {
            if month >= *m && *r == member && *s == segment {
                p = *rate;
            }
        }
        p
    }
    fn best(&self, members: usize, segment: usize, month: usize) -> f64 {
        (0..members)
            .map(|x| self.rate(x, segment, month))
            .fold(0.0, f64::max)
    }
}

struct SimLead {
    id: String,
    at: i64,
    month: usize,
    segment: usize,
    /// The seeded draw: converts when below the chosen rep's true rate.
    u: f64,
    value: f64,
    delay: i64,
    text: String,
}

/// Runs the three policies for the learned team of `router`'s config.
pub fn simulate_learning(
    router: &Router,
    opts: &LearningOptions,
) -> Result<LearningReport, LearningError> {
    check(opts)?;
    let config = router.config();
    let team = config
        .teams
        .iter()
        .find(|t| {
            opts.team.as_ref().is_none_or(|id| *id == t.id)
                && matches!(
                    t.select.as_ref().map(|s| &s.pick),
                    Some(PickSpec::Learned(_))
                )
        })
        .ok_or_else(|| LearningError::NoLearnedTeam(opts.team.clone()))?;
    let Some(PickSpec::Learned(learned)) = team.select.as_ref().map(|s| &s.pick) else {
        return Err(LearningError::NoLearnedTeam(opts.team.clone()));
    };
    let members: Vec<String> = team.members.clone();
    let truth = match &opts.planted {
        Some(p) => planted_truth(p, &members)?,
        None => generated_truth(opts, &members, &learned.segment, &learned.bands, config),
    };
    let mut base =
        serde_json::to_value(config).map_err(|e| LearningError::Option("config", e.to_string()))?;
    if let Some(obj) = base.as_object_mut() {
        // Every generated lead goes to the team, whatever the screening, the scoring's
        // MQL threshold and the rules ask of real leads (a generated lead has only its
        // id and segment fields).
        obj.insert("rules".into(), json!([{"id": "all", "team": team.id}]));
        obj.remove("screening");
        obj.remove("scoring");
        // The compiled config writes the default `strategy` next to `select`; reading
        // it back takes one or the other.
        if let Some(teams) = obj.get_mut("teams").and_then(Value::as_array_mut) {
            for t in teams.iter_mut().filter_map(Value::as_object_mut) {
                if t.contains_key("select") {
                    t.remove("strategy");
                }
            }
        }
    }
    let build = |v: &Value| Router::from_json(&v.to_string()).map_err(LearningError::Config);
    let learned_router = build(&base)?;
    let rr_router = build(&with_pick(
        &base,
        &team.id,
        json!({"type": "round_robin"}),
        None,
    ))?;

    let year = leads(opts, &truth, opts.seed, opts.months, opts.start, "L");
    // The quarter before, routed round robin, sets the static weights.
    let q0_start = opts.start - 3 * MONTH_DAYS * DAY;
    let q0: Vec<SimLead> = leads(opts, &truth, opts.seed + 1, 3, q0_start, "Q")
        .into_iter()
        .map(|mut l| {
            l.month = 0;
            l
        })
        .collect();
    let mut seen = vec![(0usize, 0usize); members.len()];
    let mut state = rr_router.new_state();
    for l in &q0 {
        let Some(r) = rr_router
            .route_json(&mut state, &l.text, RouteOptions::at(l.at))
            .ok()
            .and_then(|d| d.rep.and_then(|id| members.iter().position(|x| *x == id)))
        else {
            continue;
        };
        if let Some(s) = seen.get_mut(r) {
            s.0 += 1;
            s.1 += usize::from(l.u < truth.rate(r, l.segment, 0));
        }
    }
    let weights: Vec<f64> = seen
        .iter()
        .map(|(n, c)| *c as f64 / (*n).max(1) as f64)
        .collect();
    let weighted_router = build(&with_pick(
        &base,
        &team.id,
        json!({"type": "weighted"}),
        Some((&members, &weights)),
    ))?;

    let k = members.len();
    let (learned_run, log, uniform_truth) = run(&learned_router, &year, &truth, &members, true);
    let (static_run, _, _) = run(&weighted_router, &year, &truth, &members, false);
    let (rr_run, _, _) = run(&rr_router, &year, &truth, &members, false);
    let off_policy = estimate(&log).map(|e| OffPolicyLine {
        truth: uniform_truth / log.len().max(1) as f64,
        ..OffPolicyLine::from(e)
    });
    let policies = vec![
        learned_run.finish("learned", "learned", k),
        static_run.finish("static", "static top performer", k),
        rr_run.finish("round_robin", "round robin", k),
    ];
    Ok(LearningReport {
        team: team.id.clone(),
        members: members.clone(),
        segments: truth.segments.iter().map(|s| s.name.clone()).collect(),
        truth: members
            .iter()
            .zip(&truth.rates)
            .map(|(rep, rates)| RepRates {
                rep: rep.clone(),
                rates: rates.clone(),
            })
            .collect(),
        changes: truth
            .changes
            .iter()
            .map(|(month, r, segment, rate)| Change {
                month: *month,
                rep: members.get(*r).cloned().unwrap_or_default(),
                segment: *segment,
                rate: *rate,
            })
            .collect(),
        static_weights: weights,
        floor: learned.floor.unwrap_or(0.0),
        leads: year.len(),
        policies,
        off_policy,
    })
}

fn check(o: &LearningOptions) -> Result<(), LearningError> {
    let bad = |name, why: &str| Err(LearningError::Option(name, why.to_string()));
    if o.months == 0 || o.months > MAX_MONTHS {
        return bad("months", &format!("1 to {MAX_MONTHS}"));
    }
    if o.leads_per_month == 0 || o.leads_per_month > MAX_LEADS_PER_MONTH {
        return bad("leads_per_month", &format!("1 to {MAX_LEADS_PER_MONTH}"));
    }
    let [lo, hi] = o.delay_days;
    if !(lo >= 0.0 && hi >= lo && hi <= 365.0) {
        return bad("delay_days", "[min, max] with 0 <= min <= max <= 365");
    }
    if !(o.base_rate > 0.0 && o.base_rate < 1.0) {
        return bad("base_rate", "between 0 and 1");
    }
    if !(0.0..=0.5).contains(&o.spread) {
        return bad("spread", "0 to 0.5");
    }
    if o.segments == 0 || o.segments > MAX_SEGMENTS {
        return bad("segments", &format!("1 to {MAX_SEGMENTS}"));
    }
    if o.start.checked_sub(3 * MONTH_DAYS * DAY).is_none() {
        return bad("start", "out of range");
    }
    Ok(())
}

fn planted_truth(p: &Planted, members: &[String]) -> Result<Truth, LearningError> {
    let bad = |why: String| Err(LearningError::Option("planted", why));
    if p.segments.is_empty() || p.segments.len() > MAX_SEGMENTS {
        return bad(format!("1 to {MAX_SEGMENTS} segments"));
    }
    if p.segments.iter().any(|s| !(s.mix >= 0.0 && s.value >= 0.0)) {
        return bad("a segment's mix and value are at least 0".into());
    }
    let rate_ok = |r: f64| (0.0..=1.0).contains(&r);
    let mut rates = Vec::with_capacity(members.len());
    for m in members {
        let Some(r) = p.rates.iter().find(|r| r.rep == *m) else {
            return bad(format!("no rates for member `{m}`"));
        };
        if r.rates.len() != p.segments.len() || !r.rates.iter().copied().all(rate_ok) {
            return bad(format!("`{m}` needs one rate from 0 to 1 per segment"));
        }
        rates.push(r.rates.clone());
    }
    let mut changes = Vec::new();
    for c in &p.changes {
        let Some(r) = members.iter().position(|m| *m == c.rep) else {
            return bad(format!("change for `{}`, not a member", c.rep));
        };
        if c.segment >= p.segments.len() || !rate_ok(c.rate) {
            return bad(format!("change for `{}`: no such segment or rate", c.rep));
        }
        changes.push((c.month, r, c.segment, c.rate));
    }
    Ok(Truth {
        segments: p.segments.clone(),
        rates,
        changes,
    })
}

/// Segments from the learned pick's fields (`industry-1`, a band's lower edge, or a
/// boolean), rates `base ± spread` from the seed, and the optional mid-run swap.
fn generated_truth(
    o: &LearningOptions,
    members: &[String],
    fields: &[String],
    bands: &[f64],
    config: &crate::Config,
) -> Truth {
    let n = if fields.is_empty() { 1 } else { o.segments };
    let segments: Vec<PlantedSegment> = (0..n)
        .map(|k| {
            let mut lead = Map::new();
            let mut name = Vec::new();
            for f in fields {
                let v = match config.fields.get(f) {
                    Some(FieldType::Number) => {
                        let edge = match k {
                            0 => bands.first().map_or(0.0, |b| b - 1.0),
                            _ => bands.get(k - 1).copied().unwrap_or(1000.0 * k as f64),
                        };
                        json!(edge)
                    }
                    Some(FieldType::Boolean) => json!(k % 2 == 0),
                    _ => json!(format!("{f}-{}", k + 1)),
                };
                name.push(match &v {
                    Value::String(s) => s.clone(),
                    v => format!("{f} {v}"),
                });
                lead.insert(f.clone(), v);
            }
            PlantedSegment {
                name: if name.is_empty() {
                    "all".into()
                } else {
                    name.join(", ")
                },
                lead,
                mix: 1.0,
                value: 10_000.0,
            }
        })
        .collect();
    let mut rng = Rng::new(o.seed ^ 0x0074_7275_7468);
    let rates: Vec<Vec<f64>> = members
        .iter()
        .map(|_| {
            (0..n)
                .map(|_| (o.base_rate + o.spread * (2.0 * rng.uniform() - 1.0)).clamp(0.01, 0.95))
                .collect()
        })
        .collect();
    let mut changes = Vec::new();
    let first = |r: &Vec<f64>| r.first().copied().unwrap_or(0.0);
    let by = |cmp: fn(f64, f64) -> bool| {
        let mut at = 0;
        for (i, r) in rates.iter().enumerate() {
            if rates.get(at).is_some_and(|b| cmp(first(r), first(b))) {
                at = i;
            }
        }
        at
    };
    let (best, worst) = (by(|a, b| a > b), by(|a, b| a < b));
    if o.shift && o.months >= 2 && best != worst {
        let rate = |i: usize| rates.get(i).map_or(0.0, first);
        changes.push((o.months / 2, best, 0, rate(worst)));
        changes.push((o.months / 2, worst, 0, rate(best)));
    }
    Truth {
        segments,
        rates,
        changes,
    }
}

/// `base` with team `team`'s pick replaced, and `performance` set on the members.
fn with_pick(
    base: &Value,
    team: &str,
    pick: Value,
    performance: Option<(&[String], &[f64])>,
) -> Value {
    let mut v = base.clone();
    if let Some(teams) = v.get_mut("teams").and_then(Value::as_array_mut) {
        for t in teams {
            if t.get("id").and_then(Value::as_str) == Some(team) {
                if let Some(obj) = t.as_object_mut() {
                    let select = obj.entry("select").or_insert_with(|| json!({}));
                    if let Some(s) = select.as_object_mut() {
                        s.insert("pick".into(), pick.clone());
                    }
                }
            }
        }
    }
    if let (Some((members, weights)), Some(reps)) =
        (performance, v.get_mut("reps").and_then(Value::as_array_mut))
    {
        for rep in reps {
            let id = rep.get("id").and_then(Value::as_str).unwrap_or_default();
            let w = members
                .iter()
                .position(|m| m == id)
                .and_then(|i| weights.get(i));
            if let (Some(w), Some(obj)) = (w, rep.as_object_mut()) {
                obj.insert("performance".into(), json!(w.max(0.001)));
            }
        }
    }
    v
}

fn leads(
    o: &LearningOptions,
    truth: &Truth,
    seed: u64,
    months: usize,
    first: i64,
    prefix: &str,
) -> Vec<SimLead> {
    let mut rng = Rng::new(seed);
    let n = months * o.leads_per_month;
    let span = months as i64 * MONTH_DAYS * DAY;
    let total: f64 = truth.segments.iter().map(|s| s.mix).sum();
    let last = truth.segments.len().saturating_sub(1);
    let [lo, hi] = o.delay_days;
    (0..n)
        .map(|i| {
            let at = first + (i as i64 * span) / n as i64 + (rng.uniform() * 60_000.0) as i64;
            let x = rng.uniform() * total;
            let mut acc = 0.0;
            let segment = truth
                .segments
                .iter()
                .position(|s| {
                    acc += s.mix;
                    x < acc
                })
                .unwrap_or(last);
            let seg = truth.segments.get(segment);
            let id = format!("{prefix}{i}");
            let mut lead = seg.map(|s| s.lead.clone()).unwrap_or_default();
            lead.insert("id".into(), json!(id));
            SimLead {
                id,
                at,
                month: (((at - first) / (MONTH_DAYS * DAY)) as usize).min(months - 1),
                segment,
                u: rng.uniform(),
                value: seg.map_or(0.0, |s| s.value) * (0.5 + rng.uniform()),
                delay: (lo + rng.uniform() * (hi - lo)) as i64 * DAY,
                text: Value::Object(lead).to_string(),
            }
        })
        .collect()
}

struct Tally {
    leads: usize,
    unassigned: usize,
    conversions: usize,
    revenue: f64,
    regret: f64,
    per_rep: Vec<usize>,
    months: Vec<Period>,
}

impl Tally {
    fn finish(mut self, policy: &'static str, label: &'static str, k: usize) -> PolicyResult {
        let share = |per_rep: &[usize], n: usize| -> (f64, f64) {
            let s = per_rep.iter().map(|x| *x as f64 / n.max(1) as f64);
            (s.clone().fold(1.0, f64::min), s.fold(0.0, f64::max))
        };
        let (mut conv, mut rev, mut reg) = (0, 0.0, 0.0);
        let (mut leads, mut per_rep) = (0, vec![0; k]);
        for p in &mut self.months {
            leads += p.leads;
            for (total, n) in per_rep.iter_mut().zip(&p.per_rep) {
                *total += n;
            }
            p.cumulative_min_share = share(&per_rep, leads).0;
            conv += p.conversions;
            rev += p.revenue;
            reg += p.regret;
            p.cumulative_conversions = conv;
            p.cumulative_revenue = rev;
            p.cumulative_regret = reg;
            p.min_share = share(&p.per_rep, p.leads).0;
        }
        let (min_share, max_share) = if k == 0 {
            (0.0, 0.0)
        } else {
            share(&self.per_rep, self.leads)
        };
        PolicyResult {
            policy,
            label,
            leads: self.leads,
            unassigned: self.unassigned,
            conversions: self.conversions,
            revenue: self.revenue,
            regret: self.regret,
            per_rep: self.per_rep,
            min_share,
            max_share,
            months: self.months,
        }
    }
}

/// One policy over the leads. With `learn`, outcomes are recorded once their delay has
/// passed; the log and the uniform target's truth come back for the off-policy line.
fn run(
    router: &Router,
    leads: &[SimLead],
    truth: &Truth,
    members: &[String],
    learn: bool,
) -> (Tally, Vec<Logged>, f64) {
    let k = members.len();
    let months = leads.iter().map(|l| l.month + 1).max().unwrap_or(0);
    let mut t = Tally {
        leads: 0,
        unassigned: 0,
        conversions: 0,
        revenue: 0.0,
        regret: 0.0,
        per_rep: vec![0; k],
        months: (0..months)
            .map(|month| Period {
                month,
                leads: 0,
                conversions: 0,
                revenue: 0.0,
                regret: 0.0,
                cumulative_conversions: 0,
                cumulative_revenue: 0.0,
                cumulative_regret: 0.0,
                per_rep: vec![0; k],
                min_share: 0.0,
                cumulative_min_share: 0.0,
            })
            .collect(),
    };
    let (mut log, mut uniform_truth) = (Vec::new(), 0.0);
    let mut state = router.new_state();
    let mut pending: BinaryHeap<Reverse<(i64, usize, bool, u64)>> = BinaryHeap::new();
    for (i, lead) in leads.iter().enumerate() {
        while let Some(Reverse((at, j, converted, value))) = pending.peek().copied() {
            if at > lead.at {
                break;
            }
            pending.pop();
            let o = LeadOutcome {
                converted,
                value: value as f64,
                at,
            };
            if let Some(l) = leads.get(j) {
                // Every outcome is for a routed lead of this run: never refused.
                let _ = router.record_outcome(&mut state, &l.id, o);
            }
        }
        let Some((d, r)) = router
            .route_json(&mut state, &lead.text, RouteOptions::at(lead.at))
            .ok()
            .and_then(|d| {
                let r = d.rep.and_then(|id| members.iter().position(|x| *x == id))?;
                Some((d, r))
            })
        else {
            t.unassigned += 1;
            continue;
        };
        let p = truth.rate(r, lead.segment, lead.month);
        let regret = truth.best(k, lead.segment, lead.month) - p;
        let converted = lead.u < p;
        t.leads += 1;
        t.regret += regret;
        if let Some(n) = t.per_rep.get_mut(r) {
            *n += 1;
        }
        if converted {
            t.conversions += 1;
            t.revenue += lead.value;
        }
        if let Some(m) = t.months.get_mut(lead.month) {
            m.leads += 1;
            m.regret += regret;
            if let Some(n) = m.per_rep.get_mut(r) {
                *n += 1;
            }
            if converted {
                m.conversions += 1;
                m.revenue += lead.value;
            }
        }
        if let (Some(q), Some(trace)) = (d.propensity, d.trace.as_ref()) {
            let eligible: Vec<usize> = super::off_policy::eligible(trace)
                .filter_map(|rep| members.iter().position(|x| *x == rep))
                .collect();
            let n = eligible.len().max(1) as f64;
            log.push(Logged {
                propensity: q,
                target: 1.0 / n,
                reward: f64::from(u8::from(converted)),
            });
            uniform_truth += eligible
                .iter()
                .map(|x| truth.rate(*x, lead.segment, lead.month))
                .sum::<f64>()
                / n;
        }
        if learn {
            let value = if converted { lead.value as u64 } else { 0 };
            pending.push(Reverse((lead.at + lead.delay, i, converted, value)));
        }
    }
    (t, log, uniform_truth)
}

/// The README's scenario (`examples/learned.rs`): five reps whose true rates differ by
/// industry and change mid-year (eli is trained up in saas, ana slips there), 600 leads
/// a month, each rep capped at 150 a month, a 90-day half-life, a 5% floor and 128
/// propensity draws. The config text and the options with the planted truth.
pub fn readme_scenario() -> (String, LearningOptions) {
    const REPS: [&str; 5] = ["ana", "ben", "cho", "dev", "eli"];
    let rates = [
        [0.30, 0.10, 0.12],
        [0.12, 0.28, 0.10],
        [0.15, 0.15, 0.15],
        [0.08, 0.10, 0.30],
        [0.10, 0.08, 0.08],
    ];
    let segment = |name: &str, mix: f64, value: f64| PlantedSegment {
        name: name.into(),
        lead: Map::from_iter([("industry".to_string(), json!(name))]),
        mix,
        value,
    };
    let config = json!({
        "fields": {"industry": "string"},
        "reps": REPS.map(|id| json!({"id": id, "caps": {"month": 150}})),
        "teams": [{"id": "sales", "members": REPS, "select": {"pick": {
            "type": "learned", "segment": ["industry"], "half_life_days": 90,
            "floor": 0.05, "draws": 128
        }}}],
        "rules": [{"id": "all", "team": "sales"}],
        "lead_ids": {"remember_days": 120},
        "fallback": "ana"
    });
    let change = |rep: &str, rate: f64| Change {
        month: 6,
        rep: rep.into(),
        segment: 0,
        rate,
    };
    let planted = Planted {
        segments: vec![
            segment("saas", 0.4, 20_000.0),
            segment("retail", 0.35, 8_000.0),
            segment("health", 0.25, 30_000.0),
        ],
        rates: REPS
            .iter()
            .zip(rates)
            .map(|(rep, r)| RepRates {
                rep: (*rep).into(),
                rates: r.to_vec(),
            })
            .collect(),
        changes: vec![change("eli", 0.34), change("ana", 0.14)],
    };
    let opts = LearningOptions {
        planted: Some(planted),
        ..LearningOptions::default()
    };
    (config.to_string(), opts)
}
