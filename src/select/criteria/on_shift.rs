//! On shift: within the rep's working hours now. A preference for teams that would
//! rather give the lead to an off-shift rep than overflow it.

use crate::model::rep::Rep;
use crate::time::LocalTime;

pub fn value(rep: &Rep, local: &LocalTime) -> f64 {
    f64::from(u8::from(rep.in_hours(local)))
}
