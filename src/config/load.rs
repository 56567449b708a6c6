//! Loads a config from JSON text into the raw types, collecting every structural
//! problem (not just the first) with its path. Hand-written: no generic serde code.

use super::json::Json;
use super::raw::*;
use super::read::{child, Obj, Reader};
use crate::error::{ConfigCode, ConfigErrors};
use crate::limits::Limits;

/// What reading a config gave: the config when it could be read at all, its problems,
/// and what the compiler may add to them.
pub struct Loaded {
    pub config: Option<Config>,
    pub errors: ConfigErrors,
    /// Paths the reader replaced with defaults: compile problems inside them are echoes.
    pub defaulted: Vec<String>,
    /// The config may be compiled for more problems (no limit hit, no list item skipped,
    /// whose indexes would make the compiler's paths point at the wrong entries).
    pub compilable: bool,
}

/// Parses config JSON text (structure only: `Router::from_json` also compiles it).
pub fn load_str(json: &str, limits: &Limits) -> Result<Config, ConfigErrors> {
    load_str_report(json, limits).into_result()
}

impl Loaded {
    pub fn into_result(self) -> Result<Config, ConfigErrors> {
        match self.config {
            Some(c) if self.errors.is_empty() => Ok(c),
            _ => Err(self.errors),
        }
    }

    /// Whether a compile problem at `path` only repeats one the reader reported.
    pub fn covers(&self, path: &str) -> bool {
        self.defaulted.iter().any(|d| within(path, d))
    }
}

fn failed(errors: ConfigErrors) -> Loaded {
    Loaded {
        config: None,
        errors,
        defaulted: Vec::new(),
        compilable: false,
    }
}

/// [`load_str`] with everything the compiler needs to add its problems to the list.
pub fn load_str_report(json: &str, limits: &Limits) -> Loaded {
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
        return failed(errors);
    }
    let value = match super::json::parse(json) {
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
            return failed(errors);
        }
    };
    read_report(&value, limits)
}

/// Reads an already-parsed JSON value. When the structure has problems, the readable
/// rest is still compiled so that reference problems (an unknown rep, a bad condition)
/// come in the same list: every problem at once, not in rounds.
pub fn load_value(value: &serde_json::Value, limits: &Limits) -> Result<Config, ConfigErrors> {
    load_value_report(value, limits).into_result()
}

/// [`load_value`] with everything the compiler needs to add its problems to the list.
pub fn load_value_report(value: &serde_json::Value, limits: &Limits) -> Loaded {
    read_report(&Json::owned(value), limits)
}

fn read_report(value: &Json, limits: &Limits) -> Loaded {
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
            over("accounts.list", a.list.len(), limits.accounts, "accounts");
        }
    }
    Loaded {
        config,
        errors,
        defaulted,
        compilable: !over_limit && !skipped,
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

fn read_config(r: &mut Reader, v: &Json) -> Option<Config> {
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
            "cap_rules",
            "free_email_domains",
            "lead_ids",
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
        cap_rules: r.list(&o, "cap_rules", read_cap_rule),
        free_email_domains: r.nested(&o, "free_email_domains", |r, v, p| {
            let f = r.obj(v, p, &["add", "remove"], &[])?;
            Some(FreeEmailDomains {
                add: r.strings(&f, "add"),
                remove: r.strings(&f, "remove"),
            })
        }),
        lead_ids: r.nested(&o, "lead_ids", |r, v, p| {
            let l = r.obj(v, p, &["remember_days", "generate"], &[])?;
            Some(LeadIds {
                remember_days: r.uint(&l, "remember_days", 3650).map(|n| n as u32),
                generate: r.bool(&l, "generate"),
            })
        }),
        fallback: r.req_string(&o, "fallback"),
        crm: o
            .map
            .get("crm")
            .filter(|v| !v.is_null())
            .map(Json::to_value),
    })
}

pub(crate) const STATUSES: &[(&str, Status)] = &[
    ("available", Status::Available),
    ("busy", Status::Busy),
    ("away", Status::Away),
    ("out_of_office", Status::OutOfOffice),
];

