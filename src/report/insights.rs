//! Insights: what a sales-ops lead should look at first in a report, ranked by the number
//! of leads each concerns, with a stable code, the names in words and the ids.

use serde::{Deserialize, Serialize};

/// Thresholds for the insights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightOptions {
    /// `fallback_share` above this share of assigned leads (default 0.1).
    pub max_fallback_share: f64,
    /// `default_owner_share` above this share of a team's leads (default 0.1).
    pub max_default_owner_share: f64,
}

impl Default for InsightOptions {
    fn default() -> Self {
        InsightOptions {
            max_fallback_share: 0.1,
            max_default_owner_share: 0.1,
        }
    }
}

/// One finding. Codes: `fallback_share`, `default_owner_share`, `rep_at_cap_early`,
/// `pool_expires_unclaimed`, `rule_never_hit`, `rule_shadowed`, `no_rep_could_take`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    pub code: String,
    /// Leads concerned: the ranking key (most first).
    pub impact: u64,
    /// `warning` or `info`.
    pub severity: String,
    /// One sentence with rep, team, pool and rule names.
    pub message: String,
    /// Ids of what it is about (rep, team, pool, rule ids), for links.
    pub ids: Vec<String>,
    /// The share the message quotes, when it quotes one.
    pub share: Option<f64>,
    /// `rep_at_cap_early`: the earliest day of the period at which the cap was reached.
    pub day: Option<u32>,
}
