//! How decisions write numbers and reasons: numbers as people write them, and reasons
//! joined without the formatting machinery (they are built for most leads).

/// Concatenates `parts` into one string of exactly their length.
pub fn join(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Numbers as people write them: no trailing `.0`.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
