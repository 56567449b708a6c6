//! Errors a caller can inspect: config problems (all at once, each at its JSON path),
//! per-lead input errors and refused state operations. Each carries a stable `code`
//! (the README lists them) so callers never match on message text; messages are
//! lowercase and quote the user's own input.

use serde::Serialize;
use std::fmt;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// What kind of config problem it is; serialized as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum ConfigCode {
    /// The text is not JSON.
    InvalidJson,
    /// The config text is larger than `Limits::config_bytes`.
    TooLarge,
    /// More reps, teams, rules or accounts than the limits allow.
    OverLimit,
    /// A key the config format does not have.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong JSON type (or a number out of its range).
    WrongType,
    /// A name outside a fixed set (a strategy type, an operator, a time zone).
    UnknownValue,
    /// A rep, team, pool or field that the config does not define.
    UnknownReference,
    /// Any other value that breaks a rule of the format (duplicate id, bad time, ...).
    InvalidValue,
}

impl ConfigCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigCode::InvalidJson => "invalid_json",
            ConfigCode::TooLarge => "too_large",
            ConfigCode::OverLimit => "over_limit",
            ConfigCode::UnknownKey => "unknown_key",
            ConfigCode::MissingKey => "missing_key",
            ConfigCode::WrongType => "wrong_type",
            ConfigCode::UnknownValue => "unknown_value",
            ConfigCode::UnknownReference => "unknown_reference",
            ConfigCode::InvalidValue => "invalid_value",
        }
    }
}

/// One problem in a config, at its JSON path (`rules[2].when.field`); `help` says what
/// would be accepted and may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct ConfigError {
    pub code: ConfigCode,
    pub path: String,
    pub message: String,
    pub help: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a config; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// A problem without a more precise code (`invalid_value`).
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push_code(ConfigCode::InvalidValue, path, message, "");
    }

    pub fn push_code(
        &mut self,
        code: ConfigCode,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.0.push(ConfigError {
            code,
            path: path.into(),
            message: message.into(),
            help: help.into(),
        });
    }

    /// `unknown rep "bobb" (did you mean "bob"?)`
    pub fn unknown<'a>(
        &mut self,
        path: impl Into<String>,
        what: &str,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) {
        let (message, help) = match did_you_mean(name, candidates) {
            Some(s) => (
                format!("unknown {what} \"{name}\" (did you mean \"{s}\"?)"),
                format!("did you mean \"{s}\"?"),
            ),
            None => (format!("unknown {what} \"{name}\""), String::new()),
        };
        // `what` is the caller's own category word, never user input.
        let code = match what {
            "key" => ConfigCode::UnknownKey,
            "operator" | "time zone" => ConfigCode::UnknownValue,
            _ => ConfigCode::UnknownReference,
        };
        self.push_code(code, path, message, help);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "invalid config: {n} problem{}",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, e) in self.0.iter().enumerate() {
            if i + 1 == n {
                write!(f, "{e}")?;
            } else {
                writeln!(f, "{e}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// What kind of lead problem it is; serialized as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum LeadCode {
    /// The lead is not an object of scalar fields, a field has the wrong type, or it is
    /// over a size limit.
    InvalidLead,
}

impl LeadCode {
    pub fn as_str(self) -> &'static str {
        match self {
            LeadCode::InvalidLead => "invalid_lead",
        }
    }
}

/// A lead that cannot be routed as given (wrong type, too large, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct LeadError {
    pub code: LeadCode,
    pub message: String,
    pub help: String,
}

impl LeadError {
    pub fn new(message: impl Into<String>) -> Self {
        LeadError {
            code: LeadCode::InvalidLead,
            message: message.into(),
            help: String::new(),
        }
    }
}

impl fmt::Display for LeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid lead: {}", self.message)
    }
}

impl std::error::Error for LeadError {}

/// Why a state operation was refused; serialized as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum StateCode {
    /// Refused for a reason without a more precise code yet.
    Refused,
    /// The rep, pool or lead named does not exist (or is not in that pool).
    NotFound,
    /// The rep is not a member of the pool.
    NotMember,
    /// Another rep already holds the lead.
    AlreadyClaimed,
    /// A claim limit or cap stops the operation.
    LimitReached,
    /// The lead is not claimed by, or assigned to, this rep.
    NotOwner,
    /// The rep cannot take leads now (status, hours, out of office, cap).
    Unavailable,
    /// The lead has expired from its pool.
    Expired,
    /// The pool has no lead to give.
    PoolEmpty,
    /// A snapshot that cannot be read or belongs to another build.
    InvalidSnapshot,
    /// No rep by that id.
    UnknownRep,
    /// No pool by that id.
    UnknownPool,
    /// The lead is not waiting in a pool, claimed or tracked.
    UnknownLead,
    /// The rep is a member but does not meet the pool's requirements for this lead.
    NotEligible,
    /// A blind pool's leads are claimed oldest first.
    OutOfOrder,
    /// The lead was contacted already and cannot be released.
    AlreadyContacted,
    /// An outcome for a lead that went to no rep (pooled and unclaimed, nurture,
    /// rejected).
    NotAssigned,
    /// An outcome whose value is negative or not a number.
    InvalidOutcome,
}

