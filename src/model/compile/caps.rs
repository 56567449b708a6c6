//! The conditional caps section (`cap_rules`): each rule's condition, the reps it
//! applies to (listed reps and teams' members, or everyone) and its limits.

use super::Ctx;
use crate::condition::Scope;
use crate::config::Config;
use crate::error::ConfigErrors;
use crate::model::cap::CapRule;
use crate::model::Team;

pub(super) fn compile(
    config: &Config,
    ctx: &Ctx,
    teams: &[Team],
    n_reps: usize,
    errors: &mut ConfigErrors,
) -> Vec<CapRule> {
    let mut rules = Vec::with_capacity(config.cap_rules.len());
    let mut seen = crate::fxhash::FxHashSet::default();
    for (i, c) in config.cap_rules.iter().enumerate() {
        let path = format!("cap_rules[{i}]");
        if !seen.insert(c.id.as_str()) {
            errors.push(
                format!("{path}.id"),
                format!("duplicate cap rule id \"{}\"", c.id),
            );
        }
        let everyone = c.reps.is_empty() && c.teams.is_empty();
        let mut applies = vec![everyone; n_reps];
        for (j, r) in c.reps.iter().enumerate() {
            if let Some(ri) = ctx.ids.rep(r, format!("{path}.reps[{j}]"), errors) {
                if let Some(a) = applies.get_mut(ri) {
                    *a = true;
                }
            }
        }
        for (j, t) in c.teams.iter().enumerate() {
            let team = ctx
                .ids
                .team(t, format!("{path}.teams[{j}]"), errors)
                .and_then(|ti| teams.get(ti));
            for m in team.map_or(&[][..], |t| &t.members) {
                if let Some(a) = applies.get_mut(*m) {
                    *a = true;
                }
            }
        }
        if c.day.is_none() && c.week.is_none() && c.month.is_none() {
            errors.push(
                path.clone(),
                "a cap rule needs at least one of \"day\", \"week\" or \"month\"",
            );
        }
        // Scored conditions are allowed: caps are checked after scoring.
        if let Some(cond) = ctx.cond(&c.when, &format!("{path}.when"), Scope::Routing, errors) {
            rules.push(CapRule {
                id: c.id.clone(),
                cond,
                applies,
                caps: [c.day, c.week, c.month],
            });
        }
    }
    rules
}
