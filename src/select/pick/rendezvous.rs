//! Rendezvous (highest random weight) hashing on the lead id: the same lead gets the
//! same rep everywhere with no shared state, shares following `performance`.

use super::mark;
use super::weight;
use crate::decision::CandidateReason;
use crate::select::{PickInput, Why};

pub fn pick(input: &PickInput<'_, '_, '_>, tier: &[bool], why: &mut [Why]) -> Option<usize> {
    let key = lead_key(input.lead);
    let mut best: Option<(usize, f64)> = None;
    for (p, in_tier) in tier.iter().enumerate() {
        if !in_tier {
            continue;
        }
        let Some(rep) = input.members.get(p).and_then(|ri| input.reps.get(*ri)) else {
            continue;
        };
        let h = hash2(key, rep.id.as_bytes());
        // A uniform draw in (0, 1]; -w / ln(u) is the weighted HRW score.
        let u = ((h >> 11) as f64 + 1.0) / 9_007_199_254_740_992.0;
        let score = -(weight(rep.performance) as f64) / u.ln().min(-f64::MIN_POSITIVE);
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((p, score));
        }
    }
    let (pos, _) = best?;
    mark(
        why,
        tier,
        pos,
        CandidateReason::HighestHash,
        CandidateReason::LowerHash,
    );
    Some(pos)
}

/// A stable 64-bit key for the lead: its id, or all of its values when it has none.
pub(super) fn lead_key(lead: &crate::lead::Lead) -> u64 {
    use crate::lead::Val;
    match lead.id() {
        Some(id) => hash2(0, id.as_bytes()),
        None => lead.values.iter().fold(1, |h, v| match v {
            Val::Str(s) => hash2(h, s.as_bytes()),
            Val::Num(n) => hash2(h, &n.to_bits().to_le_bytes()),
            Val::Bool(b) => hash2(h, &[u8::from(*b)]),
            Val::Missing => hash2(h, &[0xff]),
        }),
    }
}

/// FNV-1a over the bytes seeded with `seed`, then a SplitMix64 finalizer so nearby
/// inputs spread over the whole range. Stable across platforms and versions.
pub fn hash2(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}
