//! Bulk simulation on many cores: slices of the input are parsed and classified anywhere
//! (Web Workers) into compact binary batches, which the one simulation assigns in order.
//!
//! The batch is hand-written little-endian: a record's line, text, parsed values, first
//! look and ticket, with indexes into the router instead of its strings. The config's
//! fingerprint is written once a batch, and a batch from another config is refused.

use super::csv::{delimiter_of, Header};
use super::held::{HeldLead, HeldVal};
use super::known::{Known, Meta};
use super::records::{Item, Records};
use super::simulate::{lead_arm, parse, Parsed};
use super::{SimError, SimOptions, Split};
use crate::lead::Lead;
use crate::model::Router;
use crate::split::Arm;
use crate::ticket::{
    Screened, TicketTarget, TicketWire, WireAccount, WireRoute, WireScore, WireTrace, TICKET_FORMAT,
};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The first bytes of every batch, then its format (bumped when the layout changes).
const MAGIC: &[u8; 4] = b"LRPB";
const VERSION: u8 = 1;

/// Parses and classifies slices of the input, for one config and one simulation's
/// options. Holds no state between slices: any slice can be prepared anywhere, in any
/// order, as long as the batches are fed in input order.
pub struct Preparer {
    split: Option<Split>,
    /// Classify with a trace: the simulation asks for one on every lead (learned teams).
    trace: bool,
}

/// Where to cut the input: the end of the last whole record (past its newline) and the
/// lines before it, so the next slice's first line is known before this one is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub end: usize,
    pub lines: u64,
}

/// A CSV file's header record as the simulation reads it, and where the data starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvStart {
    pub header: String,
    /// Past the header record's newline.
    pub end: usize,
    /// The line the first data record starts on.
    pub first_line: u64,
}

/// Text for the cutters: invalid UTF-8 becomes `?` byte for byte (a browser reads it as
/// U+FFFD; neither is a quote, delimiter or newline, so records end at the same bytes).
fn scan_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Cow::Borrowed(t),
        Err(_) => {
            let mut out = Vec::with_capacity(bytes.len());
            let mut rest = bytes;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(t) => {
                        out.extend_from_slice(t.as_bytes());
                        break;
                    }
                    Err(e) => {
                        let (ok, bad) = rest.split_at(e.valid_up_to());
                        out.extend_from_slice(ok);
                        let n = e.error_len().unwrap_or(bad.len()).max(1);
                        out.extend(std::iter::repeat_n(b'?', n.min(bad.len())));
                        rest = bad.get(n..).unwrap_or(&[]);
                    }
                }
            }
            Cow::Owned(String::from_utf8_lossy(&out).into_owned())
        }
    }
}

/// Where to cut JSONL that starts at a line boundary: after its last newline.
pub fn cut_jsonl(bytes: &[u8]) -> Cut {
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let lines = bytes.get(..end).map_or(0, newlines);
    Cut { end, lines }
}

/// The newlines in `bytes`, eight bytes at a time: the simulation worker counts every
/// byte of the file this way before handing it on, so a byte loop (wasm has no vector
/// search here) would be a serial cost of its own.
pub fn newlines(bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    let mut n = 0u64;
    for w in &mut words {
        let word = <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes);
        n += u64::from(crate::word::zero_bytes(word ^ crate::word::splat(b'\n')).count_ones());
    }
    n + words.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

/// Where to cut CSV data that starts at a record boundary: after the last newline that
/// is outside quotes, read with the delimiter of `header`.
pub fn cut_csv(bytes: &[u8], header: &str) -> Cut {
    let mut records = Records::within(true, 1, header_delimiter(header));
    let (end, lines) = records.last_end(&scan_text(bytes));
    Cut { end, lines }
}

