//! The wire form of a [`Ticket`]: what a stateless classifier (an edge Worker, a Web
//! Worker) sends to whoever holds the state (a team's Durable Object), owned and plain
//! JSON, with the config fingerprint so a ticket never meets a router it was not made by.

use crate::classify::{unplaced, Next, Ticket};
use crate::decision::{GroupScore, RuleCheck, Score, ScoreHit, Trace};
use crate::lead::Lead;
use crate::model::account::{AccountHit, Tier};
use crate::model::{Router, Target};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// Bumped when the meaning of a field changes; a ticket of another format is refused.
pub const TICKET_FORMAT: u32 = 1;

/// A classified lead on the wire. Indexes (`rule`, `caps`, the score's groups) point into
/// the compiled config named by `config`; the lead itself travels alongside.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct TicketWire {
    /// [`TICKET_FORMAT`].
    pub format: u32,
    /// The fingerprint of the config that classified the lead ([`Router::fingerprint`]).
    pub config: String,
    pub lead_id: Option<String>,
    /// Where the lead's state lives: the object to send it to.
    pub target: TicketTarget,
    /// False when the decision is already final and no state can change it (rejected by
    /// screening, or nurture with no account owner or lead-to-lead holder to try first):
    /// the classifier may answer without calling any object.
    pub needs_state: bool,
    /// Rejected by screening: the rule (`required` for a missing field) and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screened: Option<Screened>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<WireScore>,
    /// What assigning still has to do (absent when screened).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<WireRoute>,
    /// Conditional cap rules the lead matches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<u32>,
    /// The trace so far, when classified with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<WireTrace>,
}

/// The team, pool or rep whose state decides, as config ids; `nurture` and `rejected`
/// have no id, `fallback` is the fallback owner when no rule matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum TicketTarget {
    Team(String),
    Pool(String),
    Rep(String),
    Fallback(String),
    Nurture,
    Rejected,
}

