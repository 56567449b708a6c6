//! Reading the caller's JS values into Rust-owned data, before any engine state is
//! touched: every call into JS that can throw (getters, Proxy traps, iterators) is a
//! caught import, and every copy into wasm memory is checked against free memory first.

use crate::error::{code, error, type_error};
use js_sys::{Array, JsString, Reflect};
use leadroute::error::LeadCode;
use leadroute::RouteOptions;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = from, catch)]
    fn array_from(v: &JsValue) -> Result<Array, JsValue>;
    /// `[object Map]`, `[object Uint8Array]`, ...: what the value really is.
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "toString"], js_name = call, catch)]
    fn object_tag(v: &JsValue) -> Result<JsString, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = entries, catch)]
    fn object_entries(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn stringify(v: &JsValue) -> Result<JsValue, JsValue>;

    /// The options object; getters read its properties directly in the JS glue
    /// instead of passing key strings across the boundary on every call.
    type OptionsObject;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn now(this: &OptionsObject) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn trace(this: &OptionsObject) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn stateless(this: &OptionsObject) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn time(this: &OptionsObject) -> Result<JsValue, JsValue>;
}

/// A failure to read an input, before it is thrown or listed in a batch result.
pub(crate) struct Fail {
    pub code: &'static str,
    pub message: String,
    /// Thrown as a `TypeError` (an argument of the wrong type).
    pub wrong_type: bool,
}

impl Fail {
    pub fn new(code: &'static str, message: String) -> Self {
        Fail {
            code,
            message,
            wrong_type: false,
        }
    }
    fn wrong_type(message: String) -> Self {
        Fail {
            code: code::INVALID_ARGUMENT,
            message,
            wrong_type: true,
        }
    }
    pub fn into_js(self) -> JsValue {
        if self.wrong_type {
            type_error(&self.message)
        } else {
            error(self.code, &self.message)
        }
    }
}

impl From<Fail> for JsValue {
    fn from(f: Fail) -> JsValue {
        f.into_js()
    }
}

