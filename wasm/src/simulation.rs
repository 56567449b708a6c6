//! `Simulation`: a replay of past leads through a fresh router (the rules dashboard).
//! Inputs are read into Rust before the simulation is borrowed, as in `Router`.

use crate::error::{code, config_error, error};
use crate::input::{self, ensure_free, Feed};
use crate::router::{config_text, UPDATE_HEADROOM};
use crate::to_js;
use std::cell::{RefCell, RefMut};
use wasm_bindgen::prelude::*;

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
    sim: RefCell<leadroute::report::Simulation>,
}

/// A JSON value given as a string or a plain object, read into `T`.
fn from_js_json<T: serde::de::DeserializeOwned>(
    value: &JsValue,
    what: &str,
    code: &str,
) -> Result<T, JsValue> {
    let text = input::json_text(value, what, 16 << 20, code::INVALID_ARGUMENT)?;
    serde_json::from_str(&text).map_err(|e| error(code, &format!("invalid {what}: {e}")))
}

/// The simulation grows with what it is fed (held leads, sampled decisions): a chunk is
/// refused before it is routed when its size again is not free.
fn room_for(feed: &Feed) -> Result<(), JsValue> {
    let len = match feed {
        Feed::Bytes(b) => b.len(),
        Feed::Text(t) => t.len(),
    };
    Ok(ensure_free(UPDATE_HEADROOM.saturating_add(len))?)
}

impl Simulation {
    fn sim(&self) -> Result<RefMut<'_, leadroute::report::Simulation>, JsValue> {
        self.sim.try_borrow_mut().map_err(|_| {
            error(
                code::INTERRUPTED,
                "this simulation was interrupted in the middle of an update (out of memory): start a new one",
            )
        })
    }

    fn comparison(&self, other: &Simulation) -> Result<leadroute::report::Comparison, JsValue> {
        if std::ptr::eq(self, other) {
            let mut a = self.sim()?;
            a.finish(&self.router);
            let r = a.report(&self.router);
            return Ok(leadroute::report::compare(&r, &r));
        }
        let (mut a, mut b) = (self.sim()?, other.sim()?);
        a.finish(&self.router);
        b.finish(&other.router);
        let ra = a.report(&self.router);
        let rb = b.report(&other.router);
        Ok(leadroute::report::compare(&ra, &rb))
    }
}

#[wasm_bindgen(js_class = Simulation)]
impl Simulation {
    /// Validates and compiles the config (throws like `new Router`) and starts empty.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SimulationOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<Simulation, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let text = config_text(&config)?;
        let opts = if options.is_undefined() || options.is_null() {
            leadroute::report::SimOptions::default()
        } else {
            from_js_json(&options, "simulation options", code::INVALID_OPTIONS)?
        };
        let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
        let sim = leadroute::report::Simulation::new(&router, opts);
        Ok(Simulation {
            router,
            sim: RefCell::new(sim),
        })
    }

    /// Feeds JSONL: raw UTF-8 bytes (a file's slices as they are read: the fast path,
    /// one copy into wasm memory) or text; returns the number of leads routed so far.
    #[wasm_bindgen(js_name = feedJsonl)]
    pub fn feed_jsonl(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
    ) -> Result<f64, JsValue> {
        let feed = input::feed(&input, "JSONL input")?;
        room_for(&feed)?;
        let mut sim = self.sim()?;
        match feed {
            Feed::Bytes(b) => sim.feed_jsonl_bytes(&self.router, &b),
            Feed::Text(t) => sim.feed_jsonl(&self.router, &t),
        }
        Ok(sim.leads() as f64)
    }

    /// Feeds CSV text (the header first); `mapping` renames CSV headers to config fields.
    #[wasm_bindgen(js_name = feedCsv)]
    pub fn feed_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, string> | null")]
        mapping: Option<JsValue>,
    ) -> Result<f64, JsValue> {
        let mapping = mapping.unwrap_or(JsValue::UNDEFINED);
        let mapping: Option<std::collections::BTreeMap<String, String>> =
            if mapping.is_undefined() || mapping.is_null() {
                None
            } else {
                Some(from_js_json(
                    &mapping,
                    "column mapping",
                    code::INVALID_ARGUMENT,
                )?)
            };
        let feed = input::feed(&input, "CSV input")?;
        room_for(&feed)?;
        let mut sim = self.sim()?;
        match feed {
            Feed::Bytes(b) => sim.feed_csv_bytes(&self.router, &b, mapping.as_ref()),
            Feed::Text(t) => sim.feed_csv(&self.router, &t, mapping.as_ref()),
        }
        Ok(sim.leads() as f64)
    }

    /// The end of the input: routes what is still held for ordering.
    pub fn finish(&self) -> Result<(), JsValue> {
        self.sim()?.finish(&self.router);
        Ok(())
    }

    /// Leads routed so far.
    #[wasm_bindgen(getter)]
    pub fn leads(&self) -> Result<f64, JsValue> {
        Ok(self.sim()?.leads() as f64)
    }

    /// Finishes the input and returns the report.
    #[wasm_bindgen(unchecked_return_type = "SimulationReport")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        let report = {
            let mut sim = self.sim()?;
            sim.finish(&self.router);
            sim.report(&self.router)
        };
        to_js(&report)
    }

    /// Finishes the input and returns the report as CSV text (`section,key,metric,value`).
    #[wasm_bindgen(js_name = reportCsv)]
    pub fn report_csv(&self) -> Result<String, JsValue> {
        let mut sim = self.sim()?;
        sim.finish(&self.router);
        Ok(leadroute::report::report_csv(&sim.report(&self.router)))
    }

    /// This simulation (A) against `other` (B): every metric with the difference, and
    /// two-proportion z-tests on conversion. Finishes both inputs.
    #[wasm_bindgen(unchecked_return_type = "ReportComparison")]
    pub fn compare(&self, other: &Simulation) -> Result<JsValue, JsValue> {
        to_js(&self.comparison(other)?)
    }

    /// `compare` as CSV text (`metric,a,b,diff,a_rate,b_rate`, then the tests).
    #[wasm_bindgen(js_name = compareCsv)]
    pub fn compare_csv(&self, other: &Simulation) -> Result<String, JsValue> {
        Ok(leadroute::report::comparison_csv(&self.comparison(other)?))
    }
}

/// The header row of a CSV file's first bytes (or text), read by the core's CSV reader,
/// each name as a column mapping must spell it: the dashboard never splits CSV itself.
#[wasm_bindgen(js_name = csvHeader)]
pub fn csv_header(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
) -> Result<Vec<String>, JsValue> {
    Ok(match input::feed(&input, "CSV input")? {
        Feed::Bytes(b) => leadroute::report::csv_header(&b),
        Feed::Text(t) => leadroute::report::csv_header(t.as_bytes()),
    })
}
