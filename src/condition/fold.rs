//! Case-insensitive string tests that compare a lead value with a lowercase needle
//! without building the lowercase value: 2,000 rules over one 64 KiB value no longer
//! lowercase it 2,000 times.
//!
//! The result is exactly `value.to_lowercase()` compared with the needle. ASCII values
//! fold byte by byte; other values fold char by char with `char::to_lowercase`, which is
//! what `str::to_lowercase` does for every char but `Σ` (its lowercase depends on the
//! letters around it): a value with `Σ` tested against a needle with `σ` or `ς` is
//! lowercased whole, the one case that still allocates.

use crate::word::{splat, zero_bytes, HIGH};

/// `Σ` lowercases to `σ` or `ς` by context; only needles holding one of those care.
fn needs_whole(value: &str, needle: &str) -> bool {
    needle.contains(['σ', 'ς']) && value.contains('Σ')
}

fn lower_chars(s: &str) -> impl Iterator<Item = char> + Clone + '_ {
    s.chars().flat_map(char::to_lowercase)
}

fn starts(mut hay: impl Iterator<Item = char>, needle: &str) -> bool {
    needle.chars().all(|c| hay.next() == Some(c))
}

/// `value.to_lowercase() == lower`
pub fn eq(value: &str, lower: &str) -> bool {
    if value.is_ascii() {
        return value.len() == lower.len() && value.eq_ignore_ascii_case(lower);
    }
    if needs_whole(value, lower) {
        return value.to_lowercase() == lower;
    }
    lower_chars(value).eq(lower.chars())
}

/// `value.to_lowercase().starts_with(lower)`
pub fn starts_with(value: &str, lower: &str) -> bool {
    if value.is_ascii() {
        return value
            .as_bytes()
            .get(..lower.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(lower.as_bytes()));
    }
    if needs_whole(value, lower) {
        return value.to_lowercase().starts_with(lower);
    }
    starts(lower_chars(value), lower)
}

/// `value.to_lowercase().ends_with(lower)`
pub fn ends_with(value: &str, lower: &str) -> bool {
    if value.is_ascii() {
        return value
            .len()
            .checked_sub(lower.len())
            .and_then(|at| value.as_bytes().get(at..))
            .is_some_and(|h| h.eq_ignore_ascii_case(lower.as_bytes()));
    }
    if needs_whole(value, lower) {
        return value.to_lowercase().ends_with(lower);
    }
    let mut hay = value.chars().rev().flat_map(|c| c.to_lowercase().rev());
    lower.chars().rev().all(|c| hay.next() == Some(c))
}

/// Values up to this many bytes are searched in place; longer ones a lowercase piece at a
/// time.
const SHORT: usize = 256;

/// `value.to_lowercase().contains(lower)`
pub fn contains(value: &str, lower: &str) -> bool {
    if value.is_ascii() {
        return ascii_contains(value, lower);
    }
    if needs_whole(value, lower) {
        return value.to_lowercase().contains(lower);
    }
    let Some(first) = lower.chars().next() else {
        return true;
    };
    // A match can start at any char of a char's lowercase (`İ` is `i` + U+0307); the
    // full comparison runs only where the needle's first char is.
    for (i, ch) in value.char_indices() {
        let after = value.get(i + ch.len_utf8()..).unwrap_or("");
        let mut own = ch.to_lowercase();
        while let Some(c) = own.clone().next() {
            if c == first && starts(own.clone().chain(lower_chars(after)), lower) {
                return true;
            }
            own.next();
        }
    }
    false
}

/// `needles.iter().any(|n| contains(value, n))`, the value's script and length looked at
/// once for all the needles.
pub fn contains_any(value: &str, needles: &[Box<str>]) -> bool {
    if value.is_ascii() && value.len() <= SHORT {
        // An ASCII value's lowercase is ASCII: a needle that is not never occurs in it.
        return needles
            .iter()
            .any(|n| n.is_ascii() && short_contains(value.as_bytes(), n.as_bytes()));
    }
    needles.iter().any(|n| contains(value, n))
}

/// Lowercases a long value a stack buffer at a time (overlapping by the needle's length)
/// and searches each piece with std's substring search.
fn ascii_contains(h: &str, n: &str) -> bool {
    const PIECE: usize = 4096;
    if n.is_empty() {
        return true;
    }
    if !n.is_ascii() || n.len() > h.len() {
        return false;
    }
    if n.len() > PIECE {
        return h
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n.as_bytes()));
    }
    // Short values (names, titles, emails) are scanned in place: zeroing the 8 KB buffer
    // below cost more than the search (measured: a fifth of routing a reference lead).
    if h.len() <= SHORT {
        return short_contains(h.as_bytes(), n.as_bytes());
    }
    let mut buf = [0u8; 2 * PIECE];
    let mut start = 0;
    while start + n.len() <= h.len() {
        let end = (start + PIECE + n.len() - 1).min(h.len());
        let (Some(piece), Some(dst)) = (h.as_bytes().get(start..end), buf.get_mut(..end - start))
        else {
            return false;
        };
        dst.copy_from_slice(piece);
        dst.make_ascii_lowercase();
        if std::str::from_utf8(dst).is_ok_and(|d| d.contains(n)) {
            return true;
        }
        start += PIECE;
    }
    false
}