/// The header record of a CSV file from its first bytes, as the simulation's splitter
/// reads it (a byte order mark and blank lines before it skipped); None until the bytes
/// hold the whole header record.
pub fn csv_start(bytes: &[u8]) -> Option<CsvStart> {
    let text = scan_text(bytes);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(bom..)?;
    // The splitter reads the delimiter from the file's first line, as `Records` does.
    let first = body.get(..body.find('\n')?)?;
    let mut records = Records::within(true, 1, delimiter_of(first));
    let mut from = 0;
    loop {
        let i = records.next_end(body, from)?;
        let rec = body.get(from..i)?;
        let rec = rec.strip_suffix('\r').unwrap_or(rec);
        if !rec.trim().is_empty() {
            let end = bom + i + 1;
            let lines = text.get(..end)?.matches('\n').count() as u64;
            return Some(CsvStart {
                header: rec.to_string(),
                end,
                first_line: 1 + lines,
            });
        }
        from = i + 1;
    }
}

/// The delimiter the splitter reads quotes with: from the header's first line.
fn header_delimiter(header: &str) -> u8 {
    let header = header.trim_start_matches('\u{feff}');
    delimiter_of(header.split('\n').next().unwrap_or(""))
}

impl Preparer {
    pub fn new(router: &Router, opts: &SimOptions) -> Preparer {
        Preparer {
            split: opts.split.clone(),
            trace: super::off_policy::SimLog::new(router).wants_trace,
        }
    }

    /// A batch from JSONL bytes holding whole lines, the first on line `first_line`.
    pub fn jsonl(&self, router: &Router, bytes: &[u8], first_line: u64) -> Vec<u8> {
        self.batch(router, bytes, first_line, None)
    }

    /// A batch from CSV data records (no header) holding whole records, read with
    /// `header` (the file's header record) and `mapping` as the simulation reads them.
    pub fn csv(
        &self,
        router: &Router,
        bytes: &[u8],
        first_line: u64,
        header: &str,
        mapping: &BTreeMap<String, String>,
    ) -> Vec<u8> {
        self.batch(router, bytes, first_line, Some((header, mapping)))
    }

    fn batch(
        &self,
        router: &Router,
        bytes: &[u8],
        first_line: u64,
        csv: Option<(&str, &BTreeMap<String, String>)>,
    ) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(bytes.len() * 2 + 64));
        w.0.extend_from_slice(MAGIC);
        w.u8(VERSION);
        w.u64(router.fingerprint_bits());
        w.u64(first_line);
        w.u64(newlines(bytes));
        let header = csv.map(|(h, m)| (Header::parse(h, m), h, m));
        match &header {
            Some((_, text, mapping)) => {
                w.u8(1);
                w.str(text);
                w.u32(len32(mapping.len()));
                for (k, v) in mapping.iter() {
                    w.str(k);
                    w.str(v);
                }
            }
            None => w.u8(0),
        }
        let count_at = w.0.len();
        w.u32(0);
        let mut count = 0u32;
        // The file's start (a JSONL first line) may carry a byte order mark.
        let mut records = match &header {
            Some((h, _, _)) => Records::within(true, first_line, h.delimiter),
            None if first_line == 1 => Records::new(false),
            None => Records::within(false, first_line, b','),
        };
        let hdr = header.as_ref().map(|(h, _, _)| h);
        // With accounts, records wait here until CLASSIFY_BATCH of them have a lead to
        // classify, then are written in order, their leads classified together.
        // Without, there is nothing to match together: each is written at once.
        let batched = router.accounts.is_some();
        let mut pending: Vec<Pending> = Vec::with_capacity(CLASSIFY_BATCH);
        let mut leads = 0;
        let mut one = |item: Item| {
            count += 1;
            let p = match item {
                Item::TooLong(line) => Pending::TooLong(line),
                Item::Record(line, text) => match parse(router, hdr, text, hdr.is_some()) {
                    Err(message) => Pending::Unreadable(line, message),
                    Ok(parsed) => {
                        let ticket = self.wants_ticket(line, &parsed);
                        leads += usize::from(ticket);
                        Pending::Parsed(line, parsed, ticket)
                    }
                },
            };
            if !batched {
                let ticket = match &p {
                    Pending::Parsed(_, (_, Ok(held)), true) => {
                        Some(router.ticket_parts(&router.classify(&held.lead(), self.trace)))
                    }
                    _ => None,
                };
                return write_pending(&mut w, &p, ticket.as_ref());
            }
            pending.push(p);
            if leads >= CLASSIFY_BATCH {
                self.flush(router, &mut w, &mut pending);
                leads = 0;
            }
        };
        // Valid UTF-8 is checked at memory speed; only invalid input pays the lossy read.
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        records.feed(&text, &mut one);
        records.finish(&mut one);
        self.flush(router, &mut w, &mut pending);
        if let Some(c) = w.0.get_mut(count_at..count_at + 4) {
            c.copy_from_slice(&count.to_le_bytes());
        }
        w.0
    }

    /// Whether a parsed record gets a ticket: it has a lead, of the simulated arm (a
    /// lead of the other arm is dropped by the simulation).
    fn wants_ticket(&self, line: u64, (meta, lead): &Parsed) -> bool {
        let Ok(_) = lead else { return false };
        self.split
            .as_ref()
            .is_none_or(|split| lead_arm(meta, lead, line, split) == split.arm)
    }

    /// Writes the pending records in order, the leads among them classified together
    /// ([`Router::classify_each`]), each ticket written as it comes.
    fn flush(&self, router: &Router, w: &mut Writer, pending: &mut Vec<Pending>) {
        let held: Vec<Lead> = pending
            .iter()
            .filter_map(|p| match p {
                Pending::Parsed(_, parsed, true) => parsed.1.as_ref().ok().map(HeldLead::lead),
                _ => None,
            })
            .collect();
        let refs: Vec<&Lead> = held.iter().collect();
        let mut next = pending.iter();
        // Writes the records before the next one with a lead to classify, then that
        // one with `ticket`; the last call (no ticket) writes the rest, which have none
        // to wait for: `classify_each` called back once for every lead.
        let mut write_to = |w: &mut Writer, ticket: Option<&TicketWire>| {
            for p in next.by_ref() {
                if let Pending::Parsed(_, _, true) = p {
                    return write_pending(w, p, ticket);
                }
                write_pending(w, p, None);
            }
        };
        router.classify_each(&refs, self.trace, |_, t| {
            write_to(w, Some(&router.ticket_parts(&t)));
        });
        write_to(w, None);
        drop(held);
        pending.clear();
    }
}

