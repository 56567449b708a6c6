//! Conditions over lead fields: compiled once from JSON or text into a tree with
//! fields resolved to slots, lists to sets and regexes prepared; evaluated per lead.

pub mod account;
mod compile;
mod fold;
mod prefilter;
mod strset;
pub mod text;

pub use account::{AccountFields, AccountRef, AccountView};
pub use compile::{compile, compile_in, compile_with, Scope};
pub use strset::StrSet;

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
    /// The matched account (routing rules only, with accounts configured).
    Account(AccountRef),
}

/// Values computed during routing that conditions may read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Computed<'a> {
    pub score: Option<f64>,
    pub grade: Option<&'a str>,
    /// The account the lead matched, if any.
    pub account: Option<AccountView<'a>>,
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
        set: StrSet,
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
            // A lead field, most conditions' case: no frame for the computed values below
            // (with them inlined, every call paid about 45 instructions of prologue and
            // epilogue, measured with callgrind on the reference config).
            Cond::Pred {
                field: FieldRef::Slot(s),
                test,
            } => test.eval(lead.get(*s)),
            Cond::True => true,
            Cond::All(cs) => cs.iter().all(|c| c.eval(lead, computed)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(lead, computed)),
            Cond::Not(c) => !c.eval(lead, computed),
            Cond::Pred { field, test } => computed_test(*field, test, lead, computed),
        }
    }
}

/// A test of a value routing computed: the score, the grade, the matched account.
#[inline(never)]
fn computed_test(field: FieldRef, test: &Test, lead: &Lead, computed: &Computed) -> bool {
    let grade;
    let score;
    let account;
    let v: &Val = match field {
        FieldRef::Slot(s) => lead.get(s),
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
        FieldRef::Account(AccountRef::Value(i)) => computed
            .account
            .and_then(|a| a.values.get(i))
            .unwrap_or(&Val::Missing),
        FieldRef::Account(r) => {
            account = AccountView::read(computed.account.as_ref(), r);
            &account
        }
    };
    test.eval(v)
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
                    set.contains_folded(s)
                }
            }),
            Test::Contains {
                needle,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h, cs| {
                if cs {
                    contains(h, needle)
                } else {
                    fold::contains(h, needle)
                }
            }),
            Test::StartsWith {
                needle,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h, cs| {
                if cs {
                    h.starts_with(&**needle)
                } else {
                    fold::starts_with(h, needle)
                }
            }),
            Test::EndsWith {
                needle,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h, cs| {
                if cs {
                    h.ends_with(&**needle)
                } else {
                    fold::ends_with(h, needle)
                }
            }),
            Test::ContainsAny {
                needles,
                case_sensitive,
            } => str_test(v, *case_sensitive, |h, cs| {
                if cs {
                    needles.iter().any(|n| contains(h, n))
                } else {
                    fold::contains_any(h, needles)
                }
            }),
            Test::Regex {
                re,
                must,
                case_sensitive,
            } => v.as_str().is_some_and(|s| {
                let maybe = must.is_empty()
                    || str_test(v, *case_sensitive, |h, cs| {
                        if cs {
                            must.iter().any(|m| contains(h, m))
                        } else {
                            fold::contains_any(h, must)
                        }
                    });
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

/// `f(value, case_sensitive)`: case-insensitive tests fold the value as they compare
/// (`fold`), never lowercasing it whole.
fn str_test(v: &Val, case_sensitive: bool, f: impl FnOnce(&str, bool) -> bool) -> bool {
    v.as_str().is_some_and(|s| f(s, case_sensitive))
}

#[cfg(test)]
mod tests {
    use super::contains;
    use super::{StrSet, Test, Val};
    use proptest::prelude::*;
    use std::borrow::Cow;

    /// Case-insensitive tests over a 64 KiB value with capitals (issue 13: each test
    /// lowercased the whole value, 2.9 s for 2,000 rules) fold as they compare and give
    /// exactly the answers of lowercasing it, on the ASCII and the char-by-char paths.
    #[test]
    fn case_insensitive_tests_over_a_long_value_match_lowercasing_it() {
        let filler = "Lorem Ipsum ".repeat(5_460);
        long_value(&format!("{filler}Head of SALES Z"));
        long_value(&format!("{filler}Head of SALES Ünïcödé İZ"));
    }

    fn long_value(value: &str) {
        assert!(value.len() > 64_000);
        let lower = value.to_lowercase();
        let v = Val::Str(Cow::Borrowed(value));
        let needles = [
            "sales",
            "head of sales ü",
            "lorem",
            "ipsum z",
            "z",
            "absent",
            "ünïcödé",
            "\u{307}z",
        ];
        for l in needles {
            let n: Box<str> = l.into();
            let cs = false;
            let cases = [
                (
                    Test::Contains {
                        needle: n.clone(),
                        case_sensitive: cs,
                    },
                    lower.contains(l),
                ),
                (
                    Test::StartsWith {
                        needle: n.clone(),
                        case_sensitive: cs,
                    },
                    lower.starts_with(l),
                ),
                (
                    Test::EndsWith {
                        needle: n.clone(),
                        case_sensitive: cs,
                    },
                    lower.ends_with(l),
                ),
                (
                    Test::ContainsAny {
                        needles: vec![n.clone()].into(),
                        case_sensitive: cs,
                    },
                    lower.contains(l),
                ),
                (
                    Test::StrIn {
                        set: [n.clone()].into_iter().collect::<StrSet>(),
                        case_sensitive: cs,
                    },
                    false,
                ),
            ];
            for (test, want) in cases {
                assert_eq!(test.eval(&v), want, "{l:?} {test:?}");
            }
        }
        let whole = Test::StrIn {
            set: [lower.as_str().into(), "x".into()].into_iter().collect(),
            case_sensitive: false,
        };
        assert!(whole.eval(&v));
    }

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
