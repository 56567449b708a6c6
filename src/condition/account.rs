//! The `account.*` names routing rules may read: the matched account's fields (built
//! in and declared), whether one matched, by which tier and with what score.

use super::FieldRef;
use crate::config::FieldType;
use crate::lead::Val;

/// Fields every account has, in the order of [`AccountView::values`].
pub const BUILT_IN: &[(&str, FieldType)] = &[
    ("id", FieldType::String),
    ("name", FieldType::String),
    ("country", FieldType::String),
    ("owner", FieldType::String),
    ("team", FieldType::String),
    ("parent", FieldType::String),
    ("employees", FieldType::Number),
];

/// Names computed by matching, not stored on the account.
pub const COMPUTED: &[&str] = &["matched", "match", "match_score"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRef {
    /// Whether an account matched (false, never missing, when none did).
    Matched,
    /// The tier that matched: `domain`, `name` or `fuzzy`.
    Match,
    /// The match's score, 0-1.
    MatchScore,
    /// One of the account's values.
    Value(usize),
}

/// The account field names a config's rules can read.
#[derive(Debug, Clone, Default)]
pub struct AccountFields {
    names: Vec<(String, FieldType)>,
}

impl AccountFields {
    /// The built-in fields, then `declared` in order.
    pub fn new<'a>(declared: impl IntoIterator<Item = (&'a str, FieldType)>) -> Self {
        let mut names: Vec<(String, FieldType)> =
            BUILT_IN.iter().map(|(n, t)| (n.to_string(), *t)).collect();
        names.extend(declared.into_iter().map(|(n, t)| (n.to_string(), t)));
        AccountFields { names }
    }

    /// `name` without its `account.` prefix.
    pub fn lookup(&self, name: &str) -> Option<(FieldRef, FieldType)> {
        let r = match name {
            "matched" => (AccountRef::Matched, FieldType::Boolean),
            "match" => (AccountRef::Match, FieldType::String),
            "match_score" => (AccountRef::MatchScore, FieldType::Number),
            _ => {
                let i = self.names.iter().position(|(n, _)| n == name)?;
                let ty = self.names.get(i).map_or(FieldType::String, |(_, t)| *t);
                (AccountRef::Value(i), ty)
            }
        };
        Some((FieldRef::Account(r.0), r.1))
    }

    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        COMPUTED
            .iter()
            .map(|n| format!("account.{n}"))
            .chain(self.names.iter().map(|(n, _)| format!("account.{n}")))
    }
}

/// The account a lead matched, as conditions see it.
#[derive(Debug, Clone, Copy)]
pub struct AccountView<'a> {
    pub tier: &'static str,
    pub score: f64,
    /// The built-in fields, then the declared ones ([`AccountFields`] order).
    pub values: &'a [Val<'static>],
}

impl AccountView<'_> {
    pub(super) fn read(view: Option<&Self>, r: AccountRef) -> Val<'static> {
        match (r, view) {
            (AccountRef::Matched, v) => Val::Bool(v.is_some()),
            (_, None) => Val::Missing,
            (AccountRef::Match, Some(v)) => Val::Str(std::borrow::Cow::Borrowed(v.tier)),
            (AccountRef::MatchScore, Some(v)) => Val::Num(v.score),
            (AccountRef::Value(_), Some(_)) => Val::Missing,
        }
    }
}