/// How a JS value is described in messages, without anything that can throw.
pub(crate) fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if v.is_undefined() {
        "undefined".into()
    } else if is_array(v).unwrap_or(false) {
        "an array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// What a thrown value says, shortened: the caller's `Error` message or its string.
fn thrown(e: &JsValue) -> String {
    let text = |s: &JsValue| -> Option<String> {
        let s = s.dyn_ref::<JsString>()?;
        let short = if s.length() > 200 {
            s.slice(0, 200)
        } else {
            s.clone()
        };
        short.as_string()
    };
    if let Some(s) = text(e) {
        return s;
    }
    match Reflect::get(e, &"message".into()) {
        Ok(m) => text(&m).unwrap_or_else(|| "a value that is not an Error".into()),
        Err(_) => "a value that is not an Error".into(),
    }
}

fn unreadable(what: &str, e: &JsValue) -> Fail {
    Fail::new(
        code::UNREADABLE_INPUT,
        format!("{what}: reading it threw: {}", thrown(e)),
    )
}

/// Fails when `bytes` more cannot be allocated, instead of trapping the module halfway
/// through a call. The probe is given back at once; the memory stays for the call.
pub(crate) fn ensure_free(bytes: usize) -> Result<(), Fail> {
    let mut probe: Vec<u8> = Vec::new();
    probe.try_reserve_exact(bytes).map_err(|_| {
        Fail::new(
            code::OUT_OF_MEMORY,
            format!("out of memory: this call needs about {bytes} bytes of wasm memory; nothing was changed"),
        )
    })
}

/// Copies a JS string into wasm memory, refusing it before any copy when it has more
/// than `max_units` UTF-16 units or the memory is not there.
fn copy_string(
    s: &JsString,
    max_units: usize,
    too_long: &'static str,
    what: &str,
) -> Result<String, Fail> {
    let units = s.length() as usize;
    if units > max_units {
        return Err(Fail::new(
            too_long,
            format!("{what} is {units} characters long, more than the limit of {max_units}"),
        ));
    }
    // UTF-8 needs at most 3 bytes a unit; the glue may grow its buffer once.
    ensure_free(units * 4)?;
    Ok(s.as_string().unwrap_or_default())
}

/// A string argument (an id, a pool, a rep): a `TypeError` naming it for anything else,
/// before anything is allocated.
pub(crate) fn string_arg(
    v: &JsValue,
    call: &str,
    name: &str,
    max_units: usize,
) -> Result<String, Fail> {
    let Some(s) = v.dyn_ref::<JsString>() else {
        return Err(Fail::wrong_type(format!(
            "{call}: {name} must be a string, found {}",
            type_name(v)
        )));
    };
    copy_string(
        s,
        max_units,
        code::INVALID_ARGUMENT,
        &format!("{call}: {name}"),
    )
}

/// `{ now, trace?, stateless? }`, every property read once.
pub(crate) fn options(value: &JsValue) -> Result<RouteOptions, Fail> {
    if !value.is_object() {
        return Err(Fail::wrong_type(format!(
            "options must be an object like {{ now: Date.now() }}, found {}",
            type_name(value)
        )));
    }
    let o: &OptionsObject = value.unchecked_ref();
    let read = |r: Result<JsValue, JsValue>, key: &str| {
        r.map_err(|e| unreadable(&format!("options.{key}"), &e))
    };
    let now = read(o.now(), "now")?;
    let now = match now.as_f64() {
        // The core says what is plausible (and what a wrong unit looks like).
        Some(n) => leadroute::clock::check_now(n)
            .map_err(|m| Fail::new(code::INVALID_OPTIONS, format!("options.{m}")))?,
        None => {
            return Err(Fail::new(
                code::INVALID_OPTIONS,
                format!(
                    "options.now is required: ms since the epoch (e.g. Date.now()), found {}",
                    type_name(&now)
                ),
            ))
        }
    };
    let trace = read(o.trace(), "trace")?.as_bool().unwrap_or(true);
    let stateless = read(o.stateless(), "stateless")?.as_bool().unwrap_or(false);
    Ok(RouteOptions {
        now,
        trace,
        stateless,
    })
}

/// `options.time`: `"created_at"` routes each lead at its own `created_at` (when it has
/// a plausible one), anything else absent is `now`.
pub(crate) fn by_created_at(value: &JsValue) -> Result<bool, Fail> {
    if !value.is_object() {
        return Ok(false);
    }
    let o: &OptionsObject = value.unchecked_ref();
    let t = o.time().map_err(|e| unreadable("options.time", &e))?;
    match t.as_string().as_deref() {
        None if t.is_undefined() || t.is_null() => Ok(false),
        Some("now") => Ok(false),
        Some("created_at") => Ok(true),
        _ => Err(Fail::new(
            code::INVALID_OPTIONS,
            "options.time must be \"now\" (default) or \"created_at\"".to_string(),
        )),
    }
}

/// JSON text of a config, snapshot or options object given as a string or a plain object.
pub(crate) fn json_text(
    value: &JsValue,
    what: &str,
    max_units: usize,
    too_long: &'static str,
) -> Result<String, Fail> {
    if let Some(s) = value.dyn_ref::<JsString>() {
        return copy_string(s, max_units, too_long, what);
    }
    if !value.is_object() || is_array(value).unwrap_or(false) {
        return Err(Fail::wrong_type(format!(
            "{what} must be an object or a JSON string, found {}",
            type_name(value)
        )));
    }
    let text = stringify(value).map_err(|e| unreadable(what, &e))?;
    match text.dyn_ref::<JsString>() {
        Some(s) => copy_string(s, max_units, too_long, what),
        None => Err(Fail::new(
            code::INVALID_ARGUMENT,
            format!("{what} cannot be converted to JSON"),
        )),
    }
}

/// The elements of a list argument, read through its iterator once into a plain array.
pub(crate) fn list(value: &JsValue, what: &str) -> Result<Array, Fail> {
    match is_array(value) {
        Ok(true) => array_from(value).map_err(|e| unreadable(what, &e)),
        Ok(false) => Err(Fail::wrong_type(format!(
            "{what} must be an array, found {}",
            type_name(value)
        ))),
        Err(e) => Err(unreadable(what, &e)),
    }
}

/// The lead as JSON text. Strings pass through; a plain object is stringified natively
/// (through a caught import: a throwing getter or Proxy trap is this lead's error).
pub(crate) fn lead_text(lead: &JsValue, max_units: usize) -> Result<String, Fail> {
    let lead_code = LeadCode::InvalidLead.as_str();
    let invalid = |m: String| Fail::new(lead_code, m);
    if let Some(s) = lead.dyn_ref::<JsString>() {
        return copy_string(s, max_units, lead_code, "invalid lead: the JSON text");
    }
    if !lead.is_object() || lead.is_function() {
        return Err(invalid(format!(
            "invalid lead: expected an object, found {}",
            type_name(lead)
        )));
    }
    // One call tells a plain object from an array (also behind a Proxy) and built-ins.
    let tag = object_tag(lead).map_err(|e| unreadable("invalid lead", &e))?;
    let tag = tag.as_string().unwrap_or_default();
    if tag == "[object Array]" {
        return Err(invalid(
            "invalid lead: expected an object, found an array".into(),
        ));
    }
    if tag != "[object Object]" {
        // A Map, a typed array, a Date, a RegExp... would stringify to `{}` or worse.
        let kind = tag
            .strip_prefix("[object ")
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or("object");
        return Err(invalid(format!(
            "invalid lead: expected a plain object of fields, found a {kind}"
        )));
    }
    let text = stringify(lead).map_err(|e| unreadable("invalid lead", &e))?;
    let Some(text) = text.dyn_ref::<JsString>() else {
        return Err(invalid("invalid lead: cannot be converted to JSON".into()));
    };
    let text = copy_string(text, max_units, lead_code, "invalid lead: its JSON text")?;
    // JSON.stringify turns NaN and Infinity into null silently: only then look closer,
    // reading the fields a second time (still before the router is touched).
    if text.contains("null") {
        let entries = object_entries(lead).map_err(|e| unreadable("invalid lead", &e))?;
        for entry in entries.iter() {
            let pair: &Array = entry.unchecked_ref();
            if let Some(n) = pair.get(1).as_f64() {
                if !n.is_finite() {
                    let key = pair.get(0).as_string().unwrap_or_default();
                    let key = leadroute::lead::preview(&key);
                    let shown = if n.is_nan() {
                        "NaN"
                    } else if n > 0.0 {
                        "inf"
                    } else {
                        "-inf"
                    };
                    return Err(invalid(format!(
                        "invalid lead: field \"{key}\": expected a finite number, found {shown}"
                    )));
                }
            }
        }
    }
    Ok(text)
}

/// What a simulation is fed.
#[cfg(feature = "full")]
pub(crate) enum Feed {
    Bytes(Vec<u8>),
    Text(String),
}

/// Bytes (a Uint8Array or ArrayBuffer, copied into wasm memory in one go) or text.
#[cfg(feature = "full")]
pub(crate) fn feed(v: &JsValue, what: &str) -> Result<Feed, Fail> {
    let bytes = |a: js_sys::Uint8Array| -> Result<Feed, Fail> {
        ensure_free(a.length() as usize)?;
        Ok(Feed::Bytes(a.to_vec()))
    };
    // `instanceof` in the glue is guarded: a revoked Proxy is simply neither.
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        return bytes(a.clone());
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return bytes(js_sys::Uint8Array::new(b));
    }
    match v.dyn_ref::<JsString>() {
        Some(s) => Ok(Feed::Text(copy_string(
            s,
            usize::MAX,
            code::INVALID_ARGUMENT,
            what,
        )?)),
        None => Err(Fail::wrong_type(format!(
            "{what} must be a Uint8Array, an ArrayBuffer or a string, found {}",
            type_name(v)
        ))),
    }
}
