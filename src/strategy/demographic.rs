//! Demographic match: required attributes filter reps out, preferred attributes
//! rank the rest by how many they share with the lead.

use crate::config::Attribute;
use crate::lead::Lead;
use crate::rep::Rep;

#[derive(Debug, Clone, Copy)]
pub struct AttrMatch {
    pub attribute: Attribute,
    pub slot: usize,
}

/// The lead's values for each match, trimmed and lowercased once per pick (reps'
/// attributes are stored lowercase); `None` where the lead lacks the field.
pub fn wants(lead: &Lead, matches: &[AttrMatch]) -> Vec<Option<String>> {
    matches
        .iter()
        .map(|m| lead.get(m.slot).as_str().map(|v| v.trim().to_lowercase()))
        .collect()
}

fn covers(rep: &Rep, m: &AttrMatch, want: Option<&String>) -> Option<bool> {
    let v = want?;
    Some(rep.attribute(m.attribute).iter().any(|a| **a == **v))
}

/// `Ok(number of preferred matches)`, or `Err(attribute)` for a failed requirement.
/// A requirement on a field the lead does not have is waived. `required_wants` and
/// `preferred_wants` come from [`wants`].
pub fn rank(
    rep: &Rep,
    required: &[AttrMatch],
    required_wants: &[Option<String>],
    preferred: &[AttrMatch],
    preferred_wants: &[Option<String>],
) -> Result<u32, &'static str> {
    for (m, w) in required.iter().zip(required_wants) {
        if covers(rep, m, w.as_ref()) == Some(false) {
            return Err(attribute_name(m.attribute));
        }
    }
    Ok(preferred
        .iter()
        .zip(preferred_wants)
        .filter(|(m, w)| covers(rep, m, w.as_ref()) == Some(true))
        .count() as u32)
}

pub fn attribute_name(a: Attribute) -> &'static str {
    match a {
        Attribute::Languages => "language",
        Attribute::Industries => "industry",
        Attribute::Products => "product",
        Attribute::Segments => "segment",
        Attribute::Seniority => "seniority",
    }
}
