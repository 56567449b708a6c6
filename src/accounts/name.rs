//! Company names compared the way people write them: case, punctuation, a leading
//! "The" and legal suffixes (Inc, Ltd, GmbH, S.A., ...) do not make two companies.

/// Legal forms dropped from the end of a name (after punctuation is removed, so
/// "S.A." is "sa" and "L.L.C." is "llc").
const LEGAL: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "ab",
    "as",
    "asa",
    "oy",
    "oyj",
    "pty",
    "pte",
    "kk",
    "se",
];

/// The normalised form of a company name: lowercase words of letters and digits,
/// one space apart, without a leading "the" or trailing legal forms; a name that is
/// nothing but such words keeps its first remaining one ("The Company" is "company").
pub fn normalize(name: &str) -> String {
    let mut clean = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            clean.extend(c.to_lowercase());
        } else if c == '.' || c == '\'' || c == '\u{2019}' {
            // "S.A." is one word, "O'Neil" too.
        } else if c == '&' {
            clean.push_str(" and ");
        } else {
            clean.push(' ');
        }
    }
    let words: Vec<&str> = clean.split_whitespace().collect();
    let mut core: &[&str] = &words;
    if let [first, rest @ ..] = core {
        if *first == "the" && !rest.is_empty() {
            core = rest;
        }
    }
    // A trailing "and" is what is left of "Smith & Co" or "GmbH & Co. KG".
    while let [rest @ .., last] = core {
        if rest.is_empty() || !(LEGAL.contains(last) || *last == "and") {
            break;
        }
        core = rest;
    }
    core.join(" ")
}

/// The domain of a web site address (`https://www.acme.com/about` -> `acme.com`),
/// lowercase.
pub fn website_domain(url: &str) -> Option<String> {
    let s = url.trim();
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    let host = s.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.') && !host.starts_with('.')).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize("Acme, Inc."), "acme");
        assert_eq!(normalize("The ACME Corporation"), "acme");
        assert_eq!(normalize("Müller GmbH & Co. KG"), "müller");
        assert_eq!(normalize("Banco Santander S.A."), "banco santander");
        assert_eq!(normalize("Smith & Sons Ltd"), "smith and sons");
        assert_eq!(normalize("The Company"), "company");
        assert_eq!(normalize("  "), "");
    }

    #[test]
    fn websites() {
        assert_eq!(
            website_domain("https://www.Acme.com/about").as_deref(),
            Some("acme.com")
        );
        assert_eq!(website_domain("acme.io").as_deref(), Some("acme.io"));
        assert_eq!(website_domain("localhost"), None);
    }
}
