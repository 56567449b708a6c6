//! The binding under real JS engines (Node and headless Chromium): conversions,
//! thrown errors with every problem, and hostile inputs that must not break the
//! router instance. Runs with `wasm-pack test --node` and `--headless --chrome`.

use crate::{validate, Router};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

const CONFIG: &str = r#"{
  "fields": {"country": "string", "company_size": "number", "email": "string"},
  "reps": [{"id": "ana", "name": "Ana"}, {"id": "ben", "name": "Ben"}],
  "teams": [{"id": "sales", "members": ["ana", "ben"]}],
  "screening": {"rules": [{"id": "free", "when": "email is free_email", "reason": "free email"}]},
  "rules": [{"id": "all", "team": "sales"}],
  "fallback": "ana"
}"#;

const NOW: f64 = 1_793_631_600_000.0; // 2026-11-02T15:00:00Z

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn opts() -> JsValue {
    js(&format!("{{\"now\": {NOW}}}"))
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn message(e: &JsValue) -> String {
    js_sys::Error::from(e.clone())
        .message()
        .as_string()
        .unwrap()
}

fn router() -> Router {
    Router::new(CONFIG.into(), None).unwrap()
}

fn rep_of(r: &Router, id: &str) -> String {
    let d = r
        .route(js(&format!("{{\"id\": \"{id}\"}}")), opts())
        .unwrap();
    get(&d, "rep").as_string().unwrap()
}

#[wasm_bindgen_test]
fn routes_objects_and_json_strings_in_rotation() {
    let r = router();
    assert_eq!(rep_of(&r, "L1"), "ana");
    let d = r.route("{\"id\": \"L2\"}".into(), opts()).unwrap();
    assert_eq!(get(&d, "rep").as_string().unwrap(), "ben");
    assert_eq!(get(&d, "outcome").as_string().unwrap(), "assigned");
    assert_eq!(get(&d, "rep_name").as_string().unwrap(), "Ben");
    let trace = get(&d, "trace");
    let cands = Array::from(&get(&trace, "candidates"));
    assert_eq!(cands.length(), 2);
    assert_eq!(rep_of(&r, "L3"), "ana");
}

#[wasm_bindgen_test]
fn config_object_and_errors_listing_every_problem() {
    let ok = Router::new(js(CONFIG), None);
    assert!(ok.is_ok());
    let bad = r#"{"reps": [{"id": "ana"}], "teams": [{"id": "t", "members": ["anna", "bob"]}], "fallback": "ann"}"#;
    let err = Router::new(bad.into(), None).err().unwrap();
    assert_eq!(
        message(&err),
        "invalid config: 3 problems\nteams[0].members[0]: unknown rep \"anna\" (did you mean \"ana\"?)\nteams[0].members[1]: unknown rep \"bob\"\nfallback: unknown rep \"ann\" (did you mean \"ana\"?)"
    );
    let list = Array::from(&get(&err, "errors"));
    assert_eq!(list.length(), 3);
    assert_eq!(get(&list.get(2), "path").as_string().unwrap(), "fallback");
    let v = validate(bad.into());
    assert_eq!(get(&v, "ok"), JsValue::FALSE);
    assert_eq!(Array::from(&get(&v, "errors")).length(), 3);
    let v = validate(js(CONFIG));
    assert_eq!(get(&v, "ok"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn batch_keeps_going_past_a_bad_lead() {
    let r = router();
    let leads = js(
        r#"[{"id": "A"}, {"id": "B", "company_size": "many"}, 42, {"id": "C", "email": "x@gmail.com"}, {"id": "D"}]"#,
    );
    let out = Array::from(&r.route_batch(leads, opts()).unwrap());
    assert_eq!(out.length(), 5);
    assert_eq!(
        get(&get(&out.get(0), "decision"), "rep")
            .as_string()
            .unwrap(),
        "ana"
    );
    assert_eq!(get(&out.get(1), "ok"), JsValue::FALSE);
    assert_eq!(
        get(&out.get(1), "error").as_string().unwrap(),
        "invalid lead: field \"company_size\": expected a number, found \"many\""
    );
    assert_eq!(
        get(&out.get(2), "error").as_string().unwrap(),
        "invalid lead: expected an object, found number"
    );
    assert_eq!(
        get(&get(&out.get(3), "decision"), "outcome")
            .as_string()
            .unwrap(),
        "rejected"
    );
    assert_eq!(
        get(&get(&out.get(4), "decision"), "rep")
            .as_string()
            .unwrap(),
        "ben"
    );
}

#[wasm_bindgen_test]
fn snapshot_restores_the_rotation() {
    let a = router();
    rep_of(&a, "L1");
    let snap = a.snapshot().unwrap();
    let b = Router::new(CONFIG.into(), Some(snap.clone())).unwrap();
    let c = Router::new(CONFIG.into(), Some(JSON::stringify(&snap).unwrap().into())).unwrap();
    for i in 0..5 {
        let id = format!("N{i}");
        let want = rep_of(&a, &id);
        assert_eq!(rep_of(&b, &id), want);
        assert_eq!(rep_of(&c, &id), want);
    }
    let bad = Router::new(CONFIG.into(), Some(js(r#"{"version": 99}"#)))
        .err()
        .unwrap();
    assert_eq!(
        message(&bad),
        "snapshot version 99 is not supported (this build reads versions 1 to 4)"
    );
}

/// Hostile values through every entry point: each is a clear error, never a crash,
/// and the same router keeps routing correctly afterwards.
#[wasm_bindgen_test]
fn hostile_inputs_are_errors_and_the_router_survives() {
    let r = router();
    assert_eq!(rep_of(&r, "first"), "ana");
    let huge = "x".repeat(2 * 1024 * 1024);
    let big_lead = Object::new();
    Reflect::set(&big_lead, &"id".into(), &"big".into()).unwrap();
    Reflect::set(&big_lead, &"country".into(), &huge.as_str().into()).unwrap();
    let many_fields = Object::new();
    for i in 0..2000 {
        Reflect::set(&many_fields, &format!("f{i}").into(), &JsValue::from(i)).unwrap();
    }
    let nan_size = Object::new();
    Reflect::set(&nan_size, &"company_size".into(), &JsValue::from(f64::NAN)).unwrap();
    let inf_size = Object::new();
    Reflect::set(
        &inf_size,
        &"company_size".into(),
        &JsValue::from(f64::INFINITY),
    )
    .unwrap();
    let cases: Vec<(JsValue, &str)> = vec![
        (JsValue::NULL, "invalid lead: expected an object, found null"),
        (JsValue::UNDEFINED, "invalid lead: expected an object, found undefined"),
        (JsValue::from(f64::NAN), "invalid lead: expected an object, found number"),
        (JsValue::TRUE, "invalid lead: expected an object, found boolean"),
        (js("[1,2]"), "invalid lead: expected an object, found an array"),
        (big_lead.into(), "invalid lead: field \"country\": string of 2097152 bytes is longer than the limit of 65536 bytes"),
        (many_fields.into(), "invalid lead: more than 500 fields"),
        (nan_size.into(), "invalid lead: field \"company_size\": expected a finite number, found NaN"),
        (inf_size.into(), "invalid lead: field \"company_size\": expected a finite number, found inf"),
        (js(r#"{"country": {"nested": true}}"#), "invalid lead: field \"country\": expected a string, found an object"),
        ("{not json".into(), "invalid lead: key must be a string"),
    ];
    for (lead, want) in cases {
        let err = r.route(lead, opts()).expect_err(want);
        assert_eq!(message(&err), want);
    }
    // Options.
    for (o, want) in [
        (
            JsValue::UNDEFINED,
            "options must be an object like { now: Date.now() }, found undefined",
        ),
        (
            js("{}"),
            "options.now is required: ms since the epoch (e.g. Date.now()), found undefined",
        ),
        (
            js(r#"{"now": "today"}"#),
            "options.now is required: ms since the epoch (e.g. Date.now()), found string",
        ),
        (
            js("{\"now\": 1e300}"),
            "options.now must be ms since the epoch between 2000-01-01 and 2200-01-01, found 1e300",
        ),
    ] {
        let err = r.route(js("{}"), o).err().unwrap();
        assert_eq!(message(&err), want);
    }
    // Prototype-pollution keys are plain unknown keys; unicode is data.
    let d = r
        .route(js(r#"{"id": "🦀-ünï", "__proto__": {"polluted": 1}, "constructor": "x", "country": "Ünïcödé\u0000"}"#), opts())
        .unwrap();
    assert_eq!(get(&d, "lead_id").as_string().unwrap(), "🦀-ünï");
    assert_eq!(get(&d, "rep").as_string().unwrap(), "ben");
    assert!(Reflect::get(&Object::new(), &"polluted".into())
        .unwrap()
        .is_undefined());
    // Bad configs and snapshots.
    for (c, want) in [
        (JsValue::NULL, "config must be an object or a JSON string, found null"),
        (JsValue::from(3), "config must be an object or a JSON string, found number"),
        ("".into(), "invalid config: 1 problem\ninvalid JSON at line 1, column 0: EOF while parsing a value"),
    ] {
        assert_eq!(message(&Router::new(c, None).err().unwrap()), want);
    }
    for (s, want) in [
        ("[]", "invalid snapshot: missing \"version\""),
        (
            r#"{"version": 2, "reps": 5}"#,
            "invalid snapshot at reps: expected an object, found the number 5",
        ),
        (
            "{",
            "invalid snapshot: EOF while parsing an object at line 1 column 1",
        ),
    ] {
        assert_eq!(
            message(&Router::new(CONFIG.into(), Some(s.into())).err().unwrap()),
            want
        );
    }
    // After all of that the same instance continues the rotation where it was: the
    // rejected inputs never consumed a turn.
    assert_eq!(rep_of(&r, "after-1"), "ana");
    assert_eq!(rep_of(&r, "after-2"), "ben");
}

fn code(e: &JsValue) -> String {
    get(e, "code").as_string().unwrap()
}

/// Issue 13, items 1 and 2 in a real engine: an exception from the caller's own object
/// (a throwing getter, a revoked Proxy, a throwing Symbol.iterator) fails that call only,
/// and an id that is not a string is a TypeError naming it, with no memory allocated.
#[wasm_bindgen_test]
fn caller_exceptions_and_non_string_ids_leave_the_router_unchanged() {
    let r = router();
    assert_eq!(rep_of(&r, "first"), "ana");
    let throws = js_sys::Function::new_no_args("throw new Error('boom')");
    let getter_lead = Object::new();
    let desc = Object::new();
    Reflect::set(&desc, &"get".into(), &throws).unwrap();
    Reflect::set(&desc, &"enumerable".into(), &JsValue::TRUE).unwrap();
    Object::define_property(&getter_lead, &"country".into(), &desc);
    let revocable = js_sys::Proxy::revocable(&Object::new(), &Object::new());
    let revoke: js_sys::Function = get(&revocable, "revoke").into();
    revoke.call0(&JsValue::UNDEFINED).unwrap();
    let revoked = get(&revocable, "proxy");
    let batch = Array::of1(&js(r#"{"id": "B1"}"#));
    Reflect::set(&batch, &js_sys::Symbol::iterator(), &throws).unwrap();

    let before = JSON::stringify(&r.snapshot().unwrap()).unwrap();
    let failures = [
        r.route(getter_lead.into(), opts()).err().unwrap(),
        r.route(revoked.clone(), opts()).err().unwrap(),
        r.route(js("{}"), revoked.clone()).err().unwrap(),
        r.route_batch(batch.into(), opts()).err().unwrap(),
        r.route_batch(revoked, opts()).err().unwrap(),
    ];
    for e in &failures {
        assert_eq!(code(e), "unreadable_input", "{}", message(e));
    }
    assert_eq!(
        message(&failures[0]),
        "invalid lead: reading it threw: boom"
    );
    assert_eq!(message(&failures[3]), "leads: reading it threw: boom");

    let bytes = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    let huge_length = js(r#"{"length": 3e8}"#);
    for bad in [
        JsValue::from(42),
        JsValue::TRUE,
        js_sys::Symbol::for_("x").into(),
        huge_length,
    ] {
        let e = r.claim(bad.clone(), "ana".into(), opts()).err().unwrap();
        assert!(e.is_instance_of::<js_sys::TypeError>());
        assert!(message(&e).starts_with("claim: leadId must be a string, found "));
        assert_eq!(code(&e), "invalid_argument");
        let e = r.list_pool("p".into(), bad.clone(), opts()).err().unwrap();
        assert!(message(&e).starts_with("listPool: rep must be a string, found "));
        let e = r.set_status(bad, JsValue::NULL).err().unwrap();
        assert!(message(&e).starts_with("setStatus: rep must be a string, found "));
    }
    let after_bytes = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    assert_eq!(after_bytes, bytes);
    assert_eq!(JSON::stringify(&r.snapshot().unwrap()).unwrap(), before);
    assert_eq!(rep_of(&r, "after"), "ben");
    // Built-ins are not leads.
    let e = r.route(js_sys::Map::new().into(), opts()).err().unwrap();
    assert_eq!(
        message(&e),
        "invalid lead: expected a plain object of fields, found a Map"
    );
    assert_eq!(code(&e), "invalid_lead");
}
