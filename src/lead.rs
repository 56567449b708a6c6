//! A lead as the router sees it: the declared fields in fixed slots (resolved at
//! compile time), parsed straight from JSON or a JS object without an intermediate map.

use crate::config::FieldType;
use crate::error::LeadError;
use crate::limits::Limits;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

mod fields;
mod scan;

pub use fields::FieldValue;

/// One field value of a lead.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Missing,
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
}

impl Val<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn is_missing(&self) -> bool {
        matches!(self, Val::Missing)
    }
}

/// Field names to slots. Slot 0 is always `id`.
#[derive(Debug, Clone)]
pub struct Schema {
    names: Vec<String>,
    types: Vec<FieldType>,
    /// Open-addressed table of slot + 1 (0: empty), probed from the hash of a name's
    /// first and last 8 bytes: every key of every lead is looked up here.
    table: Vec<u32>,
    limits: Limits,
}

pub const ID_SLOT: usize = 0;

/// Where `Schema::slot` starts probing for `name` in a table of `size` (a power of
/// two): a multiply-shift hash of the name's length and first and last 8 bytes.
fn probe(name: &str, size: usize) -> usize {
    let b = name.as_bytes();
    let word = |part: Option<&[u8]>| match part.and_then(|p| <[u8; 8]>::try_from(p).ok()) {
        Some(w) => u64::from_le_bytes(w),
        None => b.iter().fold(0u64, |h, &x| h << 8 | u64::from(x)),
    };
    let first = word(b.get(..8));
    // A name shorter than 8 bytes is one word (folded once, not twice).
    let last = if b.len() < 8 {
        first
    } else {
        word(b.get(b.len() - 8..))
    };
    let h = (first ^ last.rotate_left(31) ^ b.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 32) as usize & (size - 1)
}
pub const CREATED_AT: &str = "created_at";

impl Schema {
    pub fn new<'a>(fields: impl IntoIterator<Item = (&'a str, FieldType)>, limits: Limits) -> Self {
        let mut s = Schema {
            names: vec!["id".into()],
            types: vec![FieldType::String],
            table: Vec::new(),
            limits,
        };
        for (name, ty) in fields {
            if name == "id" {
                continue;
            }
            s.names.push(name.to_string());
            s.types.push(ty);
        }
        let size = (s.names.len() * 2).next_power_of_two();
        s.table = vec![0; size];
        for (slot, name) in s.names.iter().enumerate() {
            let mut i = probe(name, size);
            while s.table.get(i).is_some_and(|t| *t != 0) {
                i = (i + 1) & (size - 1);
            }
            if let Some(t) = s.table.get_mut(i) {
                *t = slot as u32 + 1;
            }
        }
        s
    }
    pub fn slot(&self, name: &str) -> Option<usize> {
        let size = self.table.len();
        let mut i = probe(name, size);
        loop {
            let slot = (*self.table.get(i)? as usize).checked_sub(1)?;
            if self.names.get(slot).is_some_and(|n| n == name) {
                return Some(slot);
            }
            i = (i + 1) & (size - 1);
        }
    }
    pub fn field_type(&self, slot: usize) -> Option<FieldType> {
        self.types.get(slot).copied()
    }
    pub fn name(&self, slot: usize) -> &str {
        self.names.get(slot).map(String::as_str).unwrap_or("")
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Parses a lead from JSON text.
    pub fn parse_json<'a>(&self, json: &'a str) -> Result<Lead<'a>, LeadError> {
        self.parse_json_with(json, &[], &mut [])
    }

    /// Parses a lead from JSON text and, in the same pass, the values of keys outside
    /// the schema named in `extra` (into `out`, by position; lists and objects read as
    /// missing). The simulation reads a past lead's known outcome this way.
    pub fn parse_json_with<'a>(
        &self,
        json: &'a str,
        extra: &[&str],
        out: &mut [Val<'a>],
    ) -> Result<Lead<'a>, LeadError> {
        if let Some(lead) = scan::read(self, json, extra, out) {
            return Ok(lead);
        }
        out.fill(Val::Missing);
        self.parse_json_serde(json, extra, out)
    }

    /// `parse_json` through serde_json alone, without the fast reader: what the fast
    /// reader must agree with (differential tests and fuzzing).
    #[doc(hidden)]
    pub fn parse_json_reference<'a>(&self, json: &'a str) -> Result<Lead<'a>, LeadError> {
        self.parse_json_serde(json, &[], &mut [])
    }

    /// The full JSON reader behind `parse_json_with`: any valid JSON, exact errors.
    fn parse_json_serde<'a>(
        &self,
        json: &'a str,
        extra: &[&str],
        out: &mut [Val<'a>],
    ) -> Result<Lead<'a>, LeadError> {
        let mut de = serde_json::Deserializer::from_str(json);
        let visitor = LeadVisitor {
            schema: self,
            extra,
            out,
        };
        let lead = de::Deserializer::deserialize_map(&mut de, visitor).map_err(lead_error)?;
        de.end().map_err(lead_error)?;
        Ok(lead)
    }

    /// A serde seed: `schema.seed().deserialize(any_deserializer)` gives a lead.
    pub fn seed(&self) -> LeadSeed<'_> {
        LeadSeed { schema: self }
    }
}

