//! The simulation: leads fed as JSONL or CSV text in chunks, put back in `created_at`
//! order within a window, routed through a fresh state with the clock following the leads.

use super::audit::AuditLog;
use super::csv::Header;
use super::dates::DateReader;
use super::engine::{Engine, Sink, Turn};
use super::held::HeldLead;
use super::known::{arm_val, Known, Meta, KNOWN_KEYS};
use super::records::{Item, Records};
use super::window::Window;
use super::{
    Arm, AuditPage, AuditQuery, Diff, DiffFilter, LineError, Page, Report, SampleDecision,
    SimError, SimOptions, Split, MAX_LINE_BYTES, MAX_LINE_ERRORS, MAX_REORDER_WINDOW, MAX_SAMPLE,
};
use crate::lead::{lead_error, timestamp, Val};
use crate::model::Router;
use crate::select::hash2;
use crate::ticket::TicketWire;
use std::collections::{BTreeMap, HashMap};

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
    csv: bool,
    known: Known,
    lead: Result<HeldLead, String>,
    /// Classified ahead (a prepared batch): assigned instead of routed from scratch.
    ticket: Option<Box<TicketWire>>,
}

/// Input as it is fed.
enum Chunk<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
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

/// A parsed record: what the first look read, and the lead (or its error).
pub(super) type Parsed = (Meta<'static>, Result<HeldLead, String>);

/// A replay of past leads through one router. Owns the routing state and the running
/// counts, not the router: every call takes the same `&Router` the simulation was made with.
pub struct Simulation {
    opts: SimOptions,
    engine: Engine,
    sink: Sink,
    sample: Sample,
    held: Window<Held>,
    seq: u64,
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
    missing_created_at: u64,
    first_at: Option<i64>,
    dates: DateReader,
    audit: Option<AuditLog>,
    /// Pooled leads waiting for a claim, by id: their audit index.
    awaiting: HashMap<String, u64>,
    pub(super) extra: super::insights::Extra,
    off_policy: super::off_policy::SimLog,
    /// The line the next prepared batch must start on (batches are fed in input order).
    next_batch_line: Option<u64>,
    /// A prepared batch's records, read whole before any is fed (kept for the next).
    batch: Vec<super::prepared::Prepared>,
}

impl Simulation {
    pub fn new(router: &Router, mut opts: SimOptions) -> Simulation {
        opts.sample = opts.sample.min(MAX_SAMPLE);
        opts.reorder_window = opts.reorder_window.min(MAX_REORDER_WINDOW);
        opts.checkpoint_every = opts.checkpoint_every.max(1);
        if let Some(s) = opts.split.as_mut() {
            s.share_b = if s.share_b.is_finite() {
                s.share_b.clamp(0.0, 1.0)
            } else {
                0.5
            };
        }
        Simulation {
            engine: Engine::new(router, opts.touch_after_minutes),
            sink: Sink::new(router, opts.score_bucket),
            sample: Sample {
                k: opts.sample,
                items: BTreeMap::new(),
            },
            held: Window::new(),
            seq: 0,
            latest: None,
            jsonl: Records::new(false),
            csv: Records::new(true),
            header: None,
            mapping: BTreeMap::new(),
            lines: 0,
            bad_lines: 0,
            errors: Vec::new(),
            other_arm: 0,
            missing_created_at: 0,
            first_at: None,
            dates: DateReader::new(&opts.created_at),
            audit: opts
                .audit
                .then(|| AuditLog::new(opts.checkpoint_every, opts.checkpoint_budget)),
            awaiting: HashMap::new(),
            extra: super::insights::Extra::new(router),
            off_policy: super::off_policy::SimLog::new(router),
            next_batch_line: None,
            batch: Vec::new(),
            opts,
        }
    }

    /// Leads routed so far.
    pub fn leads(&self) -> u64 {
        self.sink.tally.leads
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

    /// Feeds a batch from [`super::prepared::Preparer`]: exactly what feeding its slice
    /// of the input would do, with each lead's classification done already. Batches come
    /// in input order; one from another config, out of order or damaged is refused whole
    /// (`foreign_batch`, `batch_out_of_order`, `invalid_batch`) and changes nothing.
    pub fn feed_prepared(&mut self, router: &Router, bytes: &[u8]) -> Result<(), SimError> {
        let mut records = std::mem::take(&mut self.batch);
        let batch = super::prepared::Batch::read(router, bytes, &mut records);
        let batch = match batch {
            Ok(b) => b,
            Err(e) => {
                self.batch = records;
                return Err(e);
            }
        };
        if let Some(want) = self.next_batch_line.filter(|l| *l != batch.first_line) {
            records.clear();
            self.batch = records;
            return Err(SimError {
                code: "batch_out_of_order".into(),
                message: format!(
                    "batch starts on line {}, the next expected starts on line {want}",
                    batch.first_line
                ),
                help: "feed the prepared slices in the order of the input".into(),
                seen: Vec::new(),
                line: batch.first_line,
            });
        }
        self.next_batch_line = Some(batch.first_line.saturating_add(batch.lines));
        let csv = batch.csv.is_some();
        if let Some((header, mapping)) = &batch.csv {
            self.header_from(header, mapping);
        }
        for item in records.drain(..) {
            match item {
                super::prepared::Prepared::TooLong(line) => self.too_long(line),
                super::prepared::Prepared::Record {
                    line,
                    parsed,
                    ticket,
                } => self.take(router, line, parsed, csv, ticket),
            }
        }
        self.batch = records;
        Ok(())
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
        if self.dates.stop.is_some() {
            return;
        }
        while let Some(h) = self.held.pop() {
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
            Item::TooLong(line) => return self.too_long(line),
            Item::Record(line, text) => (line, text),
        };
        if csv && self.header.is_none() {
            self.header = Some(Header::parse(text, &self.mapping));
            return;
        }
        let parsed = parse(router, self.header.as_ref(), text, csv);
        self.take(router, line, parsed, csv, None);
    }

    pub(super) fn too_long(&mut self, line: u64) {
        self.lines += 1;
        let msg = format!("longer than {} bytes", MAX_LINE_BYTES);
        self.bad(line, msg);
    }

    /// The CSV header a prepared batch was read with, when this run has none yet.
    pub(super) fn header_from(&mut self, text: &str, mapping: &BTreeMap<String, String>) {
        if self.header.is_none() {
            self.mapping = mapping.clone();
            self.header = Some(Header::parse(text, &self.mapping));
        }
    }

    /// A parsed record (fed raw, or prepared with its ticket): counted, split, dated and
    /// held for ordering. Everything after parsing happens here, whichever way it came.
    pub(super) fn take(
        &mut self,
        router: &Router,
        line: u64,
        parsed: Result<Parsed, String>,
        csv: bool,
        ticket: Option<Box<TicketWire>>,
    ) {
        if self.dates.stop.is_some() {
            // Stopped: only the values that did not read are still collected.
            if let Ok((meta, _)) = parsed {
                self.dates
                    .created_at(meta.created_at, meta.raw_created_at.as_deref(), line);
            }
            return;
        }
        self.lines += 1;
        let (meta, lead) = match parsed {
            Ok(p) => p,
            Err(message) => {
                self.bad(line, message);
                return;
            }
        };
        if let Some(split) = &self.opts.split {
            if lead_arm(&meta, &lead, line, split) != split.arm {
                self.other_arm += 1;
                return;
            }
        }
        let created_at =
            self.dates
                .created_at(meta.created_at, meta.raw_created_at.as_deref(), line);
        if self.dates.stop.is_some() {
            return;
        }
        let known = self.known(router, &meta);
        if let Some(t) = created_at {
            self.latest = Some(self.latest.map_or(t, |l| l.max(t)));
        }
        self.seq += 1;
        let held = Held {
            at: created_at.or(self.latest).unwrap_or(0),
            seq: self.seq,
            line,
            timed: created_at.is_some(),
            csv,
            known,
            lead,
            ticket,
        };
        if self.opts.reorder_window == 0 {
            self.release(router, held);
            return;
        }
        self.held.push(held.at, held.seq, held);
        while self.held.len() > self.opts.reorder_window {
            match self.held.pop() {
                Some(h) => self.release(router, h),
                None => break,
            }
        }
    }

    /// The known outcome with the history file's claim resolved to a rep.
    fn known(&mut self, router: &Router, meta: &Meta) -> Known {
        let mut known = meta.known;
        known.claimed_by = meta
            .claimed_by
            .as_deref()
            .and_then(|r| router.rep_index(r.trim()))
            .and_then(|i| u32::try_from(i).ok());
        known.claimed_at = meta.claimed_at.as_deref().and_then(|t| self.dates.other(t));
        known
    }

    /// A held lead's turn: route it.
    fn release(&mut self, router: &Router, mut h: Held) {
        let ticket = h.ticket.take();
        match &h.lead {
            Ok(held) => self.route(router, held, &h, ticket.as_deref()),
            Err(message) => self.bad(h.line, message.clone()),
        }
    }

    fn route(&mut self, router: &Router, held: &HeldLead, h: &Held, ticket: Option<&TicketWire>) {
        let lead = held.lead();
        // A ticket that does not fit this router or lead (never one from `prepare` with
        // the same config) is dropped: the lead is classified again, with the same result.
        let ticket = ticket.and_then(|w| router.ticket_from_checked_wire(w, &lead).ok());
        let index = self.sink.tally.leads;
        if let Some(audit) = self.audit.as_mut() {
            audit.checkpoint(index, &self.engine);
        }
        if !h.timed {
            self.missing_created_at += 1;
        }
        let key = match lead.id() {
            Some(id) => hash2(SAMPLE_SEED, id.as_bytes()),
            None => hash2(SAMPLE_SEED, &h.line.to_le_bytes()),
        };
        let sampled = self.sample.wants((key, h.seq));
        let turn = Turn {
            at: h.at,
            timed: h.timed,
        };
        let d = self.engine.route(
            router,
            self.opts.claims.as_ref(),
            &mut self.sink,
            (&lead, ticket),
            h.known,
            turn,
            sampled || self.off_policy.wants_trace,
        );
        let now = self.engine.clock.unwrap_or(h.at);
        if self.first_at.is_none() {
            self.first_at = Some(now);
        }
        self.extra.decision(router, &lead, &d, index);
        if let Some(audit) = self.audit.as_mut() {
            audit.push(
                router,
                self.header.as_ref(),
                &lead,
                held.text(),
                h.line,
                h.at,
                h.timed,
                h.csv,
                &h.known,
                &d,
            );
            if d.pool.is_some() {
                if let Some(id) = &d.lead_id {
                    self.awaiting.insert(id.clone(), index);
                }
            }
        }
        self.off_policy.decision(&d, h.known.converted);
        if sampled {
            let item = SampleDecision {
                at: now,
                converted: h.known.converted,
                deal_value: h.known.deal_value,
                decision: serde_json::to_value(&d).unwrap_or_default(),
            };
            self.sample.insert((key, h.seq), item);
        }
        self.drain_claims();
    }

    /// Claims and expiries since the last lead go into the audit log: who owns the
    /// pooled lead now.
    fn drain_claims(&mut self) {
        for (id, rep, at) in std::mem::take(&mut self.sink.claimed) {
            let index = self.awaiting.remove(&id);
            if let (Some(audit), Some(i)) = (self.audit.as_mut(), index) {
                audit.claimed(i, rep, Some(at));
            }
        }
        for (id, rep) in std::mem::take(&mut self.sink.expired) {
            let index = self.awaiting.remove(&id);
            if let (Some(audit), Some(i)) = (self.audit.as_mut(), index) {
                audit.claimed(i, rep, None);
            }
        }
    }

    /// Why the run stopped, when it did (`created_at` that cannot be read, and the caller
    /// did not allow it): later input is ignored, and the binding throws it.
    pub fn stopped(&self) -> Option<&SimError> {
        self.dates.stop.as_ref()
    }

    /// The audit log's rows matching `q` (routing order), the page asked for, with the
    /// total. Empty when the simulation keeps no audit log.
    pub fn search(&self, router: &Router, q: &AuditQuery, page: Page) -> AuditPage {
        match &self.audit {
            Some(a) => a.search(router, q, page),
            None => AuditPage::default(),
        }
    }

    /// Every row matching `q` as CSV, a header row first (the columns of [`super::AuditRow`]).
    pub fn search_csv(&self, router: &Router, q: &AuditQuery) -> String {
        match &self.audit {
            Some(a) => a.search_csv(router, q),
            None => super::audit::csv_head(),
        }
    }

    /// The decision at `index` (routing order) with its full trace, exactly as routing
    /// made it: replayed from the nearest checkpoint. None past the end or without audit.
    pub fn explain(&self, router: &Router, index: u64) -> Option<serde_json::Value> {
        let audit = self.audit.as_ref()?;
        let (from, engine) = audit.checkpoint_before(index)?;
        let mut engine = engine.clone();
        let mut sink = Sink::new(router, self.opts.score_bucket);
        for i in from..=index {
            let rec = audit.rec(i)?;
            let text = audit.text(rec);
            let (meta, lead) = parse(router, self.header.as_ref(), text, rec.csv()).ok()?;
            let held = lead.ok()?;
            let mut known = meta.known;
            (known.claimed_by, known.claimed_at) = rec.history_claim();
            let turn = Turn {
                at: rec.at,
                timed: rec.timed(),
            };
            let d = engine.route(
                router,
                self.opts.claims.as_ref(),
                &mut sink,
                (&held.lead(), None),
                known,
                turn,
                i == index,
            );
            if i == index {
                return serde_json::to_value(&d).ok();
            }
        }
        None
    }

    /// This simulation (A, through `router`) against `other` (B, through
    /// `other_router`) over the same leads: the leads whose outcome or owner changed,
    /// one page of them (at most `max` rows; the API gives [`super::MAX_PAGE`]).
    /// Fails with `different_leads` when the two did not route the same leads.
    pub fn diff(
        &self,
        router: &Router,
        other: &Simulation,
        other_router: &Router,
        filter: &DiffFilter,
        page: Page,
        max: usize,
    ) -> Result<Diff, SimError> {
        let none = || SimError {
            code: "no_audit_log".into(),
            message: "a diff needs the audit log of both simulations".into(),
            help: "run both with the audit option on (the default)".into(),
            seen: Vec::new(),
            line: 0,
        };
        let a = self.audit.as_ref().ok_or_else(none)?;
        let b = other.audit.as_ref().ok_or_else(none)?;
        super::diff::diff((a, router), (b, other_router), filter, page, max)
    }

    /// Every moved lead passing `filter` as CSV ([`super::diff::diff_csv`]).
    pub fn diff_csv(
        &self,
        router: &Router,
        other: &Simulation,
        other_router: &Router,
        filter: &DiffFilter,
    ) -> Result<String, SimError> {
        let all = Page {
            limit: usize::MAX,
            offset: 0,
        };
        let d = self.diff(router, other, other_router, filter, all, usize::MAX)?;
        Ok(super::diff::diff_csv(&d))
    }

    /// The two reports metric by metric (`compare`), with the moved leads' totals when
    /// both runs routed the same leads with an audit log. Call `finish` on both first.
    pub fn compare_with(
        &self,
        router: &Router,
        other: &Simulation,
        other_router: &Router,
    ) -> super::Comparison {
        let mut c = super::compare(&self.report(router), &other.report(other_router));
        let all = DiffFilter::default();
        let none = Page {
            limit: 0,
            offset: 0,
        };
        if let Ok(d) = self.diff(router, other, other_router, &all, none, 0) {
            c.moved = Some(d.moved);
            c.moves = d.moves;
        }
        c
    }

    /// The audit log's checkpoints: how many, and the leads between two.
    pub fn checkpoints(&self) -> (usize, u64) {
        self.audit
            .as_ref()
            .map_or((0, 0), |a| (a.checkpoints(), a.every))
    }

    /// The audit log's size in bytes: records and texts, and the checkpoints' estimate.
    pub fn audit_bytes(&self) -> (usize, usize) {
        self.audit
            .as_ref()
            .map_or((0, 0), |a| (a.bytes(), a.checkpoint_bytes()))
    }

    /// The report so far. Call `finish` first to include leads still held for ordering.
    pub fn report(&self, router: &Router) -> Report {
        let mut r = Report {
            lines: self.lines,
            bad_lines: self.bad_lines,
            errors: self.errors.clone(),
            other_arm: self.other_arm,
            split: self.opts.split.clone(),
            out_of_order: self.sink.out_of_order,
            missing_created_at: self.missing_created_at,
            first_at: self.first_at,
            last_at: self.engine.clock,
            created_at: self.dates.report.clone(),
            ..Report::default()
        };
        self.sink
            .tally
            .fill(router, self.engine.timeline.waiting(), &mut r);
        for (p, c) in r.pools.iter_mut().zip(&self.sink.claims) {
            p.claimed = c.claimed;
            p.claimed_from_history = c.from_history;
            p.time_to_claim = c.time_to_claim();
        }
        r.sla.open = self.engine.timeline.open();
        let mut sample: Vec<(&(u64, u64), &SampleDecision)> = self.sample.items.iter().collect();
        crate::sort::sort_by(&mut sample, |a, b| (a.1.at, a.0 .1).cmp(&(b.1.at, b.0 .1)));
        r.sample = sample.into_iter().map(|(_, d)| d.clone()).collect();
        self.extra.fill(router, &self.opts.insights, &mut r);
        super::insights::Extra::assertions(router, &self.opts.assertions, &mut r);
        r.off_policy = self.off_policy.report();
        r
    }
}

/// The arm of a split a parsed record belongs to. A lead without an id splits by its
/// line number; the arm a live split recorded wins over hashing again: it is what happened.
pub(super) fn lead_arm(
    meta: &Meta,
    lead: &Result<HeldLead, String>,
    line: u64,
    split: &Split,
) -> Arm {
    let id = meta
        .id
        .as_deref()
        .or_else(|| lead.as_ref().ok().and_then(HeldLead::id));
    match (meta.arm, id) {
        (Some(arm), _) => arm,
        (None, Some(id)) => arm_of(id, split),
        (None, None) => arm_of(&format!("line:{line}"), split),
    }
}

/// One full parse; only a record that fails it gets the cheap first look, which decides
/// whether it is bad now or takes its place and is reported at its turn. The same for
/// the first read and for a replay, so a replay routes the very same lead.
pub(super) fn parse(
    router: &Router,
    header: Option<&Header>,
    text: &str,
    csv: bool,
) -> Result<Parsed, String> {
    if csv {
        let Some(h) = header else {
            return Err("no header".into());
        };
        return h
            .read(router.schema(), text)
            .map(|(m, lead)| {
                (
                    m,
                    lead.map(|l| HeldLead::new(text, l)).map_err(|e| e.message),
                )
            })
            .map_err(|e| e.message);
    }
    let mut extra = [
        Val::Missing,
        Val::Missing,
        Val::Missing,
        Val::Missing,
        Val::Missing,
    ];
    match router
        .schema()
        .parse_json_with(text, &KNOWN_KEYS, &mut extra)
    {
        Ok(lead) => {
            let [converted, deal_value, claimed_by, claimed_at, arm] = &extra;
            let as_text = |v: &Val| match v {
                Val::Str(s) if !s.trim().is_empty() => Some(s.to_string()),
                Val::Num(n) => Some(match timestamp(v) {
                    Some(t) => t.to_string(),
                    None => n.to_string(),
                }),
                _ => None,
            };
            // Only a lead whose created_at did not read is looked at again, for the text.
            let raw_created_at = match lead.created_at {
                Some(_) => None,
                None => Some(
                    Meta::from_json(text)
                        .ok()
                        .and_then(|m| m.raw_created_at)
                        .unwrap_or_default(),
                ),
            };
            let meta = Meta {
                id: None,
                created_at: lead.created_at,
                raw_created_at,
                known: Known::from_vals(converted, deal_value),
                claimed_by: as_text(claimed_by),
                claimed_at: as_text(claimed_at),
                arm: arm_val(arm),
            };
            Ok((meta, Ok(HeldLead::new(text, lead))))
        }
        Err(e) => Meta::from_json(text)
            .map(move |m| (unborrow(m), Err(e.message)))
            .map_err(|e| lead_error(e).message),
    }
}

/// The meta with its borrowed id copied: it outlives the record.
fn unborrow(m: Meta<'_>) -> Meta<'static> {
    Meta {
        id: m.id.map(|c| std::borrow::Cow::Owned(c.into_owned())),
        created_at: m.created_at,
        raw_created_at: m.raw_created_at,
        known: m.known,
        claimed_by: m.claimed_by,
        claimed_at: m.claimed_at,
        arm: m.arm,
    }
}
