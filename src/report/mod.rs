//! Simulation reports: replay past leads through a fresh router in `created_at` order and
//! aggregate what happened (outcomes, reps and caps, teams and fairness, rules, SLA, conversion).
//!
//! ```
//! use leadroute::Router;
//! use leadroute::report::{Simulation, SimOptions};
//! let router = Router::from_json(r#"{
//!   "fields": {"country": "string"},
//!   "reps": [{"id": "ana"}, {"id": "ben"}],
//!   "teams": [{"id": "sales", "members": ["ana", "ben"]}],
//!   "rules": [{"id": "all", "team": "sales"}],
//!   "fallback": "ana"
//! }"#).unwrap();
//! let mut sim = Simulation::new(&router, SimOptions::default());
//! sim.feed_jsonl(&router, "{\"id\": \"L1\", \"created_at\": \"2026-11-02T10:00:00Z\", \"converted\": true}\n");
//! sim.finish(&router);
//! let report = sim.report(&router);
//! assert_eq!(report.outcomes.assigned, 1);
//! assert_eq!(report.conversion.map(|c| c.converted), Some(1));
//! ```

mod aggregate;
mod audit;
mod claims;
mod compare;
mod csv;
mod dates;
mod diff;
mod engine;
mod export;
mod fairness;
mod held;
mod insights;
mod known;
pub mod learning;
pub mod off_policy;
pub mod prepared;
mod records;
mod simulate;
mod timeline;
mod window;

pub use audit::{
    AuditPage, AuditQuery, AuditRow, Page, CHECKPOINT_BUDGET, DEFAULT_CHECKPOINT_EVERY, MAX_PAGE,
};
pub use claims::{ClaimModel, Delay, TimeToClaim, MAX_CLAIM_TRIES};
pub use dates::{CreatedAtOptions, DateFormat, DateReport, SimError};
pub use diff::{Diff, DiffFilter, Move, MovedLead};
pub use insights::{AssertionResult, Assertions, Insight, InsightOptions};

pub use compare::{compare, erfc, Comparison, MetricDiff, ZTest};
pub use csv::{csv_head, csv_header};
pub use export::{comparison_csv, report_csv};
pub use fairness::{gini, Fairness};
pub use simulate::{arm_of, Simulation};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most decisions a report keeps with their traces.
pub const MAX_SAMPLE: usize = 10_000;
/// Most leads held back to put slightly unsorted input back in `created_at` order.
pub const MAX_REORDER_WINDOW: usize = 1_000_000;
/// Bad lines reported with their message (all are counted).
pub const MAX_LINE_ERRORS: usize = 20;
/// Longest input line (or CSV record) read; longer ones are bad lines.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
/// Most score histogram buckets; scores beyond them are counted as `outside`.
pub const MAX_SCORE_BUCKETS: usize = 200;

/// How to run a simulation. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimOptions {
    /// Decisions kept with their full trace: a uniform sample by a hash of the lead id, so
    /// two configs run over the same leads show the same leads. At most [`MAX_SAMPLE`].
    pub sample: usize,
    /// Leads held back to restore `created_at` order in input that is only locally
    /// unsorted. A lead older than the last one routed once it leaves this window is
    /// routed at the current simulated time and counted as `out_of_order`.
    pub reorder_window: usize,
    /// When set, every lead under a first-touch SLA is contacted this many minutes after
    /// it is assigned; when not set, nobody touches leads, so every SLA is missed.
    pub touch_after_minutes: Option<u64>,
    /// Width of a score histogram bucket.
    pub score_bucket: f64,
    /// Keep only the leads of one arm of an A/B split.
    pub split: Option<Split>,
    /// How members claim from pools; `None`: nobody claims (every pooled lead waits or
    /// expires), unless the leads carry `claimed_by` / `claimed_at`.
    pub claims: Option<ClaimModel>,
    /// Keep the audit log (`search`, `explain`, `diff`): the text of every lead and a
    /// compact record of its decision. Default true.
    pub audit: bool,
    /// Leads between two state checkpoints of the audit log (default
    /// [`DEFAULT_CHECKPOINT_EVERY`]): an explanation replays at most this many leads.
    pub checkpoint_every: usize,
    /// Estimated bytes the checkpoints may hold (default [`CHECKPOINT_BUDGET`], 256 MiB):
    /// past it every other one is dropped and the interval doubles.
    pub checkpoint_budget: usize,
    /// How `created_at` is read, and whether a run may go on without it.
    pub created_at: CreatedAtOptions,
    /// Thresholds of `report.insights`.
    pub insights: InsightOptions,
    /// Limits checked into `report.assertions` (the command line fails on any missed).
    pub assertions: Assertions,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            sample: 50,
            reorder_window: 10_000,
            touch_after_minutes: None,
            score_bucket: 10.0,
            split: None,
            claims: None,
            audit: true,
            checkpoint_every: DEFAULT_CHECKPOINT_EVERY,
            checkpoint_budget: CHECKPOINT_BUDGET,
            created_at: CreatedAtOptions::default(),
            insights: InsightOptions::default(),
            assertions: Assertions::default(),
        }
    }
}

