//! The config format (`raw`) and its loading from JSON with every structural problem
//! reported at its path (`load`). Semantic checks happen when compiling the router.

pub(crate) mod json;
mod load;
mod public;
pub mod raw;
mod read;

pub(crate) use load::kind as kind_of;
pub(crate) use load::STATUSES;
pub use load::{load_str, load_str_report, load_value, load_value_report, Loaded};
pub use raw::*;
pub(crate) use read::{child, dotted, found, found_json, indexed, Obj, Reader};
