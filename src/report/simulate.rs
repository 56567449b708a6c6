//! The simulation: leads fed as JSONL or CSV text in chunks, put back in `created_at`
//! order within a window, routed through a fresh state with the clock following the leads.

use super::aggregate::Tally;
use super::csv::Header;
use super::held::HeldLead;
use super::known::{arm_val, Known, Meta, KNOWN_KEYS};
use super::records::{Item, Records};
use super::timeline::{Parked, Timeline};
use super::{
    Arm, LineError, Report, SampleDecision, SimOptions, Split, MAX_LINE_BYTES, MAX_LINE_ERRORS,
    MAX_REORDER_WINDOW, MAX_SAMPLE,
};
use crate::lead::{lead_error, Lead, Val};
use crate::model::Router;
use crate::route::RouteOptions;
use crate::select::hash2;
use crate::state::State;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap};

/// Seeds the hash that picks sampled leads (any constant; fixed so samples are stable).
const SAMPLE_SEED: u64 = 0x5a4d_504c_4553_0001;

/// Which arm of `split` a lead id belongs to (the core's rule, [`crate::split::arm_of`]).
pub fn arm_of(lead_id: &str, split: &Split) -> Arm {
    crate::split::arm_of(lead_id, split.share_b, split.seed)
}

/// A lead waiting for its turn, parsed once when it was read (or the error it will
/// be reported with: a line that fails only the full parse still takes its place).
struct Held {
    at: i64,
    seq: u64,
    line: u64,
    timed: bool,
    known: Known,
    lead: Result<HeldLead, String>,
}

impl PartialEq for Held {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Held {}
impl PartialOrd for Held {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Held {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

/// Input as it is fed.
enum Chunk<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// Where and when a lead is routed.
#[derive(Clone, Copy)]
struct Turn {
    at: i64,
    seq: u64,
    line: u64,
    timed: bool,
}

/// A bottom-k sample by hash of the lead id: the `k` smallest hashes seen.
struct Sample {
    k: usize,
    items: BTreeMap<(u64, u64), SampleDecision>,
}

impl Sample {
    fn wants(&self, key: (u64, u64)) -> bool {
        self.k > 0
            && (self.items.len() < self.k
                || self.items.keys().next_back().is_some_and(|m| key < *m))
    }
    fn insert(&mut self, key: (u64, u64), d: SampleDecision) {
        self.items.insert(key, d);
        if self.items.len() > self.k {
            self.items.pop_last();
        }
    }
}

/// A replay of past leads through one router. Owns the routing state and the running
/// counts, not the router: every call takes the same `&Router` the simulation was made with.
pub struct Simulation {
    opts: SimOptions,
    state: State,
    tally: Tally,
    timeline: Timeline,
    sample: Sample,
    held: BinaryHeap<Reverse<Held>>,
    seq: u64,
    /// Simulated time of the last lead routed.
    clock: Option<i64>,
    /// Latest `created_at` read (the time given to a lead without one).
    latest: Option<i64>,
    jsonl: Records,
    csv: Records,
    header: Option<Header>,
    mapping: BTreeMap<String, String>,
    lines: u64,
    bad_lines: u64,
    errors: Vec<LineError>,
    other_arm: u64,
    out_of_order: u64,
    missing_created_at: u64,
    first_at: Option<i64>,
}

impl Simulation {
    pub fn new(router: &Router, mut opts: SimOptions) -> Simulation {
        opts.sample = opts.sample.min(MAX_SAMPLE);
        opts.reorder_window = opts.reorder_window.min(MAX_REORDER_WINDOW);
        if let Some(s) = opts.split.as_mut() {
            s.share_b = if s.share_b.is_finite() {
                s.share_b.clamp(0.0, 1.0)
            } else {
                0.5
            };
        }
        Simulation {
            state: router.new_state(),
            tally: Tally::new(router, opts.score_bucket),
            timeline: Timeline::new(router, opts.touch_after_minutes),
            sample: Sample {
                k: opts.sample,
                items: BTreeMap::new(),
            },
            held: BinaryHeap::new(),
            seq: 0,
            clock: None,
            latest: None,
            jsonl: Records::new(false),
            csv: Records::new(true),
            header: None,
            mapping: BTreeMap::new(),
            lines: 0,
            bad_lines: 0,
            errors: Vec::new(),
            other_arm: 0,
            out_of_order: 0,
            missing_created_at: 0,
            first_at: None,
            opts,
        }
    }

    /// Leads routed so far.
    pub fn leads(&self) -> u64 {
        self.tally.leads
    }

    /// Feeds JSONL text: one lead object a line. A chunk may end mid-line; the rest
    /// of that line comes with the next chunk (or `finish`).
    pub fn feed_jsonl(&mut self, router: &Router, text: &str) {
        self.feed(router, Chunk::Text(text), None, false);
    }

    /// Feeds JSONL as raw UTF-8 bytes, e.g. a file read in slices (a character split
    /// across slices is completed by the next; invalid UTF-8 reads as U+FFFD).
    pub fn feed_jsonl_bytes(&mut self, router: &Router, bytes: &[u8]) {
        self.feed(router, Chunk::Bytes(bytes), None, false);
    }

