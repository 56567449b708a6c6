//! A small JSON reader that walks a parsed document and records every problem at its
//! path (unknown keys with suggestions, wrong types, missing keys) instead of stopping.

use super::json::{Json, Map};
use crate::error::{did_you_mean, ConfigCode, ConfigErrors};

pub(crate) struct Reader<'e> {
    pub errors: &'e mut ConfigErrors,
    /// Paths whose value was unreadable and replaced by a default (or absent when
    /// required): later checks on the defaults would only repeat the problem.
    pub defaulted: Vec<String>,
    /// A list item or map entry was skipped, so later list indexes no longer match
    /// the document.
    pub skipped: bool,
}

/// An object being read, with its path and the keys it allows.
pub(crate) struct Obj<'v> {
    pub map: &'v Map<'v>,
    pub path: String,
}

pub(crate) fn child(path: &str, key: &str) -> String {
    // Built for every key read, so without the formatting machinery.
    let mut p = String::with_capacity(path.len() + 1 + key.len());
    p.push_str(path);
    if !path.is_empty() {
        p.push('.');
    }
    p.push_str(key);
    p
}

/// `path.key` (also after an empty path), without the formatting machinery: the
/// compiler builds one for every node it reads.
pub(crate) fn dotted(path: &str, key: &str) -> String {
    let mut p = String::with_capacity(path.len() + 1 + key.len());
    p.push_str(path);
    p.push('.');
    p.push_str(key);
    p
}

/// `path[i]`, like [`dotted`].
pub(crate) fn indexed(path: &str, i: usize) -> String {
    let mut p = String::with_capacity(path.len() + 8);
    p.push_str(path);
    push_index(&mut p, i);
    p
}

/// Appends `[i]` to a path.
fn push_index(path: &mut String, i: usize) {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    path.push('[');
    for d in digits.get(at..).unwrap_or(&[]) {
        path.push(char::from(*d));
    }
    path.push(']');
}

/// How a value is described in messages: `the string "x"`, `a list`, ...
pub(crate) fn found(v: &serde_json::Value) -> String {
    found_json(&Json::shallow(v))
}

/// [`found`] for the config reader's values.
pub(crate) fn found_json(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("the boolean {b}"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the string \"{}\"", crate::lead::preview(s)),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "an object".into(),
    }
}

impl<'e> Reader<'e> {
    pub fn new(errors: &'e mut ConfigErrors) -> Self {
        Reader {
            errors,
            defaulted: Vec::new(),
            skipped: false,
        }
    }

