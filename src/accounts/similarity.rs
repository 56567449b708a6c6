//! Jaro-Winkler similarity of two short strings (company names), 0 to 1.
//!
//! Hand-written rather than the `strsim` crate: the fuzzy tier needs this one metric
//! on normalised names, the function is small, and it adds no dependency to the
//! size budget of the .wasm module (no build measured the crate's delta yet).

/// Names are compared on at most this many characters: names are short, and the
/// work per pair stays bounded whatever the input.
const MAX_CHARS: usize = 64;

pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    // On the stack: this runs for every fuzzy candidate of every lead.
    let (mut ab, mut bb) = (['\0'; MAX_CHARS], ['\0'; MAX_CHARS]);
    let fill = |s: &str, buf: &mut [char; MAX_CHARS]| {
        let mut n = 0;
        for (slot, c) in buf.iter_mut().zip(s.chars()) {
            *slot = c;
            n += 1;
        }
        n
    };
    let (na, nb) = (fill(a, &mut ab), fill(b, &mut bb));
    let (a, b) = (ab.get(..na).unwrap_or(&[]), bb.get(..nb).unwrap_or(&[]));
    let j = jaro(a, b);
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    j + prefix as f64 * 0.1 * (1.0 - j)
}

fn jaro(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = [false; MAX_CHARS];
    let mut a_hits = [false; MAX_CHARS];
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            let (Some(used), Some(cb)) = (b_used.get_mut(j), b.get(j)) else {
                continue;
            };
            if !*used && cb == ca {
                *used = true;
                if let Some(h) = a_hits.get_mut(i) {
                    *h = true;
                }
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_matched = a.iter().zip(a_hits).filter(|(_, h)| *h).map(|(c, _)| c);
    let b_matched = b.iter().zip(b_used).filter(|(_, u)| *u).map(|(c, _)| c);
    let transpositions = a_matched.zip(b_matched).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0
}

#[cfg(test)]
mod tests {
    use super::jaro_winkler;

    #[test]
    fn known_values() {
        // Reference values of the metric (Winkler 1990; strsim's tests).
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-4);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-4);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-4);
        assert_eq!(jaro_winkler("acme", "acme"), 1.0);
        assert_eq!(jaro_winkler("", "acme"), 0.0);
    }
}
