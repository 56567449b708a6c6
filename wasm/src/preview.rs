//! What the dashboard's editors preview before a run: a text condition as the tree the
//! condition builder edits, and a CSV file's first rows as the mapping screen shows them.

use crate::input::{self, Feed};
use crate::to_js;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The first `max` records (header included, at most 50) of a CSV file's first bytes,
/// cut and split exactly as a simulation reads them: the page never splits CSV itself.
#[wasm_bindgen(js_name = csvHead)]
pub fn csv_head(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
    max: u32,
) -> Result<Vec<js_sys::Array>, JsValue> {
    let rows = match input::feed(&input, "CSV input")? {
        Feed::Bytes(b) => leadroute::report::csv_head(&b, max.min(50) as usize),
        Feed::Text(t) => leadroute::report::csv_head(t.as_bytes(), max.min(50) as usize),
    };
    Ok(rows
        .into_iter()
        .map(|r| r.into_iter().map(JsValue::from).collect())
        .collect())
}
/// A text condition read by the core's parser into the JSON condition tree the
/// dashboard's condition builder edits: `{ ok: true, tree }` or `{ ok: false, line,
/// column, message }`. Never throws; field and operator checks stay with `validate`.
#[wasm_bindgen(js_name = parseCondition, unchecked_return_type = "ParsedCondition")]
pub fn parse_condition(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> JsValue {
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Out {
        Ok {
            ok: bool,
            tree: serde_json::Value,
        },
        Err {
            ok: bool,
            line: u32,
            column: u32,
            message: String,
        },
    }
    let out = match text.as_string() {
        None => Out::Err {
            ok: false,
            line: 1,
            column: 1,
            message: "the condition must be a string".into(),
        },
        Some(t) => match leadroute::condition::text::parse(&t) {
            Ok(tree) => Out::Ok { ok: true, tree },
            Err(e) => Out::Err {
                ok: false,
                line: e.line,
                column: e.column,
                message: e.message,
            },
        },
    };
    to_js(&out).unwrap_or(JsValue::NULL)
}

/// A condition tree in the core's condition syntax (the builder's text mode), or `null`
/// when the tree has no exact text form. Never throws.
#[wasm_bindgen(js_name = conditionText, unchecked_return_type = "string | null")]
pub fn condition_text(#[wasm_bindgen(unchecked_param_type = "unknown")] tree: JsValue) -> JsValue {
    if let Some(s) = tree.as_string() {
        return JsValue::from(s);
    }
    let text = input::json_text(
        &tree,
        "condition",
        leadroute::Limits::DEFAULT.config_bytes,
        leadroute::error::ConfigCode::TooLarge.as_str(),
    );
    text.ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| leadroute::condition::text::print(&v))
        .map_or(JsValue::NULL, JsValue::from)
}
