//! leadroute: a lead distribution engine. Compile a config once into a [`Router`],
//! keep routing [`State`] as a value, and route leads with `now` passed in.
//!
//! ```
//! use leadroute::{Router, RouteOptions};
//! let router = Router::from_json(r#"{
//!   "fields": {"country": "string"},
//!   "reps": [{"id": "ana"}, {"id": "ben"}],
//!   "teams": [{"id": "sales", "members": ["ana", "ben"]}],
//!   "rules": [{"id": "all", "team": "sales"}],
//!   "fallback": "ana"
//! }"#).unwrap();
//! let mut state = router.new_state();
//! let lead = router.schema().parse_json(r#"{"id": "L1", "country": "US"}"#).unwrap();
//! let d = router.route(&mut state, &lead, RouteOptions::at(1_764_000_000_000));
//! assert_eq!(d.rep, Some("ana"));
//! ```

pub mod condition;
pub mod config;
pub mod decision;
pub mod email;
pub mod error;
pub mod fxhash;
pub mod lead;
pub mod limits;
pub mod pool;
pub mod rep;
pub mod report;
pub mod route;
pub mod router;
pub mod rule_index;
pub mod sla;
mod sort;
pub mod state;
pub mod strategy;
pub mod time;

pub use config::Config;
pub use decision::{Decision, Outcome, Via};
pub use error::{ConfigError, ConfigErrors, LeadError, StateError};
pub use lead::{Lead, Schema, Val};
pub use limits::Limits;
pub use route::RouteOptions;
pub use router::Router;
pub use state::{Snapshot, State};
