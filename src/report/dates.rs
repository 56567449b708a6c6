//! `created_at` in history files: ISO 8601 and ms, and the day-first or month-first dates
//! spreadsheets and CRM exports write (`11/2/2026 04:05`, `2.11.2026 16:05 +01:00`), the
//! order detected from values that can only be read one way, or chosen.

use serde::{Deserialize, Serialize};

/// How to read `created_at`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreatedAtOptions {
    pub format: DateFormat,
    /// IANA zone (or `UTC`) for date-times written without a zone; without it such a value
    /// is unreadable (read in the wrong zone it would shift routing by hours).
    pub zone: Option<String>,
    /// Run even when some leads have no readable `created_at` (they are routed at the
    /// simulated clock and counted); otherwise the run stops with `unreadable_created_at`.
    pub allow_unreadable: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// ISO 8601 / ms always; `a/b/yyyy` by the order the values show (a part above 12),
    /// an ambiguous value before any such one stops the run (`ambiguous_created_at`).
    #[default]
    Auto,
    /// ISO 8601 or ms since the epoch only.
    Iso,
    /// Month first: `11/2/2026` is 2 November.
    Us,
    /// Day first: `11/2/2026` is 11 February.
    Eu,
}

/// What the simulation read in `created_at`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateReport {
    /// The format used: `iso`, `us` or `eu` (`auto` until a value decided it).
    pub format: String,
    /// Leads whose `created_at` read.
    pub read: u64,
    /// Leads with no `created_at` at all, or one that did not read.
    pub unreadable: u64,
    /// The first unreadable values as written (`""` for a missing one), at most 10.
    pub seen: Vec<String>,
}

/// Why a simulation stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimError {
    /// `unreadable_created_at` or `ambiguous_created_at`.
    pub code: String,
    pub message: String,
    pub help: String,
    /// The values seen (at most 10).
    pub seen: Vec<String>,
    /// 1-based input line of the first of them.
    pub line: u64,
}

/// Most values kept in `seen`.
const MAX_SEEN: usize = 10;

/// Reads `created_at` (and `claimed_at`) values the lead parser could not, by the
/// chosen or detected day order, and decides when the run must stop.
#[derive(Debug, Clone)]
pub struct DateReader {
    opts: CreatedAtOptions,
    /// `Some(true)`: month first.
    month_first: Option<bool>,
    zone: Option<crate::time::Zone>,
    pub report: DateReport,
    pub stop: Option<SimError>,
}

/// A date-time in parts, before the zone is applied.
struct Parts {
    days: i64,
    minute_ms: i64,
    /// Minutes east of UTC, when written.
    offset: Option<i64>,
}

impl DateReader {
    pub fn new(opts: &CreatedAtOptions) -> DateReader {
        let month_first = match opts.format {
            DateFormat::Us => Some(true),
            DateFormat::Eu => Some(false),
            DateFormat::Auto | DateFormat::Iso => None,
        };
        DateReader {
            zone: opts.zone.as_deref().and_then(crate::time::Zone::find),
            month_first,
            report: DateReport {
                format: match opts.format {
                    DateFormat::Auto => "auto",
                    DateFormat::Iso => "iso",
                    DateFormat::Us => "us",
                    DateFormat::Eu => "eu",
                }
                .to_string(),
                ..DateReport::default()
            },
            opts: opts.clone(),
            stop: None,
        }
    }

    /// A lead's `created_at`: `parsed` when the lead parser read it, else `raw` read here.
    /// Counts it; an unreadable one stops the run unless the options allow it.
    pub fn created_at(&mut self, parsed: Option<i64>, raw: Option<&str>, line: u64) -> Option<i64> {
        if parsed.is_some() {
            self.report.read += 1;
            return parsed;
        }
        let raw = raw.unwrap_or("").trim();
        match self.read(raw) {
            Ok(t) => {
                self.report.read += 1;
                Some(t)
            }
            Err(ambiguous) => {
                self.report.unreadable += 1;
                if self.report.seen.len() < MAX_SEEN {
                    self.report.seen.push(raw.to_string());
                }
                if ambiguous {
                    self.stop_with("ambiguous_created_at", line, raw);
                } else if !self.opts.allow_unreadable {
                    self.stop_with("unreadable_created_at", line, raw);
                }
                None
            }
        }
    }