/// Converts a deserializer error into a lead error with our wording.
pub fn lead_error(e: impl fmt::Display) -> LeadError {
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(&msg).to_string(),
        None => msg,
    };
    let msg = msg
        .replace("invalid type: ", "expected an object, found ")
        .replace(", expected a lead object", "");
    LeadError::new(msg)
}

/// A parsed lead: one value per schema slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead<'a> {
    pub values: Vec<Val<'a>>,
    /// `created_at` in ms since the epoch, when the lead carries it.
    pub created_at: Option<i64>,
}

impl<'a> Lead<'a> {
    pub fn get(&self, slot: usize) -> &Val<'a> {
        self.values.get(slot).unwrap_or(&Val::Missing)
    }
    pub fn id(&self) -> Option<&str> {
        self.get(ID_SLOT).as_str()
    }
    /// An owned copy that outlives the input buffer.
    pub fn into_owned(self) -> Lead<'static> {
        Lead {
            values: self
                .values
                .into_iter()
                .map(|v| match v {
                    Val::Str(s) => Val::Str(Cow::Owned(s.into_owned())),
                    Val::Missing => Val::Missing,
                    Val::Num(n) => Val::Num(n),
                    Val::Bool(b) => Val::Bool(b),
                })
                .collect(),
            created_at: self.created_at,
        }
    }
}

pub struct LeadSeed<'s> {
    schema: &'s Schema,
}

impl<'de> DeserializeSeed<'de> for LeadSeed<'_> {
    type Value = Lead<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(LeadVisitor {
            schema: self.schema,
            extra: &[],
            out: &mut [],
        })
    }
}

struct LeadVisitor<'s, 'x, 'de> {
    schema: &'s Schema,
    extra: &'x [&'x str],
    out: &'x mut [Val<'de>],
}

impl<'de> Visitor<'de> for LeadVisitor<'_, '_, 'de> {
    type Value = Lead<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a lead object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let schema = self.schema;
        let mut values = vec![Val::Missing; schema.len()];
        let mut created_at = None;
        let mut count = 0usize;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            count += 1;
            if count > schema.limits.lead_fields {
                return Err(de::Error::custom(format!(
                    "more than {} fields",
                    schema.limits.lead_fields
                )));
            }
            let key: &str = &key;
            match schema.target(key, self.extra) {
                Target::Field(slot, seed) => {
                    let v = map.next_value_seed(seed)?;
                    if key == CREATED_AT {
                        created_at = timestamp(&v);
                    }
                    if let Some(s) = values.get_mut(slot) {
                        *s = v;
                    }
                }
                Target::CreatedAt(seed) => created_at = timestamp(&map.next_value_seed(seed)?),
                Target::Extra(i) => {
                    let v = map.next_value_seed(AnyVal)?;
                    if let Some(o) = self.out.get_mut(i) {
                        *o = v;
                    }
                }
                Target::Ignore => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Lead { values, created_at })
    }
}

/// Where the value of a lead key goes.
pub(crate) enum Target<'k> {
    /// A schema field: its slot, and how to read its value.
    Field(usize, ValSeed<'k>),
    /// `created_at` when the schema does not declare it: read for the time only.
    CreatedAt(ValSeed<'k>),
    /// One of the extra keys a caller asked for.
    Extra(usize),
    Ignore,
}

impl Schema {
    pub(crate) fn target<'k>(&self, key: &'k str, extra: &[&str]) -> Target<'k> {
        let max = self.limits.lead_string_bytes;
        if let Some(slot) = self.slot(key) {
            let ty = self.field_type(slot).unwrap_or(FieldType::String);
            Target::Field(slot, ValSeed { name: key, ty, max })
        } else if key == CREATED_AT {
            Target::CreatedAt(ValSeed {
                name: key,
                ty: FieldType::String,
                max,
            })
        } else if let Some(i) = extra.iter().position(|e| *e == key) {
            Target::Extra(i)
        } else {
            Target::Ignore
        }
    }
}

