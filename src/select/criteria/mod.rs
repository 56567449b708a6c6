//! The pipeline's criteria, one file each. A criterion is prepared once per lead (the
//! lead's side: its value lowercased, its place, a condition's result), then tested
//! (requirement) or measured (preference, higher is better) per rep.

pub mod attribute;
pub mod load;
pub mod on_shift;
pub mod performance;
pub mod rep_attribute;
pub mod territory;

use crate::condition::Computed;
use crate::lead::Lead;
use crate::lower::Lower;
use crate::model::rep::Rep;
use crate::model::team::Criterion;
use crate::state::RepState;
use crate::time::LocalTime;

/// The lead's side of one criterion; its lowercase values borrow from the lead or sit
/// inline ([`crate::lower::Lower`]).
pub enum Prepared<'a> {
    Want(Option<Lower<'a>>),
    Place(Option<territory::Place<'a>>),
    /// A `rep_attribute` whose `when` holds (or that has none).
    Applies(bool),
    Nothing,
}

pub fn prepare<'a>(c: &Criterion, lead: &'a Lead, computed: &Computed) -> Prepared<'a> {
    match c {
        Criterion::Attribute { slot, .. } => Prepared::Want(attribute::want(lead, *slot)),
        Criterion::Territory(slots) => Prepared::Place(territory::place(slots, lead)),
        Criterion::RepAttribute { when, .. } => {
            Prepared::Applies(when.as_ref().is_none_or(|w| w.eval(lead, computed)))
        }
        _ => Prepared::Nothing,
    }
}

/// A requirement: does the rep meet it?
pub fn passes(c: &Criterion, p: &Prepared, rep: &Rep, local: &LocalTime) -> bool {
    match (c, p) {
        (Criterion::Attribute { attribute, .. }, Prepared::Want(w)) => {
            attribute::covers(rep, *attribute, w.as_ref().map(Lower::as_bytes)) != Some(false)
        }
        (Criterion::Territory(_), Prepared::Place(place)) => {
            place.as_ref().and_then(|pl| pl.rank(rep)).is_some()
        }
        (
            Criterion::RepAttribute {
                attribute, values, ..
            },
            Prepared::Applies(applies),
        ) => !applies || rep_attribute::has_any(rep, *attribute, values),
        (Criterion::OnShift, _) => rep.in_hours(local),
        _ => true,
    }
}

/// A preference: the rep's value, higher is better.
pub fn value(c: &Criterion, p: &Prepared, rep: &Rep, state: &RepState, local: &LocalTime) -> f64 {
    match (c, p) {
        (Criterion::Attribute { attribute, .. }, Prepared::Want(w)) => f64::from(u8::from(
            attribute::covers(rep, *attribute, w.as_ref().map(Lower::as_bytes)) == Some(true),
        )),
        (Criterion::Territory(_), Prepared::Place(place)) => {
            f64::from(place.as_ref().and_then(|pl| pl.rank(rep)).unwrap_or(0))
        }
        (
            Criterion::RepAttribute {
                attribute, values, ..
            },
            Prepared::Applies(applies),
        ) => f64::from(u8::from(
            *applies && rep_attribute::has_any(rep, *attribute, values),
        )),
        (Criterion::OnShift, _) => on_shift::value(rep, local),
        (Criterion::Performance, _) => performance::value(rep),
        (Criterion::Load(period), _) => load::value(state, local, *period),
        _ => 0.0,
    }
}
