//! Bodies of the fuzz targets: each takes raw bytes, drives one entry point of leadroute
//! and panics on a broken invariant. A library so the corpus also replays on stable.
//
// fuzz_targets/*.rs hand these to libFuzzer (nightly, `scripts/fuzz.sh`); tests/properties.rs
// includes this file with `#[path]` and replays every corpus file under `cargo test`.
// The only dependencies are leadroute and serde_json, so both builds can include it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../tests/properties/model.rs"]
pub mod model;

use leadroute::config::FieldType;
use leadroute::{RouteOptions, Router, State};
use model::{
    LeadSpec, Op, PoolSpec, RepSpec, RuleSpec, ScoringSpec, SlaSpec, Spec, StrategySpec, Target,
    TeamSpec,
};
use serde_json::{json, Value};
use std::sync::OnceLock;

const NOW: i64 = model::START;
const DAY: i64 = model::DAY;
const DEFAULT_CONFIG: &str = include_str!("../../data/default-config.json");
/// Fields the condition target's configs declare, one of each type.
const CONDITION_FIELDS: &str = r#"{"country": "string", "region": "string", "title": "string",
  "email": "string", "industry": "string", "company_size": "number", "revenue": "number",
  "vip": "boolean"}"#;

fn default_router() -> &'static Router {
    static R: OnceLock<Router> = OnceLock::new();
    R.get_or_init(|| match Router::from_json(DEFAULT_CONFIG) {
        Ok(r) => r,
        Err(e) => panic!("data/default-config.json does not compile: {e}"),
    })
}

/// Sample values for a field, by type: typical, edge and empty.
fn samples(ty: FieldType) -> [Value; 4] {
    match ty {
        FieldType::String => [
            json!("US"),
            json!("ünï 🦀"),
            json!(""),
            json!("a@b.example"),
        ],
        FieldType::Number => [json!(1000), json!(-0.5), json!(1e300), json!(0)],
        FieldType::Boolean => [json!(true), json!(false), json!("yes"), json!(null)],
    }
}

/// A few leads built from the router's own schema.
fn leads_for(r: &Router) -> Vec<String> {
    let schema = r.schema();
    (0..4)
        .map(|k| {
            let mut lead = serde_json::Map::new();
            for (slot, name) in schema.names().enumerate() {
                if name == "id" || (slot + k) % 3 == 0 {
                    continue;
                }
                let ty = schema.field_type(slot).unwrap_or(FieldType::String);
                lead.insert(name.to_string(), samples(ty)[(slot + k) % 4].clone());
            }
            if k != 3 {
                lead.insert("id".into(), json!(format!("F{k}")));
            }
            Value::Object(lead).to_string()
        })
        .collect()
}

/// Routes, snapshots, restores, lists, claims and ticks on any compiled router: none
/// may panic, and the state must survive its own snapshot exactly.
fn exercise(r: &Router, state: &mut State) {
    for (i, lead) in leads_for(r).iter().enumerate() {
        let opts = RouteOptions {
            now: NOW + i as i64 * 3 * DAY,
            trace: i % 2 == 0,
            stateless: i == 1,
        };
        match r.route_json(state, lead, opts) {
            Ok(d) => {
                serde_json::to_string(&d).unwrap();
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    round_trip(r, state);
    let reps: Vec<String> = r.reps().iter().take(6).map(|x| x.id.clone()).collect();
    let pools: Vec<String> = r.pools().iter().take(4).map(|p| p.id.clone()).collect();
    let pooled: Vec<String> = r
        .snapshot(state)
        .pooled
        .iter()
        .take(8)
        .map(|p| p.lead_id.clone())
        .collect();
    for rep in &reps {
        for pool in &pools {
            let _ = r.list_pool(state, pool, rep, NOW);
        }
        for id in &pooled {
            if r.claim(state, id, rep, NOW + DAY).is_ok() {
                let again = state.clone();
                assert!(r.claim(state, id, rep, NOW + DAY).is_ok());
                assert!(*state == again, "a repeated claim changed the state");
                let _ = r.touch(state, id, rep, NOW + DAY);
                let _ = r.release(state, id, rep, NOW + DAY);
            }
        }
    }
    for at in [NOW, NOW + 40 * DAY] {
        r.tick(state, at);
        let settled = state.clone();
        assert!(
            r.tick(state, at).is_empty(),
            "a replayed tick emitted events"
        );
        assert!(*state == settled, "a replayed tick changed the state");
    }
    round_trip(r, state);
}

fn round_trip(r: &Router, state: &State) {
    let json = r.snapshot_json(state);
    match r.restore_json(&json) {
        Ok(back) => assert!(back == *state, "restore(snapshot) differs: {json}"),
        Err(e) => panic!("own snapshot does not load: {e}: {json}"),
    }
}

/// Config JSON: parse, validate, compile; a valid config and its public (browser) copy
/// both compile, and the compiled router survives every operation.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Router::from_json(text) {
        Err(e) => {
            assert!(!e.0.is_empty(), "an invalid config with no error");
            assert!(e.0.iter().all(|x| !x.message.is_empty()));
        }
        Ok(r) => {
            if let Err(e) = Router::new(r.config().public()) {
                panic!("the public copy of a valid config does not compile: {e}");
            }
            exercise(&r, &mut r.new_state());
        }
    }
}

/// Text conditions: the parser never panics, and a condition written as text routes
/// exactly as the JSON tree the parser turns it into.
pub fn condition(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let compile = |when: Value| {
        let fields: Value = serde_json::from_str(CONDITION_FIELDS).unwrap();
        let cfg = json!({"fields": fields, "reps": [{"id": "hit"}, {"id": "miss"}],
                         "scoring": {"groups": [{"id": "g", "rules": [{"id": "s", "when": "vip is true", "points": 10}]}],
                                     "grades": [{"grade": "A", "min": 10}]},
                         "rules": [{"id": "c", "when": when, "rep": "hit"}], "fallback": "miss"});
        Router::from_json(&cfg.to_string())
    };
    match leadroute::condition::text::parse(text) {
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1 && !e.message.is_empty());
            assert!(compile(json!(text)).is_err(), "unparsable text compiled");
        }
        Ok(tree) => {
            let (a, b) = (compile(json!(text)), compile(tree.clone()));
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    for lead in leads_for(&a) {
                        let da = a.route_json(&mut a.new_state(), &lead, RouteOptions::at(NOW));
                        let db = b.route_json(&mut b.new_state(), &lead, RouteOptions::at(NOW));
                        let (da, db) = (da.map(|d| d.rep), db.map(|d| d.rep));
                        assert!(da == db, "text and tree route differently: {text} / {tree}");
                    }
                }
                (Err(_), Err(_)) => {}
                (a, b) => panic!(
                    "text and tree compile differently: {text} / {tree}: {:?} / {:?}",
                    a.err().map(|e| e.to_string()),
                    b.err().map(|e| e.to_string())
                ),
            }
        }
    }
}

