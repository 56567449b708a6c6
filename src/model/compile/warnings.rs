//! Problems that do not stop a config from compiling but almost surely are mistakes: a
//! rule no lead can reach, an MQL threshold no score can meet, a team whose members can
//! never take a lead. Editors show them beside the errors.

use crate::condition::Cond;
use crate::config::Status;
use crate::model::Router;
use serde::Serialize;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// One warning: a stable `code`, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct ConfigWarning {
    pub code: &'static str,
    pub path: String,
    pub message: String,
    pub help: String,
}

/// Always true, as far as compiling can tell.
fn always(c: &Cond) -> bool {
    match c {
        Cond::True => true,
        Cond::All(cs) => cs.iter().all(always),
        Cond::Any(cs) => cs.iter().any(always),
        _ => false,
    }
}

impl Router {
    /// The config's warnings, in config order.
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        let mut out = Vec::new();
        // A rule after one that matches every lead is never reached.
        if let Some(first) = self.rules.iter().position(|r| always(&r.cond)) {
            let catch_all = self.rules.get(first).map_or("", |r| r.id.as_str());
            for (i, r) in self.rules.iter().enumerate().skip(first + 1) {
                let path = self
                    .config
                    .rules
                    .iter()
                    .position(|c| c.id == r.id)
                    .map_or(format!("rules[{i}]"), |k| format!("rules[{k}]"));
                out.push(ConfigWarning {
                    code: "unreachable_rule",
                    path,
                    message: format!(
                        "rule \"{}\" comes after \"{catch_all}\", which matches every lead, so it never matches",
                        r.id
                    ),
                    help: format!("move it before \"{catch_all}\" or give \"{catch_all}\" a condition"),
                });
            }
        }
        // An MQL threshold above the highest score a lead can have.
        if let Some(s) = &self.scoring {
            let best: f64 = s
                .groups
                .iter()
                .map(|g| {
                    let raw: f64 = g.rules.iter().map(|(_, _, p)| p.max(0.0)).sum();
                    g.max.map_or(raw, |m| raw.min(m))
                })
                .sum();
            if let Some(mql) = s.mql.filter(|m| *m > best) {
                out.push(ConfigWarning {
                    code: "unreachable_mql",
                    path: "scoring.mql".into(),
                    message: format!(
                        "the MQL threshold {} is above the highest possible score {}, so every lead is nurture",
                        crate::text::fmt_num(mql),
                        crate::text::fmt_num(best)
                    ),
                    help: "lower \"mql\" or add points".into(),
                });
            }
        }
        // A team none of whose members can ever take a lead.
        for (i, t) in self.teams.iter().enumerate() {
            let never = t.members.iter().all(|m| {
                self.reps.get(*m).is_none_or(|r| {
                    r.status != Status::Available
                        || r.caps.contains(&Some(0))
                        || (t.select.hours
                            && r.hours.is_some_and(|w| w.iter().all(Option::is_none)))
                })
            });
            if never && !t.members.is_empty() {
                out.push(ConfigWarning {
                    code: "team_never_available",
                    path: format!("teams[{i}].members"),
                    message: format!(
                        "no member of team \"{}\" can ever take a lead (each is not available, has a cap of 0 or no working hours)",
                        t.id
                    ),
                    help: "its leads all go to the default owner or the fallback owner: check the members' status, caps and hours".into(),
                });
            }
        }
        out
    }
}
