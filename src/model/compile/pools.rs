//! The pools section: who may claim (reps and teams' members), what a listing shows,
//! claim limits and expiry.

use super::Ctx;
use crate::config::{self, Config};
use crate::error::ConfigErrors;
use crate::model::{Pool, Team};

pub(super) fn compile(
    config: &Config,
    ctx: &Ctx,
    teams: &[Team],
    errors: &mut ConfigErrors,
) -> Vec<Pool> {
    let mut pools = Vec::with_capacity(config.pools.len());
    for (i, p) in config.pools.iter().enumerate() {
        let path = format!("pools[{i}]");
        let mut members: Vec<usize> = Vec::new();
        for (j, r) in p.reps.iter().enumerate() {
            if let Some(ri) = ctx.ids.rep(r, format!("{path}.reps[{j}]"), errors) {
                if !members.contains(&ri) {
                    members.push(ri);
                }
            }
        }
        for (j, t) in p.teams.iter().enumerate() {
            let team = ctx
                .ids
                .team(t, format!("{path}.teams[{j}]"), errors)
                .and_then(|ti| teams.get(ti));
            for m in team.map_or(&[][..], |t| &t.members) {
                if !members.contains(m) {
                    members.push(*m);
                }
            }
        }
        if p.reps.is_empty() && p.teams.is_empty() {
            errors.push(
                path.clone(),
                "a pool needs \"reps\" or \"teams\" who can claim from it",
            );
        }
        let visible: Vec<usize> = p
            .visible_fields
            .iter()
            .enumerate()
            .filter_map(|(j, f)| {
                ctx.ids
                    .slot(f, format!("{path}.visible_fields[{j}]"), errors)
            })
            .collect();
        if p.visibility == config::Visibility::Blind && visible.len() > 1 {
            errors.push(
                format!("{path}.visible_fields"),
                "a blind pool shows at most one field (a label such as the company name)",
            );
        }
        let expire_to = p
            .expire_to
            .as_ref()
            .and_then(|t| ctx.ids.team(t, format!("{path}.expire_to"), errors));
        if p.expire_after_minutes == Some(0) {
            errors.push(
                format!("{path}.expire_after_minutes"),
                "must be at least 1 minute",
            );
        }
        let mut require = Vec::with_capacity(p.require.len());
        for (k, c) in p.require.iter().enumerate() {
            let rp = format!("{path}.require[{k}]");
            if let Some(req) = super::teams::requirement(c, &rp, ctx, errors) {
                if req.relaxable {
                    errors.push(
                        format!("{rp}.relaxable"),
                        "a pool's requirement cannot be relaxed (a rep either may claim or not)",
                    );
                }
                require.push(req.criterion);
            }
        }
        let (claim_per_day, claim_open) = p
            .claim_limit
            .as_ref()
            .map_or((None, None), |c| (c.per_day, c.open));
        pools.push(Pool {
            id: p.id.clone(),
            name: p.name.clone().unwrap_or_else(|| p.id.clone()),
            members,
            visibility: p.visibility,
            visible,
            claim_per_day,
            claim_open,
            expire_after_ms: p
                .expire_after_minutes
                .map(|m| m.min(100_000_000) as i64 * 60_000),
            expire_to,
            require,
        });
    }

    pools
}