/// Lead JSON against the default config: parse then route equals `route_json`, the
/// decision serializes, and a pooled lead is in its pool.
pub fn lead(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let r = default_router();
    // The fast lead reader accepts only what serde_json reads the same way.
    let reference = r.schema().parse_json_reference(text);
    assert_eq!(
        format!("{:?}", r.schema().parse_json(text)),
        format!("{reference:?}")
    );
    let lead = match r.schema().parse_json(text) {
        Ok(l) => l,
        Err(e) => {
            assert!(e.to_string().starts_with("invalid lead: "));
            assert!(r
                .route_json(&mut r.new_state(), text, RouteOptions::at(NOW))
                .is_err());
            return;
        }
    };
    for stateless in [false, true] {
        let opts = RouteOptions {
            now: NOW,
            trace: true,
            stateless,
        };
        let mut s1 = r.new_state();
        let d1 = r.route(&mut s1, &lead, opts);
        let mut s2 = r.new_state();
        let d2 = r.route_json(&mut s2, text, opts).unwrap();
        let (j1, j2) = (
            serde_json::to_string(&d1).unwrap(),
            serde_json::to_string(&d2).unwrap(),
        );
        assert_eq!(j1, j2);
        assert!(s1 == s2);
        if d1.outcome == leadroute::Outcome::Pooled {
            let id = d1.lead_id.clone().unwrap_or_default();
            assert!(r.snapshot(&s1).pooled.iter().any(|p| p.lead_id == id));
        }
        assert_eq!(d1.rep.is_some(), d1.outcome == leadroute::Outcome::Assigned);
        round_trip(r, &s1);
    }
}

/// Snapshot JSON against the default config (pools, SLAs): loading never panics, a
/// loaded state round-trips exactly, and every operation on it stays panic-free.
pub fn snapshot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let r = default_router();
    match r.restore_json(text) {
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(mut state) => {
            round_trip(r, &state);
            exercise(r, &mut state);
        }
    }
}

/// Reads structured choices from fuzz bytes; past the end every read is zero, so any
/// input decodes to some spec and sequence.
pub struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::from(self.byte()) % n
        }
    }
    fn bit(&mut self) -> bool {
        self.byte() & 1 == 1
    }
    fn maybe<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.bit() {
            Some(f(self))
        } else {
            None
        }
    }
    fn list<T>(&mut self, max: usize, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = self.below(max + 1);
        (0..n).map(|_| f(self)).collect()
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn empty(&self) -> bool {
        self.0.is_empty()
    }
}

const POINTS: [f64; 8] = [0.0, 0.1, 0.2, 0.7, 5.0, 10.0, 12.5, 1e-7];

fn sla(b: &mut Bytes) -> SlaSpec {
    SlaSpec {
        first_touch: u16::from(b.byte()) + 1,
        remind: b.list(2, |b| u16::from(b.byte()) + 1),
        escalate_to: b.maybe(|b| b.below(8)),
        reroute: b.bit(),
    }
}