/// Writes a record; `ticket` is its lead's (none for a record without a lead to classify).
fn write_pending(w: &mut Writer, p: &Pending, ticket: Option<&TicketWire>) {
    match p {
        Pending::TooLong(line) => {
            w.u8(0);
            w.u64(*line);
        }
        Pending::Unreadable(line, message) => {
            w.u8(1);
            w.u64(*line);
            w.str(message);
        }
        Pending::Parsed(line, parsed, _) => {
            w.u8(2);
            w.u64(*line);
            record(w, parsed, ticket);
        }
    }
}

/// A record read and parsed, waiting for its lead's ticket (the flag: whether it gets
/// one, see [`Preparer::wants_ticket`]). At most a batch's records wait at once, so
/// the variants' sizes do not matter; boxing the parsed one would allocate per record.
#[allow(clippy::large_enum_variant)]
enum Pending {
    TooLong(u64),
    Unreadable(u64, String),
    Parsed(u64, Parsed, bool),
}

/// How many leads [`Preparer`] classifies together: one batch of account reads
/// ([`crate::model::account::BATCH`]).
pub const CLASSIFY_BATCH: usize = crate::model::account::BATCH;

/// Writes a parsed record; `ticket` is its lead's (none for a lead of the other arm).
fn record(w: &mut Writer, (meta, lead): &Parsed, ticket: Option<&TicketWire>) {
    w.opt_str(meta.id.as_deref());
    w.opt_i64(meta.created_at);
    w.opt_str(meta.raw_created_at.as_deref());
    w.u8(match meta.known.converted {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    });
    w.opt_f64(meta.known.deal_value);
    w.opt_str(meta.claimed_by.as_deref());
    w.opt_str(meta.claimed_at.as_deref());
    w.u8(match meta.arm {
        None => 0,
        Some(Arm::A) => 1,
        Some(Arm::B) => 2,
    });
    let held = match lead {
        Err(message) => {
            w.u8(0);
            w.str(message);
            return w.u8(0);
        }
        Ok(held) => held,
    };
    w.u8(1);
    let (text, values, created_at) = held.parts();
    w.str(text);
    w.opt_i64(created_at);
    w.u32(len32(values.len()));
    for v in values {
        match v {
            HeldVal::Missing => w.u8(0),
            HeldVal::Num(n) => {
                w.u8(1);
                w.f64(*n);
            }
            HeldVal::Bool(b) => w.u8(2 + u8::from(*b)),
            HeldVal::Span(a, z) => {
                w.u8(4);
                w.u32(*a);
                w.u32(*z);
            }
            HeldVal::Own(s) => {
                w.u8(5);
                w.str(s);
            }
        }
    }
    // A lead of the other arm is dropped by the simulation: no ticket to make.
    let Some(ticket) = ticket else {
        return w.u8(0);
    };
    w.u8(1);
    write_ticket(w, ticket);
}

