//! Errors thrown to JS: every one is an `Error` (or a `TypeError` for an argument of the
//! wrong type) with a stable `err.code` and `err.help`; config errors add `err.errors[]`.

use js_sys::{Array, Object, Reflect};
use leadroute::{ConfigErrors, LeadError, StateError};
use wasm_bindgen::prelude::*;

/// Codes the binding adds to the core's (README, "Error codes").
pub(crate) mod code {
    /// An argument of the wrong JS type (a `TypeError`).
    pub const INVALID_ARGUMENT: &str = "invalid_argument";
    /// A route or simulation options object with a missing or impossible value.
    pub const INVALID_OPTIONS: &str = "invalid_options";
    pub const INVALID_CONFIG: &str = "invalid_config";
    pub const INVALID_SNAPSHOT: &str = "invalid_snapshot";
    /// Reading the caller's own object threw (a getter, a revoked Proxy, an iterator).
    pub const UNREADABLE_INPUT: &str = "unreadable_input";
    /// Not enough wasm memory for this call; nothing was changed.
    pub const OUT_OF_MEMORY: &str = "out_of_memory";
    /// An earlier call was cut short inside the engine (out of memory mid-update).
    pub const INTERRUPTED: &str = "interrupted";
    /// A status name outside the fixed set.
    pub const UNKNOWN_VALUE: &str = "unknown_value";
}

fn with_code(err: &JsValue, code: &str, help: &str) -> JsValue {
    // Setting a property on a fresh Error cannot throw; the results are ignored.
    let _ = Reflect::set(err, &"code".into(), &code.into());
    let _ = Reflect::set(err, &"help".into(), &help.into());
    err.clone()
}

/// An `Error` with `code`.
pub(crate) fn error(code: &str, message: &str) -> JsValue {
    with_code(&js_sys::Error::new(message).into(), code, "")
}

/// A `TypeError` naming the argument: `claim: leadId must be a string, found number`.
pub(crate) fn type_error(message: &str) -> JsValue {
    with_code(
        &js_sys::TypeError::new(message).into(),
        code::INVALID_ARGUMENT,
        "",
    )
}

pub(crate) fn config_error(errors: &ConfigErrors) -> JsValue {
    let err = error(code::INVALID_CONFIG, &errors.to_string());
    let list = Array::new();
    for e in &errors.0 {
        let o = Object::new();
        let _ = Reflect::set(&o, &"code".into(), &e.code.as_str().into());
        let _ = Reflect::set(&o, &"path".into(), &e.path.as_str().into());
        let _ = Reflect::set(&o, &"message".into(), &e.message.as_str().into());
        let _ = Reflect::set(&o, &"help".into(), &e.help.as_str().into());
        list.push(&o);
    }
    let _ = Reflect::set(&err, &"errors".into(), &list);
    err
}

pub(crate) fn lead_error(e: &LeadError) -> JsValue {
    with_code(
        &js_sys::Error::new(&e.to_string()).into(),
        e.code.as_str(),
        &e.help,
    )
}

pub(crate) fn state_error(e: &StateError) -> JsValue {
    with_code(
        &js_sys::Error::new(&e.message).into(),
        e.code.as_str(),
        &e.help,
    )
}

/// A snapshot that cannot be restored, whatever the core's reason.
pub(crate) fn snapshot_error(e: &StateError) -> JsValue {
    with_code(
        &js_sys::Error::new(&e.message).into(),
        code::INVALID_SNAPSHOT,
        &e.help,
    )
}
