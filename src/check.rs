//! The lead check every surface uses (the form, the edge worker, the binding): a
//! submission's problems all at once, each with a stable code and the field, so the
//! form can mark each input and the worker answer 422 without rules of its own.

use crate::lead::CREATED_AT;
use crate::model::Router;
use serde::Serialize;
use serde_json::Value;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// One problem with a submitted lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct LeadProblem {
    /// `invalid_lead`, `missing_id`, `invalid_id`, `wrong_type`, `too_long`,
    /// `missing_field`, `invalid_email`.
    pub code: &'static str,
    /// The field at fault (`""` for the lead as a whole).
    pub field: String,
    pub message: String,
}

/// Ids are the caller's: letters, digits and `. _ : @ -`, 1 to 128 characters.
pub fn valid_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:@".contains(&b))
}

fn problem(code: &'static str, field: &str, message: String) -> LeadProblem {
    LeadProblem {
        code,
        field: field.to_string(),
        message,
    }
}

impl Router {
    /// Every problem with a lead as submitted (JSON text of an object), in field order:
    /// the id (required unless `lead_ids.generate`), each declared field's type after
    /// the documented coercion of form strings, string limits, required fields, and an
    /// `email` field that is not an email address. Empty when it can be routed as is.
    pub fn check_lead_json(&self, json: &str) -> Vec<LeadProblem> {
        let value: Value = match serde_json::from_str(json) {
            Ok(v) => v,
            Err(e) => {
                return vec![problem(
                    "invalid_lead",
                    "",
                    format!("invalid lead: not JSON ({e})"),
                )]
            }
        };
        let Value::Object(map) = &value else {
            return vec![problem(
                "invalid_lead",
                "",
                "invalid lead: expected an object of fields".into(),
            )];
        };
        let mut out = Vec::new();
        match map.get("id") {
            None | Some(Value::Null) if !self.generate_ids => out.push(missing_id()),
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if valid_id(s) => {}
            Some(v) => out.push(problem(
                "invalid_id",
                "id",
                format!(
                    "field \"id\" must be 1-128 letters, digits or . _ : @ -, found {}",
                    crate::config::found(v)
                ),
            )),
        }
        for (name, v) in map {
            if name == "id" || name == CREATED_AT || self.schema.slot(name).is_none() {
                continue;
            }
            if let Value::String(s) = v {
                if s.len() > self.limits.lead_string_bytes {
                    out.push(problem(
                        "too_long",
                        name,
                        format!(
                            "field \"{name}\" is {} bytes, more than the limit of {}",
                            s.len(),
                            self.limits.lead_string_bytes
                        ),
                    ));
                    continue;
                }
            }
            // The lead reader's own coercion, one field at a time, so every field is
            // told about (the reader stops at the first).
            let one = serde_json::json!({ name.as_str(): v }).to_string();
            if let Err(e) = self.schema.parse_json(&one) {
                out.push(problem("wrong_type", name, e.message));
            }
        }
        let present = |name: &str| {
            map.get(name).is_some_and(|v| match v {
                Value::Null => false,
                Value::String(s) => !s.trim().is_empty(),
                _ => true,
            })
        };
        for slot in &self.required {
            let name = self.schema.name(*slot);
            if !present(name) {
                out.push(problem(
                    "missing_field",
                    name,
                    format!("field \"{name}\" is required"),
                ));
            }
        }
        if let (Some(_), Some(Value::String(e))) = (self.schema.slot("email"), map.get("email")) {
            if !e.trim().is_empty() && !crate::email::is_valid(e) {
                out.push(problem(
                    "invalid_email",
                    "email",
                    format!(
                        "field \"email\" is not an email address: \"{}\"",
                        crate::lead::preview(e)
                    ),
                ));
            }
        }
        out
    }
}

fn missing_id() -> LeadProblem {
    problem(
        "missing_id",
        "id",
        "the lead has no \"id\" (set \"lead_ids\": {\"generate\": true} to number leads without one)"
            .into(),
    )
}

impl Router {
    /// Whether leads without an id are numbered instead of refused.
    pub fn generates_ids(&self) -> bool {
        self.generate_ids
    }

    /// An already read lead's id rule: refused without one unless the config numbers them.
    pub fn check_id(&self, lead: &crate::lead::Lead) -> Result<(), LeadProblem> {
        if lead.id().is_none() && !self.generate_ids {
            return Err(missing_id());
        }
        Ok(())
    }
}
