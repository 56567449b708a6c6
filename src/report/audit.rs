//! The audit log of a simulation: one compact record per routed lead (indexes, not
//! strings) and the record's text, searchable by lead id, email, company, rep, team,
//! rule and outcome; each decision's full explanation is re-derived on demand by
//! replaying from the nearest state checkpoint to that lead with the trace on.

use serde::{Deserialize, Serialize};

/// Leads between two state checkpoints (an explanation replays at most this many),
/// until the checkpoints outgrow [`CHECKPOINT_BUDGET`].
pub const DEFAULT_CHECKPOINT_EVERY: usize = 10_000;
/// Estimated bytes all checkpoints may hold: past it every other one is dropped and
/// the interval doubles (a state remembering a million lead ids is ~100 MB a copy).
pub const CHECKPOINT_BUDGET: usize = 256 << 20;
/// Most rows one search page returns.
pub const MAX_PAGE: usize = 10_000;

/// What to find. Every field is optional; the given ones must all hold. Texts match
/// case-insensitively as substrings; ids (rep, team, pool, rule) match exactly, and
/// also match by the rep's or team's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditQuery {
    /// Matched against the lead id, email and company.
    pub text: Option<String>,
    pub lead_id: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    /// The owner: the rep assigned at routing or the member who claimed it.
    pub rep: Option<String>,
    pub team: Option<String>,
    pub pool: Option<String>,
    /// The routing or screening rule that decided.
    pub rule: Option<String>,
    /// `assigned`, `pooled`, `nurture` or `rejected`.
    pub outcome: Option<String>,
    /// The path (`team`, `fallback`, `pool`, ...).
    pub via: Option<String>,
}

/// One page of a search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            limit: 100,
            offset: 0,
        }
    }
}

/// A search's matches: how many in all, and the page asked for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub total: u64,
    pub rows: Vec<AuditRow>,
}

/// One simulated decision, in words as well as ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Position in routing order (0-based): the argument of `explain`.
    pub index: u64,
    /// 1-based line of the input (CSV: where the record starts).
    pub line: u64,
    /// Simulated time the lead was routed, ms since the epoch.
    pub at: i64,
    pub lead_id: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub outcome: String,
    pub via: String,
    /// The rep assigned at routing, or the member who claimed it from its pool.
    pub rep: Option<String>,
    pub rep_name: Option<String>,
    pub team: Option<String>,
    pub team_name: Option<String>,
    pub pool: Option<String>,
    pub rule: Option<String>,
    /// When a member claimed the pooled lead (simulated or from the history file).
    pub claimed_at: Option<i64>,
}

use super::csv::Header;
use super::engine::Engine;
use super::known::Known;
use crate::decision::{Decision, Outcome, Via};
use crate::model::Router;
use std::fmt::Write;

const NONE32: u32 = u32::MAX;
const NONE16: u16 = u16::MAX;
const CSV: u8 = 1;
const TIMED: u8 = 2;

/// One decision, compact: indexes into the router and the log's rule names.
#[derive(Debug, Clone, Copy)]
pub struct Rec {
    /// The record's text: `text[off..off + len]`.
    off: u64,
    len: u32,
    rep: u32,
    /// The member who claimed it (simulated or from the history file).
    claimer: u32,
    /// The history file's claim (replayed as it was read).
    hist_by: u32,
    line: u64,
    pub at: i64,
    claimed_at: i64,
    hist_at: i64,
    team: u16,
    pool: u16,
    rule: u16,
    outcome: u8,
    via: u8,
    flags: u8,
}

