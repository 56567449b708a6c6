//! The records state keeps per lead: a lead waiting in a pool, and an open assignment
//! (for SLA clocks, claims and re-routes), with the lead's fields as JSON values.

use serde::Serialize;
use std::collections::BTreeMap;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// A lead's declared fields as plain JSON (kept in state so the lead can be shown to
/// its claimer or routed again later).
pub type LeadFields = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct PooledLead {
    pub lead_id: String,
    pub pool: String,
    pub pooled_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[cfg_attr(
        feature = "ts",
        tsify(type = "Record<string, string | number | boolean>")
    )]
    pub fields: LeadFields,
}

/// A lead assigned to a rep that is still being tracked (SLA, claims).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub lead_id: String,
    pub rep: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    pub assigned_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touched_at: Option<i64>,
    /// Reminders already sent (count of `remind_after` steps passed).
    #[serde(default)]
    pub reminders: u32,
    #[serde(default)]
    pub escalated: bool,
    /// Reps who had this lead and missed its SLA; never routed back to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missed_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[cfg_attr(
        feature = "ts",
        tsify(type = "Record<string, string | number | boolean>")
    )]
    #[serde(default)]
    pub fields: LeadFields,
}
