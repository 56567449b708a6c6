//! CSV leads read by one reader with csv-core's and Python's rules (RFC 4180, tolerant of
//! stray quotes): the simulation and the dashboard's header row (`csv_header`) both go
//! through it, whole or fed in chunks.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::report::{csv_head, csv_header, Report, SimOptions, Simulation};
use leadroute::Router;
use serde_json::json;

fn rows(text: &str) -> Vec<Vec<String>> {
    csv_head(text.as_bytes(), usize::MAX)
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Routes by the exact text of `note`, so a report shows how every cell was read.
fn router() -> Router {
    let rule = |id: &str, value: &str, rep: &str| json!({"id": id, "when": {"field": "note", "op": "eq", "value": value}, "rep": rep});
    Router::from_json(
        &json!({
            "fields": {"note": "string"},
            "reps": [{"id": "inch"}, {"id": "lines"}, {"id": "quote"}, {"id": "other"}],
            "rules": [
                rule("stray", "5\" monitor", "inch"),
                rule("multi", "line one\nline two", "lines"),
                rule("escaped", "say \"hi\"", "quote"),
            ],
            "fallback": "other"
        })
        .to_string(),
    )
    .unwrap()
}

/// Options for leads that may lack `created_at` (routed at the simulated clock).
fn lenient() -> SimOptions {
    SimOptions {
        created_at: leadroute::report::CreatedAtOptions {
            allow_unreadable: true,
            ..Default::default()
        },
        ..SimOptions::default()
    }
}

fn simulate_chunks<'a>(router: &Router, chunks: impl IntoIterator<Item = &'a [u8]>) -> Report {
    let mut sim = Simulation::new(router, lenient());
    for c in chunks {
        sim.feed_csv_bytes(router, c, None);
    }
    sim.finish(router);
    sim.report(router)
}

fn hits(r: &Report, rule: &str) -> u64 {
    r.rules.iter().find(|x| x.id == rule).map_or(0, |x| x.hits)
}

/// One of everything: a BOM, CRLF, a stray quote, a quoted newline, escaped quotes, text
/// after a closing quote, an empty field, blank and trailing lines.
const MIXED: &str = "\u{feff}\"id\",note\r\n\
                     L1,5\" monitor\r\n\
                     L2,\"line one\nline two\"\r\n\
                     L3,\"say \"\"hi\"\"\"\r\n\
                     \r\n\
                     L4,\"x\"y\n\
                     L5,\n\
                     \n";

#[test]
fn a_stray_quote_is_text_and_loses_no_row() {
    let text = "id,note\nL1,5\" monitor\nL2,fine\nL3,12\" x 8\"\nL4,end\n";
    assert_eq!(
        rows(text),
        [
            row(&["id", "note"]),
            row(&["L1", "5\" monitor"]),
            row(&["L2", "fine"]),
            row(&["L3", "12\" x 8\""]),
            row(&["L4", "end"]),
        ]
    );
    let r = simulate_chunks(&router(), [text.as_bytes()]);
    assert_eq!((r.leads, r.lines, r.bad_lines), (4, 4, 0));
    assert_eq!(hits(&r, "stray"), 1);
}

#[test]
fn every_rule_of_the_grammar() {
    assert_eq!(
        rows(MIXED),
        [
            row(&["id", "note"]),
            row(&["L1", "5\" monitor"]),
            row(&["L2", "line one\nline two"]),
            row(&["L3", "say \"hi\""]),
            row(&["L4", "xy"]),
            row(&["L5", ""]),
        ]
    );
    // Semicolons name themselves in the header; a quoted delimiter is text.
    assert_eq!(
        rows("a;b\n\"1;2\";3\n"),
        [row(&["a", "b"]), row(&["1;2", "3"])]
    );
    // Python's csv and csv-core keep an unclosed quoted field open to the end of the input.
    assert_eq!(
        rows("id,note\nL1,\"open\nL2,x\n"),
        [row(&["id", "note"]), row(&["L1", "open\nL2,x\n"])]
    );
}

#[test]
fn the_header_row_for_the_dashboard() {
    assert_eq!(csv_header(MIXED.as_bytes()), ["id", "note"]);
    assert_eq!(
        csv_header(b" Email Address ,\"Company, Inc\"\r\nx,y\r\n"),
        ["Email Address", "Company, Inc"]
    );
    assert_eq!(
        csv_header(b"\"multi\nline\",b\n1,2\n"),
        ["multi\nline", "b"]
    );
    assert_eq!(csv_header(b"id\tnote\n"), ["id", "note"]);
    assert_eq!(csv_header(b"only"), ["only"]);
    assert!(csv_header(b"").is_empty());
    // A head cut inside a character still gives the header.
    assert_eq!(
        csv_header(&"id,n\u{e9}e\nL1,caf\u{e9}".as_bytes()[..15]),
        ["id", "n\u{e9}e"]
    );
}

#[test]
fn the_simulation_reads_what_the_reader_reads_with_line_numbers() {
    let router = router();
    let r = simulate_chunks(&router, [MIXED.as_bytes()]);
    assert_eq!((r.leads, r.lines, r.bad_lines), (5, 5, 0));
    assert_eq!(
        ["stray", "multi", "escaped"].map(|id| hits(&r, id)),
        [1, 1, 1]
    );
    // A wrong row after a quoted newline is reported at its own line.
    let text = "id,note\nL1,\"a\nb\"\nL2,x,extra\nL3,5\" monitor\n";
    let r = simulate_chunks(&router, [text.as_bytes()]);
    assert_eq!((r.leads, r.bad_lines), (2, 1));
    assert_eq!(r.errors[0].line, 4);
    assert_eq!(r.errors[0].message, "row has 3 columns, the header has 2");
}

#[test]
fn a_row_split_across_chunks_reads_the_same() {
    let router = router();
    let whole = simulate_chunks(&router, [MIXED.as_bytes()]);
    let bytes = MIXED.as_bytes();
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(simulate_chunks(&router, [a, b]), whole, "cut at {cut}");
    }
    for size in [1, 2, 3, 5] {
        assert_eq!(
            simulate_chunks(&router, bytes.chunks(size)),
            whole,
            "chunks of {size}"
        );
    }
}
