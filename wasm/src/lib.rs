//! The JavaScript binding: converts JS values at the boundary and delegates to the
//! leadroute core. No routing logic lives here.

use js_sys::{Array, Reflect, JSON};
use leadroute::{ConfigErrors, RouteOptions};
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
export type BatchItem = { ok: true; decision: Decision } | { ok: false; index: number; error: string };
export interface ValidationResult { ok: boolean; errors: ConfigError[] }
export type RepStatus = "available" | "busy" | "away" | "out_of_office";
"#;

/// A compiled router together with its routing state.
#[wasm_bindgen]
pub struct Router {
    router: leadroute::Router,
    state: leadroute::State,
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

fn config_error(errors: &ConfigErrors) -> JsValue {
    let err = js_sys::Error::new(&errors.to_string());
    let list = Array::new();
    for e in &errors.0 {
        let o = js_sys::Object::new();
        let _ = Reflect::set(&o, &"path".into(), &e.path.as_str().into());
        let _ = Reflect::set(&o, &"message".into(), &e.message.as_str().into());
        list.push(&o);
    }
    let _ = Reflect::set(&err, &"errors".into(), &list);
    err.into()
}

/// JSON text of a config or snapshot given as a string or a plain object.
fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(js_error(&format!(
            "{what} must be an object or a JSON string, found {}",
            type_name(value)
        )));
    }
    js_sys::JSON::stringify(value)
        .map_err(|_| js_error(&format!("{what} cannot be converted to JSON")))?
        .as_string()
        .ok_or_else(|| js_error(&format!("{what} cannot be converted to JSON")))
}

fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if v.is_undefined() {
        "undefined".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

#[wasm_bindgen]
extern "C" {
    /// The options object; getters read its properties directly in the JS glue
    /// instead of passing key strings across the boundary on every call.
    type OptionsObject;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn now(this: &OptionsObject) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn trace(this: &OptionsObject) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn stateless(this: &OptionsObject) -> Result<JsValue, JsValue>;
}

fn options(value: &JsValue) -> Result<RouteOptions, JsValue> {
    if !value.is_object() {
        return Err(js_error(&format!(
            "options must be an object like {{ now: Date.now() }}, found {}",
            type_name(value)
        )));
    }
    let o: &OptionsObject = value.unchecked_ref();
    // A throwing getter is an error for this call, not an exception through the wasm.
    let now = o.now().unwrap_or(JsValue::UNDEFINED);
    let now = match now.as_f64() {
        Some(n) if n.is_finite() && n.abs() < 8.64e15 => n as i64,
        Some(n) => {
            let shown = if n.abs() >= 1e16 {
                format!("{n:e}")
            } else {
                format!("{n}")
            };
            return Err(js_error(&format!(
                "options.now must be a finite time in ms since the epoch, found {shown}"
            )));
        }
        None => {
            return Err(js_error(&format!(
                "options.now is required: ms since the epoch (e.g. Date.now()), found {}",
                type_name(&now)
            )))
        }
    };
    let trace = o.trace().ok().and_then(|v| v.as_bool()).unwrap_or(true);
    let stateless = o
        .stateless()
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    Ok(RouteOptions {
        now,
        trace,
        stateless,
    })
}

/// Everything crosses the boundary as JSON text: one native `JSON.parse` beats
/// setting properties one call at a time, and one serializer keeps the .wasm small.
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v).map_err(|e| js_error(&e.to_string()))?;
    JSON::parse(&text)
}

/// What a simulation is fed.
enum Input {
    Bytes(Vec<u8>),
    Text(String),
}

/// Bytes (a Uint8Array or ArrayBuffer, copied into wasm memory in one go) or text.
fn feed_input(v: &JsValue, what: &str) -> Result<Input, JsValue> {
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(Input::Bytes(a.to_vec()));
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Input::Bytes(js_sys::Uint8Array::new(b).to_vec()));
    }
    match v.as_string() {
        Some(t) => Ok(Input::Text(t)),
        None => Err(js_error(&format!(
            "{what} must be a Uint8Array, an ArrayBuffer or a string, found {}",
            type_name(v)
        ))),
    }
}

