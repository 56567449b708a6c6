//! The `learned` pick's settings: defaults, ranges, the segment fields, and a floor the
//! team can actually give every member.

use super::Ctx;
use crate::config;
use crate::config::FieldType;
use crate::error::ConfigErrors;
use crate::model::team::Learned;

const DAY_MS: f64 = 86_400_000.0;

pub(super) fn compile(
    l: &config::Learned,
    path: &str,
    ctx: &Ctx,
    errors: &mut ConfigErrors,
) -> Option<Learned> {
    let mut ok = true;
    let mut num = |key: &str, v: Option<f64>, default: f64, valid: fn(f64) -> bool, what: &str| {
        let x = v.unwrap_or(default);
        if !x.is_finite() || !valid(x) {
            errors.push(format!("{path}.{key}"), format!("expected {what}"));
            ok = false;
        }
        x
    };
    let prior_rate = num(
        "prior_rate",
        l.prior_rate,
        0.1,
        |x| x > 0.0 && x < 1.0,
        "a rate between 0 and 1 (both excluded)",
    );
    let prior_weight = num(
        "prior_weight",
        l.prior_weight,
        10.0,
        |x| x > 0.0 && x <= 1e6,
        "a number of leads above 0, at most 1000000",
    );
    let prior_value = num(
        "prior_value",
        l.prior_value,
        1.0,
        |x| x > 0.0,
        "a value above 0",
    );
    let half_life_days = num(
        "half_life_days",
        l.half_life_days,
        90.0,
        |x| (0.01..=36_500.0).contains(&x),
        "a number of days from 0.01 to 36500",
    );
    let floor = num(
        "floor",
        l.floor,
        0.0,
        |x| (0.0..=1.0).contains(&x),
        "a share from 0 to 1",
    );
    let mut segment = Vec::with_capacity(l.segment.len());
    for (k, name) in l.segment.iter().enumerate() {
        let p = format!("{path}.segment[{k}]");
        let Some(slot) = ctx.ids.slot(name, p.clone(), errors) else {
            ok = false;
            continue;
        };
        if ctx.ids.schema.field_type(slot) == Some(FieldType::Number) && l.bands.is_empty() {
            errors.push(
                p,
                format!("number field \"{name}\" needs \"bands\" to split into segments"),
            );
            ok = false;
        }
        segment.push((slot, name.clone()));
    }
    if l.bands.windows(2).any(|w| !matches!(w, [a, b] if a < b))
        || l.bands.iter().any(|b| !b.is_finite())
    {
        errors.push(
            format!("{path}.bands"),
            "expected increasing finite numbers",
        );
        ok = false;
    }
    ok.then(|| Learned {
        objective: l.objective,
        prior_rate,
        prior_weight,
        prior_value,
        half_life_ms: half_life_days * DAY_MS,
        floor_milli: (floor * 1000.0).round() as i64,
        draws: l.draws.unwrap_or(32),
        segment,
        bands: l.bands.clone(),
    })
}

/// Every eligible member gets at least the floor only while the floors add up to at
/// most all of the leads.
pub(super) fn check_floor(
    l: &Learned,
    members: usize,
    team_path: &str,
    in_select: bool,
    errors: &mut ConfigErrors,
) {
    let total = l.floor_milli.saturating_mul(members as i64);
    if total > 1000 {
        let at = if in_select { "select.pick" } else { "strategy" };
        errors.push(
            format!("{team_path}.{at}.floor"),
            format!(
                "a floor of {} for {members} members asks for {}% of the leads: at most {}",
                crate::text::fmt_num(l.floor_milli as f64 / 1000.0),
                total / 10,
                crate::text::fmt_num((1000 / members.max(1) as i64) as f64 / 1000.0)
            ),
        );
    }
}
