//! A requirement or preference on the rep's own attributes ("seniority is senior"),
//! optionally only for leads that match a condition ("for companies over 1,000").

use crate::config::Attribute;
use crate::model::rep::Rep;

/// Whether the rep's attribute has one of `values` (lowercased at compile time).
pub fn has_any(rep: &Rep, attribute: Attribute, values: &[Box<str>]) -> bool {
    rep.attribute(attribute)
        .iter()
        .any(|a| values.iter().any(|v| v == a))
}