impl TicketTarget {
    /// `team:sales`, `pool:inbound`, `rep:ana`, `fallback:ana`, `nurture`, `rejected`:
    /// a stable name for the object that holds the state.
    pub fn key(&self) -> String {
        match self {
            TicketTarget::Team(id) => format!("team:{id}"),
            TicketTarget::Pool(id) => format!("pool:{id}"),
            TicketTarget::Rep(id) => format!("rep:{id}"),
            TicketTarget::Fallback(id) => format!("fallback:{id}"),
            TicketTarget::Nurture => "nurture".to_string(),
            TicketTarget::Rejected => "rejected".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct Screened {
    pub rule: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct WireScore {
    pub total: f64,
    /// Index of the grade in the config's `scoring.grades` (highest first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<u32>,
    pub mql: bool,
    /// `[group, raw, points]`, when classified with a trace.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<(u32, f64, f64)>,
    /// `[group, rule in the group, points]`, when classified with a trace.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breakdown: Vec<(u32, u32, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct WireRoute {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<WireAccount>,
    pub below_mql: bool,
    /// The first matching routing rule (absent: the fallback owner).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_rule: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct WireAccount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<u32>,
    pub matched: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<u32>,
    /// `domain`, `name` or `fuzzy`.
    pub tier: String,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<(u32, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct WireTrace {
    /// `[rule, matched]` in the order checked.
    pub rules: Vec<(u32, bool)>,
    pub steps: Vec<String>,
}

/// What kind of ticket problem it is; serialized as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum TicketCode {
    /// Not a ticket: bad JSON, a missing field, an index outside the config.
    InvalidTicket,
    /// Made by another config (or another ticket format): classify the lead again.
    ForeignTicket,
    /// The lead sent alongside is not the one the ticket was made for.
    WrongLead,
}

impl TicketCode {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketCode::InvalidTicket => "invalid_ticket",
            TicketCode::ForeignTicket => "foreign_ticket",
            TicketCode::WrongLead => "wrong_lead",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketError {
    pub code: TicketCode,
    pub message: String,
    pub help: String,
}

impl TicketError {
    fn new(code: TicketCode, message: impl Into<String>, help: &str) -> Self {
        TicketError {
            code,
            message: message.into(),
            help: help.to_string(),
        }
    }
    fn invalid(message: impl Into<String>) -> Self {
        TicketError::new(
            TicketCode::InvalidTicket,
            message,
            "send the ticket exactly as `classify` returned it",
        )
    }
}

impl fmt::Display for TicketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TicketError {}

/// FNV-1a (64 bits) of what classifying reads of the config, and the core's version: the
/// same config compiled by the same core gives the same fingerprint on every instance.
/// Reps, teams and pools count by id and order only (tickets point at them by index), so
/// configs that differ in caps, availability, strategies, members or the CRM share one:
/// each team's object may run its own share of the caps and still take the tickets.
pub(crate) fn fingerprint(config: &crate::Config) -> u64 {
    struct Fnv(u64);
    impl std::io::Write for Fnv {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            for b in buf {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let _ = std::io::Write::write_all(&mut h, env!("CARGO_PKG_VERSION").as_bytes());
    // Serializing a config that came from JSON cannot fail; a failure would only make
    // the fingerprint weaker, never different for an identical config.
    let mut v = serde_json::to_value(config).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        for key in ["lead_ids", "crm", "timezone"] {
            o.remove(key);
        }
        for key in ["reps", "teams", "pools"] {
            if let Some(list) = o.get_mut(key).and_then(|l| l.as_array_mut()) {
                for item in list.iter_mut() {
                    if let Some(item) = item.as_object_mut() {
                        item.retain(|k, _| k == "id");
                    }
                }
            }
        }
        if let Some(list) = o.get_mut("cap_rules").and_then(|l| l.as_array_mut()) {
            for item in list.iter_mut().filter_map(|i| i.as_object_mut()) {
                item.retain(|k, _| !matches!(k.as_str(), "day" | "week" | "month"));
            }
        }
    }
    let _ = serde_json::to_writer(&mut h, &v);
    h.0
}

fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Router {
    /// The config's fingerprint as tickets carry it (16 hex digits).
    pub fn fingerprint(&self) -> String {
        format!("{:016x}", self.fingerprint_bits())
    }

    /// The fingerprint as a number (binary batches carry it so), computed on first use.
    pub(crate) fn fingerprint_bits(&self) -> u64 {
        *self.fingerprint.get_or_init(|| fingerprint(&self.config))
    }

    /// The owned wire form of a ticket, with where its state lives.
    pub fn ticket_wire(&self, ticket: &Ticket) -> TicketWire {
        let mut w = self.ticket_parts(ticket);
        w.config = self.fingerprint();
        if let Next::Route {
            account,
            below_mql,
            rule,
            ..
        } = &ticket.next
        {
            let owner = account.as_ref().and_then(|h| h.owner);
            let lead_to_lead = self
                .accounts
                .as_ref()
                .is_some_and(|a| a.lead_to_lead.is_some());
            let owner_first = self.accounts.as_ref().is_some_and(|a| a.owner_first);
            w.target = self.target_of(*below_mql, *rule);
            // Nurture is final unless a rep may take the lead before the MQL test.
            w.needs_state = !*below_mql || lead_to_lead || (owner_first && owner.is_some());
        }
        w
    }

    /// What assigning reads of a ticket, without the config or where the state lives
    /// (a prepared batch names its config once and is assigned in one place).
    pub(crate) fn ticket_parts(&self, ticket: &Ticket) -> TicketWire {
        let d = &ticket.decision;
        let score = d.score.as_ref().map(|s| self.wire_score(s));
        let trace = d.trace.as_ref().map(|t| WireTrace {
            rules: t
                .rules
                .iter()
                .map(|c| {
                    let i = self.rule_ids.get(c.rule).copied().unwrap_or(usize::MAX);
                    (idx(i), c.matched)
                })
                .collect(),
            steps: t.steps.clone(),
        });
        let mut w = TicketWire {
            format: TICKET_FORMAT,
            config: String::new(),
            lead_id: d.lead_id.clone(),
            target: TicketTarget::Rejected,
            needs_state: false,
            screened: None,
            score,
            route: None,
            caps: ticket.matched_caps.iter().map(|i| idx(*i)).collect(),
            trace,
        };
        match &ticket.next {
            Next::Done => {
                w.screened = Some(Screened {
                    rule: d.rule.unwrap_or_default().to_string(),
                    reason: d.reason.clone(),
                });
            }
            Next::Route {
                account,
                below_mql,
                rule,
                account_rule,
            } => {
                w.route = Some(WireRoute {
                    account: account.as_ref().map(|h| WireAccount {
                        account: h.account,
                        matched: h.matched.clone(),
                        owner: h.owner.map(idx),
                        tier: h.tier.as_str().to_string(),
                        score: h.score,
                        runner_up: h.runner_up,
                    }),
                    below_mql: *below_mql,
                    rule: rule.map(idx),
                    account_rule: account_rule.map(idx),
                });
            }
        }
        w
    }

    fn target_of(&self, below_mql: bool, rule: Option<usize>) -> TicketTarget {
        if below_mql {
            return TicketTarget::Nurture;
        }
        match rule.and_then(|i| self.rules.get(i)).map(|r| r.target) {
            Some(Target::Team(ti)) => {
                TicketTarget::Team(self.teams.get(ti).map(|t| t.id.clone()).unwrap_or_default())
            }
            Some(Target::Pool(pi)) => {
                TicketTarget::Pool(self.pools.get(pi).map(|p| p.id.clone()).unwrap_or_default())
            }
            Some(Target::Rep(ri)) => {
                TicketTarget::Rep(self.reps.get(ri).map(|r| r.id.clone()).unwrap_or_default())
            }
            Some(Target::AccountOwner) | None => TicketTarget::Fallback(
                self.reps
                    .get(self.fallback)
                    .map(|r| r.id.clone())
                    .unwrap_or_default(),
            ),
        }
    }

    fn wire_score(&self, s: &Score) -> WireScore {
        let scoring = self.scoring.as_ref();
        let group = |id: &str| {
            scoring
                .and_then(|sc| sc.groups.iter().position(|g| g.id == id))
                .unwrap_or(usize::MAX)
        };
        WireScore {
            total: s.total,
            grade: s.grade.and_then(|g| {
                scoring
                    .and_then(|sc| sc.grades.iter().position(|(name, _)| name == g))
                    .map(idx)
            }),
            mql: s.mql,
            groups: s
                .groups
                .iter()
                .map(|g| (idx(group(g.group)), g.raw, g.points))
                .collect(),
            breakdown: s
                .breakdown
                .iter()
                .map(|h| {
                    let gi = group(h.group);
                    let ri = scoring
                        .and_then(|sc| sc.groups.get(gi))
                        .and_then(|g| g.rules.iter().position(|(id, _, _)| id == h.rule))
                        .unwrap_or(usize::MAX);
                    (idx(gi), idx(ri), h.points)
                })
                .collect(),
        }
    }

    /// Reads a ticket's JSON text and checks it against this router and `lead`.
    pub fn ticket_from_json<'r>(
        &'r self,
        json: &str,
        lead: &Lead,
    ) -> Result<Ticket<'r>, TicketError> {
        self.ticket_from_wire(&TicketWire::from_json(json)?, lead)
    }

    /// The ticket again, for [`Router::assign_ticket`]: refused when another config or
    /// format made it, when `lead` is not its lead, or when an index is out of range.
    pub fn ticket_from_wire<'r>(
        &'r self,
        w: &TicketWire,
        lead: &Lead,
    ) -> Result<Ticket<'r>, TicketError> {
        self.check_ticket_config(w.format, &w.config)?;
        self.ticket_from_checked_wire(w, lead)
    }

    /// Refuses a ticket made by another config or format.
    pub(crate) fn check_ticket_config(&self, format: u32, config: &str) -> Result<(), TicketError> {
        if format != TICKET_FORMAT || config != self.fingerprint() {
            return Err(TicketError::new(
                TicketCode::ForeignTicket,
                format!(
                    "ticket made by config `{config}` (format {format}), this router has config `{}` (format {TICKET_FORMAT})",
                    self.fingerprint()
                ),
                "classify the lead again with this router's config",
            ));
        }
        Ok(())
    }

    /// [`Router::ticket_from_wire`] for a ticket whose config was checked already (a
    /// prepared batch carries the fingerprint once for all its tickets).
    pub(crate) fn ticket_from_checked_wire<'r>(
        &'r self,
        w: &TicketWire,
        lead: &Lead,
    ) -> Result<Ticket<'r>, TicketError> {
        let lead_id = lead.id().map(str::to_string);
        if w.lead_id != lead_id {
            return Err(TicketError::new(
                TicketCode::WrongLead,
                format!(
                    "ticket for lead `{}` sent with lead `{}`",
                    w.lead_id.as_deref().unwrap_or(""),
                    lead_id.as_deref().unwrap_or("")
                ),
                "send each ticket with the lead it was classified from",
            ));
        }
        let bad = |what: &str| TicketError::invalid(format!("invalid ticket: {what} out of range"));
        let score = w
            .score
            .as_ref()
            .map(|s| self.score_from_wire(s))
            .transpose()?;
        let mut trace = match &w.trace {
            Some(t) => {
                let mut rules = Vec::with_capacity(t.rules.len());
                for (i, matched) in &t.rules {
                    let rule = self
                        .rules
                        .get(*i as usize)
                        .ok_or_else(|| bad("trace rule"))?;
                    rules.push(RuleCheck {
                        rule: &rule.id,
                        matched: *matched,
                    });
                }
                Some(Trace {
                    rules,
                    candidates: Vec::new(),
                    steps: t.steps.clone(),
                    account: None,
                })
            }
            None => None,
        };
        let mut matched_caps = Vec::with_capacity(w.caps.len());
        for c in &w.caps {
            let c = *c as usize;
            if c >= self.cap_rules.len() {
                return Err(bad("cap rule"));
            }
            matched_caps.push(c);
        }
        let mut d = unplaced(lead_id, None);
        d.score = score;
        let next = match (&w.screened, &w.route) {
            (Some(s), None) => {
                d.rule = Some(if s.rule == "required" {
                    "required"
                } else {
                    self.screening
                        .iter()
                        .find(|r| r.id == s.rule)
                        .map(|r| r.id.as_str())
                        .ok_or_else(|| bad("screening rule"))?
                });
                d.reason.clone_from(&s.reason);
                Next::Done
            }
            (None, Some(r)) => {
                let rule_at = |i: Option<u32>, what: &str| match i {
                    Some(i) if (i as usize) < self.rules.len() => Ok(Some(i as usize)),
                    Some(_) => Err(bad(what)),
                    None => Ok(None),
                };
                let account = r
                    .account
                    .as_ref()
                    .map(|a| self.hit_from_wire(a))
                    .transpose()?;
                if let (Some(t), Some(hit), Some(acc)) = (trace.as_mut(), &account, &self.accounts)
                {
                    t.account = Some(self.account_match(acc, hit));
                }
                Next::Route {
                    account,
                    below_mql: r.below_mql,
                    rule: rule_at(r.rule, "rule")?,
                    account_rule: rule_at(r.account_rule, "account rule")?,
                }
            }
            _ => {
                return Err(TicketError::invalid(
                    "invalid ticket: exactly one of `screened` and `route` must be given",
                ))
            }
        };
        d.trace = trace;
        Ok(Ticket {
            decision: d,
            next,
            matched_caps,
        })
    }

    fn score_from_wire<'r>(&'r self, s: &WireScore) -> Result<Score<'r>, TicketError> {
        let bad = |what: &str| TicketError::invalid(format!("invalid ticket: {what} out of range"));
        let scoring = self.scoring.as_ref().ok_or_else(|| bad("score"))?;
        let group = |i: u32| {
            scoring
                .groups
                .get(i as usize)
                .ok_or_else(|| bad("score group"))
        };
        let grade = match s.grade {
            Some(i) => Some(
                scoring
                    .grades
                    .get(i as usize)
                    .map(|(g, _)| g.as_str())
                    .ok_or_else(|| bad("grade"))?,
            ),
            None => None,
        };
        let mut groups = Vec::with_capacity(s.groups.len());
        for (g, raw, points) in &s.groups {
            groups.push(GroupScore {
                group: &group(*g)?.id,
                raw: *raw,
                points: *points,
            });
        }
        let mut breakdown = Vec::with_capacity(s.breakdown.len());
        for (g, r, points) in &s.breakdown {
            let g = group(*g)?;
            let (rule, _, _) = g.rules.get(*r as usize).ok_or_else(|| bad("score rule"))?;
            breakdown.push(ScoreHit {
                group: &g.id,
                rule,
                points: *points,
            });
        }
        Ok(Score {
            total: s.total,
            grade,
            mql: s.mql,
            groups,
            breakdown,
        })
    }

    fn hit_from_wire(&self, a: &WireAccount) -> Result<AccountHit, TicketError> {
        let bad = |what: &str| TicketError::invalid(format!("invalid ticket: {what} out of range"));
        let acc = self.accounts.as_ref().ok_or_else(|| bad("account"))?;
        let account_ok = |i: u32| acc.get(i).is_some();
        if a.account.is_some_and(|i| !account_ok(i))
            || a.runner_up.is_some_and(|(i, _)| !account_ok(i))
        {
            return Err(bad("account"));
        }
        let owner = match a.owner {
            Some(o) if (o as usize) < self.reps.len() => Some(o as usize),
            Some(_) => return Err(bad("account owner")),
            None => None,
        };
        let tier = match a.tier.as_str() {
            "domain" => Tier::Domain,
            "name" => Tier::Name,
            "fuzzy" => Tier::Fuzzy,
            other => {
                return Err(TicketError::invalid(format!(
                    "invalid ticket: unknown account tier `{other}`"
                )))
            }
        };
        Ok(AccountHit {
            account: a.account,
            matched: a.matched.clone(),
            owner,
            tier,
            score: a.score,
            runner_up: a.runner_up,
        })
    }
}

