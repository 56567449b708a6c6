//! The compiled, immutable router: reps, teams, rules, pools, scoring and caps with ids
//! resolved to indexes and conditions prepared. Built once by `compile`.

pub mod account;
pub mod cap;
pub mod compile;
pub mod rep;
pub mod team;

use crate::condition::Cond;
use crate::config::{self, Config};
use crate::fxhash::FxHashMap as HashMap;
use crate::lead::Schema;
use crate::limits::Limits;
use crate::time::Zone;
use cap::CapRule;
pub use rep::Rep;
pub use team::{Sla, Team};

#[derive(Debug, Clone)]
pub struct ScreeningRule {
    pub id: String,
    pub cond: Cond,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct ScoreGroup {
    pub id: String,
    pub max: Option<f64>,
    pub rules: Vec<(String, Cond, f64)>,
}

#[derive(Debug, Clone)]
pub struct Scoring {
    pub groups: Vec<ScoreGroup>,
    /// Highest `min` first.
    pub grades: Vec<(String, f64)>,
    pub mql: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Rep(usize),
    Team(usize),
    Pool(usize),
    /// The matched account's owner, else its team, else the next matching rule.
    AccountOwner,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub cond: Cond,
    pub target: Target,
    pub sla: Option<Sla>,
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub id: String,
    pub name: String,
    /// Rep indexes allowed to see and claim (teams expanded).
    pub members: Vec<usize>,
    pub visibility: config::Visibility,
    /// Slots shown in listings.
    pub visible: Vec<usize>,
    pub claim_per_day: Option<u32>,
    pub claim_open: Option<u32>,
    pub expire_after_ms: Option<i64>,
    pub expire_to: Option<usize>,
    /// Claim eligibility per lead, besides membership and availability.
    pub require: Vec<team::Criterion>,
}

pub use account::Accounts;

/// A compiled routing config. Immutable: routing state lives in [`crate::State`].
#[derive(Debug, Clone)]
pub struct Router {
    pub(crate) schema: Schema,
    pub(crate) reps: Vec<Rep>,
    pub(crate) rep_ids: HashMap<String, usize>,
    pub(crate) teams: Vec<Team>,
    pub(crate) team_ids: HashMap<String, usize>,
    pub(crate) required: Vec<usize>,
    pub(crate) screening: Vec<ScreeningRule>,
    pub(crate) scoring: Option<Scoring>,
    pub(crate) accounts: Option<Accounts>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) rule_index: Option<crate::rule_index::RuleIndex>,
    /// Rule id to index (SLA records name their rule).
    pub(crate) rule_ids: HashMap<String, usize>,
    pub(crate) pools: Vec<Pool>,
    pub(crate) pool_ids: HashMap<String, usize>,
    pub(crate) cap_rules: Vec<CapRule>,
    /// The free email domain list after the config's additions and removals.
    pub(crate) free_email: Option<crate::condition::FreeList>,
    /// How long lead ids are remembered for replays (ms; 0: not at all).
    pub(crate) remember_ms: i64,
    /// Leads without an id are numbered (`lead-N`) instead of refused at the boundary.
    pub(crate) generate_ids: bool,
    pub(crate) fallback: usize,
    pub(crate) zones: Vec<Zone>,
    pub(crate) limits: Limits,
    pub(crate) config: Config,
    /// [`crate::ticket`]: tickets name the config that made them. Computed on first use:
    /// it serializes the whole config, a quarter of compiling the reference config, and
    /// only the edge's ticket calls read it.
    pub(crate) fingerprint: std::sync::OnceLock<u64>,
}

impl Router {
    pub fn rep_index(&self, id: &str) -> Option<usize> {
        self.rep_ids.get(id).copied()
    }
    pub fn rep(&self, i: usize) -> Option<&Rep> {
        self.reps.get(i)
    }
    pub fn reps(&self) -> &[Rep] {
        &self.reps
    }
    pub fn teams(&self) -> &[Team] {
        &self.teams
    }
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rule_ids.get(id).and_then(|i| self.rules.get(*i))
    }
    pub fn pools(&self) -> &[Pool] {
        &self.pools
    }
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
    /// The config this router was compiled from, without a copy.
    pub fn into_config(self) -> Config {
        self.config
    }
    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
    pub(crate) fn zone(&self, i: usize) -> &Zone {
        static UTC: std::sync::OnceLock<Zone> = std::sync::OnceLock::new();
        self.zones
            .get(i)
            .unwrap_or_else(|| UTC.get_or_init(Zone::utc))
    }
}

impl Router {
    /// The free email domains `email is free_email` tests, sorted: the built-in list
    /// with the config's `free_email_domains` changes.
    pub fn free_email_domains(&self) -> Vec<&str> {
        let mut v: Vec<&str> = match &self.free_email {
            Some(set) => set.iter().map(|d| &**d).collect(),
            None => crate::email::FREE_DOMAINS.to_vec(),
        };
        // Through the one merge sort: a standard sort would add its own copy for `&str`.
        crate::sort::sort_copy_by(&mut v, |a, b| a.cmp(b));
        v
    }
}