fn read_rep(r: &mut Reader, v: &Json, path: &str) -> Option<Rep> {
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

fn read_sla(r: &mut Reader, v: &Json, path: &str) -> Option<Sla> {
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

fn read_team(r: &mut Reader, v: &Json, path: &str) -> Option<Team> {
    let o = r.obj(
        v,
        path,
        &[
            "id",
            "name",
            "members",
            "default_owner",
            "strategy",
            "select",
            "sla",
        ],
        &["id", "members"],
    )?;
    if o.map.contains_key("strategy") && o.map.contains_key("select") {
        r.err(
            child(path, "select"),
            "a team has either \"strategy\" or \"select\", not both (every strategy is a \"select\" pipeline)",
        );
    }
    Some(Team {
        id: r.req_string(&o, "id"),
        name: r.string(&o, "name"),
        members: r.strings(&o, "members"),
        default_owner: r.string(&o, "default_owner"),
        strategy: r.nested(&o, "strategy", read_strategy).unwrap_or_default(),
        select: r.nested(&o, "select", read_selection),
        sla: r.nested(&o, "sla", read_sla),
    })
}

fn read_strategy(r: &mut Reader, v: &Json, path: &str) -> Option<Strategy> {
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
            skipped: r.choice(&o, "skipped", SKIPPED).unwrap_or_default(),
        },
        1 => Strategy::Weighted {
            hot_score: r.f64(&o, "hot_score"),
        },
        2 => Strategy::LeastLoaded {
            period: r.choice(&o, "period", PERIODS).unwrap_or_default(),
        },
        3 => Strategy::Territory {
            fields: read_territory_fields(r, &o),
            then: then(r, &o),
        },
        _ => {
            let attr = |r: &mut Reader, v: &Json, p: &str| {
                let a = r.obj(v, p, &["attribute", "field"], &["attribute", "field"])?;
                let attribute = r.choice(&a, "attribute", ATTRIBUTES)?;
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

const ATTRIBUTES: &[(&str, Attribute)] = &[
    ("languages", Attribute::Languages),
    ("industries", Attribute::Industries),
    ("products", Attribute::Products),
    ("segments", Attribute::Segments),
    ("seniority", Attribute::Seniority),
];
const PERIODS: &[(&str, Period)] = &[
    ("day", Period::Day),
    ("week", Period::Week),
    ("month", Period::Month),
];
const SKIPPED: &[(&str, SkipPolicy)] = &[
    ("keeps_place", SkipPolicy::KeepsPlace),
    ("loses_turn", SkipPolicy::LosesTurn),
];

fn read_selection(r: &mut Reader, v: &Json, path: &str) -> Option<Selection> {
    let o = r.obj(
        v,
        path,
        &[
            "working_hours",
            "require",
            "prefer",
            "rank",
            "pick",
            "overflow",
        ],
        &[],
    )?;
    Some(Selection {
        working_hours: r
            .choice(
                &o,
                "working_hours",
                &[
                    ("require", HoursPolicy::Require),
                    ("ignore", HoursPolicy::Ignore),
                ],
            )
            .unwrap_or_default(),
        require: r.list(&o, "require", read_criterion),
        prefer: r.list(&o, "prefer", read_criterion),
        rank: r
            .choice(
                &o,
                "rank",
                &[
                    ("ordered", RankMode::Ordered),
                    ("weighted", RankMode::Weighted),
                ],
            )
            .unwrap_or_default(),
        pick: r.nested(&o, "pick", read_pick).unwrap_or_default(),
        overflow: r
            .nested(&o, "overflow", |r, v, p| {
                let f = r.obj(v, p, &["ignore_caps", "ignore_availability"], &[])?;
                Some(Overflow {
                    ignore_caps: r.bool(&f, "ignore_caps").unwrap_or(false),
                    ignore_availability: r.bool(&f, "ignore_availability").unwrap_or(false),
                })
            })
            .unwrap_or_default(),
    })
}

fn read_territory_fields(r: &mut Reader, o: &Obj) -> TerritoryFields {
    r.nested(o, "fields", |r, v, p| {
        let f = r.obj(v, p, &["country", "region", "postal_code"], &[])?;
        let d = TerritoryFields::default();
        Some(TerritoryFields {
            country: r.string(&f, "country").unwrap_or(d.country),
            region: r.string(&f, "region").unwrap_or(d.region),
            postal_code: r.string(&f, "postal_code").unwrap_or(d.postal_code),
        })
    })
    .unwrap_or_default()
}

fn read_criterion(r: &mut Reader, v: &Json, path: &str) -> Option<Criterion> {
    const TYPES: &[(&str, u8)] = &[
        ("attribute", 0),
        ("territory", 1),
        ("rep_attribute", 2),
        ("on_shift", 3),
        ("performance", 4),
        ("load", 5),
    ];
    let kind = match v.get("type") {
        Some(t) => r.choice_value(t, &child(path, "type"), TYPES)?,
        None => {
            r.obj(v, path, &["type"], &["type"])?;
            return None;
        }
    };
    let (keys, required): (&[&str], &[&str]) = match kind {
        0 => (
            &["type", "attribute", "field", "relaxable", "weight"],
            &["attribute", "field"],
        ),
        1 => (&["type", "fields", "relaxable", "weight"], &[]),
        2 => (
            &["type", "attribute", "values", "when", "relaxable", "weight"],
            &["attribute", "values"],
        ),
        5 => (&["type", "period", "weight"], &[]),
        _ => (&["type", "weight"], &[]),
    };
    let o = r.obj(v, path, keys, required)?;
    let relaxable = r.bool(&o, "relaxable").unwrap_or(false);
    let weight = r.f64(&o, "weight");
    Some(match kind {
        0 => Criterion::Attribute {
            attribute: r.choice(&o, "attribute", ATTRIBUTES)?,
            field: r.req_string(&o, "field"),
            relaxable,
            weight,
        },
        1 => Criterion::Territory {
            fields: read_territory_fields(r, &o),
            relaxable,
            weight,
        },
        2 => Criterion::RepAttribute {
            attribute: r.choice(&o, "attribute", ATTRIBUTES)?,
            values: r.strings(&o, "values"),
            when: o
                .map
                .get("when")
                .filter(|v| !v.is_null())
                .map(Json::to_value),
            relaxable,
            weight,
        },
        3 => Criterion::OnShift { weight },
        4 => Criterion::Performance { weight },
        _ => Criterion::Load {
            period: r.choice(&o, "period", PERIODS).unwrap_or_default(),
            weight,
        },
    })
}

fn read_pick(r: &mut Reader, v: &Json, path: &str) -> Option<PickSpec> {
    const TYPES: &[(&str, u8)] = &[
        ("round_robin", 0),
        ("weighted", 1),
        ("least_loaded", 2),
        ("rendezvous", 3),
        ("learned", 4),
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
        4 => &[
            "type",
            "objective",
            "prior_rate",
            "prior_weight",
            "prior_value",
            "half_life_days",
            "floor",
            "segment",
            "bands",
            "draws",
        ],
        _ => &["type"],
    };
    let o = r.obj(v, path, keys, &[])?;
    Some(match kind {
        0 => PickSpec::RoundRobin {
            skipped: r.choice(&o, "skipped", SKIPPED).unwrap_or_default(),
        },
        1 => PickSpec::Weighted {
            hot_score: r.f64(&o, "hot_score"),
        },
        2 => PickSpec::LeastLoaded {
            period: r.choice(&o, "period", PERIODS).unwrap_or_default(),
        },
        4 => PickSpec::Learned(crate::config::Learned {
            objective: r
                .choice(
                    &o,
                    "objective",
                    &[
                        ("conversion", Objective::Conversion),
                        ("value", Objective::Value),
                    ],
                )
                .unwrap_or_default(),
            prior_rate: r.f64(&o, "prior_rate"),
            prior_weight: r.f64(&o, "prior_weight"),
            prior_value: r.f64(&o, "prior_value"),
            half_life_days: r.f64(&o, "half_life_days"),
            floor: r.f64(&o, "floor"),
            segment: r.strings(&o, "segment"),
            bands: r.list(&o, "bands", |r, v, p| {
                v.as_f64().or_else(|| {
                    r.expected(p, "a number", v);
                    None
                })
            }),
            draws: r.uint(&o, "draws", 1000).map(|n| n as u32),
        }),
        _ => PickSpec::Rendezvous,
    })
}

fn read_cap_rule(r: &mut Reader, v: &Json, path: &str) -> Option<CapRule> {
    let o = r.obj(
        v,
        path,
        &["id", "when", "reps", "teams", "day", "week", "month"],
        &["id", "when"],
    )?;
    let cap = |r: &mut Reader, k: &str| r.uint(&o, k, u64::from(u32::MAX)).map(|n| n as u32);
    Some(CapRule {
        id: r.req_string(&o, "id"),
        when: condition(&o, "when"),
        reps: r.strings(&o, "reps"),
        teams: r.strings(&o, "teams"),
        day: cap(r, "day"),
        week: cap(r, "week"),
        month: cap(r, "month"),
    })
}

fn condition(o: &Obj, key: &str) -> serde_json::Value {
    o.map
        .get(key)
        .map_or(serde_json::Value::Null, Json::to_value)
}

fn read_screening(r: &mut Reader, v: &Json, path: &str) -> Option<Screening> {
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

fn read_scoring(r: &mut Reader, v: &Json, path: &str) -> Option<Scoring> {
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

fn read_accounts(r: &mut Reader, v: &Json, path: &str) -> Option<Accounts> {
    let o = r.obj(
        v,
        path,
        &[
            "field",
            "owners",
            "company_field",
            "country_field",
            "list",
            "csv",
            "fields",
            "fuzzy_threshold",
            "prefer",
            "inherit_owner",
            "skip_mql",
            "owner_first",
            "lead_to_lead",
        ],
        &[],
    )?;
    Some(Accounts {
        field: r.string(&o, "field"),
        owners: crate::sort::btree_map(r.map(&o, "owners", |r, v, p| match v {
            Json::String(s) => Some(s.to_string()),
            v => {
                r.expected(p, "a rep id", v);
                None
            }
        })),
        company_field: r.string(&o, "company_field"),
        country_field: r.string(&o, "country_field"),
        list: r.list(&o, "list", read_account),
        csv: r.string(&o, "csv"),
        fields: crate::sort::btree_map(
            r.map(&o, "fields", |r, v, p| r.choice_value(v, p, FIELD_TYPES)),
        ),
        fuzzy_threshold: r.f64(&o, "fuzzy_threshold"),
        prefer: r.choice(
            &o,
            "prefer",
            &[
                ("largest", AccountPrefer::Largest),
                ("most_recent", AccountPrefer::MostRecent),
            ],
        ),
        inherit_owner: r.bool(&o, "inherit_owner"),
        skip_mql: r.bool(&o, "skip_mql"),
        owner_first: r.bool(&o, "owner_first"),
        lead_to_lead: r.nested(&o, "lead_to_lead", |r, v, p| {
            let l = r.obj(v, p, &["days", "by"], &["days"])?;
            Some(LeadToLead {
                days: r.uint(&l, "days", 3650).unwrap_or(0) as u32,
                by: r
                    .choice(
                        &l,
                        "by",
                        &[
                            ("person", LeadToLeadBy::Person),
                            ("company", LeadToLeadBy::Company),
                        ],
                    )
                    .unwrap_or_default(),
            })
        }),
    })
}

fn read_account(r: &mut Reader, v: &Json, path: &str) -> Option<Account> {
    let o = r.obj(
        v,
        path,
        &[
            "id",
            "name",
            "domains",
            "website",
            "country",
            "parent",
            "owner",
            "team",
            "employees",
            "last_active",
            "fields",
        ],
        &["id", "name"],
    )?;
    Some(Account {
        id: r.req_string(&o, "id"),
        name: r.req_string(&o, "name"),
        domains: r.strings(&o, "domains"),
        website: r.string(&o, "website"),
        country: r.string(&o, "country"),
        parent: r.string(&o, "parent"),
        owner: r.string(&o, "owner"),
        team: r.string(&o, "team"),
        employees: r.f64(&o, "employees"),
        last_active: match o.map.get("last_active") {
            Some(Json::Number(n)) => Some(n.to_string()),
            _ => r.string(&o, "last_active"),
        },
        fields: crate::sort::btree_map(r.map(&o, "fields", |r, v, p| match v {
            Json::String(_) | Json::Number(_) | Json::Bool(_) => Some(v.to_value()),
            v => {
                r.expected(p, "a string, number or boolean", v);
                None
            }
        })),
    })
}

fn read_rule(r: &mut Reader, v: &Json, path: &str) -> Option<Rule> {
    let o = r.obj(
        v,
        path,
        &["id", "when", "rep", "team", "pool", "account_owner", "sla"],
        &["id"],
    )?;
    Some(Rule {
        id: r.req_string(&o, "id"),
        when: o
            .map
            .get("when")
            .filter(|v| !v.is_null())
            .map(Json::to_value),
        rep: r.string(&o, "rep"),
        team: r.string(&o, "team"),
        pool: r.string(&o, "pool"),
        account_owner: r.bool(&o, "account_owner"),
        sla: r.nested(&o, "sla", read_sla),
    })
}

fn read_pool(r: &mut Reader, v: &Json, path: &str) -> Option<Pool> {
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
            "require",
        ],
        &["id"],
    )?;
    Some(Pool {
        require: r.list(&o, "require", read_criterion),
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

/// Used by the condition compiler's messages.
pub(crate) fn kind(v: &serde_json::Value) -> &'static str {
    Json::shallow(v).kind()
}
