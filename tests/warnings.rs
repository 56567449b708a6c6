//! Config warnings: compiled anyway, but named with a code, the path and what to do.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::Router;

#[test]
fn likely_mistakes_are_warned_about_with_their_path() {
    let r = Router::from_json(
        r#"{
      "fields": {"title": "string"},
      "reps": [{"id": "a"}, {"id": "gone", "status": "out_of_office"}, {"id": "zero", "caps": {"day": 0}}],
      "teams": [{"id": "ok", "members": ["a"]}, {"id": "dead", "members": ["gone", "zero"]}],
      "scoring": {"groups": [{"id": "g", "max": 30, "rules": [
          {"id": "vp", "when": "title contains \"vp\"", "points": 40},
          {"id": "x", "when": "title contains \"x\"", "points": -10}]}], "mql": 35},
      "rules": [{"id": "first", "when": "title exists", "team": "ok"},
                {"id": "all", "team": "ok"},
                {"id": "late", "when": "title == \"cto\"", "team": "dead"}],
      "fallback": "a"
    }"#,
    )
    .unwrap();
    let got: Vec<(String, String)> = r
        .warnings()
        .into_iter()
        .map(|w| (w.code.to_string(), w.path))
        .collect();
    assert_eq!(
        got,
        [
            ("unreachable_rule".to_string(), "rules[2]".to_string()),
            ("unreachable_mql".to_string(), "scoring.mql".to_string()),
            (
                "team_never_available".to_string(),
                "teams[1].members".to_string()
            ),
        ]
    );
    let w = &r.warnings()[1];
    assert_eq!(
        w.message,
        "the MQL threshold 35 is above the highest possible score 30, so every lead is nurture"
    );
    let clean = Router::from_json(&std::fs::read_to_string("examples/policy/config.json").unwrap())
        .unwrap();
    assert_eq!(clean.warnings(), []);
}
