//! Conditions over lead fields: compiled once from JSON or text into a tree with
//! fields resolved to slots, lists to sets and regexes prepared; evaluated per lead.

mod compile;
mod prefilter;
pub mod text;

pub use compile::{compile, compile_with, Scope};

use crate::email;
use crate::fxhash::FxHashSet as HashSet;
use crate::lead::{Lead, Val};

/// Where a predicate reads its value.
/// A config's free email domain list, shared by every condition that tests it.
pub type FreeList = std::sync::Arc<HashSet<Box<str>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRef {
    Slot(usize),
    /// The lead's total score (routing rules only).
    Score,
    /// The lead's grade (routing rules only).
    Grade,
}

/// Values computed during routing that conditions may read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Computed<'a> {
    pub score: Option<f64>,
    pub grade: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone)]
pub enum Test {
    Exists,
    Missing,
    Cmp(Cmp, f64),
    Between(f64, f64),
    NumIn(Box<[f64]>),
    BoolEq(bool),
    /// Case-insensitive values are stored lowercase.
    StrIn {
        set: HashSet<Box<str>>,
        case_sensitive: bool,
    },
    Contains {
        needle: Box<str>,
        case_sensitive: bool,
    },
    StartsWith {
        needle: Box<str>,
        case_sensitive: bool,
    },
    EndsWith {
        needle: Box<str>,
        case_sensitive: bool,
    },
    ContainsAny {
        needles: Box<[Box<str>]>,
        case_sensitive: bool,
    },
    /// `must` holds literals of which one must occur (lowercase when case-insensitive)
    /// for the regex to match; empty means no prefilter.
    Regex {
        re: regex_lite::Regex,
        must: Box<[Box<str>]>,
        case_sensitive: bool,
    },
    DomainIn(HashSet<Box<str>>),
    /// The domain exactly (no subdomains).
    DomainIs(HashSet<Box<str>>),
    /// `None`: the built-in list; `Some`: the config's list (built-in with changes).
    FreeEmail(Option<FreeList>),
    BusinessEmail(Option<FreeList>),
    ValidEmail,
}

#[derive(Debug, Clone)]
pub enum Cond {
    True,
    All(Box<[Cond]>),
    Any(Box<[Cond]>),
    Not(Box<Cond>),
    Pred { field: FieldRef, test: Test },
}

impl Cond {
    pub fn eval(&self, lead: &Lead, computed: &Computed) -> bool {
        match self {
            Cond::True => true,
            Cond::All(cs) => cs.iter().all(|c| c.eval(lead, computed)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(lead, computed)),
            Cond::Not(c) => !c.eval(lead, computed),
            Cond::Pred { field, test } => {
                let grade;
                let score;
                let v: &Val = match field {
                    FieldRef::Slot(s) => lead.get(*s),
                    FieldRef::Score => {
                        score = computed.score.map_or(Val::Missing, Val::Num);
                        &score
                    }
                    FieldRef::Grade => {
                        grade = computed
                            .grade
                            .map_or(Val::Missing, |g| Val::Str(std::borrow::Cow::Borrowed(g)));
                        &grade
                    }
                };
                test.eval(v)
            }
        }
    }
}

impl Test {
    /// Every predicate but `missing` is false on a missing value.
    pub fn eval(&self, v: &Val) -> bool {
        if v.is_missing() {
            return matches!(self, Test::Missing);
        }
        match self {
            Test::Exists => true,
            Test::Missing => false,
            Test::Cmp(op, x) => v.as_num().is_some_and(|n| match op {
                Cmp::Gt => n > *x,
                Cmp::Gte => n >= *x,
                Cmp::Lt => n < *x,
                Cmp::Lte => n <= *x,
            }),
            Test::Between(lo, hi) => v.as_num().is_some_and(|n| n >= *lo && n <= *hi),
            Test::NumIn(xs) => v.as_num().is_some_and(|n| xs.contains(&n)),
            Test::BoolEq(b) => matches!(v, Val::Bool(x) if x == b),
            Test::StrIn {
                set,
                case_sensitive,
            } => v.as_str().is_some_and(|s| {
                if *case_sensitive {
                    set.contains(s)
                } else {
                    email::with_ascii_lower(s, |l| set.contains(l))
                }
            }),
            Test::Contains {
                needle,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h| contains(h, needle)),
            Test::StartsWith {
                needle,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h| h.starts_with(&**needle)),
            Test::EndsWith {
                needle,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h| h.ends_with(&**needle)),
            Test::ContainsAny {
                needles,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h| {
                needles.iter().any(|n| contains(h, n))
            }),
            Test::Regex {
                re,
                must,
                case_sensitive,
            } => v.as_str().is_some_and(|s| {
                let maybe = must.is_empty()
                    || str_test(v, *case_sensitive, |h| must.iter().any(|m| contains(h, m)));
                maybe && re.is_match(s)
            }),
            Test::DomainIn(set) => v
                .as_str()
                .and_then(email::domain)
                .is_some_and(|d| email::domain_matches(d, set)),
            Test::DomainIs(set) => v
                .as_str()
                .and_then(email::domain)
                .is_some_and(|d| email::with_ascii_lower(d, |d| set.contains(d))),
            Test::FreeEmail(list) => v
                .as_str()
                .is_some_and(|e| email::is_free_in(e, list.as_deref())),
            Test::BusinessEmail(list) => v
                .as_str()
                .is_some_and(|e| email::is_valid(e) && !email::is_free_in(e, list.as_deref())),
            Test::ValidEmail => v.as_str().is_some_and(email::is_valid),
        }
    }
}

/// `haystack.contains(needle)` without the setup of std's two-way searcher, which
/// dominates on the short values leads carry (titles, company names): scan for the
/// needle's first byte, then compare.
fn contains(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    let Some(last_start) = h.len().checked_sub(n.len()) else {
        return false;
    };
    let mut from = 0;
    while let Some(i) = h
        .get(from..=last_start)
        .and_then(|w| w.iter().position(|&b| b == first))
    {
        let at = from + i;
        if h.get(at + 1..at + n.len()) == Some(rest) {
            return true;
        }
        from = at + 1;
    }
    false
}

fn str_test(v: &Val, case_sensitive: bool, f: impl FnOnce(&str) -> bool) -> bool {
    match v.as_str() {
        Some(s) if case_sensitive => f(s),
        Some(s) => email::with_ascii_lower(s, f),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::contains;
    use proptest::prelude::*;

    #[test]
    fn contains_edges() {
        assert!(contains("head of sales", "head"));
        assert!(contains("vp", "vp"));
        assert!(contains("abc", ""));
        assert!(contains("aab", "ab"));
        assert!(!contains("ab", "abc"));
        assert!(!contains("", "a"));
        assert!(contains("déjà vu", "à v"));
    }

    proptest! {
        #[test]
        fn contains_is_std_contains(h in "[abé ]{0,12}", n in "[abé ]{0,4}") {
            prop_assert_eq!(contains(&h, &n), h.contains(&*n));
        }
    }
}