impl StateCode {
    pub fn as_str(self) -> &'static str {
        match self {
            StateCode::Refused => "refused",
            StateCode::NotFound => "not_found",
            StateCode::NotMember => "not_member",
            StateCode::AlreadyClaimed => "already_claimed",
            StateCode::LimitReached => "limit_reached",
            StateCode::NotOwner => "not_owner",
            StateCode::Unavailable => "unavailable",
            StateCode::Expired => "expired",
            StateCode::PoolEmpty => "pool_empty",
            StateCode::InvalidSnapshot => "invalid_snapshot",
            StateCode::UnknownRep => "unknown_rep",
            StateCode::UnknownPool => "unknown_pool",
            StateCode::UnknownLead => "unknown_lead",
            StateCode::NotEligible => "not_eligible",
            StateCode::OutOfOrder => "out_of_order",
            StateCode::AlreadyContacted => "already_contacted",
            StateCode::NotAssigned => "not_assigned",
            StateCode::InvalidOutcome => "invalid_outcome",
        }
    }
}

/// An operation on routing state that was refused (claim, touch, snapshot, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct StateError {
    pub code: StateCode,
    pub message: String,
    pub help: String,
}

impl StateError {
    /// A refusal without a more precise code (`refused`).
    pub fn new(message: impl Into<String>) -> Self {
        StateError::with_code(StateCode::Refused, message)
    }

    pub fn with_code(code: StateCode, message: impl Into<String>) -> Self {
        StateError {
            code,
            message: message.into(),
            help: String::new(),
        }
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StateError {}

/// Names longer than this get no suggestion: a typo of a short name is never this long,
/// and the distance table is `input × candidate` cells.
pub const SUGGEST_MAX_CHARS: usize = 64;

/// The closest candidate by edit distance, if close enough to be a likely typo. Work is
/// bounded: inputs over [`SUGGEST_MAX_CHARS`] are not compared, nor candidates whose
/// length alone puts them out of reach.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Checked on bytes first: a huge key is refused without counting its chars.
    if input.len() > 4 * SUGGEST_MAX_CHARS {
        return None;
    }
    let n = input.chars().count();
    if n > SUGGEST_MAX_CHARS {
        return None;
    }
    let input_l = input.to_lowercase();
    let max = (n / 3).max(1) + 1;
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        // The distance is at least the difference in length.
        if c.len() > 4 * (n + max) {
            continue;
        }
        let m = c.chars().count();
        if m.abs_diff(n) > max {
            continue;
        }
        let d = levenshtein(&input_l, &c.to_lowercase());
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
thread_local! {
    /// Cells of distance tables built on this thread (tests count work with it).
    static CELLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Optimal string alignment distance: edits plus adjacent transpositions (`bne`/`ben`).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    #[cfg(test)]
    CELLS.with(|c| c.set(c.get() + (a.len() + 1) * w));
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for i in 0..=a.len() {
        if let Some(x) = d.get_mut(at(i, 0)) {
            *x = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(x) = d.get_mut(at(0, j)) {
            *x = j;
        }
    }
    let get = |d: &[usize], i, j| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ca, cb) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ca != cb);
            let mut v = (get(&d, i - 1, j) + 1)
                .min(get(&d, i, j - 1) + 1)
                .min(get(&d, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && ca == b.get(j - 2) && a.get(i - 2) == cb {
                v = v.min(get(&d, i - 2, j - 2) + 1);
            }
            if let Some(x) = d.get_mut(at(i, j)) {
                *x = v;
            }
        }
    }
    get(&d, a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let c = ["revenue", "country", "company_size"];
        assert_eq!(did_you_mean("revnue", c), Some("revenue"));
        assert_eq!(did_you_mean("Country", c), Some("country"));
        assert_eq!(did_you_mean("zzz", c), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("bne", "ben"), 1);
        assert_eq!(did_you_mean("bne", ["ana", "ben"]), Some("ben"));
    }

    fn cells_of(f: impl FnOnce()) -> usize {
        CELLS.with(|c| c.set(0));
        f();
        CELLS.with(|c| c.get())
    }

    /// A huge unknown key (or a huge candidate) builds no `n × m` table: the work per
    /// candidate is bounded by the suggestion length, whatever the input size.
    #[test]
    fn suggestion_work_is_bounded_for_huge_names() {
        let huge = "k".repeat(1_000_000);
        let keys = ["name", "members", "strategy", huge.as_str()];
        assert_eq!(cells_of(|| assert_eq!(did_you_mean(&huge, keys), None)), 0);
        let near = format!("{}x", "k".repeat(SUGGEST_MAX_CHARS - 1));
        let cells = cells_of(|| {
            did_you_mean(&near, keys);
        });
        assert_eq!(
            cells, 0,
            "the huge candidate is out of reach by length alone"
        );
        // At the bound, suggestions still work and cost at most one bounded table each.
        let long = "k".repeat(SUGGEST_MAX_CHARS);
        let typo = format!("{}j", "k".repeat(SUGGEST_MAX_CHARS - 1));
        let cells = cells_of(|| assert_eq!(did_you_mean(&typo, [long.as_str()]), Some(&*long)));
        assert_eq!(cells, (SUGGEST_MAX_CHARS + 1) * (SUGGEST_MAX_CHARS + 1));
        // Multi-byte input over the bound is refused too (chars, not bytes, count).
        assert_eq!(
            did_you_mean(&"é".repeat(SUGGEST_MAX_CHARS + 1), ["é"]),
            None
        );
    }
}