// Reading the wire by hand from a JSON tree, as the config is read: the route module
// already holds the tree reader, and a derived deserializer would add tens of KB to it.

impl TicketWire {
    /// Reads a ticket's JSON text: every field of its type, no field it does not have.
    pub fn from_json(json: &str) -> Result<TicketWire, TicketError> {
        let v: Value = serde_json::from_str(json)
            .map_err(|e| TicketError::invalid(format!("invalid ticket: {e}")))?;
        let o = object(&v, "ticket", &TICKET_FIELDS)?;
        let target = required(o, "target")?;
        let t = object(target, "target", &["kind", "id"])?;
        let id = || text(required(t, "id")?, "target.id");
        let target = match text(required(t, "kind")?, "target.kind")?.as_str() {
            "team" => TicketTarget::Team(id()?),
            "pool" => TicketTarget::Pool(id()?),
            "rep" => TicketTarget::Rep(id()?),
            "fallback" => TicketTarget::Fallback(id()?),
            "nurture" => TicketTarget::Nurture,
            "rejected" => TicketTarget::Rejected,
            other => {
                return Err(TicketError::invalid(format!(
                    "invalid ticket: unknown target kind `{other}`"
                )))
            }
        };
        Ok(TicketWire {
            format: number_u32(required(o, "format")?, "format")?,
            config: text(required(o, "config")?, "config")?,
            lead_id: optional(o, "lead_id", |v| text(v, "lead_id"))?,
            target,
            needs_state: boolean(required(o, "needs_state")?, "needs_state")?,
            screened: optional(o, "screened", |v| {
                let s = object(v, "screened", &["rule", "reason"])?;
                Ok(Screened {
                    rule: text(required(s, "rule")?, "screened.rule")?,
                    reason: text(required(s, "reason")?, "screened.reason")?,
                })
            })?,
            score: optional(o, "score", read_score)?,
            route: optional(o, "route", read_route)?,
            caps: list(o, "caps", |v| number_u32(v, "caps"))?,
            trace: optional(o, "trace", |v| {
                let t = object(v, "trace", &["rules", "steps"])?;
                Ok(WireTrace {
                    rules: list(t, "rules", |v| {
                        let [i, m] = tuple(v, "trace.rules")?;
                        Ok((number_u32(i, "trace.rules")?, boolean(m, "trace.rules")?))
                    })?,
                    steps: list(t, "steps", |v| text(v, "trace.steps"))?,
                })
            })?,
        })
    }
}

