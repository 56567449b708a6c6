//! Region names and their codes (US states, Canadian provinces and territories), so a
//! territory written `["CA", "WA"]` covers a lead whose form says "California".

const US: &[(&str, &str)] = &[
    ("alabama", "al"),
    ("alaska", "ak"),
    ("arizona", "az"),
    ("arkansas", "ar"),
    ("california", "ca"),
    ("colorado", "co"),
    ("connecticut", "ct"),
    ("delaware", "de"),
    ("district of columbia", "dc"),
    ("florida", "fl"),
    ("georgia", "ga"),
    ("hawaii", "hi"),
    ("idaho", "id"),
    ("illinois", "il"),
    ("indiana", "in"),
    ("iowa", "ia"),
    ("kansas", "ks"),
    ("kentucky", "ky"),
    ("louisiana", "la"),
    ("maine", "me"),
    ("maryland", "md"),
    ("massachusetts", "ma"),
    ("michigan", "mi"),
    ("minnesota", "mn"),
    ("mississippi", "ms"),
    ("missouri", "mo"),
    ("montana", "mt"),
    ("nebraska", "ne"),
    ("nevada", "nv"),
    ("new hampshire", "nh"),
    ("new jersey", "nj"),
    ("new mexico", "nm"),
    ("new york", "ny"),
    ("north carolina", "nc"),
    ("north dakota", "nd"),
    ("ohio", "oh"),
    ("oklahoma", "ok"),
    ("oregon", "or"),
    ("pennsylvania", "pa"),
    ("puerto rico", "pr"),
    ("rhode island", "ri"),
    ("south carolina", "sc"),
    ("south dakota", "sd"),
    ("tennessee", "tn"),
    ("texas", "tx"),
    ("utah", "ut"),
    ("vermont", "vt"),
    ("virginia", "va"),
    ("washington", "wa"),
    ("west virginia", "wv"),
    ("wisconsin", "wi"),
    ("wyoming", "wy"),
];

const CA: &[(&str, &str)] = &[
    ("alberta", "ab"),
    ("british columbia", "bc"),
    ("manitoba", "mb"),
    ("new brunswick", "nb"),
    ("newfoundland and labrador", "nl"),
    ("northwest territories", "nt"),
    ("nova scotia", "ns"),
    ("nunavut", "nu"),
    ("ontario", "on"),
    ("prince edward island", "pe"),
    ("quebec", "qc"),
    ("québec", "qc"),
    ("saskatchewan", "sk"),
    ("yukon", "yt"),
];

/// The region as territories compare it: lowercased and trimmed, and for the US and
/// Canada the state or province code when `region` is its full name.
pub fn normalize(country: &str, region: &str) -> String {
    let r = region.trim().to_lowercase();
    let table = match country.trim().to_ascii_lowercase().as_str() {
        "us" | "usa" | "united states" => US,
        "ca" | "can" | "canada" => CA,
        _ => return r,
    };
    table
        .iter()
        .find(|(name, _)| *name == r)
        .map_or(r, |(_, code)| (*code).to_string())
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn names_become_codes_where_the_country_has_them() {
        assert_eq!(normalize("US", " California "), "ca");
        assert_eq!(normalize("us", "CA"), "ca");
        assert_eq!(normalize("CA", "Québec"), "qc");
        assert_eq!(normalize("DE", "Bayern"), "bayern");
        // "Georgia" is a US state in the US and stays a name elsewhere.
        assert_eq!(normalize("US", "Georgia"), "ga");
        assert_eq!(normalize("GE", "Georgia"), "georgia");
    }
}
