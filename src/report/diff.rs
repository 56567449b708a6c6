//! The diff of a change: two simulations over the same leads, lead by lead: which leads
//! changed outcome or owner, and the totals of moves between owners.

use super::audit::AuditRow;
use serde::{Deserialize, Serialize};

/// Which moved leads to list: any of the given ones must be on either side (A or B).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiffFilter {
    pub team: Option<String>,
    pub rep: Option<String>,
    pub rule: Option<String>,
}

/// The leads whose outcome or owner changed from A to B.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Leads compared (routed in both).
    pub leads: u64,
    /// Leads that moved (all, before the filter).
    pub moved: u64,
    /// Leads that moved and pass the filter.
    pub total: u64,
    /// The page asked for of those.
    pub rows: Vec<MovedLead>,
    /// Moves between owners, over the filtered leads, most first: `from` is A's owner
    /// (a rep id, or the outcome when nobody owns it: `pooled`, `nurture`, `rejected`).
    pub moves: Vec<Move>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MovedLead {
    /// The same index in both (`a.explain(index)`, `b.explain(index)`).
    pub index: u64,
    pub a: AuditRow,
    pub b: AuditRow,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub from: String,
    pub from_name: String,
    pub to: String,
    pub to_name: String,
    pub count: u64,
}