    /// Feeds CSV text. The first record is the header; `mapping` renames CSV headers to
    /// config field names (`{"Email Address": "email"}`) and is read with the header.
    pub fn feed_csv(
        &mut self,
        router: &Router,
        text: &str,
        mapping: Option<&BTreeMap<String, String>>,
    ) {
        self.feed(router, Chunk::Text(text), mapping, true);
    }

    /// Feeds CSV as raw UTF-8 bytes; see `feed_csv` and `feed_jsonl_bytes`.
    pub fn feed_csv_bytes(
        &mut self,
        router: &Router,
        bytes: &[u8],
        mapping: Option<&BTreeMap<String, String>>,
    ) {
        self.feed(router, Chunk::Bytes(bytes), mapping, true);
    }

    fn feed(
        &mut self,
        router: &Router,
        chunk: Chunk,
        mapping: Option<&BTreeMap<String, String>>,
        csv: bool,
    ) {
        if let (true, None, Some(m)) = (csv, &self.header, mapping) {
            self.mapping = m.clone();
        }
        let slot = if csv { &mut self.csv } else { &mut self.jsonl };
        let mut records = std::mem::replace(slot, Records::new(csv));
        match chunk {
            Chunk::Text(t) => records.feed(t, |item| self.record(router, item, csv)),
            Chunk::Bytes(b) => records.feed_bytes(b, |item| self.record(router, item, csv)),
        }
        if csv {
            self.csv = records;
        } else {
            self.jsonl = records;
        }
    }

    /// The end of the input: reads a last line without a newline and routes every lead
    /// still held for ordering. Feeding more afterwards continues the same run.
    pub fn finish(&mut self, router: &Router) {
        let mut records = std::mem::take(&mut self.jsonl);
        records.finish(|item| self.record(router, item, false));
        self.jsonl = records;
        let mut records = std::mem::replace(&mut self.csv, Records::new(true));
        records.finish(|item| self.record(router, item, true));
        self.csv = records;
        while let Some(Reverse(h)) = self.held.pop() {
            self.release(router, h);
        }
    }

    fn bad(&mut self, line: u64, message: String) {
        self.bad_lines += 1;
        // Held leads are checked in full when their turn comes, so errors arrive a little
        // out of line order: keep the first lines, not the first found.
        if self.errors.len() < MAX_LINE_ERRORS || self.errors.last().is_some_and(|e| line < e.line)
        {
            self.errors.push(LineError { line, message });
            crate::sort::sort_by(&mut self.errors, |a, b| a.line.cmp(&b.line));
            self.errors.truncate(MAX_LINE_ERRORS);
        }
    }

    /// First look at a record: valid, its time and arm; then held for ordering.
    fn record(&mut self, router: &Router, item: Item, csv: bool) {
        let (line, text) = match item {
            Item::TooLong(line) => {
                self.lines += 1;
                let msg = format!("longer than {} bytes", MAX_LINE_BYTES);
                self.bad(line, msg);
                return;
            }
            Item::Record(line, text) => (line, text),
        };
        if csv && self.header.is_none() {
            self.header = Some(Header::parse(text, &self.mapping));
            return;
        }
        self.lines += 1;
        // One full parse; only a line that fails it gets the cheap first look, which
        // decides whether it is bad now or takes its place and is reported at its turn.
        let parsed = if csv {
            match &self.header {
                Some(h) => h.read(router.schema(), text).map(|(m, lead)| {
                    (
                        m,
                        lead.map(|l| HeldLead::new(text, l)).map_err(|e| e.message),
                    )
                }),
                None => return,
            }
        } else {
            let mut extra = [Val::Missing, Val::Missing, Val::Missing];
            match router
                .schema()
                .parse_json_with(text, &KNOWN_KEYS, &mut extra)
            {
                Ok(lead) => {
                    let [converted, deal_value, arm] = &extra;
                    let meta = Meta {
                        id: None,
                        created_at: lead.created_at,
                        known: Known::from_vals(converted, deal_value),
                        arm: arm_val(arm),
                    };
                    Ok((meta, Ok(HeldLead::new(text, lead))))
                }
                Err(e) => Meta::from_json(text)
                    .map(|m| (m, Err(e.message)))
                    .map_err(lead_error),
            }
        };
        let (meta, lead) = match parsed {
            Ok(p) => p,
            Err(e) => {
                self.bad(line, e.message);
                return;
            }
        };
        if let Some(split) = &self.opts.split {
            // A lead without an id splits by its line number.
            let id = meta
                .id
                .as_deref()
                .or_else(|| lead.as_ref().ok().and_then(HeldLead::id));
            // The arm a live split recorded wins over hashing again: it is what happened.
            let arm = match (meta.arm, id) {
                (Some(arm), _) => arm,
                (None, Some(id)) => arm_of(id, split),
                (None, None) => arm_of(&format!("line:{line}"), split),
            };
            if arm != split.arm {
                self.other_arm += 1;
                return;
            }
        }
        let created_at = meta.created_at;
        if let Some(t) = created_at {
            self.latest = Some(self.latest.map_or(t, |l| l.max(t)));
        }
        self.seq += 1;
        let held = Held {
            at: created_at.or(self.latest).unwrap_or(0),
            seq: self.seq,
            line,
            timed: created_at.is_some(),
            known: meta.known,
            lead,
        };
        if self.opts.reorder_window == 0 {
            self.release(router, held);
            return;
        }
        self.held.push(Reverse(held));
        while self.held.len() > self.opts.reorder_window {
            match self.held.pop() {
                Some(Reverse(h)) => self.release(router, h),
                None => break,
            }
        }
    }

