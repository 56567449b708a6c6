//! SLA settings (on teams and rules): first touch, reminders, escalation, re-route.

use super::Ids;
use crate::config;
use crate::error::ConfigErrors;
use crate::model::Sla;

pub(super) fn compile(s: &config::Sla, path: &str, ids: &Ids, errors: &mut ConfigErrors) -> Sla {
    let escalate_to = s
        .escalate_to
        .as_ref()
        .and_then(|id| ids.rep(id, format!("{path}.escalate_to"), errors));
    if s.first_touch_minutes == 0 {
        errors.push(
            format!("{path}.first_touch_minutes"),
            "must be at least 1 minute",
        );
    }
    // A reminder due at the moment of assignment would be emitted only by the next
    // `tick` after a re-route, so replaying a tick would not be a no-op.
    for (k, m) in s.remind_after_minutes.iter().enumerate() {
        if *m == 0 {
            errors.push(
                format!("{path}.remind_after_minutes[{k}]"),
                "must be at least 1 minute",
            );
        }
    }
    // Sorted as u64 like `report::fairness::gini`'s counts: one sort in the binary.
    let mut remind: Vec<u64> = s
        .remind_after_minutes
        .iter()
        .map(|m| (*m).min(10_000_000) * 60_000)
        .collect();
    remind.sort_unstable();
    remind.dedup();
    Sla {
        first_touch_ms: s.first_touch_minutes.min(10_000_000) as i64 * 60_000,
        remind_after_ms: remind.into_iter().map(|ms| ms as i64).collect(),
        escalate_to,
        reroute: s.reroute,
    }
}
