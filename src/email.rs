//! Email checks used by screening conditions: syntax, domain extraction, and the
//! built-in list of free-mail providers that marks a lead as personal, not business.

/// Domains of free / personal mail providers (lowercase, sorted for binary search).
pub const FREE_DOMAINS: &[&str] = &[
    "126.com",
    "163.com",
    "aim.com",
    "aol.com",
    "btinternet.com",
    "comcast.net",
    "fastmail.com",
    "free.fr",
    "gmail.com",
    "gmx.at",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hey.com",
    "hotmail.co.uk",
    "hotmail.com",
    "hotmail.de",
    "hotmail.fr",
    "icloud.com",
    "inbox.com",
    "laposte.net",
    "libero.it",
    "live.co.uk",
    "live.com",
    "live.fr",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "naver.com",
    "orange.fr",
    "outlook.com",
    "outlook.de",
    "pm.me",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "rediffmail.com",
    "rocketmail.com",
    "sbcglobal.net",
    "seznam.cz",
    "sina.com",
    "t-online.de",
    "tutanota.com",
    "uol.com.br",
    "verizon.net",
    "wanadoo.fr",
    "web.de",
    "yahoo.co.in",
    "yahoo.co.jp",
    "yahoo.co.uk",
    "yahoo.com",
    "yahoo.com.br",
    "yahoo.de",
    "yahoo.fr",
    "yandex.com",
    "yandex.ru",
    "ymail.com",
    "zoho.com",
];

/// The part after the last `@`, if the address has one.
pub fn domain(email: &str) -> Option<&str> {
    let (_, d) = email.trim().rsplit_once('@')?;
    if d.is_empty() {
        None
    } else {
        Some(d)
    }
}

