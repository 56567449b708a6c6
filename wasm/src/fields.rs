//! The fast lane of `Router`: leads arrive as typed fields the JS glue (`leadroute/fast`)
//! wrote into buffers this module owns, and decisions leave as numbers in a record the
//! glue reads, names as indices into a table it caches. No JSON on the hot path; every
//! coercion, check and error is the core's (`Schema::read_fields`) or the JSON path's own.

use crate::error::{code, error, lead_error};
use crate::input::{ensure_free, Fail};
use crate::router::{Router, UPDATE_HEADROOM};
use crate::to_js;
use leadroute::fxhash::FxHashMap;
use leadroute::lead::FieldValue;
use leadroute::{Decision, Outcome, RouteOptions, Via};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// u32 words per input entry: `[slot, kind, a, b]`.
const ENTRY: usize = 4;
/// f64s per output record (see `Record`).
pub(crate) const REC: usize = 18;

/// Entry kinds as the glue writes them.
mod kind {
    pub const NULL: u32 = 0;
    /// `a`: byte offset, `b`: byte length of UTF-8 (TextEncoder.encodeInto).
    pub const STR: u32 = 1;
    /// `a`: index into the numbers.
    pub const NUM: u32 = 2;
    pub const FALSE: u32 = 3;
    pub const TRUE: u32 = 4;
    /// Ends one lead of a batch.
    pub const END: u32 = 5;
}

/// Where the glue finds the buffers (f64 slots of `Lane::ptrs`): rewritten whenever one
/// of them may have moved, read by the glue after each call that can move them.
mod at {
    pub const ENTRIES: usize = 0;
    pub const NUMS: usize = 1;
    pub const BYTES: usize = 2;
    pub const RECS: usize = 3;
    pub const OUT_BYTES: usize = 4;
    pub const NAMES: usize = 5;
    pub const ENTRIES_CAP: usize = 6;
    pub const NUMS_CAP: usize = 7;
    pub const BYTES_CAP: usize = 8;
    pub const EXTRA: usize = 9;
    pub const LEN: usize = 10;
}

#[derive(Default)]
struct Input {
    entries: Vec<u32>,
    nums: Vec<f64>,
    bytes: Vec<u8>,
}

/// Names a decision can hold (rep, team, pool, rule, error codes), each interned once by
/// the address of the router's own string: the router never changes, so an address and
/// length always mean the same text.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    index: FxHashMap<(usize, usize), u32>,
    /// A direct-mapped cache in front of `index` (a decision names up to about twenty
    /// things, nearly always the same few hundred).
    recent: Vec<(usize, usize, u32)>,
}

const RECENT: usize = 1024;

impl Names {
    /// 0 for none, else the name's position + 1.
    fn id(&mut self, s: Option<&str>) -> f64 {
        let Some(s) = s else { return 0.0 };
        let key = (s.as_ptr() as usize, s.len());
        let slot = (key.0 >> 2 ^ key.1) & (RECENT - 1);
        if let Some(&(p, l, i)) = self.recent.get(slot) {
            if (p, l) == key {
                return f64::from(i + 1);
            }
        }
        let next = self.list.len() as u32;
        let i = *self.index.entry(key).or_insert(next);
        if i == next {
            self.list.push(s.to_string());
        }
        if self.recent.is_empty() {
            self.recent = vec![(0, usize::MAX, 0); RECENT];
        }
        if let Some(r) = self.recent.get_mut(slot) {
            *r = (key.0, key.1, i);
        }
        f64::from(i + 1)
    }
}

#[derive(Default)]
struct Output {
    recs: Vec<f64>,
    bytes: Vec<u8>,
    /// Each score's grade, groups and breakdown as numbers (names interned): no float
    /// formatting on the hot path.
    extra: Vec<f64>,
    names: Names,
}

/// The buffers of one router's fast lane.
pub(crate) struct Lane {
    input: RefCell<Input>,
    out: RefCell<Output>,
    ptrs: RefCell<Vec<f64>>,
}

impl Default for Lane {
    fn default() -> Self {
        Lane {
            input: RefCell::default(),
            out: RefCell::default(),
            ptrs: RefCell::new(vec![0.0; at::LEN]),
        }
    }
}

