//! The config format (`raw`) and its loading from JSON with every structural problem
//! reported at its path (`load`). Semantic checks happen when compiling the router.

mod load;
mod public;
pub mod raw;

pub(crate) use load::{humanize, kind as kind_of};
pub use load::{load_str, load_value};
pub use raw::*;
