//! The accounts section: `owners` (domain to rep) and the account list (JSON records
//! and CSV text), compiled once into hash indexes by domain, normalised name and fuzzy
//! block, with owners inherited from parent accounts.

use super::Ctx;
use crate::accounts::{normalize, website_domain};
use crate::condition::account::BUILT_IN;
use crate::condition::AccountFields;
use crate::config::{Account as RawAccount, Config, FieldType};
use crate::error::ConfigErrors;
use crate::fxhash::FxHashMap as HashMap;
use crate::lead::Val;
use crate::model::account::{Account, Accounts, Hot, Keys, Postings, MULTI, NONE};
use std::borrow::Cow;

/// Parent chains longer than this are a cycle (or a mistake).
const MAX_DEPTH: usize = 32;
const DEFAULT_FUZZY: f64 = 0.92;

pub(super) fn compile(config: &Config, ctx: &Ctx, errors: &mut ConfigErrors) -> Option<Accounts> {
    let a = config.accounts.as_ref()?;
    let field = a.field.as_deref().unwrap_or("email");
    let slot = ctx.ids.slot(field, "accounts.field".into(), errors)?;
    let optional_slot =
        |name: Option<&str>, default: &str, path: &str, errors: &mut ConfigErrors| match name {
            Some(n) => ctx.ids.slot(n, path.into(), errors),
            None => ctx.ids.schema.slot(default),
        };
    let company_slot = optional_slot(
        a.company_field.as_deref(),
        "company",
        "accounts.company_field",
        errors,
    );
    let country_slot = optional_slot(
        a.country_field.as_deref(),
        "country",
        "accounts.country_field",
        errors,
    );
    let mut owners = HashMap::with_capacity_and_hasher(a.owners.len(), Default::default());
    for (domain, owner) in &a.owners {
        let path = format!("accounts.owners.{domain}");
        if let Some(ri) = ctx.ids.rep(owner, path, errors) {
            owners.insert(
                super::screening::normalize_domain(domain).into_boxed_str(),
                ri,
            );
        }
    }
    for name in a.fields.keys() {
        if BUILT_IN.iter().any(|(b, _)| b == name)
            || crate::condition::account::COMPUTED.contains(&name.as_str())
        {
            errors.push(
                format!("accounts.fields.{name}"),
                format!("\"{name}\" is a built-in account field"),
            );
        }
    }
    let fields = AccountFields::new(a.fields.iter().map(|(n, t)| (n.as_str(), *t)));
    let threshold = a.fuzzy_threshold.unwrap_or(DEFAULT_FUZZY);
    if !(0.0..=1.0).contains(&threshold) {
        errors.push(
            "accounts.fuzzy_threshold",
            format!("{threshold} is not between 0 and 1"),
        );
    }

    // Every account with the path its problems are reported at.
    let mut raw: Vec<(String, &RawAccount)> = a
        .list
        .iter()
        .enumerate()
        .map(|(i, acc)| (format!("accounts.list[{i}]"), acc))
        .collect();
    let from_csv = a
        .csv
        .as_deref()
        .map(|t| crate::accounts::csv::read_csv(t, "accounts.csv", errors))
        .unwrap_or_default();
    raw.extend(from_csv.iter().map(|acc| {
        (
            format!("accounts.csv[\"{}\"]", crate::lead::preview(&acc.id)),
            acc,
        )
    }));
    if raw.len() > ctx.limits.accounts {
        errors.push(
            "accounts",
            format!(
                "{} accounts, more than the limit of {}",
                raw.len(),
                ctx.limits.accounts
            ),
        );
        return None;
    }

    let mut ids: HashMap<&str, u32> = HashMap::default();
    for (i, (path, acc)) in raw.iter().enumerate() {
        if ids.insert(acc.id.as_str(), i as u32).is_some() {
            errors.push(
                format!("{path}.id"),
                format!("duplicate account id \"{}\"", acc.id),
            );
        }
    }
    let parents: Vec<Option<u32>> = raw
        .iter()
        .map(|(path, acc)| {
            let p = acc.parent.as_deref()?;
            let found = ids.get(p).copied();
            if found.is_none() {
                errors.push(format!("{path}.parent"), format!("unknown account \"{p}\""));
            }
            found
        })
        .collect();
    let own_owner: Vec<Option<usize>> = raw
        .iter()
        .map(|(path, acc)| {
            let o = acc.owner.as_deref()?;
            ctx.ids.rep(o, format!("{path}.owner"), errors)
        })
        .collect();
    let own_team: Vec<Option<usize>> = raw
        .iter()
        .map(|(path, acc)| {
            let t = acc.team.as_deref()?;
            ctx.ids.team(t, format!("{path}.team"), errors)
        })
        .collect();
    let inherit = a.inherit_owner.unwrap_or(true);
    // The first ancestor (self included) with a value, and which one it was.
    let inherited = |own: &[Option<usize>], i: usize| -> (Option<usize>, Option<u32>) {
        let mut at = i;
        for depth in 0..MAX_DEPTH {
            if let Some(v) = own.get(at).copied().flatten() {
                return (Some(v), (depth > 0).then_some(at as u32));
            }
            match parents.get(at).copied().flatten() {
                Some(p) if inherit => at = p as usize,
                _ => break,
            }
        }
        (None, None)
    };

    let free = ctx.free_email.map(|f| &**f);
    let stride = BUILT_IN.len() + a.fields.len();
    let mut list = Vec::with_capacity(raw.len());
    let mut hot = Vec::with_capacity(raw.len());
    let mut values: Vec<Val<'static>> = Vec::with_capacity(raw.len() * stride);
    let mut countries: Vec<Box<str>> = Vec::new();
    let mut country_ids: HashMap<Box<str>, u32> = HashMap::default();
    // (key, account) pairs, grouped into entries once all are known.
    let mut domain_of: Vec<(String, u32)> = Vec::new();
    let mut name_of: Vec<(String, u32)> = Vec::new();
    for (i, (path, acc)) in raw.iter().enumerate() {
        let n = i as u32;
        let norm = normalize(&acc.name);
        let mut domains: Vec<String> = acc
            .domains
            .iter()
            .map(|d| super::screening::normalize_domain(d))
            .collect();
        domains.extend(acc.website.as_deref().and_then(website_domain));
        domains.sort_unstable();
        domains.dedup();
        for d in domains {
            // A free-mail domain never identifies an account.
            if d.is_empty() || crate::email::is_free_in(&format!("x@{d}"), free) {
                continue;
            }
            domain_of.push((d, n));
        }
        if !norm.is_empty() {
            name_of.push((norm, n));
        }
        let (owner, owner_from) = inherited(&own_owner, i);
        let (team, _) = inherited(&own_team, i);
        let last_active = match acc.last_active.as_deref() {
            None => i64::MIN,
            Some(t) => t
                .parse::<i64>()
                .ok()
                .or_else(|| crate::time::parse_datetime_ms(t))
                .unwrap_or_else(|| {
                    errors.push(
                        format!("{path}.last_active"),
                        format!("\"{}\" is not a date", crate::lead::preview(t)),
                    );
                    i64::MIN
                }),
        };
        values.extend(
            [
                Some(acc.id.clone()),
                Some(acc.name.clone()),
                acc.country.clone(),
                acc.owner.clone(),
                acc.team.clone(),
                acc.parent.clone(),
            ]
            .into_iter()
            .map(|v| v.map_or(Val::Missing, |s| Val::Str(Cow::Owned(s)))),
        );
        values.push(acc.employees.map_or(Val::Missing, Val::Num));
        let from_list = path.starts_with("accounts.list");
        for (name, ty) in &a.fields {
            let v = acc.fields.get(name);
            values.push(match v {
                None => Val::Missing,
                Some(v) => free_value(v, *ty).unwrap_or_else(|| {
                    errors.push(
                        format!("{path}.fields.{name}"),
                        format!("expected a {}", type_name(*ty)),
                    );
                    Val::Missing
                }),
            });
        }
        if from_list {
            for name in acc.fields.keys() {
                if !a.fields.contains_key(name) {
                    errors.unknown(
                        format!("{path}.fields.{name}"),
                        "account field",
                        name,
                        a.fields.keys().map(String::as_str),
                    );
                }
            }
        }
        let country = match acc.country.as_deref() {
            None => NONE,
            Some(c) => {
                let c = c.trim().to_lowercase().into_boxed_str();
                *country_ids.entry(c.clone()).or_insert_with(|| {
                    countries.push(c);
                    countries.len() as u32 - 1
                })
            }
        };
        hot.push(Hot {
            owner: owner.map_or(NONE, |o| o as u32),
            country,
            employees: acc.employees.unwrap_or(0.0),
            last_active,
        });
        list.push(Account {
            id: acc.id.clone().into_boxed_str(),
            name: acc.name.clone().into_boxed_str(),
            owner_from,
            team,
        });
    }
    let mut ids = Vec::new();
    let domains = entries(domain_of, &hot, &mut ids);
    let names = entries(name_of, &hot, &mut ids);
    let fuzzy = Postings::of_names(&names);
    Some(Accounts {
        slot,
        company_slot,
        country_slot,
        owners,
        list,
        hot,
        values,
        stride,
        countries,
        domains,
        names,
        fuzzy,
        ids,
        fuzzy_threshold: threshold,
        prefer: a.prefer.unwrap_or_default(),
        skip_mql: a.skip_mql.unwrap_or(false),
        owner_first: a.owner_first.unwrap_or(true),
        fields,
        lead_to_lead: a.lead_to_lead.as_ref().map(|l| {
            (
                i64::from(l.days) * 86_400_000,
                l.by == crate::config::LeadToLeadBy::Company,
            )
        }),
    })
}

