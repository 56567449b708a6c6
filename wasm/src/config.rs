//! Config checks without a router: `validate` (never throws) and `publicConfig`.

use crate::error::config_error;
use crate::router::config_text;
use crate::to_js;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The config with everything private removed (rep emails and phones, performance
/// figures, account lists, CRM settings): safe to ship to a browser for previews.
#[wasm_bindgen(js_name = publicConfig, unchecked_return_type = "Config")]
pub fn public_config(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let text = config_text(&config)?;
    let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
    to_js(&router.into_config().into_public())
}

/// One problem as `validate` lists it: the core's, or the binding's when the value
/// could not be read as a config at all (its code is then the thrown error's).
#[derive(Serialize)]
struct Problem<'a> {
    code: &'a str,
    path: &'a str,
    message: String,
    help: &'a str,
}

/// Checks a config without throwing: `{ ok, errors: [{ code, path, message, help }],
/// warnings: [...] }` (warnings only when it compiles).
#[wasm_bindgen(unchecked_return_type = "ValidationResult")]
pub fn validate(#[wasm_bindgen(unchecked_param_type = "unknown")] config: JsValue) -> JsValue {
    #[derive(Serialize)]
    struct Out<'a> {
        ok: bool,
        errors: Vec<Problem<'a>>,
        warnings: Vec<leadroute::model::compile::warnings::ConfigWarning>,
    }
    let mut warnings = Vec::new();
    let found = match config_text(&config) {
        Ok(text) => match leadroute::Router::from_json(&text) {
            Ok(r) => {
                warnings = r.warnings();
                Ok(Vec::new())
            }
            Err(e) => Ok(e.0),
        },
        Err(e) => Err(e),
    };
    let errors = match &found {
        Ok(list) => list
            .iter()
            .map(|e| Problem {
                code: e.code.as_str(),
                path: &e.path,
                message: e.message.clone(),
                help: &e.help,
            })
            .collect(),
        Err(f) => vec![Problem {
            code: f.code,
            path: "",
            message: f.message.clone(),
            help: "",
        }],
    };
    to_js(&Out {
        ok: errors.is_empty(),
        errors,
        warnings,
    })
    .unwrap_or(JsValue::NULL)
}

/// The config as the per-team edge object `key` (`team:<id>` or `rest`) runs it: each
/// rep's caps (and each conditional cap) replaced by that object's share, the core's cap
/// protocol (`leadroute::shares`), so the worker never restates it.
#[wasm_bindgen(js_name = shareConfig, unchecked_return_type = "Config")]
pub fn share_config(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
    key: String,
) -> Result<JsValue, JsValue> {
    let value = config_value(&config)?;
    to_js(&leadroute::shares::share_config(&value, &key))
}

/// Rep id -> the object keys that own a share of the rep's caps (`team:<id>`, `rest`).
#[wasm_bindgen(js_name = capHomes, unchecked_return_type = "Record<string, string[]>")]
pub fn cap_homes(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let value = config_value(&config)?;
    let homes: serde_json::Map<String, serde_json::Value> = leadroute::shares::homes(&value)
        .into_iter()
        .map(|(rep, keys)| (rep, keys.into()))
        .collect();
    to_js(&homes)
}

/// The config's JSON, once it compiles (so a share is only ever made of a valid config and
/// a bad one throws the same typed errors as `new Router`).
fn config_value(config: &JsValue) -> Result<serde_json::Value, JsValue> {
    let text = config_text(config)?;
    leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
    serde_json::from_str(&text).map_err(|e| {
        crate::input::Fail::new(
            leadroute::error::ConfigCode::InvalidJson.as_str(),
            format!("config is not JSON: {e}"),
        )
        .into()
    })
}
