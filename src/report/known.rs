//! A first, cheap look at a raw lead: its id, `created_at`, and the known outcome a past
//! lead may carry (`converted`, `deal_value`: not config fields, so any config can run).

use crate::lead::{timestamp, AnyVal, KeySeed, Val, CREATED_AT};
use crate::split::Arm;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

pub const CONVERTED: &str = "converted";
pub const DEAL_VALUE: &str = "deal_value";
pub const CLAIMED_BY: &str = "claimed_by";
pub const CLAIMED_AT: &str = "claimed_at";
/// The arm of a live A/B split that routed the lead (the edge worker's export).
pub const ARM: &str = "arm";
/// The keys read besides the config's fields: `Known::from_vals`'s two, the claim, then `ARM`.
pub const KNOWN_KEYS: [&str; 5] = [CONVERTED, DEAL_VALUE, CLAIMED_BY, CLAIMED_AT, ARM];

/// What happened to a lead after it was routed, when the data says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Known {
    pub converted: Option<bool>,
    pub deal_value: Option<f64>,
    /// The rep (router index) who claimed it from its pool, and when (history file).
    pub claimed_by: Option<u32>,
    pub claimed_at: Option<i64>,
}

impl Known {
    /// From the values of `converted` and `deal_value` as the lead parser read them
    /// (`Schema::parse_json_with`), the same as `Meta` reads them.
    pub fn from_vals(converted: &Val, deal_value: &Val) -> Known {
        Known {
            converted: match converted {
                Val::Bool(b) => Some(*b),
                Val::Str(s) => flag(s),
                Val::Num(n) if n.is_finite() => Some(*n != 0.0),
                _ => None,
            },
            deal_value: match deal_value {
                Val::Str(s) => amount(s),
                Val::Num(n) if n.is_finite() => Some(*n),
                _ => None,
            },
            claimed_by: None,
            claimed_at: None,
        }
    }

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

/// A cheap look at a JSON lead line that the lead parser rejected: its id (for the
/// split), `created_at` (it still moves the clock of leads without one) and known
/// outcome. Numeric ids above 2^53 read as their nearest float here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta<'a> {
    pub id: Option<Cow<'a, str>>,
    /// As the lead parser reads it (see `lead::timestamp`).
    pub created_at: Option<i64>,
    /// `created_at` as written, when the lead parser could not read it.
    pub raw_created_at: Option<String>,
    pub known: Known,
    /// The history file's claim, as written (resolved by the simulation).
    pub claimed_by: Option<String>,
    pub claimed_at: Option<String>,
    /// The arm recorded by a live split, when the line has one.
    pub arm: Option<Arm>,
}

/// An `arm` value: `a` or `b` as text; anything else is no recorded arm.
pub fn arm_val(v: &Val) -> Option<Arm> {
    match v {
        Val::Str(s) => Arm::parse(s),
        _ => None,
    }
}

/// A value as text (for the fields read as written).
fn text_of(v: &Val) -> Option<String> {
    match v {
        Val::Str(s) => Some(s.to_string()),
        Val::Num(n) => Some(n.to_string()),
        _ => None,
    }
}

impl<'a> Meta<'a> {
    pub fn from_json(line: &'a str) -> Result<Meta<'a>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(line);
        let meta = de.deserialize_map(MetaVisitor)?;
        de.end()?;
        Ok(meta)
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
        let (mut converted, mut deal_value, mut arm) = (Val::Missing, Val::Missing, Val::Missing);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key.as_ref() {
                "id" => {
                    m.id = match map.next_value_seed(AnyVal)? {
                        Val::Str(s) if !s.trim().is_empty() => Some(s),
                        Val::Num(n) => Some(n.to_string().into()),
                        Val::Bool(b) => Some(if b { "true" } else { "false" }.into()),
                        _ => None,
                    }
                }
                CREATED_AT => {
                    let v = map.next_value_seed(AnyVal)?;
                    m.created_at = timestamp(&v);
                    if m.created_at.is_none() {
                        m.raw_created_at = Some(text_of(&v).unwrap_or_default());
                    }
                }
                CLAIMED_BY => m.claimed_by = text_of(&map.next_value_seed(AnyVal)?),
                CLAIMED_AT => m.claimed_at = text_of(&map.next_value_seed(AnyVal)?),
                CONVERTED => converted = map.next_value_seed(AnyVal)?,
                DEAL_VALUE => deal_value = map.next_value_seed(AnyVal)?,
                ARM => arm = map.next_value_seed(AnyVal)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        m.known = Known::from_vals(&converted, &deal_value);
        m.arm = arm_val(&arm);
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
                deal_value: None,
                claimed_by: None,
                claimed_at: None,
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