/// The distinct keys of `(key, account)` pairs (accounts in list order), hashed into
/// a table; a key of several accounts names their run in `ids`.
fn entries(mut pairs: Vec<(String, u32)>, hot: &[Hot], ids: &mut Vec<u32>) -> Keys {
    pairs.sort_unstable();
    let mut items: Vec<(String, u32, u32)> = Vec::new();
    // The keys move from the pairs to the items: one copy of them at a time.
    let mut rest = pairs.into_iter().peekable();
    let mut more: Vec<u32> = Vec::new();
    while let Some((key, first)) = rest.next() {
        more.clear();
        while let Some((_, n)) = rest.next_if(|(k, _)| *k == key) {
            more.push(n);
        }
        if more.is_empty() {
            let owner = hot.get(first as usize).map_or(NONE, |h| h.owner);
            items.push((key, first, owner));
        } else {
            items.push((key, ids.len() as u32, MULTI));
            ids.push(more.len() as u32 + 1);
            ids.push(first);
            ids.extend_from_slice(&more);
        }
    }
    Keys::build(&items)
}

fn type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::String => "string",
        FieldType::Number => "number",
        FieldType::Boolean => "boolean",
    }
}

/// A free field's value as its declared type (CSV cells arrive as text).
fn free_value(v: &serde_json::Value, ty: FieldType) -> Option<Val<'static>> {
    use serde_json::Value as J;
    Some(match (ty, v) {
        (FieldType::String, J::String(s)) => Val::Str(Cow::Owned(s.clone())),
        (FieldType::String, J::Number(n)) => Val::Str(Cow::Owned(n.to_string())),
        (FieldType::Number, J::Number(n)) => Val::Num(n.as_f64()?),
        (FieldType::Number, J::String(s)) => {
            Val::Num(s.trim().parse::<f64>().ok().filter(|n| n.is_finite())?)
        }
        (FieldType::Boolean, J::Bool(b)) => Val::Bool(*b),
        (FieldType::Boolean, J::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Val::Bool(true),
            "false" | "no" | "0" => Val::Bool(false),
            _ => return None,
        },
        _ => return None,
    })
}
