//! The config's JSON document read straight from its text: strings borrowed from the
//! text, objects as sorted key lists, so compiling a config builds no `serde_json::Value`
//! tree (a `String` and a map node for every key, all dropped after reading).
//!
//! serde_json stays the authority on what JSON is: whatever this reader does not take
//! (a syntax error, a lone surrogate, deep nesting, a number it does not parse itself)
//! goes to serde_json, whose error, or value, is the answer. So the tree, the numbers
//! and the error messages are exactly serde_json's.

use serde_json::{Number, Value};
use std::borrow::Cow;

/// serde_json's nesting limit is 128; anything deeper than this goes to serde_json.
const MAX_DEPTH: u32 = 100;

/// A JSON value; the variants and methods are the subset of `serde_json::Value` the
/// readers use.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Map<'a>),
}

/// An object: entries sorted by key, each key once (the last of duplicates, as in
/// serde_json's map), so iteration order is the `BTreeMap` order it replaces.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Map<'a>(Vec<(Cow<'a, str>, Json<'a>)>);

impl<'a> Map<'a> {
    fn from_entries(mut entries: Vec<(Cow<'a, str>, Json<'a>)>) -> Self {
        if entries.len() <= 16 {
            // Insertion sort: objects are small, and stable so duplicates keep their order.
            for i in 1..entries.len() {
                let mut j = i;
                while j > 0 && entries.get(j - 1).map(|e| &e.0) > entries.get(j).map(|e| &e.0) {
                    entries.swap(j - 1, j);
                    j -= 1;
                }
            }
        } else {
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        }
        // Keep the last of each run of equal keys (in place: no second list).
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(later, kept);
            }
            same
        });
        Map(entries)
    }

    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        let i = self.0.binary_search_by(|e| e.0.as_ref().cmp(key)).ok()?;
        self.0.get(i).map(|e| &e.1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.0.as_ref())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.0.iter().map(|e| (e.0.as_ref(), &e.1))
    }
}

impl<'a> Json<'a> {
    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Json::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// An object's value at `key` (`None` for anything but an object).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?.get(key)
    }

    /// The same value as a `serde_json::Value` (for the parts the config keeps as JSON:
    /// conditions, CRM settings, account fields).
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Object(m) => {
                let mut out = serde_json::Map::new();
                for (k, v) in m.iter() {
                    out.insert(k.to_string(), v.to_value());
                }
                Value::Object(out)
            }
        }
    }

    /// The value itself without its contents (an empty list or object): what
    /// messages that name a value's kind need.
    pub fn shallow(v: &Value) -> Json<'_> {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(_) => Json::Array(Vec::new()),
            Value::Object(_) => Json::Object(Map::default()),
        }
    }

    /// How the value is named in messages: `a string`, `a list`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// A `serde_json::Value` as this tree (for callers that hold a parsed value).
    pub fn owned(v: &Value) -> Json<'static> {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Owned(s.clone())),
            Value::Array(a) => Json::Array(a.iter().map(Json::owned).collect()),
            Value::Object(m) => Json::Object(Map(m
                .iter()
                .map(|(k, v)| (Cow::Owned(k.clone()), Json::owned(v)))
                .collect())),
        }
    }
}

