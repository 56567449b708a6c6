//! The strings of an `in` (or `==`) test: a short list compared entry by entry, a long
//! one hashed. Most rules test a field against a few values (countries, industries,
//! sources), where comparing a value with each entry costs less than lowercasing it into
//! a buffer, checking that buffer is UTF-8 and hashing it (measured with callgrind on the
//! reference config: its five such tests went from about 1,300 to 540 instructions a
//! lead).

use crate::email;
use crate::fxhash::FxHashSet as HashSet;

/// Lists up to this long are compared entry by entry.
const FEW: usize = 8;
/// Values up to this many bytes are lowercased (on the stack when ASCII) for one hash
/// lookup; longer ones are compared with the entries instead.
const FOLD_LOOKUP_BYTES: usize = 256;
/// A list this short is compared entry by entry with a long value; a longer one gets one
/// lowercase copy of it for its hash lookup (lead strings are at most 64 KiB).
const FOLD_SCAN_ENTRIES: usize = 64;

/// Case-insensitive tests store their entries lowercase.
#[derive(Debug, Clone)]
pub enum StrSet {
    Few(Box<[Box<str>]>),
    Many(HashSet<Box<str>>),
}

impl FromIterator<Box<str>> for StrSet {
    /// Duplicates dropped; a short list keeps the entries' first order.
    fn from_iter<I: IntoIterator<Item = Box<str>>>(items: I) -> StrSet {
        let mut items = items.into_iter();
        let mut few: Vec<Box<str>> = Vec::new();
        while let Some(item) = items.next() {
            if few.contains(&item) {
                continue;
            }
            if few.len() == FEW {
                let mut set: HashSet<Box<str>> = few.into_iter().collect();
                set.insert(item);
                set.extend(items);
                return StrSet::Many(set);
            }
            few.push(item);
        }
        StrSet::Few(few.into())
    }
}

impl StrSet {
    pub fn iter(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            StrSet::Few(few) => Box::new(few.iter().map(|s| &**s)),
            StrSet::Many(set) => Box::new(set.iter().map(|s| &**s)),
        }
    }

    /// `value` is an entry.
    pub fn contains(&self, value: &str) -> bool {
        match self {
            StrSet::Few(few) => few.iter().any(|e| **e == *value),
            StrSet::Many(set) => set.contains(value),
        }
    }

    /// `value.to_lowercase()` is an entry (the entries are lowercase).
    pub fn contains_folded(&self, value: &str) -> bool {
        match self {
            // An ASCII value equals a lowercase entry folded, byte for byte; its
            // lowercase is ASCII, so a longer or non-ASCII entry never matches.
            StrSet::Few(few) if value.is_ascii() => few.iter().any(|e| {
                e.len() == value.len() && value.as_bytes().eq_ignore_ascii_case(e.as_bytes())
            }),
            StrSet::Few(few) => few.iter().any(|e| super::fold::eq(value, e)),
            StrSet::Many(set) => {
                if value.len() <= FOLD_LOOKUP_BYTES || set.len() > FOLD_SCAN_ENTRIES {
                    return email::with_ascii_lower(value, |l| set.contains(l));
                }
                // Lowercasing changes a char's UTF-8 length by at most 3x either way:
                // most entries are out of reach by length alone.
                set.iter()
                    .filter(|e| e.len() * 3 >= value.len() && e.len() <= value.len() * 3)
                    .any(|e| super::fold::eq(value, e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StrSet;

    fn set(items: &[&str]) -> StrSet {
        items.iter().map(|s| Box::<str>::from(*s)).collect()
    }

    #[test]
    fn few_and_many_answer_alike() {
        let few = set(&["us", "ca", "straße", "ǆ"]);
        let many_items: Vec<String> = ["us", "ca", "straße", "ǆ"]
            .iter()
            .map(|s| s.to_string())
            .chain((0..20).map(|i| format!("x{i}")))
            .collect();
        let many: StrSet = many_items
            .iter()
            .map(|s| Box::<str>::from(s.as_str()))
            .collect();
        assert!(matches!(few, StrSet::Few(_)));
        assert!(matches!(many, StrSet::Many(_)));
        for v in [
            "US", "us", "Ca", "STRASSE", "Straße", "ǅ", "Ǆ", "u", "usa", "", "x1",
        ] {
            let want = ["us", "ca", "straße", "ǆ"].contains(&v.to_lowercase().as_str());
            assert_eq!(few.contains_folded(v), want, "{v}");
            assert_eq!(
                many.contains_folded(v),
                want || v.to_lowercase() == "x1",
                "{v}"
            );
            assert_eq!(
                few.contains(v),
                ["us", "ca", "straße", "ǆ"].contains(&v),
                "{v}"
            );
        }
    }
}
