//! The reps section: ids, caps, hours and zones (each zone compiled once).

use crate::config::Config;
use crate::error::ConfigErrors;
use crate::fxhash::FxHashMap as HashMap;
use crate::model::rep::{self, Rep};
use crate::time::Zone;

pub(super) fn compile(
    config: &Config,
    errors: &mut ConfigErrors,
) -> (Vec<Zone>, Vec<Rep>, HashMap<String, usize>) {
    let mut zones = vec![Zone::utc()];
    let default_zone = match &config.timezone {
        Some(tz) => rep::zone_index(tz, "timezone", &mut zones, errors).unwrap_or(0),
        None => 0,
    };
    let mut rep_ids = HashMap::default();
    let mut reps = Vec::with_capacity(config.reps.len());
    for (i, r) in config.reps.iter().enumerate() {
        let path = format!("reps[{i}]");
        if r.id.trim().is_empty() {
            errors.push(format!("{path}.id"), "must not be empty");
        }
        if rep_ids.insert(r.id.clone(), i).is_some() {
            errors.push(
                format!("{path}.id"),
                format!("duplicate rep id \"{}\"", r.id),
            );
        }
        let mut rep = rep::compile(r, &path, &mut zones, default_zone, errors);
        rep.index = i;
        reps.push(rep);
    }
    (zones, reps, rep_ids)
}
