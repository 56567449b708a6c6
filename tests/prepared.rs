//! Prepared batches: seeded leads (hostile and bad lines, out-of-order and unreadable
//! `created_at`, CSV with quoted newlines and a mapping) cut where the core says, each
//! slice prepared in a shuffled order and the batches fed in input order, give exactly the
//! sequential run: the report, the audit log's search and explain, the line errors. A
//! batch from another config, out of order or damaged is refused and changes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

// Only its seeded generator and start time are used here.
#[allow(dead_code)]
#[path = "../examples/policy/month.rs"]
mod month;

use leadroute::report::prepared::{csv_start, cut_csv, cut_jsonl, newlines, Preparer};
use leadroute::report::{
    AuditQuery, ClaimModel, CreatedAtOptions, Delay, Page, SimOptions, Simulation, Split,
};
use leadroute::Router;
use month::Rng;
use std::collections::BTreeMap;

/// Accounts (owners, teams, fuzzy names, lead-to-lead), a conditional cap, pools with
/// claims and expiry, team and rule SLAs with reroutes, screening, scoring
/// with an MQL threshold, a rep rule and the fallback, over the sample leads' fields.
const POOLS_SLA: &str = r#"{
  "fields": {"email": "string", "company": "string", "country": "string",
             "company_size": "number", "title": "string", "demo_requested": "boolean"},
  "reps": [{"id": "ana", "caps": {"day": 40}}, {"id": "ben", "caps": {"day": 30}},
           {"id": "cho"}, {"id": "mgr"}, {"id": "eve", "hours": {"tz": "UTC", "mon": "09:00-17:00"}}],
  "teams": [
    {"id": "sales", "members": ["ana", "ben", "cho"], "default_owner": "mgr",
     "sla": {"first_touch_minutes": 30, "remind_after_minutes": [60], "escalate_to": "mgr", "reroute": true}},
    {"id": "emea", "members": ["eve", "ben"], "strategy": {"type": "least_loaded"}}
  ],
  "pools": [{"id": "open", "teams": ["sales"], "claim_limit": {"per_day": 20},
             "expire_after_minutes": 240, "expire_to": "sales"}],
  "screening": {"required": ["email"], "rules": [{"id": "no-test", "when": "company == \"Test\"", "reason": "test lead"}]},
  "scoring": {
    "groups": [{"id": "fit", "max": 60, "rules": [
      {"id": "big", "when": "company_size >= 500", "points": 30},
      {"id": "demo", "when": "demo_requested == true", "points": 20}]}],
    "grades": [{"grade": "A", "min": 40}, {"grade": "B", "min": 10}],
    "mql": 10
  },
  "accounts": {
    "skip_mql": true,
    "lead_to_lead": {"days": 2},
    "owners": {"maplegrid.ca": "ben"},
    "list": [
      {"id": "pine", "name": "Pinecrest Retail", "owner": "ana"},
      {"id": "metricly", "name": "Metricly", "team": "sales"},
      {"id": "city", "name": "City College Inc", "owner": "cho"}
    ]
  },
  "cap_rules": [{"id": "big-per-day", "when": "company_size >= 1000", "teams": ["sales"], "day": 3}],
  "rules": [
    {"id": "customers", "when": "account.matched == true", "account_owner": true},
    {"id": "ceo", "when": "title contains \"CEO\"", "rep": "eve"},
    {"id": "emea", "when": "country in [\"DE\", \"FR\", \"GB\"]", "team": "emea",
     "sla": {"first_touch_minutes": 15, "escalate_to": "mgr", "reroute": true}},
    {"id": "pool", "when": "country == \"IN\"", "pool": "open"},
    {"id": "us", "when": "country == \"US\"", "team": "sales"}
  ],
  "fallback": "cho"
}"#;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn case_config(path: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(&read(path)).unwrap();
    v["config"].to_string()
}