const TICKET_FIELDS: [&str; 10] = [
    "format",
    "config",
    "lead_id",
    "target",
    "needs_state",
    "screened",
    "score",
    "route",
    "caps",
    "trace",
];

fn read_score(v: &Value) -> Result<WireScore, TicketError> {
    let s = object(
        v,
        "score",
        &["total", "grade", "mql", "groups", "breakdown"],
    )?;
    Ok(WireScore {
        total: number(required(s, "total")?, "score.total")?,
        grade: optional(s, "grade", |v| number_u32(v, "score.grade"))?,
        mql: boolean(required(s, "mql")?, "score.mql")?,
        groups: list(s, "groups", |v| {
            let [g, raw, points] = tuple(v, "score.groups")?;
            Ok((
                number_u32(g, "score.groups")?,
                number(raw, "score.groups")?,
                number(points, "score.groups")?,
            ))
        })?,
        breakdown: list(s, "breakdown", |v| {
            let [g, r, points] = tuple(v, "score.breakdown")?;
            Ok((
                number_u32(g, "score.breakdown")?,
                number_u32(r, "score.breakdown")?,
                number(points, "score.breakdown")?,
            ))
        })?,
    })
}

fn read_route(v: &Value) -> Result<WireRoute, TicketError> {
    let r = object(
        v,
        "route",
        &["account", "below_mql", "rule", "account_rule"],
    )?;
    Ok(WireRoute {
        account: optional(r, "account", |v| {
            let a = object(
                v,
                "route.account",
                &["account", "matched", "owner", "tier", "score", "runner_up"],
            )?;
            Ok(WireAccount {
                account: optional(a, "account", |v| number_u32(v, "account.account"))?,
                matched: text(required(a, "matched")?, "account.matched")?,
                owner: optional(a, "owner", |v| number_u32(v, "account.owner"))?,
                tier: text(required(a, "tier")?, "account.tier")?,
                score: number(required(a, "score")?, "account.score")?,
                runner_up: optional(a, "runner_up", |v| {
                    let [i, score] = tuple(v, "account.runner_up")?;
                    Ok((
                        number_u32(i, "account.runner_up")?,
                        number(score, "account.runner_up")?,
                    ))
                })?,
            })
        })?,
        below_mql: boolean(required(r, "below_mql")?, "route.below_mql")?,
        rule: optional(r, "rule", |v| number_u32(v, "route.rule"))?,
        account_rule: optional(r, "account_rule", |v| number_u32(v, "route.account_rule"))?,
    })
}

