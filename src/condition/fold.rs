//! Case-insensitive string tests that compare a lead value with a lowercase needle
//! without building the lowercase value: 2,000 rules over one 64 KiB value no longer
//! lowercase it 2,000 times.
//!
//! The result is exactly `value.to_lowercase()` compared with the needle. ASCII values
//! fold byte by byte; other values fold char by char with `char::to_lowercase`, which is
//! what `str::to_lowercase` does for every char but `Σ` (its lowercase depends on the
//! letters around it): a value with `Σ` tested against a needle with `σ` or `ς` is
//! lowercased whole, the one case that still allocates.

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

/// Lowercases a long value a stack buffer at a time (overlapping by the needle's length)
/// and searches each piece with std's substring search.
fn ascii_contains(h: &str, n: &str) -> bool {
    const PIECE: usize = 4096;
    const SHORT: usize = 256;
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
        let n = n.as_bytes();
        return h
            .as_bytes()
            .windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
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
    }
}
