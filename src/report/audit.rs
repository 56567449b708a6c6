//! The audit log of a simulation: one compact record per routed lead (indexes, not
//! strings) and the record's text, searchable by lead id, email, company, rep, team,
//! rule and outcome; each decision's full explanation is re-derived on demand by
//! replaying from the nearest state checkpoint to that lead with the trace on.

use serde::{Deserialize, Serialize};

/// Leads between two state checkpoints (an explanation replays at most this many).
pub const DEFAULT_CHECKPOINT_EVERY: usize = 10_000;
/// Most rows one search page returns.
pub const MAX_PAGE: usize = 10_000;

/// What to find. Every field is optional; the given ones must all hold. Texts match
/// case-insensitively as substrings; ids (rep, team, pool, rule) match exactly, and
/// also match by the rep's or team's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditQuery {
    /// Matched against the lead id, email and company.
    pub text: Option<String>,
    pub lead_id: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    /// The owner: the rep assigned at routing or the member who claimed it.
    pub rep: Option<String>,
    pub team: Option<String>,
    pub pool: Option<String>,
    /// The routing or screening rule that decided.
    pub rule: Option<String>,
    /// `assigned`, `pooled`, `nurture` or `rejected`.
    pub outcome: Option<String>,
    /// The path (`team`, `fallback`, `pool`, ...).
    pub via: Option<String>,
}

/// One page of a search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            limit: 100,
            offset: 0,
        }
    }
}

/// A search's matches: how many in all, and the page asked for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub total: u64,
    pub rows: Vec<AuditRow>,
}

/// One simulated decision, in words as well as ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Position in routing order (0-based): the argument of `explain`.
    pub index: u64,
    /// 1-based line of the input (CSV: where the record starts).
    pub line: u64,
    /// Simulated time the lead was routed, ms since the epoch.
    pub at: i64,
    pub lead_id: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub outcome: String,
    pub via: String,
    /// The rep assigned at routing, or the member who claimed it from its pool.
    pub rep: Option<String>,
    pub rep_name: Option<String>,
    pub team: Option<String>,
    pub team_name: Option<String>,
    pub pool: Option<String>,
    pub rule: Option<String>,
    /// When a member claimed the pooled lead (simulated or from the history file).
    pub claimed_at: Option<i64>,
}
