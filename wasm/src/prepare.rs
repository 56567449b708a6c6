//! `Preparer`: parses and classifies slices of a leads file anywhere (one Web Worker a
//! core) into binary batches that one `Simulation` feeds in order (`feedPrepared`). The
//! cutters say where a slice may end, so JS never decides where a record ends.

use crate::error::{code, config_error, error};
use crate::input::{self, Feed};
use crate::router::config_text;
use leadroute::report::prepared;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_PREPARE: &'static str = r#"
/** Where a slice of the input may end: past the last whole record, and the newlines before that end. */
export interface Cut { end: number; lines: number }
/** A CSV file's header record, and where its data starts. */
export interface CsvStart { header: string; end: number; firstLine: number }
"#;

/// Parses and classifies slices of the input for one config and one simulation's options.
#[wasm_bindgen(js_name = Preparer)]
pub struct Preparer {
    router: leadroute::Router,
    prep: prepared::Preparer,
}

fn bytes_of(input: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    Ok(match input::feed(input, what)? {
        Feed::Bytes(b) => b,
        Feed::Text(t) => t.into_bytes(),
    })
}

fn line_of(first_line: f64) -> Result<u64, JsValue> {
    if first_line.is_finite() && first_line >= 1.0 && first_line.fract() == 0.0 && first_line < 9e15
    {
        Ok(first_line as u64)
    } else {
        Err(error(
            code::INVALID_ARGUMENT,
            &format!("firstLine must be a whole number from 1, found {first_line}"),
        ))
    }
}

fn cut_js(cut: prepared::Cut) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"end".into(), &(cut.end as f64).into());
    let _ = js_sys::Reflect::set(&o, &"lines".into(), &(cut.lines as f64).into());
    o.into()
}

#[wasm_bindgen(js_class = Preparer)]
impl Preparer {
    /// Compiles the config (throws like `new Simulation`); `options` are the options of
    /// the simulation that will feed the batches.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SimulationOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<Preparer, JsValue> {
        let opts = crate::simulation::options_of(options)?;
        let text = config_text(&config)?;
        let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
        let prep = prepared::Preparer::new(&router, &opts);
        Ok(Preparer { router, prep })
    }

    /// Where JSONL bytes that start at a line boundary may be cut: after the last newline.
    #[wasm_bindgen(js_name = cutJsonl, unchecked_return_type = "Cut")]
    pub fn cut_jsonl(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    ) -> Result<JsValue, JsValue> {
        Ok(cut_js(prepared::cut_jsonl(&bytes_of(
            &bytes,
            "JSONL input",
        )?)))
    }

    /// Where CSV data bytes that start at a record boundary may be cut: after the last
    /// newline outside quotes (read with the delimiter of `header`).
    #[wasm_bindgen(js_name = cutCsv, unchecked_return_type = "Cut")]
    pub fn cut_csv(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
        header: &str,
    ) -> Result<JsValue, JsValue> {
        Ok(cut_js(prepared::cut_csv(
            &bytes_of(&bytes, "CSV input")?,
            header,
        )))
    }

    /// The header record of a CSV file from its first bytes; null until they hold it whole.
    #[wasm_bindgen(js_name = csvStart, unchecked_return_type = "CsvStart | null")]
    pub fn csv_start(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    ) -> Result<JsValue, JsValue> {
        let Some(s) = prepared::csv_start(&bytes_of(&bytes, "CSV input")?) else {
            return Ok(JsValue::NULL);
        };
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"header".into(), &s.header.as_str().into());
        let _ = js_sys::Reflect::set(&o, &"end".into(), &(s.end as f64).into());
        let _ = js_sys::Reflect::set(&o, &"firstLine".into(), &(s.first_line as f64).into());
        Ok(o.into())
    }

    /// A batch from JSONL bytes holding whole lines, the first on line `firstLine`.
    #[wasm_bindgen(js_name = prepareJsonl)]
    pub fn prepare_jsonl(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
        #[wasm_bindgen(js_name = firstLine)] first_line: f64,
    ) -> Result<Vec<u8>, JsValue> {
        let line = line_of(first_line)?;
        let bytes = bytes_of(&bytes, "JSONL input")?;
        input::ensure_free(bytes.len().saturating_mul(3))?;
        Ok(self.prep.jsonl(&self.router, &bytes, line))
    }

    /// A batch from CSV data records holding whole records (no header), read with the
    /// file's `header` record and `mapping` (CSV header to config field).
    #[wasm_bindgen(js_name = prepareCsv)]
    pub fn prepare_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
        #[wasm_bindgen(js_name = firstLine)] first_line: f64,
        header: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, string> | null")]
        mapping: Option<JsValue>,
    ) -> Result<Vec<u8>, JsValue> {
        let line = line_of(first_line)?;
        let mapping: BTreeMap<String, String> =
            crate::simulation::mapping_of(mapping)?.unwrap_or_default();
        let bytes = bytes_of(&bytes, "CSV input")?;
        input::ensure_free(bytes.len().saturating_mul(3))?;
        Ok(self.prep.csv(&self.router, &bytes, line, header, &mapping))
    }
}
