//! The JSON Schema shipped for editors is generated from the config types; this test
//! fails when the committed file is stale (run with UPDATE_SCHEMA=1 to rewrite it).
#![cfg(feature = "schema")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[test]
fn committed_schema_matches_the_config_types() {
    let mut schema = serde_json::to_value(schemars::schema_for!(leadroute::Config)).unwrap();
    schema["title"] = "leadroute config".into();
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = "schema/config.schema.json";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == text,
        "{path} is stale: run UPDATE_SCHEMA=1 cargo test --features schema --test schema"
    );
    // The bundled default config is valid against it in shape: every top-level key is known.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("data/default-config.json").unwrap())
            .unwrap();
    for key in config.as_object().unwrap().keys() {
        assert!(
            schema["properties"].get(key).is_some(),
            "{key} missing from schema"
        );
    }
}
