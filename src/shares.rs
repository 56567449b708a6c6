//! The cap protocol of the per-team edge design (www/edge/README.md, "The cap protocol"):
//! each rep's caps are split between the objects that can give them capped leads (the
//! objects of the teams they are members of, and `rest` for rules naming them, pools and
//! reps in no team), and each object runs the config with its share. The shares add up to
//! the cap, so no rep goes over it across objects with no call between objects.
//!
//! Works on the config's JSON (the edge hands each object a config), so a share is a
//! config like any other and classifying (which reads no caps) gives the same tickets.

use crate::model::rep::DEFAULT_MONTH_CAP;
use serde_json::{Map, Value};

const PERIODS: [&str; 3] = ["day", "week", "month"];
/// The object of everything that needs state but is not a team's.
pub const REST: &str = "rest";

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn id(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

fn team_key(team: &str) -> String {
    format!("team:{team}")
}

/// Every object key of a config: `team:<id>` for each team, then `rest`.
pub fn object_keys(config: &Value) -> Vec<String> {
    let mut keys: Vec<String> = list(config, "teams")
        .iter()
        .filter_map(id)
        .map(team_key)
        .collect();
    keys.push(REST.to_string());
    keys
}

/// Rep id -> the object keys that own a share of the rep's caps, in config order.
pub fn homes(config: &Value) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = list(config, "reps")
        .iter()
        .filter_map(id)
        .map(|r| (r.to_string(), Vec::new()))
        .collect();
    let members = |team: &str| -> Vec<&str> {
        list(config, "teams")
            .iter()
            .find(|t| id(t) == Some(team))
            .map_or(Vec::new(), |t| {
                list(t, "members")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect()
            })
    };
    for t in list(config, "teams") {
        let Some(tid) = id(t) else { continue };
        for m in list(t, "members").iter().filter_map(Value::as_str) {
            if let Some((_, keys)) = out.iter_mut().find(|(r, _)| r == m) {
                keys.push(team_key(tid));
            }
        }
    }
    let mut rest: Vec<&str> = Vec::new();
    for rule in list(config, "rules") {
        if let Some(r) = rule.get("rep").and_then(Value::as_str) {
            rest.push(r);
        }
    }
    for p in list(config, "pools") {
        rest.extend(list(p, "reps").iter().filter_map(Value::as_str));
        // A pool's leads expire into its `expire_to` team inside `rest`, where the pool is.
        let teams = list(p, "teams")
            .iter()
            .filter_map(Value::as_str)
            .chain(p.get("expire_to").and_then(Value::as_str));
        for t in teams {
            rest.extend(members(t));
        }
    }
    for (rep, keys) in &mut out {
        if keys.is_empty() || rest.contains(&rep.as_str()) {
            keys.push(REST.to_string());
        }
    }
    out
}

/// `cap` split `n` ways: share `i` (the first `cap % n` shares get one more).
fn share(cap: u64, n: usize, i: usize) -> u64 {
    let n = n.max(1) as u64;
    cap / n + u64::from((i as u64) < cap % n)
}

/// `limits`' periods as the object `key` runs them: its share among `owners`, 0 where it
/// owns none. A value that is not a whole number is left for the config check to report.
fn shared(limits: &Map<String, Value>, owners: &[String], key: &str, out: &mut Map<String, Value>) {
    let i = owners.iter().position(|o| o == key);
    for p in PERIODS {
        let Some(v) = limits.get(p).filter(|v| !v.is_null()) else {
            continue;
        };
        let value = match (v.as_u64(), i) {
            (Some(_), None) => Value::from(0u64),
            (Some(cap), Some(i)) => Value::from(share(cap, owners.len(), i)),
            (None, _) => v.clone(),
        };
        out.insert(p.to_string(), value);
    }
}

/// The config as the object `key` runs it: each rep's caps replaced by the object's share
/// (0 where it owns none; a rep without `caps` has the core's default month cap, split
/// like any other, or each object would grant it whole), each conditional cap split
/// between the teams it names (or every object).
pub fn share_config(config: &Value, key: &str) -> Value {
    let Some(obj) = config.as_object() else {
        return config.clone();
    };
    let homes = homes(config);
    let mut default = Map::new();
    default.insert("month".into(), Value::from(DEFAULT_MONTH_CAP));
    let reps: Vec<Value> = list(config, "reps")
        .iter()
        .map(|r| {
            let mut rep = r.as_object().cloned().unwrap_or_default();
            let given = match r.get("caps") {
                Some(Value::Object(c)) => c.clone(),
                None | Some(Value::Null) => default.clone(),
                Some(_) => return Value::Object(rep),
            };
            let mine = id(r)
                .and_then(|rid| homes.iter().find(|(h, _)| h == rid))
                .map_or(&[][..], |(_, k)| k.as_slice());
            let mut caps = Map::new();
            shared(&given, mine, key, &mut caps);
            rep.insert("caps".into(), Value::Object(caps));
            Value::Object(rep)
        })
        .collect();
    let mut out = obj.clone();
    out.insert("reps".into(), Value::Array(reps));
    if let Some(rules) = obj.get("cap_rules").and_then(Value::as_array) {
        let all = object_keys(config);
        let rules = rules
            .iter()
            .map(|c| {
                let Some(rule) = c.as_object() else {
                    return c.clone();
                };
                let teams = list(c, "teams");
                let owners: Vec<String> = if !teams.is_empty() && list(c, "reps").is_empty() {
                    teams
                        .iter()
                        .filter_map(Value::as_str)
                        .map(team_key)
                        .collect()
                } else {
                    all.clone()
                };
                let mut out = rule.clone();
                shared(rule, &owners, key, &mut out);
                Value::Object(out)
            })
            .collect();
        out.insert("cap_rules".into(), Value::Array(rules));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_cap_and_the_default_cap_is_split_too() {
        let config = serde_json::json!({
            "reps": [{"id": "ana", "caps": {"day": 5}}, {"id": "ben", "caps": {"day": 3}},
                     {"id": "cho"}, {"id": "dev"}],
            "teams": [{"id": "us", "members": ["ana", "ben"]}, {"id": "eu", "members": ["ana", "cho"]}],
            "cap_rules": [{"id": "big", "when": "true", "teams": ["us"], "day": 3}],
            "rules": [{"id": "all", "team": "us"}],
            "fallback": "dev"
        });
        let h = homes(&config);
        assert_eq!(
            h[0],
            ("ana".into(), vec!["team:us".into(), "team:eu".into()])
        );
        assert_eq!(h[3], ("dev".into(), vec!["rest".into()]));
        let caps = |key: &str| -> Vec<u64> {
            list(&share_config(&config, key), "reps")
                .iter()
                .map(|r| {
                    let c = &r["caps"];
                    c.get("day")
                        .or_else(|| c.get("month"))
                        .and_then(Value::as_u64)
                        .unwrap_or(99)
                })
                .collect()
        };
        assert_eq!(caps("team:us"), [3, 3, 0, 0]);
        assert_eq!(caps("team:eu"), [2, 0, u64::from(DEFAULT_MONTH_CAP), 0]);
        assert_eq!(caps("rest"), [0, 0, 0, u64::from(DEFAULT_MONTH_CAP)]);
        let rule_day = |key: &str| share_config(&config, key)["cap_rules"][0]["day"].as_u64();
        assert_eq!(
            (rule_day("team:us"), rule_day("team:eu")),
            (Some(3), Some(0))
        );
    }
}