/// The lead as JSON text: strings pass through, objects are stringified natively.
fn lead_text(lead: &JsValue) -> Result<String, String> {
    if let Some(s) = lead.as_string() {
        return Ok(s);
    }
    if !lead.is_object() || Array::is_array(lead) || lead.is_function() {
        return Err(format!(
            "invalid lead: expected an object, found {}",
            type_name(lead)
        ));
    }
    let text = JSON::stringify(lead)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "invalid lead: cannot be converted to JSON".to_string())?;
    // JSON.stringify turns NaN and Infinity into null silently; only then look closer.
    if text.contains("null") {
        let obj = js_sys::Object::from(lead.clone());
        let values = js_sys::Object::values(&obj);
        for (i, v) in values.iter().enumerate() {
            if let Some(n) = v.as_f64() {
                if !n.is_finite() {
                    let key = js_sys::Object::keys(&obj)
                        .get(i as u32)
                        .as_string()
                        .unwrap_or_default();
                    let shown = if n.is_nan() {
                        "NaN"
                    } else if n > 0.0 {
                        "inf"
                    } else {
                        "-inf"
                    };
                    return Err(format!(
                        "invalid lead: field \"{key}\": expected a finite number, found {shown}"
                    ));
                }
            }
        }
    }
    Ok(text)
}

#[wasm_bindgen]
impl Router {
    /// Validates and compiles a config; throws an Error listing every problem (also as
    /// `error.errors: {path, message}[]`). Pass a snapshot (object or JSON string) to
    /// continue from saved state.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        snapshot: Option<JsValue>,
    ) -> Result<Router, JsValue> {
        let snapshot = snapshot.unwrap_or(JsValue::UNDEFINED);
        let text = json_text(&config, "config")?;
        let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
        let state = if snapshot.is_undefined() || snapshot.is_null() {
            router.new_state()
        } else {
            let text = json_text(&snapshot, "snapshot")?;
            router
                .restore_json(&text)
                .map_err(|e| js_error(&e.to_string()))?
        };
        Ok(Router { router, state })
    }

    /// Routes one lead at `options.now`.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn route(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Lead | string")] lead: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts = self::options(&options)?;
        let text = lead_text(&lead).map_err(|e| js_error(&e))?;
        let lead = self
            .router
            .schema()
            .parse_json(&text)
            .map_err(|e| js_error(&e.to_string()))?;
        let d = self.router.route(&mut self.state, &lead, opts);
        to_js(&d)
    }

    /// Routes many leads in one call; one bad lead does not stop the others.
    #[wasm_bindgen(js_name = routeBatch, unchecked_return_type = "BatchItem[]")]
    pub fn route_batch(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Lead[]")] leads: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts = self::options(&options)?;
        if !Array::is_array(&leads) {
            return Err(js_error(&format!(
                "leads must be an array, found {}",
                type_name(&leads)
            )));
        }
        // One JSON text for the whole batch: one JSON.parse instead of a crossing per field.
        #[derive(Serialize)]
        #[serde(untagged)]
        enum Item<'r> {
            Routed {
                ok: bool,
                decision: Box<leadroute::Decision<'r>>,
            },
            Failed {
                ok: bool,
                index: usize,
                error: String,
            },
        }
        let leads = Array::from(&leads);
        let mut items = Vec::with_capacity(leads.length() as usize);
        for (index, lead) in leads.iter().enumerate() {
            let text = lead_text(&lead);
            let parsed = text.as_deref().map_err(String::clone).and_then(|t| {
                self.router
                    .schema()
                    .parse_json(t)
                    .map_err(|e| e.to_string())
            });
            items.push(match parsed {
                Ok(lead) => Item::Routed {
                    ok: true,
                    decision: Box::new(self.router.route(&mut self.state, &lead, opts)),
                },
                Err(error) => Item::Failed {
                    ok: false,
                    index,
                    error,
                },
            });
        }
        to_js(&items)
    }

    /// Pooled leads as `rep` may see them (visibility rules applied), oldest first.
    #[wasm_bindgen(js_name = listPool, unchecked_return_type = "PoolListing[]")]
    pub fn list_pool(
        &self,
        pool: &str,
        rep: &str,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = self::options(&options)?.now;
        let list = self
            .router
            .list_pool(&self.state, pool, rep, now)
            .map_err(|e| js_error(&e.message))?;
        to_js(&list)
    }

    /// Claims a pooled lead; exactly one rep wins. Throws with the reason otherwise.
    #[wasm_bindgen(unchecked_return_type = "Claim")]
    pub fn claim(
        &mut self,
        lead_id: &str,
        rep: &str,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = self::options(&options)?.now;
        let c = self
            .router
            .claim(&mut self.state, lead_id, rep, now)
            .map_err(|e| js_error(&e.message))?;
        to_js(&c)
    }

    /// Blind pull: claims the oldest lead of the pool.
    #[wasm_bindgen(js_name = claimNext, unchecked_return_type = "Claim")]
    pub fn claim_next(
        &mut self,
        pool: &str,
        rep: &str,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = self::options(&options)?.now;
        let c = self
            .router
            .claim_next(&mut self.state, pool, rep, now)
            .map_err(|e| js_error(&e.message))?;
        to_js(&c)
    }

    /// Gives a claimed lead back to its pool.
    pub fn release(
        &mut self,
        lead_id: &str,
        rep: &str,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<(), JsValue> {
        let now = self::options(&options)?.now;
        self.router
            .release(&mut self.state, lead_id, rep, now)
            .map_err(|e| js_error(&e.message))
    }

    /// Records first contact of a lead by its owner (stops its SLA clock).
    pub fn touch(
        &mut self,
        lead_id: &str,
        rep: &str,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<(), JsValue> {
        let now = self::options(&options)?.now;
        self.router
            .touch(&mut self.state, lead_id, rep, now)
            .map_err(|e| js_error(&e.message))
    }

    /// Due reminders, escalations, re-routes and pool expiries, applied exactly once.
    #[wasm_bindgen(unchecked_return_type = "Event[]")]
    pub fn tick(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = self::options(&options)?.now;
        to_js(&self.router.tick(&mut self.state, now))
    }

    /// Sets a rep's live status; `null` returns to the config's status.
    #[wasm_bindgen(js_name = setStatus)]
    pub fn set_status(
        &mut self,
        rep: &str,
        #[wasm_bindgen(unchecked_param_type = "RepStatus | null")] status: JsValue,
    ) -> Result<(), JsValue> {
        let status = if status.is_null() || status.is_undefined() {
            None
        } else {
            let s = status.as_string().unwrap_or_default();
            Some(leadroute::config::Status::parse(&s).ok_or_else(|| {
                js_error(&format!(
                    "unknown status \"{s}\", expected \"available\", \"busy\", \"away\" or \"out_of_office\""
                ))
            })?)
        };
        self.router
            .set_status(&mut self.state, rep, status)
            .map_err(|e| js_error(&e.message))
    }

    /// The routing state as a plain JSON object (store it; pass it to the constructor).
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        to_js(&self.router.snapshot(&self.state))
    }
}

