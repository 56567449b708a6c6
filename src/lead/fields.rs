//! A lead handed over field by field (the JS fast lane writes each declared field's value
//! into typed memory instead of a JSON text): the same coercions, checks and errors as
//! reading the lead's JSON text, because every value goes through the same visitors.

use super::{lead_error, timestamp, Lead, Schema, Val, ValSeed, CREATED_AT};
use crate::config::FieldType;
use crate::error::LeadError;
use serde::de::Visitor;

/// One field value as a JS value is: what `JSON.stringify` of it would hand to serde.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    Null,
    Str(&'a str),
    /// A finite JS number.
    Num(f64),
    Bool(bool),
}

impl Schema {
    /// The slot a caller uses for `created_at` when the schema does not declare it (read
    /// for the lead's time only): one past the last field. `None` when it is declared.
    pub fn created_at_slot(&self) -> Option<usize> {
        self.slot(CREATED_AT).is_none().then_some(self.len())
    }

    /// A lead from `(slot, value)` pairs in the order of the object's keys, so the first
    /// bad value is the one the JSON text would report. A slot outside the schema (and
    /// not [`Schema::created_at_slot`]) is an error, never a panic.
    pub fn read_fields<'a>(
        &self,
        fields: impl IntoIterator<Item = (usize, FieldValue<'a>)>,
    ) -> Result<Lead<'a>, LeadError> {
        let mut values = vec![Val::Missing; self.len()];
        let mut created_at = None;
        let max = self.limits.lead_string_bytes;
        let created_slot = self.created_at_slot();
        for (slot, value) in fields {
            if Some(slot) == created_slot {
                let seed = ValSeed {
                    name: CREATED_AT,
                    ty: FieldType::String,
                    max,
                };
                created_at = timestamp(&visit(seed, value)?);
                continue;
            }
            let (Some(ty), Some(cell)) = (self.field_type(slot), values.get_mut(slot)) else {
                return Err(LeadError::new(format!(
                    "field slot {slot} is not in this router's schema"
                )));
            };
            let name = self.names.get(slot).map_or("", String::as_str);
            let v = visit(ValSeed { name, ty, max }, value)?;
            if name == CREATED_AT {
                created_at = timestamp(&v);
            }
            *cell = v;
        }
        Ok(Lead { values, created_at })
    }
}

/// Hands a JS value to a visitor as serde_json hands the value's JSON text. -0 is
/// written `0`; any other number as JS writes it, the shortest digits that read back
/// (padded with zeros for large integers), which is also how Rust displays an f64: so a
/// number on a string field reads as the same text either way.
fn visit<'a, V: Visitor<'a>>(v: V, value: FieldValue<'a>) -> Result<V::Value, LeadError> {
    let r: Result<V::Value, serde_json::Error> = match value {
        FieldValue::Null => v.visit_unit(),
        FieldValue::Str(s) => v.visit_borrowed_str(s),
        FieldValue::Bool(b) => v.visit_bool(b),
        // Matches -0.0 too (float patterns compare with ==).
        FieldValue::Num(0.0) => v.visit_u64(0),
        FieldValue::Num(n) => v.visit_f64(n),
    };
    r.map_err(lead_error)
}