impl Rec {
    pub fn csv(&self) -> bool {
        self.flags & CSV != 0
    }
    pub fn timed(&self) -> bool {
        self.flags & TIMED != 0
    }
    pub fn history_claim(&self) -> (Option<u32>, Option<i64>) {
        (
            (self.hist_by != NONE32).then_some(self.hist_by),
            (self.hist_at != i64::MIN).then_some(self.hist_at),
        )
    }
    /// The owner: the claimer, else the rep assigned at routing.
    pub fn owner(&self) -> Option<usize> {
        let r = if self.claimer != NONE32 {
            self.claimer
        } else {
            self.rep
        };
        (r != NONE32).then_some(r as usize)
    }
    pub fn outcome(&self) -> Outcome {
        Outcome::ALL
            .get(usize::from(self.outcome))
            .copied()
            .unwrap_or(Outcome::Rejected)
    }
    pub fn line(&self) -> u64 {
        self.line
    }
    pub fn rule(&self) -> u16 {
        self.rule
    }
    pub fn team(&self) -> Option<usize> {
        (self.team != NONE16).then_some(usize::from(self.team))
    }
}

/// Every routed lead's text and decision, with the engine cloned every
/// `checkpoint_every` leads.
#[derive(Default)]
pub struct AuditLog {
    text: Vec<u8>,
    recs: Vec<Rec>,
    /// The engine before lead `k * every`, with its estimated size.
    checkpoints: Vec<(Engine, usize)>,
    /// Leads between checkpoints.
    pub every: u64,
    /// Rule names as decisions give them (routing and screening), interned.
    rules: Vec<String>,
}

fn idx32(i: Option<usize>) -> u32 {
    i.and_then(|i| u32::try_from(i).ok()).unwrap_or(NONE32)
}

fn idx16(i: Option<usize>) -> u16 {
    i.and_then(|i| u16::try_from(i).ok())
        .filter(|i| *i != NONE16)
        .unwrap_or(NONE16)
}

impl AuditLog {
    pub fn new(every: usize) -> AuditLog {
        AuditLog {
            every: every.max(1) as u64,
            ..AuditLog::default()
        }
    }

    /// Keeps the engine as it is before lead `index`, when a checkpoint falls there.
    pub fn checkpoint(&mut self, index: u64, engine: &Engine) {
        if index % self.every != 0 {
            return;
        }
        self.checkpoints
            .push((engine.clone(), engine.approx_bytes()));
        let total: usize = self.checkpoints.iter().map(|c| c.1).sum();
        if total > CHECKPOINT_BUDGET && self.checkpoints.len() > 1 {
            let mut k = 0;
            self.checkpoints.retain(|_| {
                k += 1;
                k % 2 == 1
            });
            self.every *= 2;
        }
    }

    /// The checkpoint to replay `index` from, and the index it stands before.
    pub fn checkpoint_before(&self, index: u64) -> Option<(u64, &Engine)> {
        if index >= self.recs.len() as u64 {
            return None;
        }
        let k = index / self.every;
        let (engine, _) = self.checkpoints.get(usize::try_from(k).ok()?)?;
        Some((k * self.every, engine))
    }

    /// Estimated bytes of the checkpoints.
    pub fn checkpoint_bytes(&self) -> usize {
        self.checkpoints.iter().map(|c| c.1).sum()
    }

    pub fn rec(&self, i: u64) -> Option<&Rec> {
        self.recs.get(usize::try_from(i).ok()?)
    }

    pub fn len(&self) -> u64 {
        self.recs.len() as u64
    }