    pub fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(path, message);
    }

    fn coded(&mut self, code: ConfigCode, path: impl Into<String>, message: String, help: String) {
        self.errors.push_code(code, path, message, help);
    }

    pub fn expected(&mut self, path: &str, what: &str, v: &Json) {
        self.defaulted.push(path.to_string());
        self.coded(
            ConfigCode::WrongType,
            path,
            format!("expected {what}, found {}", found_json(v)),
            String::new(),
        );
    }

    /// Opens an object; reports unknown keys (with a suggestion) and missing required ones.
    pub fn obj<'v>(
        &mut self,
        v: &'v Json,
        path: &str,
        keys: &[&str],
        required: &[&str],
    ) -> Option<Obj<'v>> {
        let Some(map) = v.as_object() else {
            self.expected(path, "an object", v);
            return None;
        };
        for k in map.keys() {
            if !keys.contains(&k) {
                // A huge key is quoted by its start only, in the message and the path.
                let shown = crate::lead::preview(k);
                let (message, help) = match did_you_mean(k, keys.iter().copied()) {
                    Some(s) => (
                        format!("unknown key \"{shown}\" (did you mean \"{s}\"?)"),
                        format!("did you mean \"{s}\"?"),
                    ),
                    None => {
                        let list = quoted_list(keys.iter().copied());
                        (
                            format!("unknown key \"{shown}\", expected one of {list}"),
                            format!("expected one of {list}"),
                        )
                    }
                };
                self.coded(ConfigCode::UnknownKey, child(path, &shown), message, help);
            }
        }
        for k in required {
            if !map.contains_key(k) {
                self.defaulted.push(child(path, k));
                self.coded(
                    ConfigCode::MissingKey,
                    path,
                    format!("missing required key \"{k}\""),
                    String::new(),
                );
            }
        }
        Some(Obj {
            map,
            path: path.to_string(),
        })
    }

    pub fn string(&mut self, o: &Obj, key: &str) -> Option<String> {
        match o.map.get(key)? {
            Json::String(s) => Some(s.to_string()),
            Json::Null => None,
            v => {
                self.expected(&child(&o.path, key), "a string", v);
                None
            }
        }
    }

    /// A required string (its absence was reported by `obj`).
    pub fn req_string(&mut self, o: &Obj, key: &str) -> String {
        self.string(o, key).unwrap_or_default()
    }

    pub fn f64(&mut self, o: &Obj, key: &str) -> Option<f64> {
        match o.map.get(key)? {
            Json::Number(n) => n.as_f64(),
            Json::Null => None,
            v => {
                self.expected(&child(&o.path, key), "a number", v);
                None
            }
        }
    }

    pub fn req_f64(&mut self, o: &Obj, key: &str) -> f64 {
        self.f64(o, key).unwrap_or(0.0)
    }

    /// A whole number of at least 0 that fits `max`.
    pub fn uint(&mut self, o: &Obj, key: &str, max: u64) -> Option<u64> {
        match o.map.get(key)? {
            Json::Number(n) if n.as_u64().is_some_and(|x| x <= max) => n.as_u64(),
            Json::Null => None,
            v => {
                self.expected(
                    &child(&o.path, key),
                    &format!("a whole number from 0 to {max}"),
                    v,
                );
                None
            }
        }
    }

    pub fn i64(&mut self, o: &Obj, key: &str) -> Option<i64> {
        match o.map.get(key)? {
            Json::Number(n) if n.as_i64().is_some() => n.as_i64(),
            Json::Null => None,
            v => {
                self.expected(&child(&o.path, key), "a whole number", v);
                None
            }
        }
    }

    pub fn bool(&mut self, o: &Obj, key: &str) -> Option<bool> {
        match o.map.get(key)? {
            Json::Bool(b) => Some(*b),
            Json::Null => None,
            v => {
                self.expected(&child(&o.path, key), "a boolean", v);
                None
            }
        }
    }

    /// One of a fixed set of names.
    pub fn choice<T: Copy>(&mut self, o: &Obj, key: &str, options: &[(&str, T)]) -> Option<T> {
        let v = o.map.get(key)?;
        let path = child(&o.path, key);
        self.choice_value(v, &path, options)
    }

    pub fn choice_value<T: Copy>(
        &mut self,
        v: &Json,
        path: &str,
        options: &[(&str, T)],
    ) -> Option<T> {
        let Some(s) = v.as_str() else {
            if !v.is_null() {
                self.expected(path, "a string", v);
            }
            return None;
        };
        if let Some((_, t)) = options.iter().find(|(name, _)| *name == s) {
            return Some(*t);
        }
        self.defaulted.push(path.to_string());
        let names = options.iter().map(|(n, _)| *n);
        let shown = crate::lead::preview(s);
        let (message, help) = match did_you_mean(s, names.clone()) {
            Some(x) => (
                format!("unknown value \"{shown}\" (did you mean \"{x}\"?)"),
                format!("did you mean \"{x}\"?"),
            ),
            None => {
                let list = quoted_list(names);
                (
                    format!("unknown value \"{shown}\", expected one of {list}"),
                    format!("expected one of {list}"),
                )
            }
        };
        self.coded(ConfigCode::UnknownValue, path, message, help);
        None
    }

    pub fn strings(&mut self, o: &Obj, key: &str) -> Vec<String> {
        self.list(o, key, |r, v, path| match v {
            Json::String(s) => Some(s.to_string()),
            v => {
                r.expected(path, "a string", v);
                None
            }
        })
    }

    /// A list whose items are read by `item`; bad items are skipped (and reported).
    pub fn list<T>(
        &mut self,
        o: &Obj,
        key: &str,
        mut item: impl FnMut(&mut Self, &Json, &str) -> Option<T>,
    ) -> Vec<T> {
        let path = child(&o.path, key);
        match o.map.get(key) {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(items)) => {
                let mut at = path.clone();
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        at.truncate(path.len());
                        push_index(&mut at, i);
                        let read = item(self, v, &at);
                        self.skipped |= read.is_none();
                        read
                    })
                    .collect()
            }
            Some(v) => {
                self.expected(&path, "a list", v);
                Vec::new()
            }
        }
    }

    /// An object used as a map (`{"acme.com": "ana"}`), values read by `item`; bad
    /// values are skipped (and reported).
    pub fn map<T>(
        &mut self,
        o: &Obj,
        key: &str,
        mut item: impl FnMut(&mut Self, &Json, &str) -> Option<T>,
    ) -> Vec<(String, T)> {
        let path = child(&o.path, key);
        match o.map.get(key) {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Object(m)) => m
                .iter()
                .filter_map(|(k, v)| {
                    let read = item(self, v, &child(&path, k));
                    self.skipped |= read.is_none();
                    Some((k.to_string(), read?))
                })
                .collect(),
            Some(v) => {
                self.expected(&path, "an object", v);
                Vec::new()
            }
        }
    }

    /// A nested object read by `f`, if present.
    pub fn nested<T>(
        &mut self,
        o: &Obj,
        key: &str,
        f: impl FnOnce(&mut Self, &Json, &str) -> Option<T>,
    ) -> Option<T> {
        match o.map.get(key)? {
            Json::Null => None,
            v => f(self, v, &child(&o.path, key)),
        }
    }
}

/// `"a", "b", "c"`
fn quoted_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(child("", "rules"), "rules");
        assert_eq!(child("rules[2]", "when"), "rules[2].when");
        for i in [0, 7, 10, 12_345, usize::MAX] {
            let mut p = String::from("reps");
            push_index(&mut p, i);
            assert_eq!(p, format!("reps[{i}]"));
        }
    }
}