fn write_ticket(w: &mut Writer, t: &TicketWire) {
    w.opt_str(t.lead_id.as_deref());
    match &t.screened {
        Some(s) => {
            w.u8(1);
            w.str(&s.rule);
            w.str(&s.reason);
        }
        None => w.u8(0),
    }
    match &t.score {
        Some(s) => {
            w.u8(1);
            w.f64(s.total);
            w.opt_u32(s.grade);
            w.u8(u8::from(s.mql));
            w.u32(len32(s.groups.len()));
            for (g, raw, points) in &s.groups {
                w.u32(*g);
                w.f64(*raw);
                w.f64(*points);
            }
            w.u32(len32(s.breakdown.len()));
            for (g, r, points) in &s.breakdown {
                w.u32(*g);
                w.u32(*r);
                w.f64(*points);
            }
        }
        None => w.u8(0),
    }
    match &t.route {
        Some(r) => {
            w.u8(1);
            match &r.account {
                Some(a) => {
                    w.u8(1);
                    w.opt_u32(a.account);
                    w.str(&a.matched);
                    w.opt_u32(a.owner);
                    w.str(&a.tier);
                    w.f64(a.score);
                    match a.runner_up {
                        Some((i, s)) => {
                            w.u8(1);
                            w.u32(i);
                            w.f64(s);
                        }
                        None => w.u8(0),
                    }
                }
                None => w.u8(0),
            }
            w.u8(u8::from(r.below_mql));
            w.opt_u32(r.rule);
            w.opt_u32(r.account_rule);
        }
        None => w.u8(0),
    }
    w.u32(len32(t.caps.len()));
    for c in &t.caps {
        w.u32(*c);
    }
    match &t.trace {
        Some(tr) => {
            w.u8(1);
            w.u32(len32(tr.rules.len()));
            for (i, m) in &tr.rules {
                w.u32(*i);
                w.u8(u8::from(*m));
            }
            w.u32(len32(tr.steps.len()));
            for s in &tr.steps {
                w.str(s);
            }
        }
        None => w.u8(0),
    }
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

struct Writer(Vec<u8>);

impl Writer {
    #[inline]
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    #[inline]
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    #[inline]
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    #[inline]
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    #[inline]
    fn str(&mut self, s: &str) {
        self.u32(len32(s.len()));
        self.0.extend_from_slice(s.as_bytes());
    }
    #[inline]
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    #[inline]
    fn opt_u32(&mut self, v: Option<u32>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.u32(v);
            }
            None => self.u8(0),
        }
    }
    #[inline]
    fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.u64(v as u64);
            }
            None => self.u8(0),
        }
    }
    #[inline]
    fn opt_f64(&mut self, v: Option<f64>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.f64(v);
            }
            None => self.u8(0),
        }
    }
}

/// One record of a batch, read back. Not boxed: each is read into the batch's list and
/// moved out once, and a box would be one more allocation a lead.
#[allow(clippy::large_enum_variant)]
pub(super) enum Prepared {
    TooLong(u64),
    Record {
        line: u64,
        parsed: Result<Parsed, String>,
        ticket: Option<Box<TicketWire>>,
    },
}