/// `value.to_ascii_lowercase().contains(lower)` for short ASCII values: the places where
/// the needle's first letter is (in either case) are found eight bytes at a time, and
/// the rest of the needle is compared only there. A byte at a time cost 180
/// instructions a test on a 20-letter title (callgrind, the reference config).
fn short_contains(h: &[u8], n: &[u8]) -> bool {
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    let Some(last) = h.len().checked_sub(n.len()) else {
        return false;
    };
    // A lowercase letter matches its byte with the 0x20 bit set, whatever the case;
    // any other byte only itself.
    let fold: u8 = if first.is_ascii_lowercase() { 0x20 } else { 0 };
    let (want, fold8) = (splat(first), splat(fold));
    let matches_at = |at: usize| {
        h.get(at + 1..at + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(rest))
    };
    // 0x80 in each byte of a word where the first letter is.
    let places = |word: u64| zero_bytes((word | fold8) ^ want);
    let starts = h.get(..=last).unwrap_or(&[]);
    let mut chunks = starts.chunks_exact(8);
    let mut base = 0;
    let found = |mut hits: u64, base: usize| {
        while hits != 0 {
            if matches_at(base + (hits.trailing_zeros() / 8) as usize) {
                return true;
            }
            hits &= hits - 1;
        }
        false
    };
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([0; 8]));
        if found(places(word), base) {
            return true;
        }
        base += 8;
    }
    // The last places, fewer than 8: their word built byte by byte (copying them into
    // a buffer is a memcpy call) and the padding masked out (it could pass for a NUL).
    let tail = chunks.remainder();
    let word = tail
        .iter()
        .rev()
        .fold(0u64, |w, b| (w << 8) | u64::from(*b));
    let keep = HIGH.checked_shr(8 * (8 - tail.len() as u32)).unwrap_or(0);
    found(places(word) & keep, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn edges() {
        assert!(contains("Head of SALES", "sales"));
        assert!(contains("ÉCOLE Polytechnique", "école"));
        assert!(!contains("ÉCOLE", "ecole"));
        assert!(starts_with("İstanbul", "i\u{307}st"));
        assert!(ends_with("KELVIN \u{212A}", "n k"));
        assert!(eq("ΟΔΟΣ", "οδος"), "final sigma, as str::to_lowercase");
        assert!(!eq("ΟΔΟΣ", "οδοσ"));
        assert!(contains("", ""));
        assert!(!contains("", "a"));
        assert!(!starts_with("ab", "abc"));
        assert!(!ends_with("ab", "abc"));
    }

    /// The lowercase of a 64 KiB value is never built for an ASCII needle: the streaming
    /// tests read only as much of the value as the answer needs.
    #[test]
    fn prefix_and_equality_tests_read_only_what_they_need() {
        let value = format!("ÜBER{}", "Ä".repeat(32 * 1024));
        let pulled = std::cell::Cell::new(0usize);
        let counted = value.chars().inspect(|_| pulled.set(pulled.get() + 1));
        assert!(starts(counted.flat_map(char::to_lowercase), "über"));
        assert_eq!(pulled.get(), 4);
        for _ in 0..2_000 {
            assert!(starts_with(&value, "über"));
            assert!(!eq(&value, "über"));
        }
    }

    fn sample() -> impl Strategy<Value = String> {
        // ASCII, accented, Greek with sigma, and the chars whose lowercase is longer.
        proptest::string::string_regex("[aAbZ ΣσςΟοÉéİK\u{212A}ǅ.]{0,12}").unwrap()
    }

    proptest! {
        #[test]
        fn same_as_lowercasing_the_value(h in sample(), n in sample()) {
            let n = n.to_lowercase();
            let l = h.to_lowercase();
            prop_assert_eq!(contains(&h, &n), l.contains(&*n));
            prop_assert_eq!(starts_with(&h, &n), l.starts_with(&*n));
            prop_assert_eq!(ends_with(&h, &n), l.ends_with(&*n));
            prop_assert_eq!(eq(&h, &n), l == n);
            // Needles cut out of the lowercase value itself, so that hits happen.
            let cut: String = l.chars().skip(1).take(3).collect();
            prop_assert_eq!(contains(&h, &cut), l.contains(&*cut));
            prop_assert_eq!(ends_with(&h, &cut), l.ends_with(&*cut));
        }

        /// Short ASCII values, searched eight bytes at a time: the bytes next to the
        /// letters in ASCII (`@` `[` `` ` `` `{`) must not pass for them.
        #[test]
        fn short_ascii_values_as_lowercasing_them(
            h in "[aAbBzZ@\\[`{ 09.]{0,40}",
            n in "[abz@\\[`{ 09.]{0,4}",
            from in 0usize..40,
        ) {
            let l = h.to_lowercase();
            prop_assert_eq!(contains(&h, &n), l.contains(&*n));
            let cut: String = l.chars().skip(from).take(n.len().max(1)).collect();
            prop_assert_eq!(contains(&h, &cut), l.contains(&*cut));
            let needles: Vec<Box<str>> = vec![n.clone().into(), cut.clone().into(), "é".into()];
            prop_assert_eq!(
                contains_any(&h, &needles),
                l.contains(&*n) || l.contains(&*cut) || l.contains('é')
            );
        }
    }
}