/// A pragmatic syntax check: one `@`, a sane local part, a dotted domain of valid labels.
pub fn is_valid(email: &str) -> bool {
    let email = email.trim();
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.len() > 253 || domain.contains('@') {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let mut labels = 0;
    for label in domain.split('.') {
        labels += 1;
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !ok {
            return false;
        }
    }
    local_ok && labels >= 2
}

/// `is_free` against a config's own list (`None`: the built-in one).
pub fn is_free_in(email: &str, list: Option<&crate::fxhash::FxHashSet<Box<str>>>) -> bool {
    match (list, domain(email)) {
        (Some(set), Some(d)) => with_ascii_lower(d, |d| set.contains(d)),
        (None, _) => is_free(email),
        (_, None) => false,
    }
}

/// A domain name is at most 253 bytes (RFC 1035). Longer suffixes of a value are never
/// looked up, which keeps the domain checks linear in the length of the value.
pub const MAX_DOMAIN_BYTES: usize = 253;

/// True when the address is on a free-mail provider's domain.
pub fn is_free(email: &str) -> bool {
    match domain(email) {
        Some(d) if d.len() <= MAX_DOMAIN_BYTES => {
            with_ascii_lower(d, |d| FREE_DOMAINS.binary_search(&d).is_ok())
        }
        _ => false,
    }
}

/// A valid address that is not on a free-mail domain.
pub fn is_business(email: &str) -> bool {
    is_valid(email) && !is_free(email)
}

/// True when `domain` equals one of `set` or is a subdomain of one (`eu.acme.com`).
pub fn domain_matches(domain: &str, set: &crate::fxhash::FxHashSet<Box<str>>) -> bool {
    any_suffix(domain, |d| set.contains(d))
}

/// Calls `hit` on the lowercase domain and each parent after a dot (`eu.acme.com`,
/// `acme.com`, `com`) that is at most [`MAX_DOMAIN_BYTES`] long, until it says yes.
/// Finding the first short enough suffix is one pass, and the lookups are bounded by
/// the domain limit, not by the value: 5,000 characters of `a.a.a.…` cost no more.
fn any_suffix(domain: &str, mut hit: impl FnMut(&str) -> bool) -> bool {
    let short_enough = std::iter::once(0)
        .chain(domain.match_indices('.').map(|(i, _)| i + 1))
        .find(|&at| domain.len() - at <= MAX_DOMAIN_BYTES);
    let Some(tail) = short_enough.and_then(|at| domain.get(at..)) else {
        return false;
    };
    with_ascii_lower(tail, |d| {
        let mut rest = d;
        loop {
            if hit(rest) {
                return true;
            }
            match rest.split_once('.') {
                Some((_, parent)) if !parent.is_empty() => rest = parent,
                _ => return false,
            }
        }
    })
}

/// Calls `f` with a lowercase copy of `s`, on the stack when short and ASCII.
pub fn with_ascii_lower<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    // Most values (emails, codes) are already lowercase: no copy at all.
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        return f(s);
    }
    let mut buf = [0u8; 128];
    if s.is_ascii() && s.len() <= buf.len() {
        if let Some(dst) = buf.get_mut(..s.len()) {
            dst.copy_from_slice(s.as_bytes());
            dst.make_ascii_lowercase();
            if let Ok(l) = std::str::from_utf8(dst) {
                return f(l);
            }
        }
    }
    f(&s.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_list_is_sorted() {
        let mut sorted = FREE_DOMAINS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, FREE_DOMAINS);
    }

    #[test]
    fn validates_and_classifies() {
        assert!(is_valid("ana.lopez@acme.io"));
        assert!(!is_valid("ana.lopez@acme"));
        assert!(!is_valid("ana lopez@acme.io"));
        assert!(!is_valid("@acme.io"));
        assert!(!is_valid("a@@acme.io"));
        assert!(!is_valid("a@acme..io"));
        assert!(is_free("Bob@GMail.com"));
        assert!(!is_free("bob@acme.com"));
        assert!(is_business("bob@acme.com"));
        assert!(!is_business("bob@yahoo.com"));
        assert_eq!(domain("x@Acme.com"), Some("Acme.com"));
        let set: crate::fxhash::FxHashSet<Box<str>> = ["acme.com".into()].into_iter().collect();
        assert!(domain_matches("ACME.com", &set));
        assert!(domain_matches("eu.acme.com", &set));
        assert!(!domain_matches("notacme.com", &set));
        assert!(!domain_matches("com", &set));
    }

    /// The suffix walk as it was: every suffix of the whole lowercase value.
    fn reference(domain: &str, set: &crate::fxhash::FxHashSet<Box<str>>) -> bool {
        let d = domain.to_lowercase();
        let mut rest = d.as_str();
        loop {
            if set.contains(rest) {
                return true;
            }
            match rest.split_once('.') {
                Some((_, tail)) if !tail.is_empty() => rest = tail,
                _ => return false,
            }
        }
    }

    /// Issue 13: a 5,000-character value of dots cost 38 ms (every suffix hashed). The
    /// bytes looked up are now bounded by the domain limit, whatever the value's length,
    /// and the answers equal the old walk's for every set of real domains.
    #[test]
    fn domain_checks_are_linear_in_the_value() {
        for value in [
            "a.".repeat(2_500) + "acme.com",
            "A.".repeat(2_500) + "Acme.COM",
            ".".repeat(5_000),
            "x".repeat(5_000),
            format!("{}.{}.acme.com", "b".repeat(4_000), "c".repeat(300)),
        ] {
            let mut looked_up = 0;
            any_suffix(&value, |d| {
                looked_up += d.len();
                false
            });
            assert!(
                looked_up <= MAX_DOMAIN_BYTES * (MAX_DOMAIN_BYTES + 1) / 2,
                "{looked_up} bytes hashed for a value of {}",
                value.len()
            );
            for entries in [&["acme.com"][..], &["a.acme.com", "com"], &["nope.io"], &[]] {
                let set = entries.iter().map(|e| Box::from(*e)).collect();
                assert_eq!(domain_matches(&value, &set), reference(&value, &set));
            }
            assert!(!is_free(&format!("x@{value}")));
        }
    }
}
