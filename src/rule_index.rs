//! An index over routing rules keyed by one lead field: rules that require the field
//! to equal one of a few values are only evaluated for leads with such a value, so
//! matching 1,000 territory-style rules does not scan all of them.

use crate::condition::{Cond, FieldRef, Test};
use crate::email::with_ascii_lower;
use crate::fxhash::FxHashMap;
use crate::lead::Lead;

/// Below this many rules a plain scan is as fast.
const MIN_RULES: usize = 16;

#[derive(Debug, Clone)]
pub struct RuleIndex {
    slot: usize,
    /// Lowercased value -> indexes of the rules that can match it, ascending.
    by_value: FxHashMap<Box<str>, Vec<u32>>,
    /// Rules that do not depend on the field, ascending.
    always: Vec<u32>,
}

/// The `(slot, values)` a condition requires, if it is `field in [...]` (or `==`),
/// case-insensitive, alone or as one part of an `all`.
fn key(cond: &Cond) -> Option<(usize, Vec<&str>)> {
    match cond {
        Cond::Pred {
            field: FieldRef::Slot(s),
            test:
                Test::StrIn {
                    set,
                    case_sensitive: false,
                },
        } => Some((*s, set.iter().collect())),
        Cond::All(parts) => parts.iter().find_map(key),
        _ => None,
    }
}

impl RuleIndex {
    pub fn build(conds: &[&Cond]) -> Option<RuleIndex> {
        if conds.len() < MIN_RULES {
            return None;
        }
        let keys: Vec<Option<(usize, Vec<&str>)>> = conds.iter().map(|c| key(c)).collect();
        // Index the field that the most rules test.
        let mut counts: FxHashMap<usize, usize> = FxHashMap::default();
        for (slot, _) in keys.iter().flatten() {
            *counts.entry(*slot).or_default() += 1;
        }
        let (slot, n) = counts
            .into_iter()
            .max_by_key(|(s, n)| (*n, usize::MAX - s))?;
        if n * 2 < conds.len() {
            return None;
        }
        let mut by_value: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut always = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            match k {
                Some((s, values)) if *s == slot => {
                    for v in values {
                        let list = by_value.entry((*v).into()).or_default();
                        if list.last() != Some(&(i as u32)) {
                            list.push(i as u32);
                        }
                    }
                }
                _ => always.push(i as u32),
            }
        }
        Some(RuleIndex {
            slot,
            by_value,
            always,
        })
    }

    /// Calls `f` with the indexes of the rules that may match, in rule order, until
    /// `f` returns true.
    pub fn for_each_candidate(&self, lead: &Lead, mut f: impl FnMut(usize) -> bool) {
        let hits: &[u32] = lead
            .get(self.slot)
            .as_str()
            .and_then(|v| with_ascii_lower(v, |l| self.by_value.get(l).map(Vec::as_slice)))
            .unwrap_or(&[]);
        let (mut a, mut b) = (hits.iter().peekable(), self.always.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => return,
            };
            if let Some(i) = next {
                if f(*i as usize) {
                    return;
                }
            }
        }
    }
}
