//! Known outcomes a past lead may carry (`converted`, `deal_value`): not config fields,
//! read from the raw line beside the lead so any config can be simulated on the same data.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
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

    /// Reads both values from a JSON object line; anything unreadable is unknown.
    pub fn from_json(line: &str) -> Known {
        // Most lines of unlabelled data never mention either key: skip the second parse.
        if !line.contains(CONVERTED) && !line.contains(DEAL_VALUE) {
            return Known::default();
        }
        let mut de = serde_json::Deserializer::from_str(line);
        de.deserialize_map(KnownVisitor).unwrap_or_default()
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
    let t = text.trim().trim_start_matches(['$', '€', '£']).replace(',', "");
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// One JSON scalar, borrowed where possible.
enum Scalar {
    Bool(bool),
    Num(f64),
    Text(Option<bool>, Option<f64>),
    Other,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(flag(v), amount(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

struct KnownVisitor;

impl<'de> Visitor<'de> for KnownVisitor {
    type Value = Known;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a lead object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Known, A::Error> {
        let mut k = Known::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                CONVERTED => {
                    k.converted = match map.next_value::<Scalar>()? {
                        Scalar::Bool(b) => Some(b),
                        Scalar::Num(n) => Some(n != 0.0),
                        Scalar::Text(f, _) => f,
                        Scalar::Other => None,
                    }
                }
                DEAL_VALUE => {
                    k.deal_value = match map.next_value::<Scalar>()? {
                        Scalar::Num(n) if n.is_finite() => Some(n),
                        Scalar::Text(_, a) => a,
                        _ => None,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_booleans_numbers_and_words() {
        let k = Known::from_json(r#"{"id": "a", "converted": true, "deal_value": 1200.5}"#);
        assert_eq!(k.converted, Some(true));
        assert_eq!(k.deal_value, Some(1200.5));
        assert_eq!(k.revenue(), 1200.5);
        let k = Known::from_json(r#"{"converted": "no", "deal_value": "$1,000"}"#);
        assert_eq!(k.converted, Some(false));
        assert_eq!(k.deal_value, Some(1000.0));
        assert_eq!(k.revenue(), 0.0);
        let k = Known::from_json(r#"{"converted": 1, "deal_value": null, "x": [1, {"a": 2}]}"#);
        assert_eq!(k, Known { converted: Some(true), deal_value: None });
        assert_eq!(Known::from_json(r#"{"id": "a"}"#), Known::default());
        assert_eq!(Known::from_json(r#"{"converted": tru"#), Known::default());
    }
}
