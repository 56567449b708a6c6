//! A filter in front of the fuzzy index: says "surely no posting" for most keys the
//! index does not hold, without reading the index.
//!
//! A blocked Bloom filter: a key sets two bits, chosen by its hash, of one 64-bit word,
//! one byte of filter per posting; a key it never saw passes with a chance of about 5%
//! (`(1 - e^(-2/8))^2`), and a key it saw always passes. A fuzzy lead looks up 15 or so
//! one-letter variants of its name, of which one or two exist, and a company that is
//! no account none: at a million accounts each is one or two cache misses in a table
//! of 70 MB, where the filter is one read of 15 MB. Measured at a million accounts
//! (`examples/account_match.rs`, leads in batches): strangers 1.7-1.9 -> 1.4-1.5 µs
//! a lead, the fuzzy tier unchanged. In front of the name and domain tables it cost
//! more than it saved (domain leads 0.44 -> 0.57 µs: the filter's read comes before
//! the slot's, and those lookups mostly hit), so it is not there. Hand-written, 20
//! lines: a Bloom filter crate would hash again a key that is hashed already.

use super::slot_index;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    words: Vec<u64>,
}

/// The two bits of `h` in its word: from the low 12 bits (the word is chosen by the
/// high bits, as the table's slot is).
fn bits(h: u64) -> u64 {
    (1u64 << (h & 63)) | (1u64 << ((h >> 6) & 63))
}

impl Filter {
    /// An empty filter for up to `keys` keys: one byte each.
    pub fn for_keys(keys: usize) -> Filter {
        Filter {
            words: vec![0; keys / 8 + 1],
        }
    }

    pub fn insert(&mut self, h: u64) {
        let i = slot_index(h, self.words.len());
        if let Some(w) = self.words.get_mut(i) {
            *w |= bits(h);
        }
    }

    /// False only for a key never inserted.
    pub fn may_hold(&self, h: u64) -> bool {
        let i = slot_index(h, self.words.len());
        self.words.get(i).is_some_and(|w| w & bits(h) == bits(h))
    }

    pub fn bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::Filter;
    use crate::model::account::mix;

    #[test]
    fn a_key_put_in_always_passes_and_few_others_do() {
        let mut f = Filter::for_keys(10_000);
        for k in 0..10_000u64 {
            f.insert(mix(k));
        }
        assert!((0..10_000u64).all(|k| f.may_hold(mix(k))));
        let passed = (10_000..110_000u64).filter(|k| f.may_hold(mix(*k))).count();
        // About 5% in theory; well under 8% in practice.
        assert!(passed < 8_000, "{passed} of 100,000 passed");
        assert!(!Filter::default().may_hold(mix(1)));
    }
}
