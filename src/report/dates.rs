//! `created_at` in history files: ISO 8601 and ms, and the day-first or month-first dates
//! spreadsheets and CRM exports write (`11/2/2026 04:05`, `2.11.2026 16:05 +01:00`), the
//! order detected from values that can only be read one way, or chosen.

use serde::{Deserialize, Serialize};

/// How to read `created_at`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreatedAtOptions {
    pub format: DateFormat,
    /// IANA zone (or `UTC`) for date-times written without a zone; without it such a value
    /// is unreadable (read in the wrong zone it would shift routing by hours).
    pub zone: Option<String>,
    /// Run even when some leads have no readable `created_at` (they are routed at the
    /// simulated clock and counted); otherwise the run stops with `unreadable_created_at`.
    pub allow_unreadable: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// ISO 8601 / ms always; `a/b/yyyy` by the order the values show (a part above 12),
    /// an ambiguous value before any such one stops the run (`ambiguous_created_at`).
    #[default]
    Auto,
    /// ISO 8601 or ms since the epoch only.
    Iso,
    /// Month first: `11/2/2026` is 2 November.
    Us,
    /// Day first: `11/2/2026` is 11 February.
    Eu,
}

/// What the simulation read in `created_at`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateReport {
    /// The format used: `iso`, `us` or `eu` (`auto` until a value decided it).
    pub format: String,
    /// Leads whose `created_at` read.
    pub read: u64,
    /// Leads with no `created_at` at all, or one that did not read.
    pub unreadable: u64,
    /// The first unreadable values as written (`""` for a missing one), at most 10.
    pub seen: Vec<String>,
}

/// Why a simulation stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimError {
    /// `unreadable_created_at` or `ambiguous_created_at`.
    pub code: String,
    pub message: String,
    pub help: String,
    /// The values seen (at most 10).
    pub seen: Vec<String>,
    /// 1-based input line of the first of them.
    pub line: u64,
}