/// Decodes a config spec and an operation sequence from fuzz bytes.
pub fn decode(data: &[u8]) -> (Spec, Vec<Op>) {
    let mut b = Bytes(data);
    let span = |b: &mut Bytes| {
        b.maybe(|b| {
            let s = b.pick(&[0u16, 480, 540, 780]);
            (s, s + b.pick(&[60u16, 240, 480, 1440]))
        })
    };
    let reps = b.list(7, |b| RepSpec {
        status: if b.below(5) == 0 {
            Some(b.below(4) as u8)
        } else {
            None
        },
        caps: b.maybe(|b| {
            [
                b.maybe(|b| b.below(4) as u32),
                b.maybe(|b| b.below(8) as u32 + 1),
                b.maybe(|b| b.below(20) as u32 + 1),
            ]
        }),
        hours: b
            .maybe(|b| std::array::from_fn(|_| span(b)))
            .filter(|_| b.bit()),
        ooo: b.list(1, |b| (b.below(10) as u8, b.below(10) as u8)),
        performance: b.pick(&[1.0, 0.0, 0.5, 2.5, 4.999]),
    });
    let teams = b.list(4, |b| TeamSpec {
        members: b.list(4, |b| b.below(8)),
        default_owner: b.maybe(|b| b.below(8)),
        strategy: match b.below(3) {
            0 => StrategySpec::RoundRobin {
                loses_turn: b.bit(),
            },
            1 => StrategySpec::Weighted {
                hot: b.maybe(|b| b.pick(&POINTS)),
            },
            _ => StrategySpec::LeastLoaded {
                period: b.below(3) as u8,
            },
        },
        sla: b.maybe(sla),
    });
    let pools = b.list(3, |b| PoolSpec {
        reps: b.list(3, |b| b.below(8)),
        teams: b.list(2, |b| b.below(4)),
        blind: b.bit(),
        per_day: b.maybe(|b| b.below(4) as u32),
        open: b.maybe(|b| b.below(3) as u32),
        expire_after: b.maybe(|b| u16::from(b.byte()) + 1),
        expire_to: b.maybe(|b| b.below(4)),
    });
    let rules = b.list(5, |b| RuleSpec {
        tier: b.maybe(|b| b.below(4) as u8),
        target: match b.below(3) {
            0 => Target::Rep(b.below(8)),
            1 => Target::Team(b.below(4)),
            _ => Target::Pool(b.below(4)),
        },
        sla: b.maybe(sla).filter(|_| b.bit()),
    });
    let screen_spam = b.bit();
    let scoring = b.maybe(|b| ScoringSpec {
        tier_points: [b.pick(&POINTS), b.pick(&POINTS), b.pick(&POINTS)],
        size_points: b.pick(&POINTS),
        mql: b.maybe(|b| b.pick(&[0.3, 5.0, 10.0])),
    });
    let accounts = b.list(2, |b| (b.below(4) as u8, b.below(8)));
    let fallback = b.below(8);
    let spec = Spec {
        reps,
        teams,
        pools,
        rules,
        screen_spam,
        scoring,
        accounts,
        fallback,
    };
    let mut ops = Vec::new();
    while !b.empty() && ops.len() < 200 {
        let op = match b.below(20) {
            0..=5 => Op::Route {
                lead: LeadSpec {
                    tier: b.maybe(|b| b.below(4) as u8),
                    domain: b.maybe(|b| b.below(6) as u8),
                    size: b.maybe(|b| b.pick(&[50.0, 100.0, 0.1, 150.5, 1e-7, 99.999])),
                },
                stateless: b.below(5) == 0,
            },
            6..=8 => Op::Claim {
                lead: usize::from(b.byte()),
                rep: b.below(18),
            },
            9 | 10 => Op::ClaimNext {
                pool: b.below(4),
                rep: b.below(18),
            },
            11 => Op::Release {
                lead: usize::from(b.byte()),
                rep: b.below(18),
            },
            12 | 13 => Op::Touch {
                lead: usize::from(b.byte()),
                rep: b.below(18),
            },
            14 | 15 => Op::Tick,
            16 => Op::SetStatus {
                rep: b.below(9),
                status: b.maybe(|b| b.below(4) as u8),
            },
            17 => Op::Restore,
            _ => Op::Advance {
                minutes: match b.below(4) {
                    0 => u32::from(b.byte()),
                    1 => u32::from(b.byte()) * 12,
                    2 => 7 * 1440 + 1,
                    _ => 0,
                },
            },
        };
        ops.push(op);
    }
    (spec, ops)
}

/// Route / claim / claim next / release / touch / tick / status / restore / advance
/// in any order, with the model's invariants checked after every call.
pub fn sequence(data: &[u8]) {
    let (spec, ops) = decode(data);
    if let Err(e) = model::run(&spec, &ops) {
        panic!("{e}\nspec: {spec:?}");
    }
}

/// One fuzz target's body.
pub type FuzzFn = fn(&[u8]);

/// The fuzz targets by name, for corpus replay.
pub const TARGETS: [(&str, FuzzFn); 5] = [
    ("config", config),
    ("condition", condition),
    ("lead", lead),
    ("snapshot", snapshot),
    ("sequence", sequence),
];
