//! POSIX TZ rule strings (the footer of TZif v2+ files), parsed and evaluated
//! without a calendar library so the .wasm stays small.

use super::{civil_from_days, days_from_civil};

const SECS_PER_DAY: i64 = 86_400;

/// The Gregorian calendar, weekdays included, repeats exactly every 400 years
/// (146097 days, itself a multiple of 7). A POSIX rule depends only on the
/// calendar, so any instant can be folded into one cycle: results stay exact
/// and the arithmetic can never overflow, however extreme the input.
const CYCLE_SECS: i64 = 146_097 * SECS_PER_DAY;

/// A parsed POSIX TZ rule, e.g. `EST5EDT,M3.2.0,M11.1.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Seconds east of UTC (the opposite sign of the POSIX string).
    std_offset: i32,
    dst: Option<Dst>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Dst {
    offset: i32,
    /// Given in local standard time.
    start: Transition,
    /// Given in local daylight time.
    end: Transition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transition {
    date: RuleDate,
    /// Seconds after local midnight; TZif v3 allows -167h..=167h.
    time: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleDate {
    /// `Jn`: 1..=365, February 29 is never counted.
    JulianNoLeap(u16),
    /// `n`: 0..=365, February 29 is counted in leap years.
    Julian0(u16),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay { month: u8, week: u8, weekday: u8 },
}

/// Parses a POSIX TZ string; `None` if it is malformed.
pub fn parse(s: &str) -> Option<Rule> {
    let mut c = Cursor {
        s: s.as_bytes(),
        pos: 0,
    };
    c.name()?;
    let std_offset = -c.hms(24)?;
    if c.at_end() {
        return Some(Rule {
            std_offset,
            dst: None,
        });
    }
    c.name()?;
    let offset = if matches!(c.peek(), Some(b'+' | b'-' | b'0'..=b'9')) {
        -c.hms(24)?
    } else {
        std_offset + 3600
    };
    let (start, end) = if c.at_end() {
        // POSIX leaves the default implementation-defined; like glibc's
        // posixrules (America/New_York), assume current US rules.
        (
            Transition {
                date: RuleDate::MonthWeekDay {
                    month: 3,
                    week: 2,
                    weekday: 0,
                },
                time: 7200,
            },
            Transition {
                date: RuleDate::MonthWeekDay {
                    month: 11,
                    week: 1,
                    weekday: 0,
                },
                time: 7200,
            },
        )
    } else {
        if !c.eat(b',') {
            return None;
        }
        let start = c.transition()?;
        if !c.eat(b',') {
            return None;
        }
        let end = c.transition()?;
        if !c.at_end() {
            return None;
        }
        (start, end)
    };
    Some(Rule {
        std_offset,
        dst: Some(Dst { offset, start, end }),
    })
}

impl Rule {
    pub fn utc() -> Rule {
        Rule {
            std_offset: 0,
            dst: None,
        }
    }

    /// Offset from UTC (seconds east) in effect at `utc_seconds`.
    pub fn offset_at(&self, utc_seconds: i64) -> i32 {
        let Some(dst) = &self.dst else {
            return self.std_offset;
        };
        let t = utc_seconds.rem_euclid(CYCLE_SECS);
        let (year, _, _) =
            civil_from_days((t + i64::from(self.std_offset)).div_euclid(SECS_PER_DAY));
        // Transition times may be negative or past 24h, so a neighbouring
        // year's transition can land in this one. Taking the latest transition
        // at or before `t` across nearby years also covers southern zones
        // (start after end within a year) without special cases.
        //
        // On a tie the start wins (`true` sorts last), which makes "all year
        // DST" rules like `0/0,J365/25` end and restart at the same instant,
        // i.e. stay in DST.
        let latest = (year.saturating_sub(2)..=year.saturating_add(1))
            .flat_map(|y| {
                [
                    (self.instant(y, dst.start, self.std_offset), true),
                    (self.instant(y, dst.end, dst.offset), false),
                ]
            })
            .filter(|&(at, _)| at <= t)
            .max();
        match latest {
            Some((_, true)) => dst.offset,
            _ => self.std_offset,
        }
    }

    /// UTC instant of a transition in `year`, given the offset in force
    /// just before it (the transition time is expressed in that local time).
    fn instant(&self, year: i32, tr: Transition, offset_before: i32) -> i64 {
        let day = rule_day(year, tr.date);
        day * SECS_PER_DAY + i64::from(tr.time) - i64::from(offset_before)
    }
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u8) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since the epoch of the rule's date in `year`.
fn rule_day(year: i32, date: RuleDate) -> i64 {
    match date {
        RuleDate::JulianNoLeap(n) => {
            let n = i64::from(n);
            let leap_shift = i64::from(is_leap(year) && n >= 60);
            days_from_civil(year, 1, 1) + n - 1 + leap_shift
        }
        RuleDate::Julian0(n) => days_from_civil(year, 1, 1) + i64::from(n),
        RuleDate::MonthWeekDay {
            month,
            week,
            weekday,
        } => {
            let first = days_from_civil(year, month, 1);
            // 1970-01-01 was a Thursday (4 with Sunday = 0).
            let first_wd = (first + 4).rem_euclid(7);
            let mut day = first + (i64::from(weekday) - first_wd).rem_euclid(7);
            day += 7 * (i64::from(week) - 1);
            // Week 5 means "last", which may only be the fourth occurrence.
            let last = first + days_in_month(year, month) - 1;
            while day > last {
                day -= 7;
            }
            day
        }
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Abbreviation: 3+ letters, or `<...>` of 3+ alphanumerics/signs.
    fn name(&mut self) -> Option<()> {
        let len = if self.eat(b'<') {
            let len = self.take_while(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-');
            if !self.eat(b'>') {
                return None;
            }
            len
        } else {
            self.take_while(|b| b.is_ascii_alphabetic())
        };
        (len >= 3).then_some(())
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Unsigned decimal of 1..=max_digits digits.
    fn number(&mut self, max_digits: usize) -> Option<u32> {
        let mut value: u32 = 0;
        let mut digits = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if digits == max_digits {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
            digits += 1;
            self.pos += 1;
        }
        (digits > 0).then_some(value)
    }

    /// `[+-]h[h[h]][:mm[:ss]]` in seconds, as written (POSIX sign).
    fn hms(&mut self, max_hours: u32) -> Option<i32> {
        let negative = if self.eat(b'-') {
            true
        } else {
            self.eat(b'+');
            false
        };
        let hours = self.number(3)?;
        if hours > max_hours {
            return None;
        }
        let mut secs = hours * 3600;
        if self.eat(b':') {
            let minutes = self.number(2)?;
            if minutes > 59 {
                return None;
            }
            secs += minutes * 60;
            if self.eat(b':') {
                let seconds = self.number(2)?;
                if seconds > 59 {
                    return None;
                }
                secs += seconds;
            }
        }
        let secs = i32::try_from(secs).ok()?;
        Some(if negative { -secs } else { secs })
    }

    fn transition(&mut self) -> Option<Transition> {
        let date = match self.peek()? {
            b'J' => {
                self.pos += 1;
                let n = self.number(3)?;
                if !(1..=365).contains(&n) {
                    return None;
                }
                RuleDate::JulianNoLeap(u16::try_from(n).ok()?)
            }
            b'M' => {
                self.pos += 1;
                let month = self.number(2)?;
                let week = self.eat(b'.').then(|| self.number(1)).flatten()?;
                let weekday = self.eat(b'.').then(|| self.number(1)).flatten()?;
                if !(1..=12).contains(&month) || !(1..=5).contains(&week) || weekday > 6 {
                    return None;
                }
                RuleDate::MonthWeekDay {
                    month: u8::try_from(month).ok()?,
                    week: u8::try_from(week).ok()?,
                    weekday: u8::try_from(weekday).ok()?,
                }
            }
            b'0'..=b'9' => {
                let n = self.number(3)?;
                if n > 365 {
                    return None;
                }
                RuleDate::Julian0(u16::try_from(n).ok()?)
            }
            _ => return None,
        };
        // 167h is the TZif v3 limit (RFC 8536 section 3.3.1).
        let time = if self.eat(b'/') { self.hms(167)? } else { 7200 };
        Some(Transition { date, time })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::zones::ZONES;

    /// Seconds since the epoch for a UTC civil time.
    fn utc(y: i32, mo: u8, d: u8, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60
    }

    #[test]
    fn every_generated_zone_parses() {
        for (name, rule) in ZONES {
            assert!(parse(rule).is_some(), "{name}: {rule}");
        }
    }

    #[test]
    fn fixed_offsets() {
        assert_eq!(parse("UTC0").unwrap().offset_at(0), 0);
        assert_eq!(parse("IST-5:30").unwrap().offset_at(0), 19_800);
        assert_eq!(parse("<+0330>-3:30").unwrap().offset_at(0), 12_600);
        assert_eq!(parse("<-05>5").unwrap().offset_at(0), -18_000);
        assert_eq!(parse("<+1245>-12:45").unwrap().offset_at(0), 45_900);
        assert_eq!(parse("XXX+1:02:03").unwrap().offset_at(0), -3723);
    }

    #[test]
    fn us_eastern_transitions() {
        let r = parse("EST5EDT,M3.2.0,M11.1.0").unwrap();
        let spring = utc(2026, 3, 8, 7, 0);
        assert_eq!(r.offset_at(spring - 1), -18_000);
        assert_eq!(r.offset_at(spring), -14_400);
        let fall = utc(2026, 11, 1, 6, 0);
        assert_eq!(r.offset_at(fall - 1), -14_400);
        assert_eq!(r.offset_at(fall), -18_000);
    }

    #[test]
    fn default_dst_offset_and_rules() {
        let r = parse("EST5EDT").unwrap();
        assert_eq!(r, parse("EST5EDT4,M3.2.0/2,M11.1.0/2:00:00").unwrap());
    }

    #[test]
    fn negative_transition_time_v3() {
        // America/Nuuk: DST from last Sunday of March at -1:00 local (i.e.
        // Saturday 23:00), to last Sunday of October at 00:00 local DST.
        let r = parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0").unwrap();
        // 2026-03-29 is the last Sunday; -1:00 local (-02) there is
        // Saturday 23:00 local = 2026-03-29 01:00 UTC.
        let start = utc(2026, 3, 29, 1, 0);
        assert_eq!(r.offset_at(start - 1), -7200);
        assert_eq!(r.offset_at(start), -3600);
        // 2026-10-25 00:00 local DST = 2026-10-25 01:00 UTC.
        let end = utc(2026, 10, 25, 1, 0);
        assert_eq!(r.offset_at(end - 1), -3600);
        assert_eq!(r.offset_at(end), -7200);
    }

    #[test]
    fn time_past_24h_and_all_year_dst() {
        // Jerusalem style: Friday before last Sunday, written as Thursday 26:00.
        let r = parse("IST-2IDT,M3.4.4/26,M10.5.0").unwrap();
        // 2026: 4th Thursday of March is the 26th; 26:00 = Fri 27th 02:00
        // local std = 00:00 UTC.
        let start = utc(2026, 3, 27, 0, 0);
        assert_eq!(r.offset_at(start - 1), 7200);
        assert_eq!(r.offset_at(start), 10_800);

        let always = parse("EST5EDT4,0/0,J365/25").unwrap();
        for y in [2023, 2024, 2026] {
            for (m, d) in [(1, 1), (2, 29), (6, 1), (12, 31)] {
                assert_eq!(always.offset_at(utc(y, m, d, 12, 0)), -14_400);
            }
            assert_eq!(always.offset_at(utc(y, 1, 1, 5, 0)), -14_400);
            assert_eq!(always.offset_at(utc(y, 1, 1, 4, 59)), -14_400);
        }
    }

    #[test]
    fn southern_hemisphere() {
        let r = parse("AEST-10AEDT,M10.1.0,M4.1.0/3").unwrap();
        assert_eq!(r.offset_at(utc(2026, 1, 15, 0, 0)), 39_600);
        assert_eq!(r.offset_at(utc(2026, 7, 15, 0, 0)), 36_000);
        assert_eq!(r.offset_at(utc(2026, 12, 31, 23, 0)), 39_600);
        // Ends 2026-04-05 03:00 AEDT = 2026-04-04 16:00 UTC.
        let end = utc(2026, 4, 4, 16, 0);
        assert_eq!(r.offset_at(end - 1), 39_600);
        assert_eq!(r.offset_at(end), 36_000);
        // Starts 2026-10-04 02:00 AEST = 2026-10-03 16:00 UTC.
        let start = utc(2026, 10, 3, 16, 0);
        assert_eq!(r.offset_at(start - 1), 36_000);
        assert_eq!(r.offset_at(start), 39_600);
    }

    #[test]
    fn julian_dates() {
        // J60 is March 1 even in leap years; 59 (0-based) is Feb 29 in them.
        assert_eq!(
            rule_day(2024, RuleDate::JulianNoLeap(60)),
            days_from_civil(2024, 3, 1)
        );
        assert_eq!(
            rule_day(2024, RuleDate::Julian0(59)),
            days_from_civil(2024, 2, 29)
        );
        assert_eq!(
            rule_day(2026, RuleDate::Julian0(59)),
            days_from_civil(2026, 3, 1)
        );
    }

    #[test]
    fn last_week_of_month() {
        let last_sun_oct = RuleDate::MonthWeekDay {
            month: 10,
            week: 5,
            weekday: 0,
        };
        assert_eq!(rule_day(2026, last_sun_oct), days_from_civil(2026, 10, 25));
        assert_eq!(rule_day(2027, last_sun_oct), days_from_civil(2027, 10, 31));
    }

    #[test]
    fn cycle_folding_is_exact() {
        let r = parse("EST5EDT,M3.2.0,M11.1.0").unwrap();
        let t = utc(2026, 3, 8, 7, 0);
        for k in [-3, -1, 1, 5] {
            assert_eq!(r.offset_at(t + k * CYCLE_SECS), -14_400);
            assert_eq!(r.offset_at(t - 1 + k * CYCLE_SECS), -18_000);
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        for rule in ZONES.iter().filter_map(|(_, r)| parse(r)) {
            for t in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
                let off = rule.offset_at(t);
                assert!(off.abs() <= 25 * 3600);
            }
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "E",
            "EST",
            "EST+",
            "ES5",
            "<+03",
            "<+0>-3",
            "EST5EDT,",
            "EST5EDT,M3.2.0",
            "EST5EDT,M3.2.0,M11.1.0,",
            "EST5EDT,M13.2.0,M11.1.0",
            "EST5EDT,M3.6.0,M11.1.0",
            "EST5EDT,M3.2.7,M11.1.0",
            "EST5EDT,J0,J365",
            "EST5EDT,366,J365",
            "EST5EDT,M3.2.0/168,M11.1.0",
            "EST25",
            "EST5:60",
            "EST5EDT,M3.2.0/2:00:60,M11.1.0",
            "EST99999999999",
            "EST5 ",
            "EST5EDT,X,Y",
            "ÉST5",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
    }
}