/// Seeded JSONL from the sample leads: repeated ids, shuffled nearby times, missing and
/// (when `unreadable`) unreadable `created_at`, and hostile lines between them.
fn jsonl(seed: u64, n: usize, unreadable: bool) -> Vec<u8> {
    let templates: Vec<serde_json::Value> = read("data/sample-leads.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for i in 0..n {
        match rng.below(40) {
            0 => out.push_str("{\"id\": \"broken\", \"email\": \n"),
            1 => out.push_str("[1, 2, 3]\n"),
            2 => out.push_str("\n\r\n"),
            3 => out.push_str("{\"id\": \"T\", \"company_size\": {\"deep\": [1]}}\r\n"),
            4 => out.push_str("\u{feff}{\"id\": \"bom\", \"email\": \"a@b.co\"}\n"),
            5 => out.push_str(
                "{\"id\": \"bad-utf8\", \"email\": \"x@y.co\", \"title\": \"\u{fffd}\"}\n",
            ),
            _ => {}
        }
        let mut lead = templates[rng.below(templates.len() as u64) as usize].clone();
        let id = if i > 10 && rng.below(25) == 0 {
            rng.below(i as u64)
        } else {
            i as u64
        };
        lead["id"] = format!("P{id}").into();
        let at = month::START + (i as i64) * 97_000 - rng.below(900_000) as i64;
        lead["created_at"] = match rng.below(30) {
            0 => serde_json::Value::Null,
            1 if unreadable => "yesterday".into(),
            2 => at.into(),
            _ => iso(at).into(),
        };
        if rng.below(15) == 0 {
            lead["company"] = "Test".into();
        }
        if rng.below(12) == 0 {
            lead["claimed_by"] = rng.pick(&["ana", "ben", "nobody"]).into();
            lead["claimed_at"] = iso(at + 600_000).into();
        }
        if rng.below(20) == 0 {
            lead["arm"] = rng.pick(&["a", "b", "c"]).into();
        }
        if rng.below(10) == 0 {
            lead["title"] = "Chief \"CEO\" \\ \u{e9}\n\u{1F600}".into();
        }
        out.push_str(&lead.to_string());
        out.push('\n');
    }
    // A last line without a newline.
    out.push_str("{\"id\": \"last\", \"email\": \"z@z.co\", \"country\": \"US\"}");
    let mut bytes = out.into_bytes();
    // Invalid UTF-8 inside a line, read as U+FFFD either way.
    let at = bytes.len() / 2;
    let nl = at + bytes[at..].iter().position(|&b| b == b'\n').unwrap();
    bytes.splice(nl..nl, [b'{', 0xff, 0xfe, b'}']);
    bytes
}

