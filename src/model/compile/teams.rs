//! The teams section: members in rotation order, default owner, SLA, and the selection
//! pipeline, whether written as `select` or as one of the named strategies (each
//! strategy compiles into the pipeline it is shorthand for).

use super::{sla, Ctx};
use crate::condition::Scope;
use crate::config::{self, Config, Criterion as RawCriterion, HoursPolicy, PickSpec, RankMode};
use crate::error::ConfigErrors;
use crate::model::team::{
    Criterion, Overflow, Pick, Preference, Requirement, Selection, Team, TerritorySlots,
};

/// Relaxable requirements are tracked as bits of a `u64`.
const MAX_REQUIREMENTS: usize = 64;

pub(super) fn compile(config: &Config, ctx: &Ctx, errors: &mut ConfigErrors) -> Vec<Team> {
    let mut teams = Vec::with_capacity(config.teams.len());
    for (i, t) in config.teams.iter().enumerate() {
        let path = crate::config::indexed("teams", i);
        let members_path = crate::config::dotted(&path, "members");
        let mut members = Vec::with_capacity(t.members.len());
        for (j, m) in t.members.iter().enumerate() {
            if let Some(ri) = ctx
                .ids
                .rep(m, crate::config::indexed(&members_path, j), errors)
            {
                if members.contains(&ri) {
                    errors.push(
                        format!("{path}.members[{j}]"),
                        format!("rep \"{m}\" is listed twice"),
                    );
                } else {
                    members.push(ri);
                }
            }
        }
        if t.members.is_empty() {
            errors.push(
                format!("{path}.members"),
                "a team needs at least one member",
            );
        }
        let default_owner = t
            .default_owner
            .as_ref()
            .and_then(|d| ctx.ids.rep(d, format!("{path}.default_owner"), errors));
        let select = match &t.select {
            Some(s) => selection(s, &format!("{path}.select"), ctx, errors),
            None => strategy(&t.strategy, &format!("{path}.strategy"), ctx, errors),
        };
        if let Some(l) = select.learned.as_deref() {
            super::learned::check_floor(l, members.len(), &path, t.select.is_some(), errors);
        }
        if select.overflow != Overflow::default() && default_owner.is_none() {
            errors.push(
                format!("{path}.select.overflow"),
                "overflow settings apply to the team's \"default_owner\": name one",
            );
        }
        let sla = t
            .sla
            .as_ref()
            .map(|s| sla::compile(s, &format!("{path}.sla"), ctx.ids, errors));
        teams.push(Team {
            id: t.id.clone(),
            name: t.name.clone().unwrap_or_else(|| t.id.clone()),
            members,
            default_owner,
            select,
            sla,
        });
    }
    teams
}

fn pick_of(p: config::Pick) -> Pick {
    match p {
        config::Pick::RoundRobin => Pick::RoundRobin(config::SkipPolicy::KeepsPlace),
        config::Pick::Weighted => Pick::Weighted { hot_score: None },
        config::Pick::LeastLoaded => Pick::LeastLoaded(config::Period::Month),
    }
}

fn plain(pick: Pick, label: &'static str) -> Selection {
    Selection {
        hours: true,
        require: Vec::new(),
        prefer: Vec::new(),
        weighted: false,
        pick,
        learned: None,
        overflow: Overflow::default(),
        label,
    }
}

