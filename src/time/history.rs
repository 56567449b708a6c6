//! tzdata's past offsets of a zone, for instants before today's POSIX rule took over
//! (feature `tz-history`): the simulation replays leads from past years.
//!
//! A zone's history is a run of `u32` words in [`WORDS`], each `minutes << INDEX_BITS |
//! index`: `minutes` since the previous word (the first word counts from [`WINDOW_START`]
//! and is always 0), `index` into [`OFFSETS`], or [`RULE`] on the last word, from which
//! instant today's rule applies. The offset of the first word also applies before the
//! window. Zones without a history follow today's rule at every instant.

use super::zones_history::{INDEX_BITS, OFFSETS, WINDOW_START, WORDS, ZONE_HISTORY};

const RULE: u32 = (1 << INDEX_BITS) - 1;
const INDEX_MASK: u32 = RULE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct History {
    words: &'static [u32],
    /// UTC seconds from which today's rule applies; cached so routing at current
    /// instants pays one comparison.
    rule_from: i64,
}

impl History {
    /// The history of the zone at `zone_index` in `ZONES`, if it has one.
    pub(crate) fn of_zone(zone_index: usize) -> Option<History> {
        let i = ZONE_HISTORY
            .binary_search_by_key(&zone_index, |&(z, _)| usize::from(z))
            .ok()?;
        let (_, start) = ZONE_HISTORY.get(i)?;
        let words = WORDS.get(usize::from(*start)..)?;
        let len = words.iter().position(|w| w & INDEX_MASK == RULE)? + 1;
        let words = words.get(..len)?;
        let rule_from = WINDOW_START + words.iter().map(|&w| minutes(w) * 60).sum::<i64>();
        Some(History { words, rule_from })
    }

    /// Offset (seconds east of UTC) at `utc_seconds`, or `None` where today's rule applies.
    pub(crate) fn offset_at(&self, utc_seconds: i64) -> Option<i32> {
        if utc_seconds >= self.rule_from {
            return None;
        }
        let mut at = WINDOW_START;
        let mut index = self.words.first().map_or(RULE, |&w| w & INDEX_MASK);
        for &w in self.words.get(1..).unwrap_or_default() {
            at += minutes(w) * 60;
            if at > utc_seconds {
                break;
            }
            index = w & INDEX_MASK;
        }
        // Indexes come from the generator; a bad one falls back to today's rule.
        OFFSETS.get(usize::try_from(index).ok()?).copied()
    }
}

fn minutes(word: u32) -> i64 {
    i64::from(word >> INDEX_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::zones::ZONES;

    #[test]
    fn every_history_is_well_formed() {
        assert!(ZONE_HISTORY.windows(2).all(|w| w[0].0 < w[1].0));
        for &(zone, _) in &ZONE_HISTORY {
            let h = History::of_zone(usize::from(zone)).unwrap();
            let (name, _) = ZONES[usize::from(zone)];
            assert_eq!(h.words[0] >> INDEX_BITS, 0, "{name}");
            assert_eq!(*h.words.last().unwrap() & INDEX_MASK, RULE, "{name}");
            assert!(h.words[..h.words.len() - 1]
                .iter()
                .all(|w| usize::try_from(w & INDEX_MASK).unwrap() < OFFSETS.len()));
            assert!(h.rule_from > WINDOW_START, "{name}");
        }
    }

    #[test]
    fn before_the_window_the_first_offset_holds() {
        let zone = ZONES
            .iter()
            .position(|(n, _)| *n == "Europe/Moscow")
            .unwrap();
        let h = History::of_zone(zone).unwrap();
        // Moscow was UTC+3 on 2010-01-01; that extends backwards (not tzdata's +2/+3 then).
        assert_eq!(h.offset_at(WINDOW_START - 86_400 * 365), Some(10_800));
        assert_eq!(h.offset_at(i64::MIN), Some(10_800));
        assert_eq!(h.offset_at(i64::MAX), None);
        assert_eq!(h.offset_at(h.rule_from), None);
        assert!(h.offset_at(h.rule_from - 1).is_some());
    }
}