/// Reads a JSON document; its error is serde_json's for the same text.
pub(crate) fn parse(text: &str) -> Result<Json<'_>, serde_json::Error> {
    let mut p = Parser {
        text,
        at: 0,
        depth: 0,
        items: Vec::new(),
        entries: Vec::new(),
    };
    if let Some(v) = p.value() {
        p.space();
        if p.at == text.len() {
            return Ok(v);
        }
    }
    serde_json::from_str::<Value>(text).map(|v| Json::owned(&v))
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: u32,
    // The items and entries of the lists and objects being read, nested ones above
    // their parents': each list or object is then allocated once, at its final size.
    items: Vec<Json<'a>>,
    entries: Vec<(Cow<'a, str>, Json<'a>)>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
        self.at += rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
    }

    fn eat(&mut self, word: &str) -> Option<()> {
        let rest = self.text.get(self.at..)?;
        rest.starts_with(word).then(|| self.at += word.len())
    }

    /// `None` for anything this reader leaves to serde_json.
    fn value(&mut self) -> Option<Json<'a>> {
        self.space();
        match self.peek()? {
            b'{' => self.nested(Self::object),
            b'[' => self.nested(Self::array),
            b'"' => self.string().map(Json::String),
            b't' => self.eat("true").map(|()| Json::Bool(true)),
            b'f' => self.eat("false").map(|()| Json::Bool(false)),
            b'n' => self.eat("null").map(|()| Json::Null),
            b'-' | b'0'..=b'9' => self.number().map(Json::Number),
            _ => None,
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Option<Json<'a>>) -> Option<Json<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.at += 1;
        let v = read(self);
        self.depth -= 1;
        v
    }

    fn array(&mut self) -> Option<Json<'a>> {
        self.space();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(Json::Array(Vec::new()));
        }
        let start = self.items.len();
        loop {
            let item = self.value()?;
            self.items.push(item);
            self.space();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Json::Array(self.items.split_off(start)));
                }
                _ => return None,
            }
        }
    }

    fn object(&mut self) -> Option<Json<'a>> {
        self.space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(Json::Object(Map::default()));
        }
        let start = self.entries.len();
        loop {
            self.space();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.space();
            if self.peek()? != b':' {
                return None;
            }
            self.at += 1;
            let value = self.value()?;
            self.entries.push((key, value));
            self.space();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    let entries = self.entries.split_off(start);
                    return Some(Json::Object(Map::from_entries(entries)));
                }
                _ => return None,
            }
        }
    }

    /// A string at the opening quote: borrowed from the text unless it has escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1;
        let start = self.at;
        let bytes = self.text.as_bytes();
        let rest = bytes.get(start..)?;
        self.at += rest
            .iter()
            .position(|b| matches!(b, b'"' | b'\\') || *b < 0x20)?;
        match *bytes.get(self.at)? {
            b'"' => {
                let s = self.text.get(start..self.at)?;
                self.at += 1;
                return Some(Cow::Borrowed(s));
            }
            b'\\' => {}
            _ => return None,
        }
        let mut out = String::from(self.text.get(start..self.at)?);
        loop {
            let from = self.at;
            match *bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let c = match *bytes.get(self.at + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.text.get(self.at + 2..self.at + 6)?;
                            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return None;
                            }
                            // Surrogates (pairs or lone) are serde_json's to decide.
                            self.at += 4;
                            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                        }
                        _ => return None,
                    };
                    out.push(c);
                    self.at += 2;
                }
                c if c < 0x20 => return None,
                _ => {
                    // Up to the next quote, escape or control character, as one slice.
                    while bytes
                        .get(self.at)
                        .is_some_and(|b| !matches!(b, b'"' | b'\\') && *b >= 0x20)
                    {
                        self.at += 1;
                    }
                    out.push_str(self.text.get(from..self.at)?);
                }
            }
        }
    }

    fn number(&mut self) -> Option<Number> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        let mut at = self.at;
        let negative = bytes.get(at) == Some(&b'-');
        if negative {
            at += 1;
        }
        let int_start = at;
        if !digits(&mut at) {
            return None;
        }
        if bytes.get(int_start) == Some(&b'0') && at - int_start > 1 {
            return None;
        }
        let mut integer = true;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            integer = false;
            if !digits(&mut at) {
                return None;
            }
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            integer = false;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !digits(&mut at) {
                return None;
            }
        }
        self.at = at;
        let raw = self.text.get(start..at)?;
        if integer && !negative {
            // The common case without serde_json's parser; it takes what overflows.
            let mut n: u64 = 0;
            for b in raw.bytes() {
                match n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(u64::from(b - b'0')))
                {
                    Some(x) => n = x,
                    None => return raw.parse().ok(),
                }
            }
            return Some(Number::from(n));
        }
        raw.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same document as serde_json reads it.
    fn same(text: &str) {
        let ours = parse(text).map(|j| j.to_value()).map_err(|e| e.to_string());
        let theirs = serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "{text}");
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"b": 1, "a": [true, false, null], "c": {"x": "y"}}"#,
            r#"{"a": 1, "a": 2, "b": {"k": 1, "k": [3]}}"#,
            r#"[0, -0, 1.5, -2, 1e3, 2E-2, 18446744073709551615, 18446744073709551616, -9223372036854775809]"#,
            r#"["plain", "esc \" \\ \/ \b \f \n \r \t", "\u00e9\u4e2d", "\ud83d\ude00", "é中😀"]"#,
            " \t\n\r{}\n ",
            "[]",
            r#"{"k": "v"}"#,
            &format!(
                "{{{}}}",
                (0..40)
                    .map(|i| format!("\"k{}\": {i}", 39 - i))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ] {
            same(text);
        }
    }

    #[test]
    fn errors_are_serde_jsons() {
        for text in [
            "",
            "{",
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            "[1 2]",
            "01",
            "1.",
            "-",
            "tru",
            "{} x",
            "\"\u{1}\"",
            r#""\x""#,
            r#""\ud800""#,
            r#""\ud800\u0041""#,
            "\u{feff}{}",
            &"[".repeat(200),
            &format!("{}{}", "[".repeat(127), "]".repeat(127)),
            &format!("{}{}", "[".repeat(128), "]".repeat(128)),
        ] {
            same(text);
        }
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let text = r#"{"id": "ana", "note": "a\nb"}"#;
        let Ok(Json::Object(m)) = parse(text) else {
            panic!("not an object")
        };
        assert!(matches!(
            m.get("id"),
            Some(Json::String(Cow::Borrowed("ana")))
        ));
        assert!(matches!(m.get("note"), Some(Json::String(Cow::Owned(s))) if s == "a\nb"));
        assert_eq!(m.keys().collect::<Vec<_>>(), ["id", "note"]);
    }
}