    pub fn text(&self, r: &Rec) -> &str {
        let from = usize::try_from(r.off).unwrap_or(usize::MAX);
        let to = from.saturating_add(r.len as usize);
        self.text
            .get(from..to)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    pub fn rule_name(&self, i: u16) -> Option<&str> {
        self.rules.get(usize::from(i)).map(String::as_str)
    }

    /// Bytes held: texts, records and rule names (checkpoints not counted: their size
    /// is the routing state's, once every `checkpoint_every` leads).
    pub fn bytes(&self) -> usize {
        self.text.capacity()
            + self.recs.capacity() * std::mem::size_of::<Rec>()
            + self.rules.iter().map(|r| r.capacity() + 24).sum::<usize>()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        router: &Router,
        text: &str,
        line: u64,
        at: i64,
        timed: bool,
        csv: bool,
        known: &Known,
        d: &Decision,
    ) {
        let off = self.text.len() as u64;
        self.text.extend_from_slice(text.as_bytes());
        let rule = d
            .rule
            .map(|name| match self.rules.iter().position(|r| r == name) {
                Some(i) => i,
                None => {
                    self.rules.push(name.to_string());
                    self.rules.len() - 1
                }
            });
        let outcome = Outcome::ALL.iter().position(|o| *o == d.outcome);
        let via = Via::ALL.iter().position(|v| *v == d.via);
        self.recs.push(Rec {
            off,
            len: u32::try_from(text.len()).unwrap_or(0),
            rep: idx32(d.rep.and_then(|r| router.rep_index(r))),
            claimer: NONE32,
            hist_by: known.claimed_by.unwrap_or(NONE32),
            line,
            at,
            claimed_at: i64::MIN,
            hist_at: known.claimed_at.unwrap_or(i64::MIN),
            team: idx16(d.team.and_then(|t| router.team_ids.get(t).copied())),
            pool: idx16(d.pool.and_then(|p| router.pool_ids.get(p).copied())),
            rule: idx16(rule),
            outcome: outcome.and_then(|o| u8::try_from(o).ok()).unwrap_or(0),
            via: via.and_then(|v| u8::try_from(v).ok()).unwrap_or(0),
            flags: if csv { CSV } else { 0 } | if timed { TIMED } else { 0 },
        });
    }

    pub fn claimed(&mut self, index: u64, rep: usize, at: i64) {
        if let Some(r) = usize::try_from(index)
            .ok()
            .and_then(|i| self.recs.get_mut(i))
        {
            r.claimer = idx32(Some(rep));
            r.claimed_at = at;
        }
    }

    /// The row of record `i` in words (its text read again for id, email, company).
    pub fn row(&self, router: &Router, header: Option<&Header>, i: u64) -> Option<AuditRow> {
        let r = self.rec(i)?;
        let f = Fields::of(router, header, self.text(r), r.csv());
        let rep = r.owner().and_then(|ri| router.reps.get(ri));
        let team = r.team().and_then(|ti| router.teams.get(ti));
        Some(AuditRow {
            index: i,
            line: r.line,
            at: r.at,
            lead_id: f.id,
            email: f.email,
            company: f.company,
            outcome: r.outcome().as_str().to_string(),
            via: Via::ALL
                .get(usize::from(r.via))
                .map_or("", |v| v.as_str())
                .to_string(),
            rep: rep.map(|x| x.id.clone()),
            rep_name: rep.map(|x| x.name.clone()),
            team: team.map(|t| t.id.clone()),
            team_name: team.map(|t| t.name.clone()),
            pool: (r.pool != NONE16)
                .then(|| router.pools.get(usize::from(r.pool)).map(|p| p.id.clone()))
                .flatten(),
            rule: self.rule_name(r.rule).map(str::to_string),
            claimed_at: (r.claimed_at != i64::MIN).then_some(r.claimed_at),
        })
    }

    /// Indexes of the records matching `q`, in routing order.
    pub fn matches(&self, router: &Router, header: Option<&Header>, q: &AuditQuery) -> Vec<u64> {
        let m = Matcher::new(router, self, q);
        (0..self.len())
            .filter(|i| {
                self.rec(*i)
                    .is_some_and(|r| m.test(router, header, self, r))
            })
            .collect()
    }

    pub fn search(
        &self,
        router: &Router,
        header: Option<&Header>,
        q: &AuditQuery,
        page: Page,
    ) -> AuditPage {
        let all = self.matches(router, header, q);
        let rows = all
            .iter()
            .skip(page.offset)
            .take(page.limit.min(MAX_PAGE))
            .filter_map(|i| self.row(router, header, *i))
            .collect();
        AuditPage {
            total: all.len() as u64,
            rows,
        }
    }

    pub fn search_csv(&self, router: &Router, header: Option<&Header>, q: &AuditQuery) -> String {
        let mut out = csv_head();
        for i in self.matches(router, header, q) {
            if let Some(r) = self.row(router, header, i) {
                csv_row(&mut out, &r);
            }
        }
        out
    }
}

/// The header row of [`AuditLog::search_csv`].
pub fn csv_head() -> String {
    "index,line,at,lead_id,email,company,outcome,via,rep,rep_name,team,team_name,pool,rule,claimed_at\n"
        .to_string()
}

fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn csv_row(out: &mut String, r: &AuditRow) {
    let o = |v: &Option<String>| cell(v.as_deref().unwrap_or(""));
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        r.index,
        r.line,
        r.at,
        o(&r.lead_id),
        o(&r.email),
        o(&r.company),
        r.outcome,
        r.via,
        o(&r.rep),
        o(&r.rep_name),
        o(&r.team),
        o(&r.team_name),
        o(&r.pool),
        o(&r.rule),
        r.claimed_at.map(|t| t.to_string()).unwrap_or_default(),
    );
}

