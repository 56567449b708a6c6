//! The routing rules section: ordered, first match wins, each with one target (a rep, a
//! team or a pool) and optionally its own SLA.

use super::{sla, Ctx};
use crate::condition::{Cond, Scope};
use crate::config::Config;
use crate::error::ConfigErrors;
use crate::fxhash::FxHashSet as HashSet;
use crate::model::{Rule, Target};

pub(super) fn compile(config: &Config, ctx: &Ctx, errors: &mut ConfigErrors) -> Vec<Rule> {
    let mut rules = Vec::with_capacity(config.rules.len());
    let mut rule_ids = HashSet::default();
    for (i, r) in config.rules.iter().enumerate() {
        let path = format!("rules[{i}]");
        if !rule_ids.insert(r.id.as_str()) {
            errors.push(
                format!("{path}.id"),
                format!("duplicate rule id \"{}\"", r.id),
            );
        }
        let cond = match &r.when {
            Some(w) => ctx.cond(w, &format!("{path}.when"), Scope::Routing, errors),
            None => Some(Cond::True),
        };
        let account_owner = r.account_owner == Some(true);
        let targets = [
            r.rep.is_some(),
            r.team.is_some(),
            r.pool.is_some(),
            account_owner,
        ];
        let n = targets.iter().filter(|t| **t).count();
        if n != 1 {
            errors.push(
                path.clone(),
                if n == 0 {
                    "a rule needs a target: one of \"rep\", \"team\" or \"pool\""
                } else {
                    "a rule has exactly one target: \"rep\", \"team\" or \"pool\""
                },
            );
        }
        let target = if let Some(rep) = &r.rep {
            ctx.ids
                .rep(rep, format!("{path}.rep"), errors)
                .map(Target::Rep)
        } else if let Some(team) = &r.team {
            ctx.ids
                .team(team, format!("{path}.team"), errors)
                .map(Target::Team)
        } else if let Some(pool) = &r.pool {
            ctx.ids
                .pool(pool, format!("{path}.pool"), errors)
                .map(Target::Pool)
        } else if account_owner {
            Some(Target::AccountOwner)
        } else {
            None
        };
        let sla = r
            .sla
            .as_ref()
            .map(|s| sla::compile(s, &format!("{path}.sla"), ctx.ids, errors));
        if let (Some(cond), Some(target)) = (cond, target) {
            rules.push(Rule {
                id: r.id.clone(),
                cond,
                target,
                sla,
            });
        }
    }

    rules
}