/// Record layout (f64 each): status (0 decision, 1 error), outcome (or error code name),
/// via, rep, team, pool, rule, rep name, calendar url (names + 1, 0 none), score total
/// (NaN none), flags (1 replayed, 2 trace, 4 lead id), byte offset, reason length (or
/// message), lead id length, trace JSON length, index in the batch, and where the score's
/// numbers are (`Output::extra`: grade, mql, groups, hits, then group, raw, points per group
/// and group, rule, points per hit).
mod rec {
    pub const STATUS: usize = 0;
    pub const OUTCOME: usize = 1;
    pub const VIA: usize = 2;
    pub const REP: usize = 3;
    pub const TEAM: usize = 4;
    pub const POOL: usize = 5;
    pub const RULE: usize = 6;
    pub const REP_NAME: usize = 7;
    pub const CALENDAR: usize = 8;
    pub const SCORE: usize = 9;
    pub const FLAGS: usize = 10;
    pub const OFFSET: usize = 11;
    pub const REASON: usize = 12;
    pub const LEAD_ID: usize = 13;
    pub const DETAIL: usize = 14;
    pub const INDEX: usize = 15;
    pub const EXTRA: usize = 16;
    pub const EXTRA_LEN: usize = 17;
}

fn set(r: &mut [f64], i: usize, v: f64) {
    if let Some(x) = r.get_mut(i) {
        *x = v;
    }
}

impl Output {
    /// A call's records replace the last call's; its bytes and numbers are appended after
    /// the earlier calls' (which the glue may still read) until the glue, having copied
    /// those out, asks to start over (`WRAP`).
    fn begin(&mut self, flags: u32) {
        self.recs.clear();
        if flags & WRAP != 0 {
            self.bytes.clear();
            self.extra.clear();
        }
    }
    fn push_score(&mut self, s: &leadroute::decision::Score) {
        let grade = self.names.id(s.grade);
        self.extra.extend_from_slice(&[
            grade,
            f64::from(u8::from(s.mql)),
            s.groups.len() as f64,
            s.breakdown.len() as f64,
        ]);
        for g in &s.groups {
            let group = self.names.id(Some(g.group));
            self.extra.extend_from_slice(&[group, g.raw, g.points]);
        }
        for h in &s.breakdown {
            let group = self.names.id(Some(h.group));
            let rule = self.names.id(Some(h.rule));
            self.extra.extend_from_slice(&[group, rule, h.points]);
        }
    }
    fn push_decision(&mut self, index: usize, d: &Decision) {
        let mut r = [0.0; REC];
        let offset = self.bytes.len();
        self.bytes.extend_from_slice(d.reason.as_bytes());
        let id = d.lead_id.as_deref().unwrap_or("");
        self.bytes.extend_from_slice(id.as_bytes());
        let before = self.bytes.len();
        if let Some(t) = &d.trace {
            // Writing into a Vec cannot fail; a failure would only shorten the trace.
            let _ = serde_json::to_writer(&mut self.bytes, t);
        }
        let detail_len = self.bytes.len() - before;
        let extra = self.extra.len();
        if let Some(s) = &d.score {
            self.push_score(s);
        }
        set(&mut r, rec::EXTRA, extra as f64);
        set(&mut r, rec::EXTRA_LEN, (self.extra.len() - extra) as f64);
        set(&mut r, rec::STATUS, 0.0);
        set(&mut r, rec::OUTCOME, position(&Outcome::ALL, d.outcome));
        set(&mut r, rec::VIA, position(&Via::ALL, d.via));
        set(&mut r, rec::REP, self.names.id(d.rep));
        set(&mut r, rec::TEAM, self.names.id(d.team));
        set(&mut r, rec::POOL, self.names.id(d.pool));
        set(&mut r, rec::RULE, self.names.id(d.rule));
        set(&mut r, rec::REP_NAME, self.names.id(d.rep_name));
        set(&mut r, rec::CALENDAR, self.names.id(d.calendar_url));
        set(
            &mut r,
            rec::SCORE,
            d.score.as_ref().map_or(f64::NAN, |s| s.total),
        );
        let flags = u8::from(d.replayed)
            | u8::from(d.trace.is_some()) << 1
            | u8::from(d.lead_id.is_some()) << 2;
        set(&mut r, rec::FLAGS, f64::from(flags));
        set(&mut r, rec::OFFSET, offset as f64);
        set(&mut r, rec::REASON, d.reason.len() as f64);
        set(&mut r, rec::LEAD_ID, id.len() as f64);
        set(&mut r, rec::DETAIL, detail_len as f64);
        set(&mut r, rec::INDEX, index as f64);
        self.recs.extend_from_slice(&r);
    }
    fn push_failure(&mut self, index: usize, f: &Fail) {
        let mut r = [0.0; REC];
        set(&mut r, rec::STATUS, 1.0);
        set(&mut r, rec::OUTCOME, self.names.id(Some(f.code)));
        set(&mut r, rec::OFFSET, self.bytes.len() as f64);
        set(&mut r, rec::REASON, f.message.len() as f64);
        set(&mut r, rec::INDEX, index as f64);
        self.bytes.extend_from_slice(f.message.as_bytes());
        self.recs.extend_from_slice(&r);
    }
}