/// The id, email and company of a record, read from its text (whether or not the
/// config declares those fields).
struct Fields {
    id: Option<String>,
    email: Option<String>,
    company: Option<String>,
}

impl Fields {
    fn names(router: &Router) -> (&str, &str) {
        match router.accounts.as_ref() {
            Some(a) => (
                router.schema().name(a.slot),
                a.company_slot
                    .map_or("company", |s| router.schema().name(s)),
            ),
            None => ("email", "company"),
        }
    }

    fn of(router: &Router, header: Option<&Header>, text: &str, csv: bool) -> Fields {
        let (email, company) = Self::names(router);
        let mut f = Fields {
            id: None,
            email: None,
            company: None,
        };
        let mut put = |k: &str, v: String| {
            if k == "id" {
                f.id = Some(v);
            } else if k == email {
                f.email = Some(v);
            } else if k == company {
                f.company = Some(v);
            }
        };
        if csv {
            if let Some(h) = header {
                for (k, v) in h.columns.iter().zip(super::csv::fields(text, h.delimiter)) {
                    if !v.trim().is_empty() {
                        put(k, v.into_owned());
                    }
                }
            }
        } else if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(text) {
            for (k, v) in m {
                match v {
                    serde_json::Value::String(s) => put(&k, s),
                    serde_json::Value::Number(n) => put(&k, n.to_string()),
                    _ => {}
                }
            }
        }
        f
    }
}

/// A query compiled against the router and the log: ids resolved to indexes once.
struct Matcher {
    /// Lowercased texts to find in the record's text first (cheap), then in its field.
    text: Option<Vec<u8>>,
    lead_id: Option<Vec<u8>>,
    email: Option<Vec<u8>>,
    company: Option<Vec<u8>>,
    /// `Some(None)`: asked for something that does not exist (nothing matches).
    rep: Option<Option<usize>>,
    team: Option<Option<usize>>,
    pool: Option<Option<usize>>,
    rule: Option<Option<u16>>,
    outcome: Option<Option<usize>>,
    via: Option<Option<usize>>,
}

fn lower(s: &Option<String>) -> Option<Vec<u8>> {
    s.as_ref()
        .map(|s| s.trim().to_lowercase().into_bytes())
        .filter(|s| !s.is_empty())
}

/// ASCII-case-insensitive substring test (`needle` lowercased).
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    let upper = first.to_ascii_uppercase();
    let last = hay.len() - needle.len();
    let mut i = 0;
    while i <= last {
        let Some(off) = hay
            .get(i..=last)
            .and_then(|h| h.iter().position(|b| *b == first || *b == upper))
        else {
            return false;
        };
        i += off;
        let window = hay.get(i..i + needle.len()).unwrap_or(&[]);
        if window
            .iter()
            .zip(needle)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
        {
            return true;
        }
        i += 1;
    }
    false
}