/// Milliseconds since the epoch as ISO 8601 UTC.
fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = leadroute::time::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// The sample CSV with quoted newlines and delimiters in some titles, a wrong column
/// count now and then, repeated `seed`-shuffled; its headers need the dashboard's mapping.
fn csv(seed: u64, copies: usize) -> (Vec<u8>, BTreeMap<String, String>) {
    let text = read("data/sample-leads.csv");
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut rng = Rng::new(seed);
    let mut out = format!("\u{feff}\n{header}\r\n");
    for c in 0..copies {
        for (i, row) in rows.iter().enumerate() {
            let mut cells: Vec<String> = row.split(',').map(str::to_string).collect();
            cells[0] = format!("C{c}-{i}");
            match rng.below(12) {
                0 => cells[6] = "\"VP,\nSales \"\"EMEA\"\"\"".to_string(),
                1 => cells[6] = "\"multi\r\nline\n\nthree\"".to_string(),
                2 => cells.truncate(4),
                3 => cells[1] = String::new(),
                _ => {}
            }
            out.push_str(&cells.join(","));
            out.push_str(if rng.below(3) == 0 { "\r\n" } else { "\n" });
        }
    }
    let mapping = [
        ("Email Address", "email"),
        ("Company Name", "company"),
        ("Employees", "company_size"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    (out.into_bytes(), mapping)
}

/// A `seed`-random cut of `bytes` into slices of whole records: `(start, end, first line)`
/// from the core's cutters, the last slice the rest of the input.
fn slices(
    bytes: &[u8],
    csv_header: Option<(&str, usize, u64)>,
    seed: u64,
) -> Vec<(usize, usize, u64)> {
    let mut rng = Rng::new(seed);
    let (mut pos, mut line) = csv_header.map_or((0, 1), |(_, end, first)| (end, first));
    let mut out = Vec::new();
    while pos < bytes.len() {
        let mut size = 1 + rng.below(6000) as usize;
        loop {
            let to = (pos + size).min(bytes.len());
            if to == bytes.len() {
                out.push((pos, to, line));
                return out;
            }
            let cut = match csv_header {
                Some((h, _, _)) => cut_csv(&bytes[pos..to], h),
                None => cut_jsonl(&bytes[pos..to]),
            };
            if cut.end > 0 {
                out.push((pos, pos + cut.end, line));
                pos += cut.end;
                line += cut.lines;
                break;
            }
            size *= 2;
        }
    }
    out
}

struct Run {
    report: serde_json::Value,
    rows: serde_json::Value,
    explained: Vec<Option<serde_json::Value>>,
    stopped: Option<String>,
}

fn observe(router: &Router, sim: &Simulation) -> Run {
    let all = Page {
        limit: 100_000,
        offset: 0,
    };
    let page = sim.search(router, &AuditQuery::default(), all);
    let n = sim.leads();
    Run {
        report: serde_json::to_value(sim.report(router)).unwrap(),
        rows: serde_json::to_value(&page).unwrap(),
        explained: [0, 1, n / 3, n / 2, n.saturating_sub(1), n + 5]
            .iter()
            .map(|&i| sim.explain(router, i))
            .collect(),
        stopped: sim
            .stopped()
            .map(|e| format!("{} {} {}", e.code, e.line, e.message)),
    }
}

/// The sequential run and the prepared one over the same bytes; asserts they agree and
/// returns how many leads were routed.
fn same(
    config: &str,
    opts: SimOptions,
    bytes: &[u8],
    mapping: Option<&BTreeMap<String, String>>,
    seed: u64,
) -> u64 {
    let router = Router::from_json(config).unwrap();
    let mut seq = Simulation::new(&router, opts.clone());
    for chunk in bytes.chunks(4096 + seed as usize % 777) {
        match mapping {
            Some(m) => seq.feed_csv_bytes(&router, chunk, Some(m)),
            None => seq.feed_jsonl_bytes(&router, chunk),
        }
    }
    seq.finish(&router);

    let start = mapping.map(|_| csv_start(bytes).unwrap());
    let header = start
        .as_ref()
        .map(|s| (s.header.as_str(), s.end, s.first_line));
    let cuts = slices(bytes, header, seed);
    assert!(cuts.len() > 3, "{} slices", cuts.len());
    let preparer = Preparer::new(&router, &opts);
    let mut order: Vec<usize> = (0..cuts.len()).collect();
    let mut rng = Rng::new(seed ^ 0xabc);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut batches = vec![Vec::new(); cuts.len()];
    for &i in &order {
        let (a, z, line) = cuts[i];
        batches[i] = match (mapping, &start) {
            (Some(m), Some(s)) => preparer.csv(&router, &bytes[a..z], line, &s.header, m),
            _ => preparer.jsonl(&router, &bytes[a..z], line),
        };
    }
    let mut par = Simulation::new(&router, opts);
    for b in &batches {
        par.feed_prepared(&router, b).unwrap();
    }
    par.finish(&router);

    let (s, p) = (observe(&router, &seq), observe(&router, &par));
    assert_eq!(s.stopped, p.stopped);
    assert_eq!(s.report["errors"], p.report["errors"]);
    assert_eq!(s.report, p.report);
    assert_eq!(s.rows, p.rows);
    assert_eq!(s.explained, p.explained);
    seq.leads()
}

fn claims() -> ClaimModel {
    ClaimModel {
        delay: Some(Delay::Fixed { minutes: 25.0 }),
        from_history: true,
        ..ClaimModel::default()
    }
}

fn allow() -> CreatedAtOptions {
    CreatedAtOptions {
        allow_unreadable: true,
        ..CreatedAtOptions::default()
    }
}

#[test]
fn jsonl_prepared_in_any_order_is_the_sequential_run() {
    let bytes = jsonl(1, 3000, true);
    let opts = SimOptions {
        sample: 40,
        reorder_window: 50,
        checkpoint_every: 300,
        touch_after_minutes: Some(20),
        claims: Some(claims()),
        created_at: allow(),
        ..SimOptions::default()
    };
    let n = same(POOLS_SLA, opts.clone(), &bytes, None, 7);
    assert!(n > 2500, "{n} leads");
    // No reorder window: every lead routed on arrival.
    let no_window = SimOptions {
        reorder_window: 0,
        ..opts
    };
    same(POOLS_SLA, no_window, &bytes, None, 8);
}

#[test]
fn reference_and_sample_configs_with_and_without_the_audit_log() {
    let bytes = jsonl(2, 2000, false);
    for (config, audit) in [
        (read("bench/reference-config.json"), true),
        (read("bench/reference-config.json"), false),
        (read("data/default-config.json"), true),
    ] {
        let opts = SimOptions {
            audit,
            sample: 30,
            ..SimOptions::default()
        };
        same(&config, opts, &bytes, None, 3);
    }
}

#[test]
fn learned_teams_and_lead_to_lead_cases() {
    let bytes = jsonl(3, 1200, false);
    for path in [
        "tests/cases/50-learned.json",
        "tests/cases/47-lead-to-lead.json",
    ] {
        let config = case_config(path);
        let opts = SimOptions {
            sample: 25,
            ..SimOptions::default()
        };
        same(&config, opts, &bytes, None, 11);
    }
}

#[test]
fn split_arms_keep_the_same_leads() {
    let bytes = jsonl(4, 1500, false);
    for arm in [leadroute::report::Arm::A, leadroute::report::Arm::B] {
        let opts = SimOptions {
            split: Some(Split {
                share_b: 0.4,
                arm,
                seed: 9,
            }),
            ..SimOptions::default()
        };
        same(POOLS_SLA, opts, &bytes, None, 5);
    }
}

#[test]
fn unreadable_created_at_stops_both_runs_at_the_same_line() {
    let bytes = jsonl(5, 800, true);
    let router = Router::from_json(POOLS_SLA).unwrap();
    let n = same(POOLS_SLA, SimOptions::default(), &bytes, None, 13);
    let mut seq = Simulation::new(&router, SimOptions::default());
    seq.feed_jsonl_bytes(&router, &bytes);
    assert_eq!(
        seq.stopped().map(|e| e.code.as_str()),
        Some("unreadable_created_at")
    );
    assert!(n < 800, "{n}");
}

#[test]
fn csv_with_quoted_newlines_and_a_mapping() {
    let (bytes, mapping) = csv(6, 6);
    let opts = SimOptions {
        claims: Some(claims()),
        touch_after_minutes: Some(10),
        reorder_window: 100,
        created_at: allow(),
        ..SimOptions::default()
    };
    let n = same(POOLS_SLA, opts, &bytes, Some(&mapping), 17);
    assert!(n > 1500, "{n}");
    let reference = read("bench/reference-config.json");
    same(
        &reference,
        SimOptions::default(),
        &bytes,
        Some(&mapping),
        19,
    );
}

#[test]
fn newlines_are_counted_a_word_at_a_time_exactly() {
    let mut rng = Rng::new(21);
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| [b'\n', b'\n' ^ 0x80, 0x0b, 0x09, 0x8a, 0xff, b'a'][rng.below(7) as usize])
            .collect();
        let naive = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(newlines(&bytes), naive, "{bytes:?}");
    }
}

