//! The clock of one call: local times at `now` per time zone, computed on first use.
//! The core never reads a clock: `now` is always passed in.

use crate::model::Router;
use crate::time::LocalTime;

/// Per-call context: local times per zone for one `now` (computed on first use) and
/// whether picks are stateless.
pub struct Clock<'r> {
    router: &'r Router,
    now: i64,
    cache: Cache,
    pub stateless: bool,
}

/// Zones a call keeps on the stack: configs rarely have more, and a heap list per call was
/// one of routing's allocations.
const INLINE_ZONES: usize = 8;

type Slot = std::cell::Cell<Option<LocalTime>>;

// The big variant is the point: a Clock lives on the stack for one call, never moved.
#[allow(clippy::large_enum_variant)]
enum Cache {
    Inline([Slot; INLINE_ZONES]),
    Heap(Vec<Slot>),
}

impl Cache {
    fn get(&self, zone: usize) -> Option<&Slot> {
        match self {
            Cache::Inline(slots) => slots.get(zone),
            Cache::Heap(slots) => slots.get(zone),
        }
    }
}

impl<'r> Clock<'r> {
    pub fn new(router: &'r Router, now: i64) -> Self {
        let zones = router.zones.len();
        Clock {
            router,
            now,
            cache: if zones <= INLINE_ZONES {
                Cache::Inline(Default::default())
            } else {
                Cache::Heap(vec![Slot::new(None); zones])
            },
            stateless: false,
        }
    }
    pub fn now(&self) -> i64 {
        self.now
    }
    pub fn rep(&self, rep: usize) -> LocalTime {
        let zone = self.router.reps.get(rep).map_or(0, |r| r.zone);
        if let Some(t) = self.cache.get(zone).and_then(std::cell::Cell::get) {
            return t;
        }
        let t = self.router.zone(zone).local(self.now);
        if let Some(slot) = self.cache.get(zone) {
            slot.set(Some(t));
        }
        t
    }
}

/// The earliest and latest `now` accepted: 2000-01-01 and 2200-01-01 in ms. Anything
/// else is almost surely seconds or microseconds, and would count caps in periods
/// nobody meant.
pub const NOW_RANGE: std::ops::RangeInclusive<i64> = 946_684_800_000..=7_258_118_400_000;

/// Checks that `now` is plausible milliseconds since the epoch.
pub fn check_now(now: f64) -> Result<i64, String> {
    if !now.is_finite() || now.fract() != 0.0 {
        return Err(format!(
            "now must be a whole number of ms since the epoch, found {now}"
        ));
    }
    if now.abs() >= 1e16 {
        return Err(format!(
            "now must be ms since the epoch between 2000-01-01 and 2200-01-01, found {now:e}"
        ));
    }
    let ms = now as i64;
    if NOW_RANGE.contains(&ms) {
        return Ok(ms);
    }
    let hint = if (NOW_RANGE.start() / 1000..=NOW_RANGE.end() / 1000).contains(&ms) {
        " (that looks like seconds: multiply by 1000)"
    } else if (NOW_RANGE.start().saturating_mul(1000)..=NOW_RANGE.end().saturating_mul(1000))
        .contains(&ms)
    {
        " (that looks like microseconds: divide by 1000)"
    } else {
        ""
    };
    Err(format!(
        "now must be ms since the epoch between 2000-01-01 and 2200-01-01, found {ms}{hint}"
    ))
}

impl Router {
    /// The time a lead is routed at when a batch routes "by created_at": the lead's own
    /// `created_at` when it has a plausible one, else `now`.
    pub fn lead_time(&self, lead: &crate::lead::Lead, now: i64) -> i64 {
        lead.created_at
            .filter(|t| NOW_RANGE.contains(t))
            .unwrap_or(now)
    }
}