    /// A held lead's turn: route it.
    fn release(&mut self, router: &Router, h: Held) {
        let turn = Turn {
            at: h.at,
            seq: h.seq,
            line: h.line,
            timed: h.timed,
        };
        match h.lead {
            Ok(held) => self.route(router, &held.lead(), h.known, turn),
            Err(message) => self.bad(h.line, message),
        }
    }

    fn route(&mut self, router: &Router, lead: &Lead, known: Known, h: Turn) {
        // The lead parser's own reading of `created_at` is the one `route` users pass.
        let at = lead.created_at.unwrap_or(h.at);
        let now = match self.clock {
            Some(c) if at < c => {
                if h.timed {
                    self.out_of_order += 1;
                }
                c
            }
            _ => at,
        };
        if !h.timed {
            self.missing_created_at += 1;
        }
        self.advance(router, now);
        self.clock = Some(now);
        if self.first_at.is_none() {
            self.first_at = Some(now);
        }
        let key = match lead.id() {
            Some(id) => hash2(SAMPLE_SEED, id.as_bytes()),
            None => hash2(SAMPLE_SEED, &h.line.to_le_bytes()),
        };
        let sampled = self.sample.wants((key, h.seq));
        let opts = RouteOptions {
            now,
            trace: sampled,
            stateless: false,
        };
        let d = router.route(&mut self.state, lead, opts);
        self.tally.decision(router, &self.state, &d, &known, now);
        if sampled {
            let item = SampleDecision {
                at: now,
                converted: known.converted,
                deal_value: known.deal_value,
                decision: serde_json::to_value(&d).unwrap_or_default(),
            };
            self.sample.insert((key, h.seq), item);
        }
        let tally = &mut self.tally;
        self.timeline.park(
            router,
            &mut self.state,
            |_| known,
            |pool| tally.waits_forever(router, pool),
        );
    }

    /// Runs every touch, reminder, breach and pool expiry due up to `now`, each at its
    /// own time, in time order.
    fn advance(&mut self, router: &Router, now: i64) {
        while let Some(due) = self.timeline.next_due() {
            if due > now {
                break;
            }
            let items = self.timeline.take_due(router, due);
            let mut moved: HashMap<String, (Known, Option<String>)> = HashMap::new();
            let mut touches = Vec::new();
            for item in items {
                match item {
                    Parked::Assignment(a, k) => {
                        if self.timeline.touch_at(&a).is_some_and(|t| t <= due) {
                            touches.push((a.lead_id.clone(), a.rep.clone()));
                        }
                        moved.insert(a.lead_id.clone(), (k, a.team.clone()));
                        self.state.assignments.insert(a.lead_id.clone(), a);
                    }
                    Parked::Pooled(p, k) => {
                        moved.insert(p.lead_id.clone(), (k, None));
                        self.state.pooled.insert(p.lead_id.clone(), p);
                    }
                }
            }
            // A touch at the deadline itself is in time: touch before the tick.
            for (id, rep) in touches {
                if router.touch(&mut self.state, &id, &rep, due).is_ok() {
                    self.tally.sla.touched += 1;
                }
            }
            for e in router.tick(&mut self.state, due) {
                let (known, team) = moved
                    .get(&e.lead_id)
                    .map_or((Known::default(), None), |(k, t)| (*k, t.as_deref()));
                self.tally.event(router, &self.state, &e, &known, team);
            }
            let tally = &mut self.tally;
            self.timeline.park(
                router,
                &mut self.state,
                |id| moved.get(id).map(|m| m.0).unwrap_or_default(),
                |pool| tally.waits_forever(router, pool),
            );
        }
    }

    /// The report so far. Call `finish` first to include leads still held for ordering.
    pub fn report(&self, router: &Router) -> Report {
        let mut r = Report {
            lines: self.lines,
            bad_lines: self.bad_lines,
            errors: self.errors.clone(),
            other_arm: self.other_arm,
            split: self.opts.split.clone(),
            out_of_order: self.out_of_order,
            missing_created_at: self.missing_created_at,
            first_at: self.first_at,
            last_at: self.clock,
            ..Report::default()
        };
        self.tally.fill(router, self.timeline.waiting(), &mut r);
        r.sla.open = self.timeline.open();
        let mut sample: Vec<(&(u64, u64), &SampleDecision)> = self.sample.items.iter().collect();
        crate::sort::sort_by(&mut sample, |a, b| (a.1.at, a.0 .1).cmp(&(b.1.at, b.0 .1)));
        r.sample = sample.into_iter().map(|(_, d)| d.clone()).collect();
        r
    }
}