/// A batch read back and checked whole, so a bad one changes nothing.
pub(super) struct Batch {
    pub first_line: u64,
    /// Newlines in the slice: the next batch starts on `first_line + lines`.
    pub lines: u64,
    pub csv: Option<(String, BTreeMap<String, String>)>,
}

fn invalid(what: &str) -> SimError {
    SimError {
        code: "invalid_batch".into(),
        message: format!("not a prepared batch: {what}"),
        help: "feed the bytes exactly as `prepareJsonl` or `prepareCsv` returned them".into(),
        seen: Vec::new(),
        line: 0,
    }
}

impl Batch {
    /// Reads a batch's records into `records` (emptied first; the caller keeps it from
    /// batch to batch, so its memory is not asked of the allocator, and faulted in, anew).
    pub(super) fn read(
        router: &Router,
        bytes: &[u8],
        records: &mut Vec<Prepared>,
    ) -> Result<Batch, SimError> {
        records.clear();
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC {
            return Err(invalid("it does not start as one"));
        }
        let version = r.u8()?;
        let config = r.u64()?;
        if version != VERSION || config != router.fingerprint_bits() {
            return Err(SimError {
                code: "foreign_batch".into(),
                message: format!(
                    "batch prepared with config `{config:016x}` (format {version}), this simulation has config `{}` (format {VERSION})",
                    router.fingerprint()
                ),
                help: "prepare the slices with the simulation's own config".into(),
                seen: Vec::new(),
                line: 0,
            });
        }
        let first_line = r.u64()?;
        let lines = r.u64()?;
        let csv = match r.u8()? {
            0 => None,
            1 => {
                let header = r.string()?;
                let n = r.u32()?;
                let mut mapping = BTreeMap::new();
                for _ in 0..n {
                    let k = r.string()?;
                    mapping.insert(k, r.string()?);
                }
                Some((header, mapping))
            }
            _ => return Err(invalid("bad format flag")),
        };
        let n = r.u32()?;
        // Each record takes at least 9 bytes: a count beyond that is a lie.
        if n as usize > r.0.len() / 9 {
            return Err(invalid("record count past the end"));
        }
        records.reserve(n as usize);
        for _ in 0..n {
            match r.record() {
                Ok(rec) => records.push(rec),
                Err(e) => {
                    records.clear();
                    return Err(e);
                }
            }
        }
        if !r.0.is_empty() {
            records.clear();
            return Err(invalid("bytes after the last record"));
        }
        Ok(Batch {
            first_line,
            lines,
            csv,
        })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8], SimError> {
        if n > self.0.len() {
            return Err(invalid("it ends too soon"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], SimError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    #[inline]
    fn u8(&mut self) -> Result<u8, SimError> {
        Ok(self.array::<1>()?[0])
    }
    #[inline]
    fn flag(&mut self) -> Result<bool, SimError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(invalid("bad flag")),
        }
    }
    #[inline]
    fn u32(&mut self) -> Result<u32, SimError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    #[inline]
    fn u64(&mut self) -> Result<u64, SimError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    #[inline]
    fn f64(&mut self) -> Result<f64, SimError> {
        Ok(f64::from_le_bytes(self.array()?))
    }
    #[inline]
    fn string(&mut self) -> Result<String, SimError> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        std::str::from_utf8(b)
            .map(str::to_string)
            .map_err(|_| invalid("text is not UTF-8"))
    }
    #[inline]
    fn opt<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, SimError>,
    ) -> Result<Option<T>, SimError> {
        if self.flag()? {
            f(self).map(Some)
        } else {
            Ok(None)
        }
    }
    #[inline]
    fn list<T>(
        &mut self,
        min: usize,
        mut f: impl FnMut(&mut Self) -> Result<T, SimError>,
    ) -> Result<Vec<T>, SimError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min) > self.0.len() {
            return Err(invalid("list past the end"));
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(f(self)?);
        }
        Ok(out)
    }

    fn record(&mut self) -> Result<Prepared, SimError> {
        let tag = self.u8()?;
        let line = self.u64()?;
        match tag {
            0 => return Ok(Prepared::TooLong(line)),
            1 => {
                return Ok(Prepared::Record {
                    line,
                    parsed: Err(self.string()?),
                    ticket: None,
                })
            }
            2 => {}
            _ => return Err(invalid("bad record tag")),
        }
        let id = self.opt(Self::string)?;
        let created_at = self.opt(|r| r.u64().map(|v| v as i64))?;
        let raw_created_at = self.opt(Self::string)?;
        let converted = match self.u8()? {
            0 => None,
            1 => Some(false),
            2 => Some(true),
            _ => return Err(invalid("bad converted flag")),
        };
        let deal_value = self.opt(Self::f64)?;
        let claimed_by = self.opt(Self::string)?;
        let claimed_at = self.opt(Self::string)?;
        let arm = match self.u8()? {
            0 => None,
            1 => Some(Arm::A),
            2 => Some(Arm::B),
            _ => return Err(invalid("bad arm")),
        };
        let meta = Meta {
            id: id.map(Cow::Owned),
            created_at,
            raw_created_at,
            known: Known {
                converted,
                deal_value,
                claimed_by: None,
                claimed_at: None,
            },
            claimed_by,
            claimed_at,
            arm,
        };
        let lead = if self.flag()? {
            let text = self.string()?.into_boxed_str();
            let created_at = self.opt(|r| r.u64().map(|v| v as i64))?;
            let values = self.list(1, |r| {
                Ok(match r.u8()? {
                    0 => HeldVal::Missing,
                    1 => HeldVal::Num(r.f64()?),
                    2 => HeldVal::Bool(false),
                    3 => HeldVal::Bool(true),
                    4 => HeldVal::Span(r.u32()?, r.u32()?),
                    5 => HeldVal::Own(r.string()?.into_boxed_str()),
                    _ => return Err(invalid("bad value tag")),
                })
            })?;
            Ok(HeldLead::from_parts(text, values, created_at)
                .ok_or_else(|| invalid("a value outside its record"))?)
        } else {
            Err(self.string()?)
        };
        let ticket = self.opt(|r| r.ticket().map(Box::new))?;
        Ok(Prepared::Record {
            line,
            parsed: Ok((meta, lead)),
            ticket,
        })
    }

    fn ticket(&mut self) -> Result<TicketWire, SimError> {
        let lead_id = self.opt(Self::string)?;
        let screened = self.opt(|r| {
            Ok(Screened {
                rule: r.string()?,
                reason: r.string()?,
            })
        })?;
        let score = self.opt(|r| {
            Ok(WireScore {
                total: r.f64()?,
                grade: r.opt(Self::u32)?,
                mql: r.flag()?,
                groups: r.list(20, |r| Ok((r.u32()?, r.f64()?, r.f64()?)))?,
                breakdown: r.list(16, |r| Ok((r.u32()?, r.u32()?, r.f64()?)))?,
            })
        })?;
        let route = self.opt(|r| {
            Ok(WireRoute {
                account: r.opt(|r| {
                    Ok(WireAccount {
                        account: r.opt(Self::u32)?,
                        matched: r.string()?,
                        owner: r.opt(Self::u32)?,
                        tier: r.string()?,
                        score: r.f64()?,
                        runner_up: r.opt(|r| Ok((r.u32()?, r.f64()?)))?,
                    })
                })?,
                below_mql: r.flag()?,
                rule: r.opt(Self::u32)?,
                account_rule: r.opt(Self::u32)?,
            })
        })?;
        let caps = self.list(4, Self::u32)?;
        let trace = self.opt(|r| {
            Ok(WireTrace {
                rules: r.list(5, |r| Ok((r.u32()?, r.flag()?)))?,
                steps: r.list(4, Self::string)?,
            })
        })?;
        Ok(TicketWire {
            format: TICKET_FORMAT,
            config: String::new(),
            lead_id,
            // Only what assigning reads is carried; where the state lives is not asked.
            target: TicketTarget::Rejected,
            needs_state: false,
            screened,
            score,
            route,
            caps,
            trace,
        })
    }
}
