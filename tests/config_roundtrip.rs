//! The hand-written config reader and the serializer agree: reading what was written
//! gives the same config, so no key is silently dropped or renamed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{config, Limits, Router};

#[test]
fn default_config_survives_write_then_read() {
    let text = std::fs::read_to_string("data/default-config.json").unwrap();
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = config::load_str(&text, &Limits::DEFAULT).unwrap();
    let written = serde_json::to_value(&c).unwrap();
    // Every key the user wrote comes back (defaults may be added, nothing is lost).
    fn covers(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
        match (a, b) {
            (serde_json::Value::Object(x), serde_json::Value::Object(y))
                if !path.ends_with(".when") =>
            {
                for (k, v) in x {
                    let w = y.get(k).unwrap_or_else(|| panic!("{path}.{k} dropped"));
                    covers(v, w, &format!("{path}.{k}"));
                }
            }
            (serde_json::Value::Array(x), serde_json::Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{path}");
                for (i, (v, w)) in x.iter().zip(y).enumerate() {
                    covers(v, w, &format!("{path}[{i}]"));
                }
            }
            (serde_json::Value::Number(x), serde_json::Value::Number(y)) => {
                assert_eq!(x.as_f64(), y.as_f64(), "{path}");
            }
            _ => assert_eq!(a, b, "{path}"),
        }
    }
    covers(&original, &written, "");
    let again = config::load_value(&written, &Limits::DEFAULT).unwrap();
    assert_eq!(serde_json::to_value(&again).unwrap(), written);
    assert!(Router::new(again).is_ok());
}

#[test]
fn public_config_drops_private_values_and_still_compiles() {
    let text = std::fs::read_to_string("data/default-config.json").unwrap();
    let c = config::load_str(&text, &Limits::DEFAULT).unwrap();
    let public = serde_json::to_string(&c.public()).unwrap();
    for rep in &c.reps {
        if let Some(e) = &rep.email {
            assert!(!public.contains(e.as_str()), "{e} leaked");
        }
        if let Some(p) = &rep.phone {
            assert!(!public.contains(p.as_str()), "{p} leaked");
        }
    }
    assert!(!public.contains("\"performance\""));
    assert!(!public.contains("\"accounts\""));
    assert!(!public.contains("\"crm\""));
    for domain in c.accounts.as_ref().unwrap().owners.keys() {
        assert!(!public.contains(domain.as_str()), "{domain} leaked");
    }
    assert!(Router::from_json(&public).is_ok());
}
