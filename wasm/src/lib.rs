//! The JavaScript binding: converts JS values at the boundary and delegates to the
//! leadroute core. No routing logic lives here. One module per API area: `router`
//! (routing and pools), `simulation` (the rules dashboard), `config` (checks without a
//! router); `input` reads the caller's values, `error` builds what is thrown.

mod config;
mod error;
mod input;
mod router;
#[cfg(feature = "full")]
mod simulation;

pub use config::{public_config, validate};
pub use router::Router;
#[cfg(feature = "full")]
pub use simulation::Simulation;

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
/** A condition: a text expression or a JSON tree. */
export type Condition = string | { all: Condition[] } | { any: Condition[] } | { not: Condition }
  | { field: string; op: string; value?: string | number | boolean | (string | number)[]; case_sensitive?: boolean };
/** A lead: field name to value. `id` and `created_at` are understood without declaring them. */
export type Lead = Record<string, string | number | boolean | null | undefined>;
export interface RouteOptionsInput { now: number; trace?: boolean }
export type BatchItem = { ok: true; decision: Decision } | { ok: false; index: number; code: string; error: string };
/** One problem in `validate`'s list and in a thrown config error's `errors`. */
export interface Problem { code: string; path: string; message: string; help: string }
export interface ValidationResult { ok: boolean; errors: Problem[]; warnings: ConfigWarning[] }
export type RepStatus = "available" | "busy" | "away" | "out_of_office";
"#;

/// Everything crosses the boundary as JSON text: one native `JSON.parse` beats
/// setting properties one call at a time, and one serializer keeps the .wasm small.
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v).map_err(|e| js_sys::Error::new(&e.to_string()))?;
    JSON::parse(&text)
}