fn position<T: PartialEq>(all: &[T], v: T) -> f64 {
    all.iter().position(|x| *x == v).unwrap_or(0) as f64
}

/// A flag bit beside the options: the glue has copied out every earlier call's bytes.
const WRAP: u32 = 1 << 8;

/// The options as the glue passes them: `now` as it is, then two bits each for `trace`
/// and `stateless` (0 false, 1 true, 2 not a boolean) and for `time` (0 absent or null,
/// 1 "now", 2 "created_at", 3 anything else). Same checks and messages as `input::options`.
fn options(now: f64, flags: u32) -> Result<(RouteOptions, bool), Fail> {
    let now = leadroute::clock::check_now(now)
        .map_err(|m| Fail::new(code::INVALID_OPTIONS, format!("options.{m}")))?;
    let flag = |bits: u32, dflt: bool| match bits & 3 {
        0 => false,
        1 => true,
        _ => dflt,
    };
    let by_created = match (flags >> 4) & 3 {
        0 | 1 => false,
        2 => true,
        _ => {
            return Err(Fail::new(
                code::INVALID_OPTIONS,
                "options.time must be \"now\" (default) or \"created_at\"".to_string(),
            ))
        }
    };
    let opts = RouteOptions {
        now,
        trace: flag(flags, true),
        stateless: flag(flags >> 2, false),
    };
    Ok((opts, by_created))
}

fn bad_entry() -> leadroute::LeadError {
    leadroute::LeadError::new(
        "the fast lane's field buffer does not hold a lead (a bug in the glue)",
    )
}

/// The strings the glue wrote (`used` bytes), checked as UTF-8 once for all of them.
fn strings(input: &Input, used: u32) -> Result<&str, leadroute::LeadError> {
    input
        .bytes
        .get(..used as usize)
        .and_then(|b| std::str::from_utf8(b).ok())
        .ok_or_else(bad_entry)
}

/// The fields of one lead from `entries` (whole entries, no END), checked as the JSON
/// path checks them.
fn read_lead<'a>(
    router: &leadroute::Router,
    input: &Input,
    text: &'a str,
    entries: &[u32],
) -> Result<leadroute::Lead<'a>, leadroute::LeadError> {
    let mut bad = false;
    let fields = entries.chunks_exact(ENTRY).map_while(|e| {
        let &[slot, k, a, b] = <&[u32; ENTRY]>::try_from(e).ok()?;
        let (a, b) = (a as usize, b as usize);
        let v = match k {
            kind::NULL => Some(FieldValue::Null),
            kind::STR => text.get(a..a.saturating_add(b)).map(FieldValue::Str),
            kind::NUM => input
                .nums
                .get(a)
                .filter(|n| n.is_finite())
                .map(|n| FieldValue::Num(*n)),
            kind::FALSE => Some(FieldValue::Bool(false)),
            kind::TRUE => Some(FieldValue::Bool(true)),
            _ => None,
        };
        bad |= v.is_none();
        Some((slot as usize, v?))
    });
    let lead = router.schema().read_fields(fields);
    if bad {
        return Err(bad_entry());
    }
    lead
}

