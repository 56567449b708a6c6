//! Demographic match: required attributes filter reps out, preferred attributes
//! rank the rest by how many they share with the lead.

use crate::config::Attribute;
use crate::lead::Lead;
use crate::rep::Rep;

#[derive(Debug, Clone, Copy)]
pub struct AttrMatch {
    pub attribute: Attribute,
    pub slot: usize,
    pub field_name_index: usize,
}

fn covers(rep: &Rep, m: &AttrMatch, lead: &Lead) -> Option<bool> {
    let v = lead.get(m.slot).as_str()?;
    let v = v.trim();
    Some(
        rep.attribute(m.attribute)
            .iter()
            .any(|a| a.eq_ignore_ascii_case(v) || **a == *v.to_lowercase()),
    )
}

/// `Ok(number of preferred matches)`, or `Err(attribute)` for a failed requirement.
/// A requirement on a field the lead does not have is waived.
pub fn rank(
    rep: &Rep,
    lead: &Lead,
    required: &[AttrMatch],
    preferred: &[AttrMatch],
) -> Result<u32, &'static str> {
    for m in required {
        if covers(rep, m, lead) == Some(false) {
            return Err(attribute_name(m.attribute));
        }
    }
    Ok(preferred
        .iter()
        .filter(|m| covers(rep, m, lead) == Some(true))
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
