//! Performance: the rep's configured close rate or weight; higher ranks first.

use crate::model::rep::Rep;

pub fn value(rep: &Rep) -> f64 {
    rep.performance
}
