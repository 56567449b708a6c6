//! Loads a config from JSON text into the raw types, collecting every structural
//! problem (not just the first) with its path. Hand-written: no generic serde code.

use super::raw::*;
use super::read::{child, Obj, Reader};
use crate::error::{ConfigCode, ConfigErrors};
use crate::limits::Limits;
use serde_json::Value;

/// Parses config JSON text.
pub fn load_str(json: &str, limits: &Limits) -> Result<Config, ConfigErrors> {
    let mut errors = ConfigErrors::default();
    if json.len() > limits.config_bytes {
        errors.push_code(
            ConfigCode::TooLarge,
            "",
            format!(
                "config is {} bytes, more than the limit of {} bytes",
                json.len(),
                limits.config_bytes
            ),
            "",
        );
        return Err(errors);
    }
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            let msg = e.to_string();
            let msg = match msg.rfind(" at line ") {
                Some(i) => msg.get(..i).unwrap_or(&msg).to_string(),
                None => msg,
            };
            errors.push_code(
                ConfigCode::InvalidJson,
                "",
                format!(
                    "invalid JSON at line {}, column {}: {msg}",
                    e.line(),
                    e.column()
                ),
                "",
            );
            return Err(errors);
        }
    };
    load_value(&value, limits)
}

/// Reads an already-parsed JSON value. When the structure has problems, the readable
/// rest is still compiled so that reference problems (an unknown rep, a bad condition)
/// come in the same list: every problem at once, not in rounds.
pub fn load_value(value: &Value, limits: &Limits) -> Result<Config, ConfigErrors> {
    let mut errors = ConfigErrors::default();
    let mut reader = Reader::new(&mut errors);
    let config = read_config(&mut reader, value);
    let (defaulted, skipped) = (reader.defaulted, reader.skipped);
    let mut over_limit = false;
    if let Some(c) = &config {
        let mut over = |path: &str, n: usize, max: usize, what: &str| {
            if n > max {
                over_limit = true;
                errors.push_code(
                    ConfigCode::OverLimit,
                    path,
                    format!("{n} {what}, more than the limit of {max}"),
                    "",
                );
            }
        };
        over("reps", c.reps.len(), limits.reps, "reps");
        over("teams", c.teams.len(), limits.teams, "teams");
        over("rules", c.rules.len(), limits.rules, "rules");
        if let Some(a) = &c.accounts {
            over(
                "accounts.owners",
                a.owners.len(),
                limits.accounts,
                "accounts",
            );
        }
    }
    match config {
        Some(c) if errors.is_empty() => Ok(c),
        // Over a limit, compiling is the work the limit refuses; with a skipped item,
        // list indexes in the compiler's paths would point at the wrong entries.
        Some(c) if !over_limit && !skipped => {
            if let Err(more) = crate::router::Router::new_with_limits(c, *limits) {
                let covered = |path: &str| defaulted.iter().any(|d| within(path, d));
                errors
                    .0
                    .extend(more.0.into_iter().filter(|e| !covered(&e.path)));
            }
            Err(errors)
        }
        _ => Err(errors),
    }
}

/// `path` is `base` or inside it (`reps[0].id` is inside `reps[0]`).
fn within(path: &str, base: &str) -> bool {
    match path.strip_prefix(base) {
        Some(rest) => base.is_empty() || rest.is_empty() || rest.starts_with(['.', '[']),
        None => false,
    }
}

const FIELD_TYPES: &[(&str, FieldType)] = &[
    ("string", FieldType::String),
    ("number", FieldType::Number),
    ("boolean", FieldType::Boolean),
];

fn read_config(r: &mut Reader, v: &Value) -> Option<Config> {
    let o = r.obj(
        v,
        "",
        &[
            "fields",
            "timezone",
            "reps",
            "teams",
            "screening",
            "scoring",
            "accounts",
            "rules",
            "pools",
            "fallback",
            "crm",
        ],
        &["reps", "fallback"],
    )?;
    let fields =
        crate::sort::btree_map(r.map(&o, "fields", |r, v, p| r.choice_value(v, p, FIELD_TYPES)));
    Some(Config {
        fields,
        timezone: r.string(&o, "timezone"),
        reps: r.list(&o, "reps", read_rep),
        teams: r.list(&o, "teams", read_team),
        screening: r.nested(&o, "screening", read_screening),
        scoring: r.nested(&o, "scoring", read_scoring),
        accounts: r.nested(&o, "accounts", read_accounts),
        rules: r.list(&o, "rules", read_rule),
        pools: r.list(&o, "pools", read_pool),
        fallback: r.req_string(&o, "fallback"),
        crm: o.map.get("crm").filter(|v| !v.is_null()).cloned(),
    })
}