/// An A/B split of traffic by a stable hash of the lead id (see [`arm_of`]). A lead whose
/// line names its `arm` (an edge worker's export) is kept by that instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    /// Share of leads that go to arm `b`, from 0 to 1.
    pub share_b: f64,
    /// The arm this simulation keeps.
    pub arm: Arm,
    /// Changes the split: the same seed always splits the same ids the same way.
    #[serde(default)]
    pub seed: u64,
}

pub use crate::split::Arm;

/// Everything a simulation measured. Counts cover the leads routed; SLA events and pool
/// expiries are counted up to the `created_at` of the last lead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    /// Leads routed.
    pub leads: u64,
    /// Non-blank input lines (CSV: records after the header) read.
    pub lines: u64,
    pub bad_lines: u64,
    /// The first [`MAX_LINE_ERRORS`] bad lines.
    pub errors: Vec<LineError>,
    /// Split runs: leads that belong to the other arm (not routed here).
    pub other_arm: u64,
    pub split: Option<Split>,
    /// Leads older than the simulated clock when their turn came (input not sorted).
    pub out_of_order: u64,
    /// Leads without a readable `created_at` (routed at the simulated clock).
    pub missing_created_at: u64,
    /// Simulated time span, ms since the epoch.
    pub first_at: Option<i64>,
    pub last_at: Option<i64>,
    pub outcomes: Outcomes,
    /// Rejected leads by screening rule (`required` for a missing required field).
    pub rejected_by: BTreeMap<String, u64>,
    /// Leads by the path that placed them at routing time.
    pub via: BTreeMap<String, u64>,
    /// Leads no routing rule matched (sent to the fallback owner).
    pub unmatched: u64,
    pub reps: Vec<RepReport>,
    pub teams: Vec<TeamReport>,
    /// Routing rules in config order, then screening rules.
    pub rules: Vec<RuleReport>,
    pub pools: Vec<PoolReport>,
    pub score: Option<ScoreReport>,
    pub sla: SlaReport,
    /// All leads that carry a known outcome (`converted`, `deal_value`).
    pub conversion: Option<Conversion>,
    /// Leads assigned to a rep (at routing or later) that carry a known outcome.
    pub assigned_conversion: Option<Conversion>,
    /// Sampled decisions with their traces, in time order.
    pub sample: Vec<SampleDecision>,
    /// What to look at first, most leads concerned first.
    pub insights: Vec<Insight>,
    /// Names in words for the ids and metric keys the report uses.
    pub labels: Labels,
    /// Lead-to-account matching, when the config has accounts.
    pub accounts: Option<AccountReport>,
    /// How `created_at` was read.
    pub created_at: DateReport,
    /// The options' assertions, checked.
    pub assertions: Vec<AssertionResult>,
    /// Learned teams' decisions with a known outcome: an inverse-propensity estimate of a
    /// uniform choice among the same eligible members (`report::off_policy`).
    pub off_policy: Option<off_policy::OffPolicyReport>,
}

/// Names for display: rep, team, pool and rule ids to their names (a rule's is its id
/// and target in words), and metric keys (`outcomes.assigned`, `reps.*.peak_month`) to
/// labels in words (`*` stands for the id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Labels {
    pub reps: BTreeMap<String, String>,
    pub teams: BTreeMap<String, String>,
    pub pools: BTreeMap<String, String>,
    pub rules: BTreeMap<String, String>,
    pub metrics: BTreeMap<String, String>,
}

/// Lead-to-account matching over the simulated leads (issue 18).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountReport {
    /// Leads looked up (screening passed or not: every routed lead).
    pub leads: u64,
    /// Matched leads per tier: `domain`, `name`, `fuzzy`.
    pub matched: BTreeMap<String, u64>,
    /// `matched[tier] / leads` per tier, and `all`.
    pub rates: BTreeMap<String, f64>,
    pub unmatched: u64,
    /// Unmatched leads whose company name is close to an account's (below the fuzzy
    /// threshold): the clean-up list, closest first, at most [`MAX_CLOSE`].
    pub close: Vec<CloseMatch>,
}