/// Any JSON value as a `Val`: scalars as they are, null, lists and objects as missing.
pub(crate) struct AnyVal;

impl<'de> DeserializeSeed<'de> for AnyVal {
    type Value = Val<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnyVal {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Val::Bool(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Val::Num(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Val::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Val::Num(v as f64))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Missing)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Val::Missing)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Missing)
    }
}

/// A map key, borrowed from the input unless it has escapes (serde's own `Cow<str>`
/// always allocates).
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

pub(crate) fn timestamp(v: &Val) -> Option<i64> {
    match v {
        Val::Num(n) if n.is_finite() && n.abs() < 1e16 => Some(*n as i64),
        Val::Str(s) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n.abs() < 1e16 => Some(n as i64),
            _ => crate::time::parse_datetime_ms(s.trim()),
        },
        _ => None,
    }
}

pub(crate) struct ValSeed<'k> {
    name: &'k str,
    ty: FieldType,
    max: usize,
}

impl<'de> DeserializeSeed<'de> for ValSeed<'_> {
    type Value = Val<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl ValSeed<'_> {
    fn err<E: de::Error>(&self, found: &str) -> E {
        let want = match self.ty {
            FieldType::String => "a string",
            FieldType::Number => "a number",
            FieldType::Boolean => "a boolean",
        };
        E::custom(format!(
            "field \"{}\": expected {want}, found {found}",
            self.name
        ))
    }
    fn string<'de, E: de::Error>(&self, s: Cow<'de, str>) -> Result<Val<'de>, E> {
        if s.len() > self.max {
            return Err(E::custom(format!(
                "field \"{}\": string of {} bytes is longer than the limit of {} bytes",
                self.name,
                s.len(),
                self.max
            )));
        }
        let t = s.trim();
        if t.is_empty() {
            return Ok(Val::Missing);
        }
        match self.ty {
            FieldType::String => Ok(Val::Str(s)),
            FieldType::Number => match t.replace(',', "").parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(Val::Num(n)),
                _ => Err(self.err(&format!("\"{}\"", preview(t)))),
            },
            FieldType::Boolean => match t.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "on" | "1" => Ok(Val::Bool(true)),
                "false" | "no" | "n" | "off" | "0" => Ok(Val::Bool(false)),
                _ => Err(self.err(&format!("\"{}\"", preview(t)))),
            },
        }
    }
    fn number<'de, E: de::Error>(
        &self,
        n: f64,
        text: impl FnOnce() -> String,
    ) -> Result<Val<'de>, E> {
        if !n.is_finite() {
            return Err(E::custom(format!(
                "field \"{}\": expected a finite number, found {n}",
                self.name
            )));
        }
        match self.ty {
            FieldType::Number => Ok(Val::Num(n)),
            FieldType::String => Ok(Val::Str(Cow::Owned(text()))),
            FieldType::Boolean => Err(self.err(&format!("the number {n}"))),
        }
    }
}

/// The first 40 chars of user input, for error messages.
pub fn preview(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

impl<'de> Visitor<'de> for ValSeed<'_> {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.string(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.string(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.string(Cow::Owned(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.number(v, || v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.number(v as f64, || v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.number(v as f64, || v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        match self.ty {
            FieldType::Boolean => Ok(Val::Bool(v)),
            FieldType::String => Ok(Val::Str(Cow::Borrowed(if v { "true" } else { "false" }))),
            FieldType::Number => Err(self.err(&format!("the boolean {v}"))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Missing)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.err("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.err("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_finds_its_slot() {
        for n in [0usize, 1, 3, 7, 8, 15, 16, 100, 1_000] {
            let names: Vec<String> = (0..n)
                .map(|i| match i % 3 {
                    0 => format!("f{i}"),
                    1 => format!("a_rather_long_field_name_{i}"),
                    _ => format!("{i}_prefix_shared_suffix"),
                })
                .collect();
            let s = Schema::new(
                names.iter().map(|n| (n.as_str(), FieldType::String)),
                Limits::default(),
            );
            assert_eq!(s.slot("id"), Some(ID_SLOT));
            for (i, name) in names.iter().enumerate() {
                assert_eq!(s.slot(name), Some(i + 1), "{name} of {n}");
            }
            for missing in [
                "",
                "f",
                "F0",
                "a_rather_long_field_name_",
                "x_prefix_shared_suffix",
            ] {
                assert_eq!(s.slot(missing), None, "{missing} of {n}");
            }
        }
    }
}
