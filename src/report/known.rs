//! A first, cheap look at a raw lead: its id, `created_at`, and the known outcome a past
//! lead may carry (`converted`, `deal_value`: not config fields, so any config can run).

use crate::lead::{timestamp, Val, CREATED_AT};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

pub const CONVERTED: &str = "converted";
pub const DEAL_VALUE: &str = "deal_value";

/// What happened to a lead after it was routed, when the data says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Known {
    pub converted: Option<bool>,
    pub deal_value: Option<f64>,
}

impl Known {
    /// Revenue counted for this lead: its deal value when it converted.
    pub fn revenue(&self) -> f64 {
        match (self.converted, self.deal_value) {
            (Some(true), Some(v)) if v.is_finite() => v,
            _ => 0.0,
        }
    }
}

/// `true`/`false`, `1`/`0`, or the words a CSV export uses (`yes`, `no`, ...).
pub fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "won" | "converted" => Some(true),
        "false" | "no" | "n" | "0" | "lost" => Some(false),
        _ => None,
    }
}

/// A number, allowing thousands separators and a leading currency sign.
pub fn amount(text: &str) -> Option<f64> {
    let t = text
        .trim()
        .trim_start_matches(['$', '€', '£'])
        .replace(',', "");
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The first look at a JSON lead line: its id, `created_at` and known outcome, read
/// without building the lead (that happens once, when its turn comes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta<'a> {
    pub id: Option<Cow<'a, str>>,
    /// As the lead parser reads it (see `lead::timestamp`).
    pub created_at: Option<i64>,
    pub known: Known,
}

impl<'a> Meta<'a> {
    pub fn from_json(line: &'a str) -> Result<Meta<'a>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(line);
        let meta = de.deserialize_map(MetaVisitor)?;
        de.end()?;
        Ok(meta)
    }
}

/// One JSON value, borrowed where possible; lists and objects are skipped.
enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Other,
}

impl<'a> Scalar<'a> {
    fn number(&self) -> Option<f64> {
        match self {
            Scalar::Int(n) => Some(*n as f64),
            Scalar::Uint(n) => Some(*n as f64),
            Scalar::Float(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }
    /// The lead parser's text for a string field given this value.
    fn text(self) -> Option<Cow<'a, str>> {
        match self {
            Scalar::Str(s) if !s.trim().is_empty() => Some(s),
            Scalar::Int(n) => Some(n.to_string().into()),
            Scalar::Uint(n) => Some(n.to_string().into()),
            Scalar::Float(n) if n.is_finite() => Some(n.to_string().into()),
            Scalar::Bool(b) => Some(if b { "true" } else { "false" }.into()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::Uint(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

struct MetaVisitor;

impl<'de> Visitor<'de> for MetaVisitor {
    type Value = Meta<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a lead object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut m = Meta::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "id" => m.id = map.next_value::<Scalar>()?.text(),
                CREATED_AT => {
                    m.created_at = match map.next_value::<Scalar>()? {
                        Scalar::Str(s) => timestamp(&Val::Str(s)),
                        v => v.number().and_then(|n| timestamp(&Val::Num(n))),
                    }
                }
                CONVERTED => {
                    let v = map.next_value::<Scalar>()?;
                    m.known.converted = match v {
                        Scalar::Bool(b) => Some(b),
                        Scalar::Str(s) => flag(&s),
                        v => v.number().map(|n| n != 0.0),
                    }
                }
                DEAL_VALUE => {
                    let v = map.next_value::<Scalar>()?;
                    m.known.deal_value = match v {
                        Scalar::Str(s) => amount(&s),
                        v => v.number(),
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(line: &str) -> Meta<'_> {
        Meta::from_json(line).unwrap_or_default()
    }

    #[test]
    fn reads_booleans_numbers_and_words() {
        let m = meta(r#"{"id": "a", "converted": true, "deal_value": 1200.5}"#);
        assert_eq!(m.id.as_deref(), Some("a"));
        assert_eq!(m.known.converted, Some(true));
        assert_eq!(m.known.deal_value, Some(1200.5));
        assert_eq!(m.known.revenue(), 1200.5);
        let m = meta(r#"{"converted": "no", "deal_value": "$1,000"}"#);
        assert_eq!(m.known.converted, Some(false));
        assert_eq!(m.known.deal_value, Some(1000.0));
        assert_eq!(m.known.revenue(), 0.0);
        let m = meta(r#"{"id": 7, "converted": 1, "deal_value": null, "x": [1, {"a": 2}]}"#);
        assert_eq!(m.id.as_deref(), Some("7"));
        assert_eq!(
            m.known,
            Known {
                converted: Some(true),
                deal_value: None
            }
        );
        assert!(Meta::from_json(r#"{"converted": tru"#).is_err());
        assert!(Meta::from_json(r#"{"id": "a"} x"#).is_err());
    }

    #[test]
    fn created_at_as_the_lead_parser_reads_it() {
        assert_eq!(
            meta(r#"{"created_at": "2026-11-02T04:05:46Z"}"#).created_at,
            Some(1_793_592_346_000)
        );
        assert_eq!(
            meta(r#"{"created_at": 1793592346000}"#).created_at,
            Some(1_793_592_346_000)
        );
        assert_eq!(
            meta(r#"{"created_at": " 1793592346000 "}"#).created_at,
            Some(1_793_592_346_000)
        );
        assert_eq!(meta(r#"{"created_at": "yesterday"}"#).created_at, None);
        assert_eq!(meta(r#"{"created_at": true}"#).created_at, None);
    }
}
