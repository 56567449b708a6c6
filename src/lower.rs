//! A lowercase copy of a short lead value without a heap allocation: the value itself
//! when it is already lowercase, else on the stack when it is short ASCII (country codes,
//! industries, postal codes), else a `String`. Routing compares such values with the
//! config's lowercase ones for every member of a team; lowercasing into a new `String`
//! each time was a fifth of routing's allocations.

/// Bytes kept inline; longer or non-ASCII values are lowercased into a `String`.
const INLINE: usize = 30;

#[derive(Debug, Clone)]
pub enum Lower<'a> {
    Same(&'a str),
    Inline([u8; INLINE], u8),
    Owned(String),
}

impl<'a> Lower<'a> {
    /// `s.to_lowercase()`, exactly.
    pub fn new(s: &'a str) -> Lower<'a> {
        if !s.is_ascii() {
            return Lower::Owned(s.to_lowercase());
        }
        if !s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Lower::Same(s);
        }
        let mut buf = [0u8; INLINE];
        match (buf.get_mut(..s.len()), u8::try_from(s.len())) {
            (Some(dst), Ok(len)) => {
                dst.copy_from_slice(s.as_bytes());
                dst.make_ascii_lowercase();
                Lower::Inline(buf, len)
            }
            _ => Lower::Owned(s.to_ascii_lowercase()),
        }
    }

    /// The lowercase's bytes, for comparisons: no UTF-8 check, which [`Lower::as_str`]
    /// pays on every call for an inline value (it was 3% of routing a reference lead,
    /// called once per candidate rep).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Lower::Same(s) => s.as_bytes(),
            Lower::Inline(buf, len) => buf.get(..usize::from(*len)).unwrap_or(&[]),
            Lower::Owned(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Lower::Same(s) => s,
            // Lowercased ASCII: always UTF-8.
            Lower::Inline(buf, len) => buf
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            Lower::Owned(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lower;

    #[test]
    fn is_the_lowercase_of_the_value_whatever_its_length_or_script() {
        for s in [
            "us",
            "US",
            "Financial Services",
            &"Ab".repeat(20),
            "Québec",
            "İZ",
            "",
        ] {
            assert_eq!(Lower::new(s).as_str(), s.to_lowercase(), "{s}");
            assert_eq!(Lower::new(s).as_bytes(), s.to_lowercase().as_bytes(), "{s}");
        }
        assert!(matches!(Lower::new("us"), Lower::Same(_)));
        assert!(matches!(Lower::new("US"), Lower::Inline(..)));
    }
}