/// The named strategies, as the pipelines they stand for.
fn strategy(s: &config::Strategy, path: &str, ctx: &Ctx, errors: &mut ConfigErrors) -> Selection {
    match s {
        config::Strategy::RoundRobin { skipped } => {
            plain(Pick::RoundRobin(*skipped), "round robin")
        }
        config::Strategy::Weighted { hot_score } => plain(
            Pick::Weighted {
                hot_score: *hot_score,
            },
            "top performer",
        ),
        config::Strategy::LeastLoaded { period } => {
            plain(Pick::LeastLoaded(*period), "least loaded")
        }
        config::Strategy::Territory { fields, then } => {
            let slots = territory_slots(fields, &format!("{path}.fields"), ctx, errors);
            Selection {
                require: vec![Requirement {
                    criterion: Criterion::Territory(slots),
                    relaxable: false,
                }],
                prefer: vec![Preference {
                    criterion: Criterion::Territory(slots),
                    weight: 1.0,
                }],
                ..plain(pick_of(*then), "territory")
            }
        }
        config::Strategy::Demographic {
            required,
            preferred,
            then,
        } => {
            let mut conv = |list: &[config::AttributeMatch], key: &str| -> Vec<Criterion> {
                list.iter()
                    .enumerate()
                    .filter_map(|(k, m)| {
                        let p = format!("{path}.{key}[{k}].field");
                        let slot = ctx.ids.slot(&m.field, p, errors)?;
                        Some(Criterion::Attribute {
                            attribute: m.attribute,
                            slot,
                        })
                    })
                    .collect()
            };
            let require = conv(required, "required")
                .into_iter()
                .map(|criterion| Requirement {
                    criterion,
                    relaxable: false,
                })
                .collect();
            // The strategy ranks by the number of preferred matches: a weighted sum.
            let prefer = conv(preferred, "preferred")
                .into_iter()
                .map(|criterion| Preference {
                    criterion,
                    weight: 1.0,
                })
                .collect();
            Selection {
                require,
                prefer,
                weighted: true,
                ..plain(pick_of(*then), "demographic match")
            }
        }
    }
}

fn territory_slots(
    fields: &config::TerritoryFields,
    path: &str,
    ctx: &Ctx,
    errors: &mut ConfigErrors,
) -> TerritorySlots {
    TerritorySlots {
        country: ctx
            .ids
            .slot(&fields.country, format!("{path}.country"), errors),
        region: ctx.ids.schema.slot(&fields.region),
        postal_code: ctx.ids.schema.slot(&fields.postal_code),
    }
}

fn selection(s: &config::Selection, path: &str, ctx: &Ctx, errors: &mut ConfigErrors) -> Selection {
    let hours = s.working_hours == HoursPolicy::Require;
    let require: Vec<Requirement> = s
        .require
        .iter()
        .enumerate()
        .filter_map(|(k, c)| requirement(c, &format!("{path}.require[{k}]"), ctx, errors))
        .collect();
    let mut require = require;
    if require.len() > MAX_REQUIREMENTS {
        errors.push(
            format!("{path}.require"),
            format!(
                "{} requirements, more than the limit of {MAX_REQUIREMENTS}",
                require.len()
            ),
        );
        require.truncate(MAX_REQUIREMENTS);
    }
    let weighted = s.rank == RankMode::Weighted;
    let mut prefer = Vec::with_capacity(s.prefer.len());
    for (k, c) in s.prefer.iter().enumerate() {
        let p = format!("{path}.prefer[{k}]");
        if matches!(
            c,
            RawCriterion::Attribute {
                relaxable: true,
                ..
            } | RawCriterion::Territory {
                relaxable: true,
                ..
            } | RawCriterion::RepAttribute {
                relaxable: true,
                ..
            }
        ) {
            errors.push(
                format!("{p}.relaxable"),
                "only a requirement can be relaxable (a preference never filters)",
            );
        }
        if matches!(c, RawCriterion::OnShift { .. }) && hours {
            errors.push(
                format!("{p}.type"),
                "\"on_shift\" ranks nobody while working hours are required: set \"working_hours\": \"ignore\"",
            );
        }
        let weight = weight_of(c);
        if let Some(w) = weight {
            if !w.is_finite() {
                errors.push(format!("{p}.weight"), "expected a finite number");
            } else if !weighted {
                errors.push(
                    format!("{p}.weight"),
                    "weights apply with \"rank\": \"weighted\" (ordered preferences compare in order)",
                );
            }
        }
        if let Some(criterion) = criterion(c, &p, ctx, errors) {
            prefer.push(Preference {
                criterion,
                weight: weight.unwrap_or(1.0),
            });
        }
    }
    let mut learned = None;
    let pick = match &s.pick {
        PickSpec::RoundRobin { skipped } => Pick::RoundRobin(*skipped),
        PickSpec::Weighted { hot_score } => Pick::Weighted {
            hot_score: *hot_score,
        },
        PickSpec::LeastLoaded { period } => Pick::LeastLoaded(*period),
        PickSpec::Rendezvous => Pick::Rendezvous,
        PickSpec::Learned(l) => {
            learned =
                super::learned::compile(l, &format!("{path}.pick"), ctx, errors).map(Box::new);
            Pick::Learned
        }
    };
    Selection {
        hours,
        require,
        prefer,
        weighted,
        pick,
        learned,
        overflow: Overflow {
            ignore_caps: s.overflow.ignore_caps,
            ignore_availability: s.overflow.ignore_availability,
        },
        label: pick.name(),
    }
}