#[test]
fn cutters_end_slices_on_record_ends() {
    assert_eq!(cut_jsonl(b"{}\n{\"a\"").end, 3);
    assert_eq!(cut_jsonl(b"{\"a\"").end, 0);
    let c = cut_csv(b"a,\"x\ny\"\nb,c\nd,\"e\n", "id,title");
    assert_eq!((c.end, c.lines), (12, 3));
    let s = csv_start(b"\xef\xbb\xbf\n\nid;title\r\n1;\"a\nb\"\n").unwrap();
    assert_eq!(
        (s.header.as_str(), s.end, s.first_line),
        ("id;title", 15, 4)
    );
    assert_eq!(csv_start(b"id,title"), None);
    let s = csv_start(b"\"i\nd\",title\nx").unwrap();
    assert_eq!((s.end, s.first_line), (12, 3));
}

#[test]
fn foreign_out_of_order_and_damaged_batches_are_refused_whole() {
    let bytes = jsonl(6, 200, false);
    let router = Router::from_json(POOLS_SLA).unwrap();
    let other = Router::from_json(&read("data/default-config.json")).unwrap();
    let opts = SimOptions::default();
    let cut = cut_jsonl(&bytes[..bytes.len() / 2]);
    let first = Preparer::new(&router, &opts).jsonl(&router, &bytes[..cut.end], 1);
    let second = Preparer::new(&router, &opts).jsonl(&router, &bytes[cut.end..], 1 + cut.lines);
    let foreign = Preparer::new(&other, &opts).jsonl(&other, &bytes[..cut.end], 1);

    let mut sim = Simulation::new(&router, opts);
    let e = sim.feed_prepared(&router, &foreign).unwrap_err();
    assert_eq!(e.code, "foreign_batch");
    assert!(e.message.contains(&router.fingerprint()), "{}", e.message);
    for n in [0, 3, 10, first.len() / 2, first.len() - 1] {
        let e = sim.feed_prepared(&router, &first[..n]).unwrap_err();
        assert_eq!(e.code, "invalid_batch", "cut at {n}");
    }
    let mut flipped = first.clone();
    flipped[0] = b'X';
    assert_eq!(
        sim.feed_prepared(&router, &flipped).unwrap_err().code,
        "invalid_batch"
    );
    assert_eq!(sim.report(&router).lines, 0);
    sim.feed_prepared(&router, &first).unwrap();
    let e = sim.feed_prepared(&router, &first).unwrap_err();
    assert_eq!(e.code, "batch_out_of_order");
    assert_eq!(e.line, 1);
    sim.feed_prepared(&router, &second).unwrap();
    sim.finish(&router);
    let mut seq = Simulation::new(&router, SimOptions::default());
    seq.feed_jsonl_bytes(&router, &bytes);
    seq.finish(&router);
    assert_eq!(
        serde_json::to_value(sim.report(&router)).unwrap(),
        serde_json::to_value(seq.report(&router)).unwrap()
    );
}