impl Router {
    fn write_ptrs(&self, input: &Input, out: &Output) {
        let mut p = self.lane.ptrs.borrow_mut();
        let mut put = |i: usize, v: usize| set(&mut p, i, v as f64);
        put(at::ENTRIES, input.entries.as_ptr() as usize);
        put(at::NUMS, input.nums.as_ptr() as usize);
        put(at::BYTES, input.bytes.as_ptr() as usize);
        put(at::RECS, out.recs.as_ptr() as usize);
        put(at::OUT_BYTES, out.bytes.as_ptr() as usize);
        put(at::NAMES, out.names.list.len());
        put(at::ENTRIES_CAP, input.entries.len() / ENTRY);
        put(at::NUMS_CAP, input.nums.len());
        put(at::BYTES_CAP, input.bytes.len());
        put(at::EXTRA, out.extra.as_ptr() as usize);
    }

    fn lane_borrow(
        &self,
    ) -> Result<(std::cell::Ref<'_, Input>, std::cell::RefMut<'_, Output>), JsValue> {
        let busy = || error(code::INTERRUPTED, "the fast lane is in use by another call");
        let input = self.lane.input.try_borrow().map_err(|_| busy())?;
        let out = self.lane.out.try_borrow_mut().map_err(|_| busy())?;
        Ok((input, out))
    }
}

#[derive(Serialize)]
struct Layout<'a> {
    fields: Vec<&'a str>,
    #[serde(rename = "createdAt")]
    created_at: Option<usize>,
    #[serde(rename = "leadFields")]
    lead_fields: usize,
    #[serde(rename = "stringBytes")]
    string_bytes: usize,
    #[serde(rename = "textUnits")]
    text_units: usize,
    outcomes: Vec<&'static str>,
    vias: Vec<&'static str>,
    #[serde(rename = "recordSize")]
    record_size: usize,
    #[serde(rename = "ptrs")]
    ptrs: usize,
}

#[wasm_bindgen]
impl Router {
    /// For `leadroute/fast`: the schema's fields in slot order, the limits the glue sends
    /// to the JSON path instead, the wasm memory and where the buffer pointers are.
    #[wasm_bindgen(js_name = laneLayout, unchecked_return_type = "unknown")]
    pub fn lane_layout(&self) -> Result<JsValue, JsValue> {
        let (input, out) = self.lane_borrow()?;
        self.write_ptrs(&input, &out);
        let schema = self.router.schema();
        let limits = self.router.limits();
        let layout = Layout {
            fields: schema.names().collect(),
            created_at: schema.created_at_slot(),
            lead_fields: limits.lead_fields,
            string_bytes: limits.lead_string_bytes,
            text_units: crate::router::max_lead(&self.router),
            outcomes: Outcome::ALL.iter().map(|o| o.as_str()).collect(),
            vias: Via::ALL.iter().map(|v| v.as_str()).collect(),
            record_size: REC,
            ptrs: self.lane.ptrs.borrow().as_ptr() as usize,
        };
        let v = to_js(&layout)?;
        js_sys::Reflect::set(&v, &"memory".into(), &wasm_bindgen::memory())?;
        Ok(v)
    }

    /// Grows the input buffers to at least `entries` entries, `nums` numbers and `bytes`
    /// bytes (refused with `out_of_memory` before anything changes).
    #[wasm_bindgen(js_name = laneReserve)]
    pub fn lane_reserve(&self, entries: u32, nums: u32, bytes: u32) -> Result<(), JsValue> {
        let mut input = self
            .lane
            .input
            .try_borrow_mut()
            .map_err(|_| error(code::INTERRUPTED, "the fast lane is in use by another call"))?;
        let want = |n: u32| (n as usize).next_power_of_two();
        let (e, n, b) = (want(entries) * ENTRY, want(nums), want(bytes));
        let extra = e.saturating_sub(input.entries.len()) * 4
            + n.saturating_sub(input.nums.len()) * 8
            + b.saturating_sub(input.bytes.len());
        ensure_free(extra.saturating_mul(2))?;
        if input.entries.len() < e {
            input.entries.resize(e, 0);
        }
        if input.nums.len() < n {
            input.nums.resize(n, 0.0);
        }
        if input.bytes.len() < b {
            input.bytes.resize(b, 0);
        }
        let out = self.lane.out.borrow();
        self.write_ptrs(&input, &out);
        Ok(())
    }

