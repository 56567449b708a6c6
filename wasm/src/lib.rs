//! The JavaScript binding: converts JS values at the boundary and delegates to the
//! leadroute core. No routing logic lives here. One module per API area: `router`
//! (routing and pools), `simulation` (the rules dashboard), `config` (checks without a
//! router), `preview` (what the dashboard's editors preview); `input` reads the caller's
//! values, `error` builds what is thrown.

mod config;
mod error;
mod fields;
mod input;
#[cfg(feature = "full")]
mod learning;
#[cfg(feature = "full")]
mod prepare;
#[cfg(feature = "full")]
mod preview;
mod router;
#[cfg(feature = "full")]
mod simulation;
mod split;
mod ticket;

pub use config::{public_config, validate};
#[cfg(feature = "full")]
pub use prepare::Preparer;
pub use router::Router;
#[cfg(feature = "full")]
pub use simulation::Simulation;
pub use split::arm_of;

use js_sys::JSON;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(all(test, target_arch = "wasm32"))]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** An operator that compares a field with a `value`. */
export type ValueOp = "eq" | "ne" | "in" | "not_in" | "gt" | "gte" | "lt" | "lte" | "between"
  | "contains" | "starts_with" | "ends_with" | "contains_any" | "matches" | "domain_in" | "domain_is";
/** An operator that tests a field on its own (no `value`). */
export type TestOp = "exists" | "missing" | "free_email" | "business_email" | "valid_email";
/** One field test of a JSON condition tree. */
export type FieldTest =
  | { field: string; op: ValueOp; value: string | number | boolean | (string | number | boolean)[]; case_sensitive?: boolean }
  | { field: string; op: TestOp; value?: never; case_sensitive?: boolean };
/** A condition: a text expression or a JSON tree (which may hold text expressions). */
export type Condition = string | { all: Condition[] } | { any: Condition[] } | { not: Condition } | FieldTest;
/** Where a routing rule sends the leads it matches: exactly one of `rep`, `team`, `pool`. */
export type RuleTarget =
  | { rep: string; team?: never; pool?: never }
  | { team: string; rep?: never; pool?: never }
  | { pool: string; rep?: never; team?: never };
/** A routing rule as the config's `rules` take it. */
export type RoutingRule = Rule & RuleTarget;
/** A lead: field name to value. `id` and `created_at` are understood without declaring them. */
export type Lead = Record<string, string | number | boolean | null | undefined>;
/** The time of a call: `now` in ms since the epoch (`Date.now()`). */
export interface TimeOptions { now: number }
/** Options of `route`, `routeAgain` and `routeBatch`. */
export interface RouteOptionsInput extends TimeOptions {
  /** Record the per-candidate trace (default true). */
  trace?: boolean;
  /** Pick by rendezvous hashing of the lead id: no rotation state, no caps across locations. */
  stateless?: boolean;
  /** `"created_at"`: route each lead at its own `created_at` (history replays). Default `"now"`. */
  time?: "now" | "created_at";
}
export type BatchItem = { ok: true; decision: Decision } | { ok: false; index: number; code: string; error: string };
/** One problem in `validate`'s list and in a thrown config error's `errors`. */
export interface Problem { code: ConfigCode; path: string; message: string; help: string }
/** `checkLead`'s answer: every problem with a submitted lead at once. */
export interface LeadCheck { ok: boolean; errors: LeadProblem[] }
export interface ValidationResult { ok: boolean; errors: Problem[]; warnings: ConfigWarning[] }
/** `parseCondition`: the tree of a text condition, or where the text went wrong. */
export type ParsedCondition = { ok: true; tree: Condition } | { ok: false; line: number; column: number; message: string };
export type RepStatus = "available" | "busy" | "away" | "out_of_office";
/** What `recordOutcome` takes: did the lead convert, for how much, and when (ms). */
export interface OutcomeInput { converted: boolean; value?: number; at: number }
/** Where a lead went, from its decision, for callers that remember leads themselves. */
export interface Placement { rep: string; team?: string | null; segment?: string | null }
// wasm-bindgen declares `[Symbol.dispose]()` on every class; declared here too so the
// types compile without the esnext lib (es2020 + dom), and merge with it when present.
declare global { interface SymbolConstructor { readonly dispose: unique symbol } }
"#;

/// Everything crosses the boundary as JSON text: one native `JSON.parse` beats
/// setting properties one call at a time, and one serializer keeps the .wasm small.
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v).map_err(|e| js_sys::Error::new(&e.to_string()))?;
    JSON::parse(&text)
}