    /// Another value of the same kind (`claimed_at`): read, never counted or stopped on.
    pub fn other(&mut self, raw: &str) -> Option<i64> {
        let v = crate::lead::Val::Str(raw.into());
        crate::lead::timestamp(&v).or_else(|| self.read(raw.trim()).ok())
    }

    fn stop_with(&mut self, code: &str, line: u64, raw: &str) {
        if let Some(s) = self.stop.as_mut() {
            s.seen.clone_from(&self.report.seen);
            return;
        }
        let (message, help) = if code == "ambiguous_created_at" {
            (
                format!("created_at `{raw}` (line {line}) can be read day first or month first, and no earlier value decided which"),
                "choose the day order: created_at.format \"us\" (month first) or \"eu\" (day first)".to_string(),
            )
        } else if raw.is_empty() {
            (
                format!("line {line} has no created_at: leads would be routed at made-up times"),
                "map the column that holds the creation time to created_at, or allow it with created_at.allow_unreadable".to_string(),
            )
        } else {
            (
                format!("created_at `{raw}` (line {line}) cannot be read"),
                "use ISO 8601 (2026-11-02T04:05:00Z), ms since the epoch, or month/day/year with created_at.format and created_at.zone; or allow it with created_at.allow_unreadable".to_string(),
            )
        };
        self.stop = Some(SimError {
            code: code.to_string(),
            message,
            help,
            seen: self.report.seen.clone(),
            line,
        });
    }

    /// `Err(true)`: readable only once the day order is known.
    fn read(&mut self, raw: &str) -> Result<i64, bool> {
        if raw.is_empty() || self.opts.format == DateFormat::Iso {
            return Err(false);
        }
        let (a, b, rest) = slashed(raw).ok_or(false)?;
        let month_first = match self.month_first {
            Some(m) => m,
            None if a > 12 && b <= 12 => {
                self.decide(false);
                false
            }
            None if b > 12 && a <= 12 => {
                self.decide(true);
                true
            }
            None if a == b => true,
            None => return Err(true),
        };
        let (month, day) = if month_first { (a, b) } else { (b, a) };
        let (year, rest) = year(rest).ok_or(false)?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) {
            return Err(false);
        }
        let days = crate::time::days_from_civil(year, month as u8, day as u8);
        let parts = time_of(rest, days).ok_or(false)?;
        let local_ms = parts.days * 86_400_000 + parts.minute_ms;
        match parts.offset {
            Some(off) => Ok(local_ms - off * 60_000),
            None => {
                let zone = self.zone.as_ref().ok_or(false)?;
                // The offset in force at the local time (read twice to settle at a change).
                let guess = local_ms - i64::from(zone.offset_seconds(local_ms)) * 1000;
                Ok(local_ms - i64::from(zone.offset_seconds(guess)) * 1000)
            }
        }
    }

    fn decide(&mut self, month_first: bool) {
        self.month_first = Some(month_first);
        self.report.format = if month_first { "us" } else { "eu" }.to_string();
    }
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `a/b/` or `a.b.` or `a-b-` (one or two digits each): the two first parts and the rest.
fn slashed(s: &str) -> Option<(u32, u32, &str)> {
    let sep = s.bytes().find(|b| !b.is_ascii_digit())?;
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    let mut it = s.splitn(3, sep as char);
    let a = it.next()?;
    let b = it.next()?;
    let rest = it.next()?;
    let ok = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit());
    if !ok(a) || !ok(b) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, rest))
}

/// A four-digit year, then the rest.
fn year(s: &str) -> Option<(i32, &str)> {
    let y = s.get(..4)?;
    if !y.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((y.parse().ok()?, s.get(4..)?))
}

