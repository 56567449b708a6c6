//! A parsed lead held back for time ordering, cheaply: its line copied once and its
//! string values kept as spans of that copy (instead of one allocation per value).

use crate::lead::{Lead, Val, ID_SLOT};
use std::borrow::Cow;

pub struct HeldLead {
    text: Box<str>,
    values: Vec<HeldVal>,
    created_at: Option<i64>,
}

pub(super) enum HeldVal {
    Missing,
    Num(f64),
    Bool(bool),
    /// A string value borrowed from the line: its byte range in `text`.
    Span(u32, u32),
    /// A string value that is not in the line as it stands (unescaped, or converted).
    Own(Box<str>),
}

impl HeldLead {
    /// Holds `lead`, parsed from `line`.
    pub fn new(line: &str, lead: Lead<'_>) -> HeldLead {
        let base = line.as_ptr() as usize;
        let values = lead
            .values
            .into_iter()
            .map(|v| match v {
                Val::Missing => HeldVal::Missing,
                Val::Num(n) => HeldVal::Num(n),
                Val::Bool(b) => HeldVal::Bool(b),
                Val::Str(Cow::Borrowed(s)) => {
                    span(line, base, s).unwrap_or_else(|| HeldVal::Own(s.into()))
                }
                Val::Str(Cow::Owned(s)) => HeldVal::Own(s.into_boxed_str()),
            })
            .collect();
        HeldLead {
            text: line.into(),
            values,
            created_at: lead.created_at,
        }
    }

    /// The lead again, borrowing from this.
    pub fn lead(&self) -> Lead<'_> {
        Lead {
            values: (0..self.values.len()).map(|i| self.value(i)).collect(),
            created_at: self.created_at,
        }
    }

    /// What a prepared batch carries of it (`report::prepared`).
    pub(super) fn parts(&self) -> (&str, &[HeldVal], Option<i64>) {
        (&self.text, &self.values, self.created_at)
    }

    /// A lead read back from a prepared batch: spans are checked to lie in `text`.
    pub(super) fn from_parts(
        text: Box<str>,
        values: Vec<HeldVal>,
        created_at: Option<i64>,
    ) -> Option<HeldLead> {
        let fits = values.iter().all(|v| match v {
            HeldVal::Span(a, z) => text.get(*a as usize..*z as usize).is_some(),
            _ => true,
        });
        fits.then_some(HeldLead {
            text,
            values,
            created_at,
        })
    }

    /// The record as it was read.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn id(&self) -> Option<&str> {
        match self.value(ID_SLOT) {
            Val::Str(Cow::Borrowed(s)) => Some(s),
            _ => None,
        }
    }

    fn value(&self, i: usize) -> Val<'_> {
        match self.values.get(i) {
            None | Some(HeldVal::Missing) => Val::Missing,
            Some(HeldVal::Num(n)) => Val::Num(*n),
            Some(HeldVal::Bool(b)) => Val::Bool(*b),
            Some(HeldVal::Span(a, z)) => Val::Str(Cow::Borrowed(
                self.text.get(*a as usize..*z as usize).unwrap_or(""),
            )),
            Some(HeldVal::Own(s)) => Val::Str(Cow::Borrowed(s)),
        }
    }
}

/// `s`'s byte range in `line` when `s` is a slice of it.
fn span(line: &str, base: usize, s: &str) -> Option<HeldVal> {
    let start = (s.as_ptr() as usize).checked_sub(base)?;
    let end = start + s.len();
    let inside = line.get(start..end)?;
    (inside.as_ptr() == s.as_ptr()).then_some(())?;
    Some(HeldVal::Span(
        u32::try_from(start).ok()?,
        u32::try_from(end).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FieldType;
    use crate::lead::Schema;
    use crate::limits::Limits;

    #[test]
    fn gives_back_the_same_lead() {
        let schema = Schema::new(
            [
                ("email", FieldType::String),
                ("size", FieldType::Number),
                ("demo", FieldType::Boolean),
                ("zip", FieldType::String),
                ("note", FieldType::String),
            ],
            Limits::default(),
        );
        for line in [
            r#"{"id":"L1","email":"a@b.co","size":12,"demo":true,"zip":10001,"note":"x\"y"}"#,
            r#"{"id":"L2","email":"é@b.co","size":"1,200","demo":"no","note":"plain"}"#,
            r#"{"email":"a@b.co"}"#,
        ] {
            let lead = schema.parse_json(line).unwrap();
            let held = HeldLead::new(line, lead.clone());
            assert_eq!(held.lead(), lead, "{line}");
            assert_eq!(held.id(), lead.id());
        }
    }
}
