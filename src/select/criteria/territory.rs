//! Territory matching: a rep covers a lead when country matches and, if the rep's
//! territory lists them, the region and postal-code prefix; more specific wins.

use crate::lead::Lead;
use crate::lower::Lower;
use crate::model::rep::Rep;
use crate::model::team::TerritorySlots;

/// The lead's address, lowercased once per pick (reps' territories are stored lowercase).
#[derive(Debug, Clone)]
pub struct Place<'a> {
    country: Lower<'a>,
    region: Option<String>,
    postal: Option<Lower<'a>>,
}

/// The lead's place, or `None` when it has no country (nobody covers it then).
pub fn place<'a>(slots: &TerritorySlots, lead: &'a Lead) -> Option<Place<'a>> {
    {
        let slots = *slots;
        let raw = |slot: Option<usize>| slot.and_then(|s| lead.get(s).as_str());
        let get = |slot: Option<usize>| raw(slot).map(|v| Lower::new(v.trim()));
        let country = get(slots.country)?;
        // "California" and "CA" are one region (US states, Canadian provinces); the
        // normaliser trims and lowercases it itself.
        let region = raw(slots.region).map(|r| crate::regions::normalize(country.as_str(), r));
        Some(Place {
            country,
            region,
            postal: get(slots.postal_code),
        })
    }
}

impl Place<'_> {
    /// The best specificity among the rep's territories that cover this place:
    /// 1 country, 2 region, 3 postal prefix (longer prefixes rank higher).
    pub fn rank(&self, rep: &Rep) -> Option<u32> {
        let mut best = None;
        for t in &rep.territories {
            if t.country.as_bytes() != self.country.as_bytes() {
                continue;
            }
            let mut r = 1u32;
            if !t.regions.is_empty() {
                match &self.region {
                    Some(reg) if t.regions.iter().any(|x| **x == **reg) => r = 2,
                    _ => continue,
                }
            }
            if !t.postal_prefixes.is_empty() {
                let hit = self.postal.as_ref().map(Lower::as_bytes).and_then(|p| {
                    t.postal_prefixes
                        .iter()
                        .filter(|x| p.starts_with(x.as_bytes()))
                        .map(|x| x.len())
                        .max()
                });
                match hit {
                    Some(len) => r = 3 + len as u32,
                    None => continue,
                }
            }
            best = best.max(Some(r));
        }
        best
    }
}
