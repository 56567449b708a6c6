//! Validates a condition (JSON tree or text) against the lead schema and compiles it.
//! Reports every problem with its JSON path; text errors carry line and column.

use super::{Cmp, Cond, FieldRef, Test};
use crate::config::FieldType;
use crate::error::ConfigErrors;
use crate::lead::Schema;
use crate::limits::Limits;
use serde_json::{Map, Value};

/// Where a condition is used decides which computed fields it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Screening and scoring run before the score exists.
    BeforeScore,
    /// Routing rules may read `score` and `grade`.
    Routing,
}

const OPS: &[&str] = &[
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "contains",
    "starts_with",
    "ends_with",
    "contains_any",
    "matches",
    "exists",
    "missing",
    "domain_in",
    "domain_is",
    "free_email",
    "business_email",
    "valid_email",
];
const NO_VALUE_OPS: &[&str] = &[
    "exists",
    "missing",
    "free_email",
    "business_email",
    "valid_email",
];

struct Ctx<'a> {
    /// The path of the text condition being compiled, if inside one.
    text_path: Option<String>,
    schema: &'a Schema,
    scope: Scope,
    limits: &'a Limits,
    free: Option<&'a super::FreeList>,
    accounts: Option<&'a super::AccountFields>,
    errors: &'a mut ConfigErrors,
}

/// Compiles `value` found at `path`. Returns `None` when it had errors (already pushed).
pub fn compile(
    value: &Value,
    path: &str,
    schema: &Schema,
    scope: Scope,
    limits: &Limits,
    errors: &mut ConfigErrors,
) -> Option<Cond> {
    compile_with(value, path, schema, scope, limits, None, errors)
}

/// [`compile`] with the config's own free email list (`email is free_email`).
pub fn compile_with(
    value: &Value,
    path: &str,
    schema: &Schema,
    scope: Scope,
    limits: &Limits,
    free: Option<&super::FreeList>,
    errors: &mut ConfigErrors,
) -> Option<Cond> {
    compile_in(value, path, schema, scope, limits, free, None, errors)
}

/// [`compile_with`] where `account.*` names the matched account's fields (routing
/// rules of a config with accounts).
#[allow(clippy::too_many_arguments)]
pub fn compile_in(
    value: &Value,
    path: &str,
    schema: &Schema,
    scope: Scope,
    limits: &Limits,
    free: Option<&super::FreeList>,
    accounts: Option<&super::AccountFields>,
    errors: &mut ConfigErrors,
) -> Option<Cond> {
    let before = errors.len();
    let mut ctx = Ctx {
        text_path: None,
        schema,
        scope,
        limits,
        free,
        accounts,
        errors,
    };
    let cond = ctx.node(value, path, 0);
    if ctx.errors.len() > before {
        None
    } else {
        cond
    }
}

