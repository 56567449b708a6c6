//! The audit log at scale: the sample leads repeated to N leads (new ids, 2.5 s apart),
//! simulated with the claim model, then the log's memory per lead, search times and an
//! explanation's time. `cargo run --release --example audit_scale [N]` (default 1,000,000).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use leadroute::report::{AuditQuery, ClaimModel, Page, SimOptions, Simulation};
use leadroute::Router;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let router =
        Router::from_json(&std::fs::read_to_string("data/default-config.json").unwrap()).unwrap();
    let sample: Vec<serde_json::Value> = std::fs::read_to_string("data/sample-leads.jsonl")
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let start = 1_793_592_346_000_i64;
    let mut text = String::new();
    for i in 0..n {
        let mut lead = sample[i % sample.len()].clone();
        lead["id"] = format!("L{i:07}").into();
        let t = start + i as i64 * 2_500;
        lead["created_at"] = t.into();
        text.push_str(&lead.to_string());
        text.push('\n');
    }
    let opts = SimOptions {
        claims: Some(ClaimModel::default()),
        ..SimOptions::default()
    };
    let mut sim = Simulation::new(&router, opts);
    let t = Instant::now();
    for chunk in text.as_bytes().chunks(1 << 20) {
        sim.feed_jsonl_bytes(&router, chunk);
    }
    sim.finish(&router);
    let feed = t.elapsed();
    let (bytes, checkpoints) = sim.audit_bytes();
    println!(
        "{n} leads: simulated in {:.2} s; input {:.1} MiB ({:.0} bytes a lead); audit log {:.1} MiB, {:.0} bytes a lead; checkpoints ~{:.1} MiB",
        feed.as_secs_f64(),
        text.len() as f64 / 1048576.0,
        text.len() as f64 / n as f64,
        bytes as f64 / 1048576.0,
        bytes as f64 / n as f64,
        checkpoints as f64 / 1048576.0
    );
    let time = |name: &str, q: AuditQuery| {
        let t = Instant::now();
        let page = sim.search(&router, &q, Page::default());
        println!(
            "search {name}: {} matches in {:.0} ms",
            page.total,
            t.elapsed().as_secs_f64() * 1000.0
        );
    };
    time(
        "lead_id exact",
        AuditQuery {
            lead_id: Some("L0777777".into()),
            ..AuditQuery::default()
        },
    );
    time(
        "email substring",
        AuditQuery {
            email: Some("redworks.in".into()),
            ..AuditQuery::default()
        },
    );
    time(
        "text (id, email, company)",
        AuditQuery {
            text: Some("beaconbridge".into()),
            ..AuditQuery::default()
        },
    );
    time(
        "rep by name",
        AuditQuery {
            rep: Some("Emma Chen".into()),
            ..AuditQuery::default()
        },
    );
    time(
        "rule and outcome",
        AuditQuery {
            rule: Some("emea".into()),
            outcome: Some("assigned".into()),
            ..AuditQuery::default()
        },
    );
    for i in [n as u64 / 2 + 7, n as u64 - 1] {
        let t = Instant::now();
        let d = sim.explain(&router, i).unwrap();
        println!(
            "explain {i}: {} in {:.1} ms",
            d["lead_id"],
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let t = Instant::now();
    let csv = sim.search_csv(
        &router,
        &AuditQuery {
            rep: Some("r-emma".into()),
            ..AuditQuery::default()
        },
    );
    println!(
        "searchCsv rep: {} rows in {:.0} ms",
        csv.lines().count() - 1,
        t.elapsed().as_secs_f64() * 1000.0
    );
}