fn wrong(what: &str, expected: &str) -> TicketError {
    TicketError::invalid(format!("invalid ticket: `{what}` must be {expected}"))
}

fn object<'v>(
    v: &'v Value,
    what: &str,
    fields: &[&str],
) -> Result<&'v Map<String, Value>, TicketError> {
    let o = v.as_object().ok_or_else(|| wrong(what, "an object"))?;
    if let Some(k) = o.keys().find(|k| !fields.contains(&k.as_str())) {
        return Err(TicketError::invalid(format!(
            "invalid ticket: unknown field `{k}` in `{what}`"
        )));
    }
    Ok(o)
}

fn required<'v>(o: &'v Map<String, Value>, key: &str) -> Result<&'v Value, TicketError> {
    o.get(key)
        .ok_or_else(|| TicketError::invalid(format!("invalid ticket: missing field `{key}`")))
}

/// An absent or null field is `None`.
fn optional<T>(
    o: &Map<String, Value>,
    key: &str,
    read: impl FnOnce(&Value) -> Result<T, TicketError>,
) -> Result<Option<T>, TicketError> {
    o.get(key).filter(|v| !v.is_null()).map(read).transpose()
}

/// An absent field is an empty list.
fn list<T>(
    o: &Map<String, Value>,
    key: &str,
    read: impl Fn(&Value) -> Result<T, TicketError>,
) -> Result<Vec<T>, TicketError> {
    match o.get(key) {
        None => Ok(Vec::new()),
        Some(v) => v
            .as_array()
            .ok_or_else(|| wrong(key, "a list"))?
            .iter()
            .map(read)
            .collect(),
    }
}

fn tuple<'v, const N: usize>(v: &'v Value, what: &str) -> Result<[&'v Value; N], TicketError> {
    let items = v.as_array().ok_or_else(|| wrong(what, "a list"))?;
    let mut out = [&Value::Null; N];
    if items.len() != N {
        return Err(wrong(what, &format!("a list of {N} items")));
    }
    for (slot, item) in out.iter_mut().zip(items) {
        *slot = item;
    }
    Ok(out)
}

fn text(v: &Value, what: &str) -> Result<String, TicketError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| wrong(what, "a string"))
}

fn boolean(v: &Value, what: &str) -> Result<bool, TicketError> {
    v.as_bool().ok_or_else(|| wrong(what, "true or false"))
}

fn number(v: &Value, what: &str) -> Result<f64, TicketError> {
    v.as_f64().ok_or_else(|| wrong(what, "a number"))
}

fn number_u32(v: &Value, what: &str) -> Result<u32, TicketError> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| wrong(what, "a whole number"))
}
