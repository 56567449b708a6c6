//! Loads a config from JSON, collecting every structural problem (not just the first):
//! each section and each list item is deserialized on its own, errors carry the path.

use super::raw::Config;
use crate::error::{did_you_mean, ConfigErrors};
use crate::limits::Limits;
use serde::de::DeserializeOwned;
use serde_json::Value;

const TOP_KEYS: &[&str] = &[
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
];
const REQUIRED_TOP: &[&str] = &["reps", "fallback"];
const LIST_KEYS: &[&str] = &["reps", "teams", "rules", "pools"];

/// Parses config JSON text.
pub fn load_str(json: &str, limits: &Limits) -> Result<Config, ConfigErrors> {
    let mut errors = ConfigErrors::default();
    if json.len() > limits.config_bytes {
        errors.push(
            "",
            format!(
                "config is {} bytes, more than the limit of {} bytes",
                json.len(),
                limits.config_bytes
            ),
        );
        return Err(errors);
    }
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            errors.push(
                "",
                format!(
                    "invalid JSON at line {}, column {}: {}",
                    e.line(),
                    e.column(),
                    strip_position(&e.to_string())
                ),
            );
            return Err(errors);
        }
    };
    load_value(&value, limits)
}

/// Converts an already-parsed JSON value.
pub fn load_value(value: &Value, limits: &Limits) -> Result<Config, ConfigErrors> {
    // Fast path: a valid config deserializes in one pass. (The same tracked
    // deserializer is used below, so the .wasm carries one copy of the config code.)
    if let Ok(c) = serde_path_to_error::deserialize::<_, Config>(value) {
        return check_sizes(c, limits);
    }
    let mut errors = ConfigErrors::default();
    let Some(obj) = value.as_object() else {
        errors.push("", format!("expected an object, found {}", kind(value)));
        return Err(errors);
    };
    for key in obj.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            errors.push(key.clone(), unknown_key_message(key, TOP_KEYS));
        }
    }
    for key in REQUIRED_TOP {
        if !obj.contains_key(*key) {
            errors.push("", format!("missing required key \"{key}\""));
        }
    }
    for (key, v) in obj {
        if LIST_KEYS.contains(&key.as_str()) {
            match v.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("{key}[{i}]");
                        match key.as_str() {
                            "reps" => check::<super::raw::Rep>(item, &path, &mut errors),
                            "teams" => check::<super::raw::Team>(item, &path, &mut errors),
                            "rules" => check::<super::raw::Rule>(item, &path, &mut errors),
                            _ => check::<super::raw::Pool>(item, &path, &mut errors),
                        }
                    }
                }
                None => errors.push(key.clone(), format!("expected a list, found {}", kind(v))),
            }
            continue;
        }
        match key.as_str() {
            "fields" => check::<std::collections::BTreeMap<String, super::raw::FieldType>>(
                v,
                key,
                &mut errors,
            ),
            "timezone" | "fallback" => check::<String>(v, key, &mut errors),
            "screening" => check::<super::raw::Screening>(v, key, &mut errors),
            "scoring" => check::<super::raw::Scoring>(v, key, &mut errors),
            "accounts" => check::<super::raw::Accounts>(v, key, &mut errors),
            _ => {}
        }
    }
    if errors.is_empty() {
        // Every part is valid alone; report the whole-document error as a last resort.
        if let Err(e) = serde_path_to_error::deserialize::<_, Config>(value) {
            push_serde_error(&mut errors, "", &e);
        }
    }
    Err(errors)
}

fn check_sizes(c: Config, limits: &Limits) -> Result<Config, ConfigErrors> {
    let mut errors = ConfigErrors::default();
    let mut over = |path: &str, n: usize, max: usize, what: &str| {
        if n > max {
            errors.push(path, format!("{n} {what}, more than the limit of {max}"));
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
    if errors.is_empty() {
        Ok(c)
    } else {
        Err(errors)
    }
}

fn check<T: DeserializeOwned>(v: &Value, path: &str, errors: &mut ConfigErrors) {
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(v) {
        push_serde_error(errors, path, &e);
    }
}

fn push_serde_error(
    errors: &mut ConfigErrors,
    prefix: &str,
    e: &serde_path_to_error::Error<serde_json::Error>,
) {
    let inner = e.path().to_string();
    let inner = if inner == "." { String::new() } else { inner };
    let path = join_path(prefix, &inner);
    errors.push(path, humanize(&e.inner().to_string()));
}

fn join_path(prefix: &str, inner: &str) -> String {
    match (prefix.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_string(),
        (_, true) => prefix.to_string(),
        _ if inner.starts_with('[') => format!("{prefix}{inner}"),
        _ => format!("{prefix}.{inner}"),
    }
}

/// Turns serde's messages into ours: no Rust type names, suggestions for typos.
pub(crate) fn humanize(msg: &str) -> String {
    let msg = strip_position(msg);
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((name, expected)) = rest.split_once('`') {
            let options = backticked(expected);
            return unknown_key_message(name, &options);
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        if let Some((name, expected)) = rest.split_once('`') {
            let options = backticked(expected);
            let list = options
                .iter()
                .map(|o| format!("\"{o}\""))
                .collect::<Vec<_>>()
                .join(", ");
            return match did_you_mean(name, options.iter().copied()) {
                Some(s) => format!("unknown value \"{name}\" (did you mean \"{s}\"?)"),
                None => format!("unknown value \"{name}\", expected one of {list}"),
            };
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return format!("missing required key \"{name}\"");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("expected {}, found {}", expected_name(expected), found);
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("expected {}, found {}", expected_name(expected), found);
        }
    }
    msg.to_string()
}

fn unknown_key_message(name: &str, options: &[&str]) -> String {
    match did_you_mean(name, options.iter().copied()) {
        Some(s) => format!("unknown key \"{name}\" (did you mean \"{s}\"?)"),
        None if options.is_empty() => format!("unknown key \"{name}\""),
        None => format!(
            "unknown key \"{name}\", expected one of {}",
            options
                .iter()
                .map(|o| format!("\"{o}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn expected_name(expected: &str) -> &str {
    match expected {
        "u32" | "u64" | "u16" | "u8" | "usize" => "a whole number of at least 0",
        "f64" | "f32" => "a number",
        "a sequence" => "a list",
        "a boolean" | "a string" | "a map" => expected,
        e if e.starts_with("struct ")
            || e.starts_with("internally tagged enum")
            || e == "a map" =>
        {
            "an object"
        }
        e if e.starts_with("enum ") => "one of the listed values",
        e => e,
    }
}

fn backticked(s: &str) -> Vec<&str> {
    s.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, p)| p)
        .collect()
}

fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg),
        None => msg,
    }
}

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
