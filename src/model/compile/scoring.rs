//! The scoring section: groups of point rules (each group optionally capped), grades
//! and the MQL threshold.

use super::Ctx;
use crate::condition::Scope;
use crate::config::Config;
use crate::error::ConfigErrors;
use crate::model::{ScoreGroup, Scoring};

pub(super) fn compile(config: &Config, ctx: &Ctx, errors: &mut ConfigErrors) -> Option<Scoring> {
    let s = config.scoring.as_ref()?;
    let groups = s
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| ScoreGroup {
            id: g.id.clone(),
            max: g.max,
            rules: g
                .rules
                .iter()
                .enumerate()
                .filter_map(|(ri, r)| {
                    if !r.points.is_finite() {
                        errors.push(
                            format!("scoring.groups[{gi}].rules[{ri}].points"),
                            "expected a finite number",
                        );
                    }
                    let path = format!("scoring.groups[{gi}].rules[{ri}].when");
                    let cond = ctx.cond(&r.when, &path, Scope::BeforeScore, errors)?;
                    Some((r.id.clone(), cond, r.points))
                })
                .collect(),
        })
        .collect();
    let mut grades: Vec<(String, f64)> =
        s.grades.iter().map(|g| (g.grade.clone(), g.min)).collect();
    crate::sort::sort_by(&mut grades, |a, b| b.1.total_cmp(&a.1));
    Some(Scoring {
        groups,
        grades,
        mql: s.mql,
    })
}