/// The config with everything private removed (rep emails and phones, performance
/// figures, account lists, CRM settings): safe to ship to a browser for previews.
#[wasm_bindgen(js_name = publicConfig, unchecked_return_type = "Config")]
pub fn public_config(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let text = json_text(&config, "config")?;
    let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
    to_js(&router.config().public())
}

/// Checks a config without throwing: `{ ok, errors: [{ path, message }] }`.
#[wasm_bindgen(unchecked_return_type = "ValidationResult")]
pub fn validate(#[wasm_bindgen(unchecked_param_type = "unknown")] config: JsValue) -> JsValue {
    #[derive(Serialize)]
    struct Out<'a> {
        ok: bool,
        errors: &'a [leadroute::ConfigError],
    }
    let errors = match json_text(&config, "config") {
        Ok(text) => match leadroute::Router::from_json(&text) {
            Ok(_) => Vec::new(),
            Err(e) => e.0,
        },
        Err(e) => vec![leadroute::ConfigError {
            path: String::new(),
            message: e.as_string().unwrap_or_else(|| {
                js_sys::Error::from(e)
                    .message()
                    .as_string()
                    .unwrap_or_default()
            }),
        }],
    };
    to_js(&Out {
        ok: errors.is_empty(),
        errors: &errors,
    })
    .unwrap_or(JsValue::NULL)
}

// ---- Simulation: replay past leads and report (the rules dashboard) -----------------------

#[wasm_bindgen(typescript_custom_section)]
const TS_SIMULATION: &'static str = r#"
/** Options of a simulation; every field is optional. */
export interface SimulationOptions {
  /** Decisions kept with their trace (a sample by hash of the lead id). Default 50, at most 10000. */
  sample?: number;
  /** Leads held back to restore created_at order in locally unsorted input. Default 10000. */
  reorder_window?: number;
  /** Leads under an SLA are touched this many minutes after assignment (default: never). */
  touch_after_minutes?: number | null;
  /** Width of a score histogram bucket. Default 10. */
  score_bucket?: number;
  /** Keep one arm of an A/B split by a stable hash of the lead id. */
  split?: { share_b: number; arm: "a" | "b"; seed?: number } | null;
}
/** The aggregated report of a simulation (snake_case, see leadroute::report::Report). */
export type SimulationReport = Record<string, any>;
/** Two reports metric by metric, with two-proportion z-tests on conversion. */
export type ReportComparison = Record<string, any>;
"#;

/// A replay of past leads through a fresh router, in `created_at` order: feed JSONL or
/// CSV text in chunks (cut anywhere), then read the aggregated report, or compare two
/// simulations (two configs over the same leads, or the two arms of an A/B split).
#[wasm_bindgen(js_name = Simulation)]
pub struct Simulation {
    router: leadroute::Router,
    sim: leadroute::report::Simulation,
}