/// Most entries of [`AccountReport::close`].
pub const MAX_CLOSE: usize = 1000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloseMatch {
    /// The lead's index in routing order (`explain`).
    pub index: u64,
    pub lead_id: Option<String>,
    pub company: String,
    pub account: String,
    pub account_name: String,
    /// Jaro-Winkler similarity of the normalised names.
    pub similarity: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    /// 1-based line number in the input (CSV: where the record starts).
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcomes {
    pub assigned: u64,
    pub pooled: u64,
    pub nurture: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerPeriod {
    pub day: u32,
    pub week: u32,
    pub month: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caps {
    pub day: Option<u32>,
    pub week: Option<u32>,
    pub month: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepReport {
    pub id: String,
    pub name: String,
    /// Leads owned at the end: `assigned + received - rerouted_away`.
    pub leads: u64,
    /// Share of all owned leads.
    pub share: f64,
    /// Assigned at routing time.
    pub assigned: u64,
    /// Given later: re-routed to this rep after an SLA breach, pushed from an expired
    /// pool, or claimed from a pool.
    pub received: u64,
    /// Taken away after this rep missed the first-touch SLA.
    pub rerouted_away: u64,
    pub caps: Caps,
    /// The most leads this rep had in any one day, week and month.
    pub peak: PerPeriod,
    /// Days, weeks and months in which this rep reached the cap.
    pub capped: PerPeriod,
    /// Each week or month in which the rep reached the cap: the day, and how many days
    /// of the period were left (leads for the rep went elsewhere for that long).
    pub cap_reached: Vec<CapReached>,
    /// Times a lead for this rep's team (or a rule naming this rep) came while the rep
    /// could not take it, by reason (`busy`, `out_of_hours`, `at_month_cap`, ...).
    pub skipped: BTreeMap<String, u64>,
    /// SLA escalations caused by this rep.
    pub missed_sla: u64,
    pub conversion: Option<Conversion>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapReached {
    /// `week` or `month`.
    pub period: String,
    pub cap: u32,
    /// The rep's local date it was reached, `YYYY-MM-DD`.
    pub date: String,
    /// Day of the period, from 1 (a week starts on Monday).
    pub day: u32,
    /// Whole days of the period after that day.
    pub days_left: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamReport {
    pub id: String,
    pub name: String,
    /// Leads this team placed: with a member, its default owner, or the fallback owner.
    pub leads: u64,
    pub to_default_owner: u64,
    pub to_fallback: u64,
    pub fairness: Fairness,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleReport {
    pub id: String,
    /// `routing` or `screening`.
    pub kind: String,
    pub hits: u64,
    pub conversion: Option<Conversion>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolReport {
    pub id: String,
    pub name: String,
    pub pooled: u64,
    /// Claimed by a member (by the claim model or as the history file says).
    pub claimed: u64,
    /// Of `claimed`, the claims read from the history file.
    pub claimed_from_history: u64,
    /// Pushed on after nobody claimed them in time.
    pub expired: u64,
    /// Still waiting at the end.
    pub waiting: u64,
    /// From pooling to claim, over the claimed leads.
    pub time_to_claim: Option<TimeToClaim>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreReport {
    /// Leads that were scored (screening passed).
    pub scored: u64,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    pub below_mql: u64,
    pub bucket: f64,
    pub histogram: Vec<Bucket>,
    /// Scores that fell outside the first [`MAX_SCORE_BUCKETS`] buckets.
    pub outside: u64,
    pub grades: BTreeMap<String, u64>,
    /// Leads screening rejected, with the scores they had (every lead is scored).
    #[serde(default)]
    pub rejected: RejectedScores,
}

/// What screening turned away, by score: marketing's "how many high-score leads did
/// screening reject?"
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RejectedScores {
    pub scored: u64,
    /// Rejected leads whose score met the MQL threshold.
    pub mql: u64,
    pub grades: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Scores `from <= s < to`.
    pub from: f64,
    pub to: f64,
    pub count: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SlaReport {
    pub reminders: u64,
    pub escalations: u64,
    pub reassigned: u64,
    pub pool_expired: u64,
    /// Simulated first touches (`touch_after_minutes`).
    pub touched: u64,
    /// Leads still under an open SLA at the end.
    pub open: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversion {
    /// Leads with a known `converted` value.
    pub leads: u64,
    pub converted: u64,
    /// `converted / leads`.
    pub rate: f64,
    /// Sum of `deal_value` over converted leads.
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleDecision {
    /// Simulated time the lead was routed.
    pub at: i64,
    pub converted: Option<bool>,
    pub deal_value: Option<f64>,
    /// The decision with its full trace, as `route` returns it.
    pub decision: serde_json::Value,
}