impl Matcher {
    fn new(router: &Router, log: &AuditLog, q: &AuditQuery) -> Matcher {
        let find = |want: &Option<String>, ids: &mut dyn Iterator<Item = (usize, &str, &str)>| {
            want.as_ref().map(|w| {
                let w = w.trim();
                let mut hit = None;
                for (i, id, name) in ids {
                    if id == w || name.eq_ignore_ascii_case(w) {
                        hit = Some(i);
                        break;
                    }
                }
                hit
            })
        };
        Matcher {
            text: lower(&q.text),
            lead_id: lower(&q.lead_id),
            email: lower(&q.email),
            company: lower(&q.company),
            rep: find(
                &q.rep,
                &mut router
                    .reps
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (i, r.id.as_str(), r.name.as_str())),
            ),
            team: find(
                &q.team,
                &mut router
                    .teams
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (i, t.id.as_str(), t.name.as_str())),
            ),
            pool: find(
                &q.pool,
                &mut router
                    .pools
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i, p.id.as_str(), p.name.as_str())),
            ),
            rule: q.rule.as_ref().map(|w| {
                log.rules
                    .iter()
                    .position(|r| r == w.trim())
                    .and_then(|i| u16::try_from(i).ok())
            }),
            outcome: q
                .outcome
                .as_ref()
                .map(|w| Outcome::ALL.iter().position(|o| o.as_str() == w.trim())),
            via: q
                .via
                .as_ref()
                .map(|w| Via::ALL.iter().position(|v| v.as_str() == w.trim())),
        }
    }

    fn test(&self, router: &Router, header: Option<&Header>, log: &AuditLog, r: &Rec) -> bool {
        let is = |want: Option<Option<usize>>, got: Option<usize>| match want {
            None => true,
            Some(w) => w.is_some() && w == got,
        };
        let some16 = |v: u16| (v != NONE16).then_some(usize::from(v));
        if !(is(self.rep, r.owner())
            && is(self.team, r.team())
            && is(self.pool, some16(r.pool))
            && is(self.rule.map(|o| o.map(usize::from)), some16(r.rule))
            && is(self.outcome, Some(usize::from(r.outcome)))
            && is(self.via, Some(usize::from(r.via))))
        {
            return false;
        }
        let texts = [&self.text, &self.lead_id, &self.email, &self.company];
        if texts.iter().all(|t| t.is_none()) {
            return true;
        }
        let raw = log.text(r).as_bytes();
        if !texts
            .iter()
            .all(|t| t.as_ref().is_none_or(|n| contains_ci(raw, n)))
        {
            return false;
        }
        // In the record: now in the field itself.
        let f = Fields::of(router, header, log.text(r), r.csv());
        let has = |v: &Option<String>, n: &Vec<u8>| {
            v.as_ref().is_some_and(|v| contains_ci(v.as_bytes(), n))
        };
        let field =
            |want: &Option<Vec<u8>>, v: &Option<String>| want.as_ref().is_none_or(|n| has(v, n));
        field(&self.lead_id, &f.id)
            && field(&self.email, &f.email)
            && field(&self.company, &f.company)
            && self
                .text
                .as_ref()
                .is_none_or(|n| has(&f.id, n) || has(&f.email, n) || has(&f.company, n))
    }
}

#[cfg(test)]
mod tests {
    use super::contains_ci;

    #[test]
    fn finds_case_insensitively() {
        assert!(contains_ci(b"Kim@ACME.com", b"acme"));
        assert!(contains_ci(b"aab", b"ab"));
        assert!(!contains_ci(b"acm", b"acme"));
        assert!(contains_ci(b"", b""));
    }
}