    /// The interned names from position `from` on (the glue caches the table).
    #[wasm_bindgen(js_name = laneNames)]
    pub fn lane_names(&self, from: u32) -> Vec<String> {
        self.lane
            .out
            .borrow()
            .names
            .list
            .get(from as usize..)
            .map(<[String]>::to_vec)
            .unwrap_or_default()
    }

    /// `route` (or `routeAgain`) of the lead in the first `n` entries (its strings in the
    /// first `used` bytes): one record out.
    /// Throws exactly what `route` throws for the same lead and options.
    #[wasm_bindgen(js_name = laneRoute)]
    pub fn lane_route(
        &self,
        n: u32,
        used: u32,
        now: f64,
        flags: u32,
        again: bool,
    ) -> Result<(), JsValue> {
        let (mut opts, by_created) = options(now, flags)?;
        let (input, mut out) = self.lane_borrow()?;
        let text = strings(&input, used).map_err(|e| lead_error(&e))?;
        let entries = input
            .entries
            .get(..(n as usize) * ENTRY)
            .ok_or_else(|| lead_error(&bad_entry()))?;
        let lead = read_lead(&self.router, &input, text, entries).map_err(|e| lead_error(&e))?;
        if let Err(p) = self.router.check_id(&lead) {
            return Err(error(p.code, &p.message));
        }
        if by_created {
            opts.now = self.router.lead_time(&lead, opts.now);
        }
        let bytes = lead_bytes(entries);
        out.begin(flags);
        {
            let mut state = self.state_mut(bytes)?;
            let d = if again {
                self.router.route_again(&mut state, &lead, opts)
            } else {
                self.router.route(&mut state, &lead, opts)
            };
            out.push_decision(0, &d);
        }
        self.write_ptrs(&input, &out);
        Ok(())
    }

    /// `routeBatch` of the leads in the first `n` entries (each ended by an END entry):
    /// one record per lead, a decision or the lead's error, as `routeBatch` lists them.
    /// `first` numbers the records' indices (the glue may split a batch).
    #[wasm_bindgen(js_name = laneBatch)]
    pub fn lane_batch(
        &self,
        n: u32,
        used: u32,
        now: f64,
        flags: u32,
        first: u32,
    ) -> Result<(), JsValue> {
        let (opts, by_created) = options(now, flags)?;
        let (input, mut out) = self.lane_borrow()?;
        let text = strings(&input, used).map_err(|e| lead_error(&e))?;
        let entries = input
            .entries
            .get(..(n as usize) * ENTRY)
            .ok_or_else(|| lead_error(&bad_entry()))?;
        out.begin(flags);
        {
            let mut state = self.state_mut(0)?;
            let mut start = 0;
            let mut index = first as usize;
            for (i, e) in entries.chunks_exact(ENTRY).enumerate() {
                if e.get(1) != Some(&kind::END) {
                    continue;
                }
                let lead_entries = entries.get(start * ENTRY..i * ENTRY).unwrap_or(&[]);
                start = i + 1;
                let this = index;
                index += 1;
                let lead = match read_lead(&self.router, &input, text, lead_entries) {
                    Ok(lead) => lead,
                    Err(e) => {
                        out.push_failure(this, &Fail::new(e.code.as_str(), e.to_string()));
                        continue;
                    }
                };
                if let Err(p) = self.router.check_id(&lead) {
                    out.push_failure(this, &Fail::new(p.code, p.message));
                    continue;
                }
                let size = lead_bytes(lead_entries);
                if let Err(f) = ensure_free(UPDATE_HEADROOM.saturating_add(size.saturating_mul(2)))
                {
                    out.push_failure(this, &f);
                    continue;
                }
                let opts = if by_created {
                    RouteOptions {
                        now: self.router.lead_time(&lead, opts.now),
                        ..opts
                    }
                } else {
                    opts
                };
                let d = self.router.route(&mut state, &lead, opts);
                out.push_decision(this, &d);
            }
        }
        self.write_ptrs(&input, &out);
        Ok(())
    }
}

/// About the size of the lead's JSON text (its string bytes and a number's worth for the
/// rest), for the same memory headroom the JSON path asks for.
fn lead_bytes(entries: &[u32]) -> usize {
    entries
        .chunks_exact(ENTRY)
        .map(|e| match e {
            [_, kind::STR, _, len] => *len as usize + 8,
            _ => 24,
        })
        .sum()
}