impl Ctx<'_> {
    fn node(&mut self, v: &Value, path: &str, depth: usize) -> Option<Cond> {
        if depth > self.limits.condition_depth {
            self.errors.push(
                path,
                format!(
                    "condition nesting deeper than {}",
                    self.limits.condition_depth
                ),
            );
            return None;
        }
        // A text expression may stand anywhere in a JSON tree.
        if let Value::String(text) = v {
            // First without positions (a third of parsing it): a condition that compiles
            // needs none, and one that does not is parsed again with them for its errors.
            if let Ok(tree) = super::text::parse(text) {
                let before = self.errors.len();
                let outer = self.text_path.replace(path.to_string());
                let cond = self.node(&tree, path, depth);
                self.text_path = outer;
                if self.errors.len() == before {
                    return cond;
                }
                self.errors.0.truncate(before);
            }
            return match super::text::parse_located(text) {
                Ok(tree) => {
                    // Problems inside the text are reported at the text, with the line and
                    // column of their predicate: the tree is ours, not the user's.
                    let outer = self.text_path.replace(path.to_string());
                    let cond = self.node(&tree, path, depth);
                    self.text_path = outer;
                    cond
                }
                Err(e) => {
                    self.errors.push(path, format!("{e}"));
                    None
                }
            };
        }
        let Some(obj) = v.as_object() else {
            self.errors.push(
                path,
                format!(
                    "expected a condition (a text expression or an object), found {}",
                    crate::config::kind_of(v)
                ),
            );
            return None;
        };
        for key in ["all", "any", "not"] {
            if let Some(inner) = obj.get(key) {
                if obj.len() > 1 {
                    let extra: Vec<&str> = obj
                        .keys()
                        .map(String::as_str)
                        .filter(|k| *k != key)
                        .collect();
                    self.errors.push(
                        path,
                        format!(
                            "\"{key}\" cannot be combined with {}",
                            extra
                                .iter()
                                .map(|k| format!("\"{k}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    return None;
                }
                let p = crate::config::dotted(path, key);
                if key == "not" {
                    return self
                        .node(inner, &p, depth + 1)
                        .map(|c| Cond::Not(Box::new(c)));
                }
                let Some(items) = inner.as_array() else {
                    self.errors.push(
                        p,
                        format!(
                            "expected a list of conditions, found {}",
                            crate::config::kind_of(inner)
                        ),
                    );
                    return None;
                };
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if let Some(c) = self.node(item, &crate::config::indexed(&p, i), depth + 1) {
                        out.push(c);
                    }
                }
                return Some(if key == "all" {
                    Cond::All(out.into())
                } else {
                    Cond::Any(out.into())
                });
            }
        }
        self.predicate(obj, path)
    }

    fn predicate(&mut self, obj: &Map<String, Value>, path: &str) -> Option<Cond> {
        let before = self.errors.len();
        let cond = self.predicate_at(obj, path);
        if self.errors.len() == before {
            return cond;
        }
        if let (Some(text_path), Some(Value::Array(at))) =
            (self.text_path.clone(), obj.get(super::text::AT))
        {
            let (line, col) = (
                at.first().and_then(Value::as_u64).unwrap_or(1),
                at.get(1).and_then(Value::as_u64).unwrap_or(1),
            );
            for e in self.errors.0.iter_mut().skip(before) {
                e.path = text_path.clone();
                e.message = format!("line {line}, column {col}: {}", e.message);
            }
        }
        cond
    }

    fn predicate_at(&mut self, obj: &Map<String, Value>, path: &str) -> Option<Cond> {
        const KEYS: &[&str] = &[
            "field",
            "op",
            "value",
            "case_sensitive",
            "all",
            "any",
            "not",
        ];
        let mut ok = true;
        for k in obj.keys() {
            if !KEYS.contains(&k.as_str()) && k != super::text::AT {
                self.errors
                    .unknown(format!("{path}.{k}"), "key", k, KEYS.iter().copied());
                ok = false;
            }
        }
        let field = match obj.get("field") {
            Some(Value::String(f)) => self.field(f, &crate::config::dotted(path, "field")),
            Some(other) => {
                self.errors.push(
                    format!("{path}.field"),
                    format!(
                        "expected a field name, found {}",
                        crate::config::kind_of(other)
                    ),
                );
                None
            }
            None => {
                self.errors.push(
                    path,
                    "missing required key \"field\" (or \"all\", \"any\", \"not\")",
                );
                None
            }
        };
        let op = match obj.get("op") {
            Some(Value::String(op)) if OPS.contains(&op.as_str()) => Some(op.as_str()),
            Some(Value::String(op)) => {
                self.errors
                    .unknown(format!("{path}.op"), "operator", op, OPS.iter().copied());
                None
            }
            Some(other) => {
                self.errors.push(
                    format!("{path}.op"),
                    format!(
                        "expected an operator name, found {}",
                        crate::config::kind_of(other)
                    ),
                );
                None
            }
            None => {
                self.errors.push(path, "missing required key \"op\"");
                None
            }
        };
        let case_sensitive = match obj.get("case_sensitive") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.errors.push(
                    format!("{path}.case_sensitive"),
                    format!(
                        "expected a boolean, found {}",
                        crate::config::kind_of(other)
                    ),
                );
                ok = false;
                false
            }
        };
        let (Some((field, ty)), Some(op)) = (field, op) else {
            return None;
        };
        let vpath = crate::config::dotted(path, "value");
        let value = obj.get("value");
        if NO_VALUE_OPS.contains(&op) {
            if value.is_some() {
                self.errors
                    .push(vpath, format!("operator \"{op}\" takes no value"));
                return None;
            }
        } else if value.is_none() {
            self.errors
                .push(path, format!("operator \"{op}\" needs a \"value\""));
            return None;
        }
        let value = value.unwrap_or(&Value::Null);
        let test = self.test(op, value, ty, case_sensitive, &vpath, path)?;
        let pred = Cond::Pred { field, test };
        if !ok {
            return None;
        }
        Some(match op {
            "ne" | "not_in" => Cond::Not(Box::new(pred)),
            _ => pred,
        })
    }

    fn field(&mut self, name: &str, path: &str) -> Option<(FieldRef, FieldType)> {
        let computed = match name {
            "score" => Some((FieldRef::Score, FieldType::Number)),
            "grade" => Some((FieldRef::Grade, FieldType::String)),
            _ => None,
        };
        if let Some(slot) = self.schema.slot(name) {
            return Some((
                FieldRef::Slot(slot),
                self.schema.field_type(slot).unwrap_or(FieldType::String),
            ));
        }
        if let Some(rest) = name.strip_prefix("account.") {
            if let Some(found) = self.accounts.and_then(|a| a.lookup(rest)) {
                return Some(found);
            }
            if self.accounts.is_none() {
                self.errors.push(
                    path,
                    format!("\"{name}\" is known only in routing and cap rules of a config with accounts"),
                );
                return None;
            }
        }
        match computed {
            Some(c) if self.scope == Scope::Routing => Some(c),
            Some(_) => {
                self.errors.push(
                    path,
                    format!("\"{name}\" is not known yet here: it is computed after screening and scoring"),
                );
                None
            }
            None => {
                let mut names: Vec<&str> = self.schema.names().collect();
                if self.scope == Scope::Routing {
                    names.extend(["score", "grade"]);
                }
                let account_names: Vec<String> = self
                    .accounts
                    .map(|a| a.names().collect())
                    .unwrap_or_default();
                names.extend(account_names.iter().map(String::as_str));
                let mut e = ConfigErrors::default();
                e.unknown(path, "field", name, names);
                if let Some(err) = e.0.pop() {
                    let hint = if err.message.contains("did you mean") {
                        ""
                    } else {
                        " (declare it under \"fields\")"
                    };
                    self.errors.push(err.path, format!("{}{hint}", err.message));
                }
                None
            }
        }
    }

    fn test(
        &mut self,
        op: &str,
        value: &Value,
        ty: FieldType,
        cs: bool,
        vpath: &str,
        path: &str,
    ) -> Option<Test> {
        let ty_name = match ty {
            FieldType::String => "string",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
        };
        let string_only = |errors: &mut ConfigErrors| {
            errors.push(
                format!("{path}.op"),
                format!("operator \"{op}\" needs a string field, but the field is a {ty_name}"),
            );
        };
        match op {
            "exists" => Some(Test::Exists),
            "missing" => Some(Test::Missing),
            "eq" | "ne" => match (ty, value) {
                (FieldType::Number, Value::Number(n)) => {
                    Some(Test::NumIn(vec![n.as_f64().unwrap_or(0.0)].into()))
                }
                (FieldType::Boolean, Value::Bool(b)) => Some(Test::BoolEq(*b)),
                (FieldType::String, Value::String(s)) => Some(Test::StrIn {
                    set: [norm(s, cs)].into_iter().collect(),
                    case_sensitive: cs,
                }),
                _ => self.type_error(vpath, ty_name, value),
            },
            "in" | "not_in" => {
                let items = self.list(value, vpath)?;
                match ty {
                    FieldType::Number => {
                        let mut out = Vec::new();
                        for (i, it) in items.iter().enumerate() {
                            match it.as_f64() {
                                Some(n) => out.push(n),
                                None => {
                                    self.type_error::<()>(&format!("{vpath}[{i}]"), ty_name, it);
                                }
                            }
                        }
                        Some(Test::NumIn(out.into()))
                    }
                    FieldType::String => {
                        let set = self.strings(items, vpath)?;
                        Some(Test::StrIn {
                            set: set.iter().map(|s| norm(s, cs)).collect(),
                            case_sensitive: cs,
                        })
                    }
                    FieldType::Boolean => {
                        self.errors.push(
                            format!("{path}.op"),
                            format!(
                                "operator \"{op}\" does not apply to a boolean field; use \"eq\""
                            ),
                        );
                        None
                    }
                }
            }
            "gt" | "gte" | "lt" | "lte" => {
                if ty != FieldType::Number {
                    self.errors.push(
                        format!("{path}.op"),
                        format!(
                            "operator \"{op}\" needs a number field, but the field is a {ty_name}"
                        ),
                    );
                    return None;
                }
                let n = self.number(value, vpath)?;
                let cmp = match op {
                    "gt" => Cmp::Gt,
                    "gte" => Cmp::Gte,
                    "lt" => Cmp::Lt,
                    _ => Cmp::Lte,
                };
                Some(Test::Cmp(cmp, n))
            }
            "between" => {
                if ty != FieldType::Number {
                    self.errors.push(
                        format!("{path}.op"),
                        format!("operator \"between\" needs a number field, but the field is a {ty_name}"),
                    );
                    return None;
                }
                match value.as_array().map(Vec::as_slice) {
                    Some([lo, hi]) => {
                        let lo = self.number(lo, &format!("{vpath}[0]"))?;
                        let hi = self.number(hi, &format!("{vpath}[1]"))?;
                        if lo > hi {
                            self.errors.push(
                                vpath,
                                format!("the low end {lo} is above the high end {hi}"),
                            );
                            return None;
                        }
                        Some(Test::Between(lo, hi))
                    }
                    _ => {
                        self.errors
                            .push(vpath, "expected a list of two numbers [low, high]");
                        None
                    }
                }
            }
            "contains" | "starts_with" | "ends_with" | "matches" => {
                if ty != FieldType::String {
                    string_only(self.errors);
                    return None;
                }
                let Some(s) = value.as_str() else {
                    return self.type_error(vpath, "string", value);
                };
                let needle = norm(s, cs);
                Some(match op {
                    "contains" => Test::Contains {
                        needle,
                        case_sensitive: cs,
                    },
                    "starts_with" => Test::StartsWith {
                        needle,
                        case_sensitive: cs,
                    },
                    "ends_with" => Test::EndsWith {
                        needle,
                        case_sensitive: cs,
                    },
                    _ => return self.regex(s, cs, vpath),
                })
            }
            "contains_any" => {
                if ty != FieldType::String {
                    string_only(self.errors);
                    return None;
                }
                let items = self.list(value, vpath)?;
                let set = self.strings(items, vpath)?;
                Some(Test::ContainsAny {
                    needles: set.iter().map(|s| norm(s, cs)).collect(),
                    case_sensitive: cs,
                })
            }
            "domain_in" | "domain_is" => {
                if ty != FieldType::String {
                    string_only(self.errors);
                    return None;
                }
                let items = self.list(value, vpath)?;
                let set = self.strings(items, vpath)?;
                let set = set
                    .iter()
                    .map(|s| s.trim().trim_start_matches('@').to_lowercase().into())
                    .collect();
                Some(if op == "domain_in" {
                    Test::DomainIn(set)
                } else {
                    Test::DomainIs(set)
                })
            }
            "free_email" | "business_email" | "valid_email" => {
                if ty != FieldType::String {
                    string_only(self.errors);
                    return None;
                }
                Some(match op {
                    "free_email" => Test::FreeEmail(self.free.cloned()),
                    "business_email" => Test::BusinessEmail(self.free.cloned()),
                    _ => Test::ValidEmail,
                })
            }
            _ => None,
        }
    }

    fn regex(&mut self, pattern: &str, cs: bool, vpath: &str) -> Option<Test> {
        if pattern.len() > self.limits.regex_bytes {
            self.errors.push(
                vpath,
                format!(
                    "regex of {} bytes is longer than the limit of {} bytes",
                    pattern.len(),
                    self.limits.regex_bytes
                ),
            );
            return None;
        }
        match regex_lite::RegexBuilder::new(pattern)
            .case_insensitive(!cs)
            .size_limit(self.limits.regex_compiled_bytes)
            .nest_limit(64)
            .build()
        {
            Ok(re) => {
                // An inline (?i) makes the literals case-insensitive whatever the option says.
                let cs = cs && !pattern.starts_with("(?i)");
                let must = super::prefilter::literals(pattern)
                    .unwrap_or_default()
                    .iter()
                    .map(|l| norm(l, cs))
                    .collect();
                Some(Test::Regex {
                    re,
                    must,
                    case_sensitive: cs,
                })
            }
            Err(e) => {
                let msg = e.to_string();
                let first = msg.lines().last().unwrap_or("").trim();
                self.errors
                    .push(vpath, format!("invalid regex `{pattern}`: {first}"));
                None
            }
        }
    }

    fn list<'v>(&mut self, value: &'v Value, vpath: &str) -> Option<&'v [Value]> {
        match value.as_array() {
            Some(items) if items.len() > self.limits.list_items => {
                self.errors.push(
                    vpath,
                    format!(
                        "list of {} items is longer than the limit of {}",
                        items.len(),
                        self.limits.list_items
                    ),
                );
                None
            }
            Some(items) => Some(items),
            None => {
                self.errors.push(
                    vpath,
                    format!("expected a list, found {}", crate::config::kind_of(value)),
                );
                None
            }
        }
    }

    fn strings<'v>(&mut self, items: &'v [Value], vpath: &str) -> Option<Vec<&'v str>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, it) in items.iter().enumerate() {
            match it.as_str() {
                Some(s) => out.push(s),
                None => {
                    self.type_error::<()>(&format!("{vpath}[{i}]"), "string", it);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn number(&mut self, v: &Value, path: &str) -> Option<f64> {
        match v.as_f64() {
            Some(n) => Some(n),
            None => self.type_error(path, "number", v),
        }
    }

    fn type_error<T>(&mut self, path: &str, want: &str, found: &Value) -> Option<T> {
        let found = match found {
            Value::String(s) => format!("the string \"{}\"", crate::lead::preview(s)),
            Value::Number(n) => format!("the number {n}"),
            Value::Bool(b) => format!("the boolean {b}"),
            other => crate::config::kind_of(other).to_string(),
        };
        self.errors
            .push(path, format!("expected a {want} value, found {found}"));
        None
    }
}

fn norm(s: &str, case_sensitive: bool) -> Box<str> {
    if case_sensitive {
        s.into()
    } else {
        s.to_lowercase().into()
    }
}
