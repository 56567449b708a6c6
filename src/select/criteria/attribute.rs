//! Attribute match: the rep's list (languages, industries, products, segments,
//! seniority) covers the lead's field value, compared case-insensitively.

use crate::config::Attribute;
use crate::lead::Lead;
use crate::lower::Lower;
use crate::model::rep::Rep;

/// The lead's value, trimmed and lowercased once per pick (reps' attributes are stored
/// lowercase); `None` where the lead lacks the field.
pub fn want<'a>(lead: &'a Lead, slot: usize) -> Option<Lower<'a>> {
    lead.get(slot).as_str().map(|v| Lower::new(v.trim()))
}

/// `None` when the lead has no value (a requirement on it is waived).
pub fn covers(rep: &Rep, attribute: Attribute, want: Option<&[u8]>) -> Option<bool> {
    let v = want?;
    Some(rep.attribute(attribute).iter().any(|a| a.as_bytes() == v))
}
