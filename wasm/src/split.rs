//! `armOf`: the core's A/B split rule for workers that split live traffic (both modules).

use crate::error::code;
use crate::input::{self, Fail};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// Most UTF-16 units of a lead id hashed here (the core's lead string limit in bytes).
const MAX_ID_UNITS: usize = leadroute::limits::Limits::DEFAULT.lead_string_bytes;
/// 2^53: a larger seed would not be the integer the caller wrote.
const MAX_SEED: f64 = 9_007_199_254_740_992.0;

fn number(options: &JsValue, name: &str) -> Result<Option<f64>, Fail> {
    let v = Reflect::get(options, &name.into()).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) => Ok(Some(n)),
        None => Err(Fail::new(
            code::INVALID_OPTIONS,
            format!(
                "armOf: {name} must be a number, found {}",
                input::type_name(&v)
            ),
        )),
    }
}

/// The arm (`"a"` or `"b"`) of a lead id under a split `{ share_b, seed? }`: the same rule
/// as the simulation's split mode, so a live split and its replay agree.
#[wasm_bindgen(js_name = armOf, unchecked_return_type = "\"a\" | \"b\"")]
pub fn arm_of(
    #[wasm_bindgen(unchecked_param_type = "string")] lead_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ share_b: number; seed?: number }")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let id = input::string_arg(&lead_id, "armOf", "leadId", MAX_ID_UNITS)?;
    if !options.is_object() {
        return Err(Fail::new(
            code::INVALID_OPTIONS,
            format!(
                "armOf: options must be an object like {{ share_b: 0.5, seed: 0 }}, found {}",
                input::type_name(&options)
            ),
        )
        .into());
    }
    let share_b = number(&options, "share_b")?
        .filter(|s| (0.0..=1.0).contains(s))
        .ok_or_else(|| {
            Fail::new(
                code::INVALID_OPTIONS,
                "armOf: share_b must be a number from 0 to 1".into(),
            )
        })?;
    let seed = match number(&options, "seed")? {
        None => 0,
        Some(s) if (0.0..MAX_SEED).contains(&s) && s.fract() == 0.0 => s as u64,
        Some(_) => {
            return Err(Fail::new(
                code::INVALID_OPTIONS,
                "armOf: seed must be a whole number from 0 to 2^53 - 1".into(),
            )
            .into())
        }
    };
    Ok(leadroute::split::arm_of(&id, share_b, seed).as_str().into())
}
