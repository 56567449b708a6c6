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

// Layers, each importing only from those above it: the format (config, with the lead
// schema, conditions and their helpers), the compiled model, state, the clock of a call,
// selection, the operations (route, pools and claims, SLA, snapshot), then reports.
pub mod accounts;
pub mod condition;
pub mod config;
pub mod email;
pub mod error;
pub mod fxhash;
pub mod lead;
pub mod limits;
pub mod lower;
pub mod regions;
pub mod rule_index;
mod sort;
pub mod text;
pub mod time;
pub mod word;

pub mod decision;
pub mod model;

pub mod state;

pub mod clock;

pub mod select;

pub mod check;
pub mod classify;
pub mod outcomes;
pub mod pool;
pub mod replay;
pub mod route;
pub mod shares;
pub mod sla;
pub mod snapshot;
pub mod split;
pub mod ticket;

pub mod report;

pub use config::Config;
pub use decision::{Decision, Outcome, Via};
pub use error::{ConfigError, ConfigErrors, LeadError, StateError};
pub use lead::{Lead, Schema, Val};
pub use limits::Limits;
pub use model::Router;
pub use outcomes::{LeadOutcome, OutcomeRecorded, Placement};
pub use route::RouteOptions;
pub use snapshot::Snapshot;
pub use state::State;
