//! A literal prefilter for the common regex shape `^(vp|head|chief)` or
//! `\b(student|intern)\b`: a haystack containing none of the literals cannot match,
//! so the (linear but slow) regex VM only runs when a literal is present.

/// The literal alternatives of `pattern` when it is an anchored / word-bounded
/// alternation of plain literals; `None` for anything else (no prefilter, always exact).
pub fn literals(pattern: &str) -> Option<Vec<String>> {
    let mut p = pattern.strip_prefix("(?i)").unwrap_or(pattern);
    p = p.strip_prefix('^').unwrap_or(p);
    p = p.strip_prefix("\\b").unwrap_or(p);
    p = p.strip_suffix('$').unwrap_or(p);
    p = p.strip_suffix("\\b").unwrap_or(p);
    if let Some(inner) = p.strip_prefix("(?:").or_else(|| p.strip_prefix('(')) {
        p = inner.strip_suffix(')')?;
    }
    let mut out = Vec::new();
    for alt in p.split('|') {
        // Only plain characters: any regex syntax (classes, repetition, escapes) bails out.
        if alt.is_empty() || alt.chars().any(|c| "\\.+*?()[]{}^$|".contains(c)) {
            return None;
        }
        out.push(alt.to_string());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::literals;

    #[test]
    fn extracts_only_plain_alternations() {
        assert_eq!(
            literals("^(vp|vice president|head)"),
            Some(vec!["vp".into(), "vice president".into(), "head".into()])
        );
        assert_eq!(
            literals("\\b(student|intern)\\b"),
            Some(vec!["student".into(), "intern".into()])
        );
        assert_eq!(literals("(?i)cto"), Some(vec!["cto".into()]));
        assert_eq!(literals("(?:a|b)$"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(literals("^v.p"), None);
        assert_eq!(literals("(a|b)+"), None);
        assert_eq!(literals("a\\d"), None);
        assert_eq!(literals("(a|)"), None);
        assert_eq!(literals("(a|b"), None);
    }
}