/// `[ H:MM[:SS][ AM|PM]][ zone]` after the date: `Z`, `UTC`, `GMT`, `+01:00`, `+0100`.
fn time_of(rest: &str, days: i64) -> Option<Parts> {
    let rest = rest.trim_start_matches([' ', 'T', ',']);
    let mut words = rest.split_whitespace().peekable();
    let mut minute_ms = 0i64;
    let mut offset = None;
    if let Some(w) = words.peek().copied() {
        if w.contains(':') && w.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            words.next();
            // A zone glued to the time: `04:05Z`, `04:05+01:00`.
            let cut = w
                .find(['Z', 'z', '+'])
                .or_else(|| w.get(1..).and_then(|t| t.find('-').map(|i| i + 1)));
            let (clock, zone) = match cut {
                Some(i) => (w.get(..i)?, w.get(i..)),
                None => (w, None),
            };
            let mut hms = clock.split(':');
            let h: i64 = hms.next()?.parse().ok()?;
            let m: i64 = hms.next()?.parse().ok()?;
            let sec: f64 = match hms.next() {
                Some(x) => x.parse().ok()?,
                None => 0.0,
            };
            if hms.next().is_some() || !(0..60).contains(&m) || !(0.0..61.0).contains(&sec) {
                return None;
            }
            let mut h = h;
            if let Some(ampm) = words.peek().map(|w| w.to_ascii_lowercase()) {
                if ampm == "am" || ampm == "pm" {
                    words.next();
                    if !(1..=12).contains(&h) {
                        return None;
                    }
                    h = h % 12 + if ampm == "pm" { 12 } else { 0 };
                }
            }
            if !(0..24).contains(&h) {
                return None;
            }
            minute_ms = (h * 60 + m) * 60_000 + (sec * 1000.0) as i64;
            if let Some(z) = zone {
                offset = Some(zone_offset(z)?);
            }
        }
    }
    if let Some(z) = words.next() {
        if offset.is_some() {
            return None;
        }
        offset = Some(zone_offset(z)?);
    }
    if words.next().is_some() {
        return None;
    }
    Some(Parts {
        days,
        minute_ms,
        offset,
    })
}

/// Minutes east of UTC of `Z`, `UTC`, `GMT`, `+01:00`, `-0500`, `+01`.
fn zone_offset(z: &str) -> Option<i64> {
    if z.eq_ignore_ascii_case("z") || z.eq_ignore_ascii_case("utc") || z.eq_ignore_ascii_case("gmt")
    {
        return Some(0);
    }
    let sign = match z.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = z.get(1..)?.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i64>().ok()?, 0),
        4 => (
            digits.get(..2)?.parse::<i64>().ok()?,
            digits.get(2..)?.parse::<i64>().ok()?,
        ),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(format: DateFormat, zone: Option<&str>) -> DateReader {
        DateReader::new(&CreatedAtOptions {
            format,
            zone: zone.map(str::to_string),
            allow_unreadable: false,
        })
    }

    #[test]
    fn day_order_zone_and_clock() {
        let mut us = reader(DateFormat::Us, Some("UTC"));
        // 2026-11-02T04:05:00Z
        assert_eq!(us.read("11/2/2026 04:05"), Ok(1_793_592_300_000));
        assert_eq!(us.read("11/2/2026 4:05 AM"), Ok(1_793_592_300_000));
        assert_eq!(us.read("11/2/2026 5:05 +01:00"), Ok(1_793_592_300_000));
        assert_eq!(us.read("11/2/2026 04:05Z"), Ok(1_793_592_300_000));
        assert_eq!(us.read("11/31/2026 04:05"), Err(false));
        let mut eu = reader(DateFormat::Eu, None);
        assert_eq!(eu.read("2.11.2026 05:05 +0100"), Ok(1_793_592_300_000));
        // No zone written and none chosen: not guessed.
        assert_eq!(eu.read("2.11.2026 05:05"), Err(false));
        let mut berlin = reader(DateFormat::Eu, Some("Europe/Berlin"));
        assert_eq!(berlin.read("02/11/2026 05:05"), Ok(1_793_592_300_000));
    }

    #[test]
    fn auto_decides_on_the_first_value_read_one_way_only() {
        let mut r = reader(DateFormat::Auto, Some("UTC"));
        assert_eq!(r.read("11/2/2026 04:05"), Err(true));
        assert_eq!(r.read("25/2/2026 04:05").map(|_| ()), Ok(()));
        assert_eq!(r.report.format, "eu");
        // Now day first: 11 February.
        assert_eq!(r.read("11/2/2026 00:00"), Ok(1_770_768_000_000));
    }
}