/// A JSON value given as a string or a plain object, read into `T`.
fn from_js_json<T: serde::de::DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let text = json_text(value, what)?;
    serde_json::from_str(&text).map_err(|e| js_error(&format!("invalid {what}: {e}")))
}

#[wasm_bindgen(js_class = Simulation)]
impl Simulation {
    /// Validates and compiles the config (throws like `new Router`) and starts empty.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SimulationOptions | undefined")] options: JsValue,
    ) -> Result<Simulation, JsValue> {
        let text = json_text(&config, "config")?;
        let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
        let opts = if options.is_undefined() || options.is_null() {
            leadroute::report::SimOptions::default()
        } else {
            from_js_json(&options, "simulation options")?
        };
        let sim = leadroute::report::Simulation::new(&router, opts);
        Ok(Simulation { router, sim })
    }

    /// Feeds JSONL: raw UTF-8 bytes (a file's slices as they are read: the fast path,
    /// one copy into wasm memory) or text; returns the number of leads routed so far.
    #[wasm_bindgen(js_name = feedJsonl)]
    pub fn feed_jsonl(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
    ) -> Result<f64, JsValue> {
        match feed_input(&input, "JSONL input")? {
            Input::Bytes(b) => self.sim.feed_jsonl_bytes(&self.router, &b),
            Input::Text(t) => self.sim.feed_jsonl(&self.router, &t),
        }
        Ok(self.sim.leads() as f64)
    }

    /// Feeds CSV text (the header first); `mapping` renames CSV headers to config fields.
    #[wasm_bindgen(js_name = feedCsv)]
    pub fn feed_csv(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string> | undefined")]
        mapping: JsValue,
    ) -> Result<f64, JsValue> {
        let mapping: Option<std::collections::BTreeMap<String, String>> =
            if mapping.is_undefined() || mapping.is_null() {
                None
            } else {
                Some(from_js_json(&mapping, "column mapping")?)
            };
        match feed_input(&input, "CSV input")? {
            Input::Bytes(b) => self.sim.feed_csv_bytes(&self.router, &b, mapping.as_ref()),
            Input::Text(t) => self.sim.feed_csv(&self.router, &t, mapping.as_ref()),
        }
        Ok(self.sim.leads() as f64)
    }

    /// The end of the input: routes what is still held for ordering.
    pub fn finish(&mut self) {
        self.sim.finish(&self.router);
    }

    /// Leads routed so far.
    #[wasm_bindgen(getter)]
    pub fn leads(&self) -> f64 {
        self.sim.leads() as f64
    }

    /// Finishes the input and returns the report.
    #[wasm_bindgen(unchecked_return_type = "SimulationReport")]
    pub fn report(&mut self) -> Result<JsValue, JsValue> {
        self.sim.finish(&self.router);
        to_js(&self.sim.report(&self.router))
    }

    /// Finishes the input and returns the report as CSV text (`section,key,metric,value`).
    #[wasm_bindgen(js_name = reportCsv)]
    pub fn report_csv(&mut self) -> String {
        self.sim.finish(&self.router);
        leadroute::report::report_csv(&self.sim.report(&self.router))
    }

    /// This simulation (A) against `other` (B): every metric with the difference, and
    /// two-proportion z-tests on conversion. Finishes both inputs.
    #[wasm_bindgen(unchecked_return_type = "ReportComparison")]
    pub fn compare(&mut self, other: &mut Simulation) -> Result<JsValue, JsValue> {
        to_js(&self.comparison(other))
    }

    /// `compare` as CSV text (`metric,a,b,diff,a_rate,b_rate`, then the tests).
    #[wasm_bindgen(js_name = compareCsv)]
    pub fn compare_csv(&mut self, other: &mut Simulation) -> String {
        leadroute::report::comparison_csv(&self.comparison(other))
    }
}

impl Simulation {
    fn comparison(&mut self, other: &mut Simulation) -> leadroute::report::Comparison {
        self.sim.finish(&self.router);
        other.sim.finish(&other.router);
        let a = self.sim.report(&self.router);
        let b = other.sim.report(&other.router);
        leadroute::report::compare(&a, &b)
    }
}

/// The header row of a CSV file's first bytes, read by the core's CSV reader, each name as
/// a column mapping must spell it: the dashboard never splits CSV itself.
#[wasm_bindgen(js_name = csvHeader)]
pub fn csv_header(bytes: &[u8]) -> Vec<String> {
    leadroute::report::csv_header(bytes)
}