pub(crate) const STATUSES: &[(&str, Status)] = &[
    ("available", Status::Available),
    ("busy", Status::Busy),
    ("away", Status::Away),
    ("out_of_office", Status::OutOfOffice),
];

fn read_rep(r: &mut Reader, v: &Value, path: &str) -> Option<Rep> {
    let o = r.obj(
        v,
        path,
        &[
            "id",
            "name",
            "email",
            "phone",
            "territories",
            "languages",
            "industries",
            "products",
            "segments",
            "seniority",
            "performance",
            "caps",
            "status",
            "hours",
            "out_of_office",
            "calendar_url",
        ],
        &["id"],
    )?;
    Some(Rep {
        id: r.req_string(&o, "id"),
        name: r.string(&o, "name"),
        email: r.string(&o, "email"),
        phone: r.string(&o, "phone"),
        territories: r.list(&o, "territories", |r, v, p| {
            let t = r.obj(
                v,
                p,
                &["country", "regions", "postal_prefixes"],
                &["country"],
            )?;
            Some(Territory {
                country: r.req_string(&t, "country"),
                regions: r.strings(&t, "regions"),
                postal_prefixes: r.strings(&t, "postal_prefixes"),
            })
        }),
        languages: r.strings(&o, "languages"),
        industries: r.strings(&o, "industries"),
        products: r.strings(&o, "products"),
        segments: r.strings(&o, "segments"),
        seniority: r.string(&o, "seniority"),
        performance: r.f64(&o, "performance"),
        caps: r.nested(&o, "caps", |r, v, p| {
            let c = r.obj(v, p, &["day", "week", "month"], &[])?;
            let mut cap = |k| r.uint(&c, k, u64::from(u32::MAX)).map(|n| n as u32);
            Some(Caps {
                day: cap("day"),
                week: cap("week"),
                month: cap("month"),
            })
        }),
        status: r.choice(&o, "status", STATUSES),
        hours: r.nested(&o, "hours", |r, v, p| {
            let h = r.obj(
                v,
                p,
                &["tz", "mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                &[],
            )?;
            Some(Hours {
                tz: r.string(&h, "tz"),
                mon: r.string(&h, "mon"),
                tue: r.string(&h, "tue"),
                wed: r.string(&h, "wed"),
                thu: r.string(&h, "thu"),
                fri: r.string(&h, "fri"),
                sat: r.string(&h, "sat"),
                sun: r.string(&h, "sun"),
            })
        }),
        out_of_office: r.list(&o, "out_of_office", |r, v, p| {
            let d = r.obj(v, p, &["from", "to"], &["from", "to"])?;
            Some(DateRange {
                from: r.req_string(&d, "from"),
                to: r.req_string(&d, "to"),
            })
        }),
        calendar_url: r.string(&o, "calendar_url"),
    })
}

fn read_sla(r: &mut Reader, v: &Value, path: &str) -> Option<Sla> {
    let o = r.obj(
        v,
        path,
        &[
            "first_touch_minutes",
            "remind_after_minutes",
            "escalate_to",
            "reroute",
        ],
        &["first_touch_minutes"],
    )?;
    let max = 100_000_000;
    Some(Sla {
        first_touch_minutes: r.uint(&o, "first_touch_minutes", max).unwrap_or(1),
        remind_after_minutes: r.list(&o, "remind_after_minutes", |r, v, p| match v.as_u64() {
            Some(n) if n <= max => Some(n),
            _ => {
                r.expected(p, &format!("a whole number from 0 to {max}"), v);
                None
            }
        }),
        escalate_to: r.string(&o, "escalate_to"),
        reroute: r.bool(&o, "reroute").unwrap_or(false),
    })
}

const PICKS: &[(&str, Pick)] = &[
    ("round_robin", Pick::RoundRobin),
    ("weighted", Pick::Weighted),
    ("least_loaded", Pick::LeastLoaded),
];

fn read_team(r: &mut Reader, v: &Value, path: &str) -> Option<Team> {
    let o = r.obj(
        v,
        path,
        &["id", "name", "members", "default_owner", "strategy", "sla"],
        &["id", "members"],
    )?;
    Some(Team {
        id: r.req_string(&o, "id"),
        name: r.string(&o, "name"),
        members: r.strings(&o, "members"),
        default_owner: r.string(&o, "default_owner"),
        strategy: r.nested(&o, "strategy", read_strategy).unwrap_or_default(),
        sla: r.nested(&o, "sla", read_sla),
    })
}

fn read_strategy(r: &mut Reader, v: &Value, path: &str) -> Option<Strategy> {
    const TYPES: &[(&str, u8)] = &[
        ("round_robin", 0),
        ("weighted", 1),
        ("least_loaded", 2),
        ("territory", 3),
        ("demographic", 4),
    ];
    let kind = match v.get("type") {
        Some(t) => r.choice_value(t, &child(path, "type"), TYPES)?,
        None => {
            r.obj(v, path, &["type"], &["type"])?;
            return None;
        }
    };
    let keys: &[&str] = match kind {
        0 => &["type", "skipped"],
        1 => &["type", "hot_score"],
        2 => &["type", "period"],
        3 => &["type", "fields", "then"],
        _ => &["type", "required", "preferred", "then"],
    };
    let o = r.obj(v, path, keys, &[])?;
    let then = |r: &mut Reader, o: &Obj| r.choice(o, "then", PICKS).unwrap_or_default();
    Some(match kind {
        0 => Strategy::RoundRobin {
            skipped: r
                .choice(
                    &o,
                    "skipped",
                    &[
                        ("keeps_place", SkipPolicy::KeepsPlace),
                        ("loses_turn", SkipPolicy::LosesTurn),
                    ],
                )
                .unwrap_or_default(),
        },
        1 => Strategy::Weighted {
            hot_score: r.f64(&o, "hot_score"),
        },
        2 => Strategy::LeastLoaded {
            period: r
                .choice(
                    &o,
                    "period",
                    &[
                        ("day", Period::Day),
                        ("week", Period::Week),
                        ("month", Period::Month),
                    ],
                )
                .unwrap_or_default(),
        },
        3 => Strategy::Territory {
            fields: r
                .nested(&o, "fields", |r, v, p| {
                    let f = r.obj(v, p, &["country", "region", "postal_code"], &[])?;
                    let d = TerritoryFields::default();
                    Some(TerritoryFields {
                        country: r.string(&f, "country").unwrap_or(d.country),
                        region: r.string(&f, "region").unwrap_or(d.region),
                        postal_code: r.string(&f, "postal_code").unwrap_or(d.postal_code),
                    })
                })
                .unwrap_or_default(),
            then: then(r, &o),
        },
        _ => {
            let attr = |r: &mut Reader, v: &Value, p: &str| {
                let a = r.obj(v, p, &["attribute", "field"], &["attribute", "field"])?;
                let attribute = r.choice(
                    &a,
                    "attribute",
                    &[
                        ("languages", Attribute::Languages),
                        ("industries", Attribute::Industries),
                        ("products", Attribute::Products),
                        ("segments", Attribute::Segments),
                        ("seniority", Attribute::Seniority),
                    ],
                )?;
                Some(AttributeMatch {
                    attribute,
                    field: r.req_string(&a, "field"),
                })
            };
            Strategy::Demographic {
                required: r.list(&o, "required", attr),
                preferred: r.list(&o, "preferred", attr),
                then: then(r, &o),
            }
        }
    })
}

fn condition(o: &Obj, key: &str) -> Value {
    o.map.get(key).cloned().unwrap_or(Value::Null)
}

fn read_screening(r: &mut Reader, v: &Value, path: &str) -> Option<Screening> {
    let o = r.obj(v, path, &["required", "rules"], &[])?;
    Some(Screening {
        required: r.strings(&o, "required"),
        rules: r.list(&o, "rules", |r, v, p| {
            let s = r.obj(v, p, &["id", "when", "reason"], &["id", "when", "reason"])?;
            Some(ScreeningRule {
                id: r.req_string(&s, "id"),
                when: condition(&s, "when"),
                reason: r.req_string(&s, "reason"),
            })
        }),
    })
}

fn read_scoring(r: &mut Reader, v: &Value, path: &str) -> Option<Scoring> {
    let o = r.obj(v, path, &["groups", "grades", "mql"], &["groups"])?;
    Some(Scoring {
        groups: r.list(&o, "groups", |r, v, p| {
            let g = r.obj(v, p, &["id", "max", "rules"], &["id", "rules"])?;
            Some(ScoreGroup {
                id: r.req_string(&g, "id"),
                max: r.f64(&g, "max"),
                rules: r.list(&g, "rules", |r, v, p| {
                    let s = r.obj(v, p, &["id", "when", "points"], &["id", "when", "points"])?;
                    Some(ScoreRule {
                        id: r.req_string(&s, "id"),
                        when: condition(&s, "when"),
                        points: r.req_f64(&s, "points"),
                    })
                }),
            })
        }),
        grades: r.list(&o, "grades", |r, v, p| {
            let g = r.obj(v, p, &["grade", "min"], &["grade", "min"])?;
            Some(Grade {
                grade: r.req_string(&g, "grade"),
                min: r.req_f64(&g, "min"),
            })
        }),
        mql: r.f64(&o, "mql"),
    })
}

fn read_accounts(r: &mut Reader, v: &Value, path: &str) -> Option<Accounts> {
    let o = r.obj(v, path, &["field", "owners"], &["owners"])?;
    Some(Accounts {
        field: r.string(&o, "field"),
        owners: crate::sort::btree_map(r.map(&o, "owners", |r, v, p| match v {
            Value::String(s) => Some(s.clone()),
            v => {
                r.expected(p, "a rep id", v);
                None
            }
        })),
    })
}

fn read_rule(r: &mut Reader, v: &Value, path: &str) -> Option<Rule> {
    let o = r.obj(
        v,
        path,
        &["id", "when", "rep", "team", "pool", "sla"],
        &["id"],
    )?;
    Some(Rule {
        id: r.req_string(&o, "id"),
        when: o.map.get("when").filter(|v| !v.is_null()).cloned(),
        rep: r.string(&o, "rep"),
        team: r.string(&o, "team"),
        pool: r.string(&o, "pool"),
        sla: r.nested(&o, "sla", read_sla),
    })
}

fn read_pool(r: &mut Reader, v: &Value, path: &str) -> Option<Pool> {
    let o = r.obj(
        v,
        path,
        &[
            "id",
            "name",
            "reps",
            "teams",
            "visibility",
            "visible_fields",
            "claim_limit",
            "expire_after_minutes",
            "expire_to",
        ],
        &["id"],
    )?;
    Some(Pool {
        id: r.req_string(&o, "id"),
        name: r.string(&o, "name"),
        reps: r.strings(&o, "reps"),
        teams: r.strings(&o, "teams"),
        visibility: r
            .choice(
                &o,
                "visibility",
                &[
                    ("cherry_pick", Visibility::CherryPick),
                    ("blind", Visibility::Blind),
                ],
            )
            .unwrap_or_default(),
        visible_fields: r.strings(&o, "visible_fields"),
        claim_limit: r.nested(&o, "claim_limit", |r, v, p| {
            let c = r.obj(v, p, &["per_day", "open"], &[])?;
            let max = u64::from(u32::MAX);
            Some(ClaimLimit {
                per_day: r.uint(&c, "per_day", max).map(|n| n as u32),
                open: r.uint(&c, "open", max).map(|n| n as u32),
            })
        }),
        expire_after_minutes: r.uint(&o, "expire_after_minutes", 100_000_000),
        expire_to: r.string(&o, "expire_to"),
    })
}

/// Used by the snapshot reader and error messages elsewhere.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