/// One entry of a `require` list (a team's or a pool's).
pub(super) fn requirement(
    c: &RawCriterion,
    p: &str,
    ctx: &Ctx,
    errors: &mut ConfigErrors,
) -> Option<Requirement> {
    let relaxable = match c {
        RawCriterion::Attribute { relaxable, .. }
        | RawCriterion::Territory { relaxable, .. }
        | RawCriterion::RepAttribute { relaxable, .. } => *relaxable,
        RawCriterion::OnShift { .. } => {
            errors.push(
                format!("{p}.type"),
                "working hours are required with \"working_hours\": \"require\" (the default), not listed under \"require\"",
            );
            return None;
        }
        RawCriterion::Performance { .. } | RawCriterion::Load { .. } => {
            errors.push(
                format!("{p}.type"),
                "performance and load rank reps: list them under \"prefer\"",
            );
            return None;
        }
    };
    if weight_of(c).is_some() {
        errors.push(
            format!("{p}.weight"),
            "a requirement has no weight (weights rank preferences)",
        );
    }
    Some(Requirement {
        criterion: criterion(c, p, ctx, errors)?,
        relaxable,
    })
}

fn weight_of(c: &RawCriterion) -> Option<f64> {
    match c {
        RawCriterion::Attribute { weight, .. }
        | RawCriterion::Territory { weight, .. }
        | RawCriterion::RepAttribute { weight, .. }
        | RawCriterion::OnShift { weight }
        | RawCriterion::Performance { weight }
        | RawCriterion::Load { weight, .. } => *weight,
    }
}

fn criterion(
    c: &RawCriterion,
    path: &str,
    ctx: &Ctx,
    errors: &mut ConfigErrors,
) -> Option<Criterion> {
    Some(match c {
        RawCriterion::Attribute {
            attribute, field, ..
        } => Criterion::Attribute {
            attribute: *attribute,
            slot: ctx.ids.slot(field, format!("{path}.field"), errors)?,
        },
        RawCriterion::Territory { fields, .. } => Criterion::Territory(territory_slots(
            fields,
            &format!("{path}.fields"),
            ctx,
            errors,
        )),
        RawCriterion::RepAttribute {
            attribute,
            values,
            when,
            ..
        } => {
            if values.is_empty() {
                errors.push(format!("{path}.values"), "list at least one value");
            }
            let when = match when {
                Some(w) => Some(ctx.cond(w, &format!("{path}.when"), Scope::Routing, errors)?),
                None => None,
            };
            Criterion::RepAttribute {
                attribute: *attribute,
                values: values
                    .iter()
                    .map(|v| v.trim().to_lowercase().into())
                    .collect(),
                when,
            }
        }
        RawCriterion::OnShift { .. } => Criterion::OnShift,
        RawCriterion::Performance { .. } => Criterion::Performance,
        RawCriterion::Load { period, .. } => Criterion::Load(*period),
    })
}
