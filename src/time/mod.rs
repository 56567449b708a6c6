//! Civil time for routing: IANA zones, UTC <-> local calendar conversion and
//! parsing of dates, times of day and timestamps. Never reads a clock.

#[cfg(feature = "tz-history")]
mod history;
pub mod tz;
mod zones;
#[cfg(feature = "tz-history")]
mod zones_history;

#[cfg(feature = "tz-history")]
use history::History;
use tz::Rule;
use zones::ZONES;

const MS_PER_SEC: i64 = 1000;
const SECS_PER_DAY: i64 = 86_400;

/// Keeps every year produced by `civil_from_days` within `i32`; the bound is
/// far beyond any instant representable as i64 milliseconds (~±2.9e8 years).
const MAX_ABS_DAYS: i64 = 1 << 39;

/// A time zone: its IANA name, the POSIX rule currently in force there and, with the
/// `tz-history` feature, tzdata's offsets from before that rule (since 2010).
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    name: &'static str,
    rule: Rule,
    #[cfg(feature = "tz-history")]
    history: Option<History>,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC",
            rule: Rule::utc(),
            #[cfg(feature = "tz-history")]
            history: None,
        }
    }

    /// IANA name lookup, exact then case-insensitive; None if unknown.
    pub fn find(name: &str) -> Option<Zone> {
        let index = match ZONES.binary_search_by(|(n, _)| (*n).cmp(name)) {
            Ok(i) => i,
            Err(_) => ZONES
                .iter()
                .position(|(n, _)| n.eq_ignore_ascii_case(name))?,
        };
        let (canonical, rule) = ZONES.get(index)?;
        Some(Zone {
            name: canonical,
            rule: tz::parse(rule)?,
            #[cfg(feature = "tz-history")]
            history: History::of_zone(index),
        })
    }

    /// Canonical spelling from the tz database, whatever case was looked up.
    pub fn name(&self) -> &str {
        self.name
    }

    /// Seconds east of UTC at the given instant.
    pub fn offset_seconds(&self, utc_ms: i64) -> i32 {
        let secs = utc_ms.div_euclid(MS_PER_SEC);
        #[cfg(feature = "tz-history")]
        if let Some(offset) = self.history.as_ref().and_then(|h| h.offset_at(secs)) {
            return offset;
        }
        self.rule.offset_at(secs)
    }

    pub fn local(&self, utc_ms: i64) -> LocalTime {
        // |utc_ms / 1000| <= ~9.2e15, so adding an offset cannot overflow.
        let secs = utc_ms.div_euclid(MS_PER_SEC) + i64::from(self.offset_seconds(utc_ms));
        let days = secs.div_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        LocalTime {
            days,
            year,
            month,
            day,
            weekday: weekday_of(days),
            minute_of_day: u16::try_from(secs.rem_euclid(SECS_PER_DAY) / 60).unwrap_or(0),
        }
    }
}

/// A local calendar position, used for working hours and capacity buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// Local days since 1970-01-01.
    pub days: i64,
    pub year: i32,
    /// 1-12.
    pub month: u8,
    /// 1-31.
    pub day: u8,
    /// 0 = Monday .. 6 = Sunday.
    pub weekday: u8,
    /// 0..1440.
    pub minute_of_day: u16,
}

impl LocalTime {
    pub fn day_key(&self) -> i64 {
        self.days
    }

    /// ISO weeks (Monday start); 1970-01-01 was a Thursday, hence the +3.
    pub fn week_key(&self) -> i64 {
        self.days.saturating_add(3).div_euclid(7)
    }

    pub fn month_key(&self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

/// All known IANA names, sorted; for "did you mean" suggestions.
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    ZONES.iter().map(|(n, _)| *n)
}

/// 0 = Monday .. 6 = Sunday.
fn weekday_of(days: i64) -> u8 {
    // 1970-01-01 was a Thursday.
    u8::try_from((days.rem_euclid(7) + 3) % 7).unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`). Out-of-range month/day are not validated.
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    // March-based months put the leap day at the end of the year.
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]. Inputs beyond ~±1.5e9 years saturate so
/// the year always fits in `i32`.
pub fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days.clamp(-MAX_ABS_DAYS, MAX_ABS_DAYS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }),
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// A non-empty run of ASCII digits (and nothing else) as a number.
fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit()
            .then(|| acc.checked_mul(10)?.checked_add(u32::from(b - b'0')))
            .flatten()
    })
}

/// `YYYY-MM-DD` at the start of `s`, validated; returns days and the rest.
fn date_prefix(s: &[u8]) -> Option<(i64, &[u8])> {
    let (date, rest) = (s.get(..10)?, s.get(10..)?);
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *date else {
        return None;
    };
    let year = i32::try_from(digits(&[y0, y1, y2, y3])?).ok()?;
    let month = u8::try_from(digits(&[m0, m1])?).ok()?;
    let day = u8::try_from(digits(&[d0, d1])?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((days_from_civil(year, month, day), rest))
}

/// "YYYY-MM-DD" -> days since epoch; None if malformed or not a real date.
pub fn parse_date(s: &str) -> Option<i64> {
    match date_prefix(s.as_bytes())? {
        (days, []) => Some(days),
        _ => None,
    }
}

/// "HH:MM" -> minute of day (0..=1440, "24:00" allowed); None if malformed.
/// A one-digit hour ("9:30") is accepted since people write it that way.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m) = (digits(h.as_bytes())?, digits(m.as_bytes())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    u16::try_from(h * 60 + m).ok()
}

/// ISO 8601 / RFC 3339 date-time -> ms since epoch: "2026-03-08T09:30:00Z", with offset "+02:00", fractional seconds, or a bare date "2026-03-08" (midnight UTC). None if malformed.
///
/// A date-time without `Z` or an offset is rejected rather than guessed:
/// reading it in the wrong zone would silently shift routing by hours.
pub fn parse_datetime_ms(s: &str) -> Option<i64> {
    let (days, rest) = date_prefix(s.as_bytes())?;
    let day_ms = days * SECS_PER_DAY * MS_PER_SEC;
    let rest = match rest {
        [] => return Some(day_ms),
        [b'T' | b't' | b' ', rest @ ..] => rest,
        _ => return None,
    };

    // HH:MM[:SS[.fff]]
    let [h0, h1, b':', m0, m1, rest @ ..] = rest else {
        return None;
    };
    let (hour, minute) = (digits(&[*h0, *h1])?, digits(&[*m0, *m1])?);
    let (second, rest) = match rest {
        [b':', s0, s1, rest @ ..] => (digits(&[*s0, *s1])?, rest),
        _ => (0, rest),
    };
    // 60 allows an RFC 3339 leap second; it simply rolls into the next minute.
    if minute > 59 || second > 60 || hour > 24 || (hour == 24 && (minute, second) != (0, 0)) {
        return None;
    }
    let (millis, rest) = match rest {
        [b'.' | b',', rest @ ..] => {
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let (frac, rest) = rest.split_at_checked(n)?;
            if n == 0 {
                return None;
            }
            // Precision below a millisecond is truncated.
            let ms = frac
                .iter()
                .chain(std::iter::repeat(&b'0'))
                .take(3)
                .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
            (ms, rest)
        }
        _ => (0, rest),
    };

    // Offset east of UTC, in minutes.
    let offset_min: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), oh0, oh1, tail @ ..] => {
            let oh = digits(&[*oh0, *oh1])?;
            let om = match tail {
                [] => 0,
                [b':', om0, om1] | [om0, om1] => digits(&[*om0, *om1])?,
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let off = i64::from(oh * 60 + om);
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };

    let secs_of_day = i64::from(hour * 3600 + minute * 60 + second);
    Some(day_ms + (secs_of_day - offset_min * 60) * MS_PER_SEC + i64::from(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ms since the epoch for a UTC civil time.
    fn ms(y: i32, mo: u8, d: u8, h: i64, mi: i64) -> i64 {
        (days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60) * 1000
    }

    fn zone(name: &str) -> Zone {
        Zone::find(name).unwrap()
    }

    #[test]
    fn new_york_dst() {
        let ny = zone("America/New_York");
        let spring = ms(2026, 3, 8, 7, 0);
        assert_eq!(ny.offset_seconds(spring - 1), -18_000);
        assert_eq!(ny.offset_seconds(spring), -14_400);
        let fall = ms(2026, 11, 1, 6, 0);
        assert_eq!(ny.offset_seconds(fall - 1), -14_400);
        assert_eq!(ny.offset_seconds(fall), -18_000);

        // Local clock jumps 01:59:59.999 -> 03:00 and 01:59:59.999 -> 01:00.
        assert_eq!(ny.local(spring - 1).minute_of_day, 60 + 59);
        assert_eq!(ny.local(spring).minute_of_day, 3 * 60);
        assert_eq!(ny.local(fall - 1).minute_of_day, 60 + 59);
        assert_eq!(ny.local(fall).minute_of_day, 60);
    }

    #[test]
    fn berlin_dst() {
        let be = zone("Europe/Berlin");
        let t = ms(2026, 3, 29, 1, 0);
        assert_eq!(be.offset_seconds(t - 1), 3600);
        assert_eq!(be.offset_seconds(t), 7200);
        assert_eq!(be.offset_seconds(ms(2026, 10, 25, 1, 0) - 1), 7200);
        assert_eq!(be.offset_seconds(ms(2026, 10, 25, 1, 0)), 3600);
    }

    #[test]
    fn sydney_southern_hemisphere() {
        let syd = zone("Australia/Sydney");
        assert_eq!(syd.offset_seconds(ms(2026, 1, 15, 0, 0)), 39_600);
        assert_eq!(syd.offset_seconds(ms(2026, 7, 15, 0, 0)), 36_000);
    }

    #[test]
    fn fixed_and_quoted_zones() {
        assert_eq!(
            zone("Asia/Kolkata").offset_seconds(ms(2026, 1, 1, 0, 0)),
            19_800
        );
        assert_eq!(
            zone("Asia/Kolkata").offset_seconds(ms(2026, 7, 1, 0, 0)),
            19_800
        );
        assert_eq!(
            zone("America/Sao_Paulo").offset_seconds(ms(2026, 1, 1, 0, 0)),
            -10_800
        );
        assert_eq!(
            zone("Asia/Dubai").offset_seconds(ms(2026, 7, 1, 0, 0)),
            14_400
        );
        assert_eq!(zone("Asia/Tehran").offset_seconds(0), 12_600);
        // Etc/GMT+5 is five hours *behind* UTC (POSIX sign).
        assert_eq!(zone("Etc/GMT+5").offset_seconds(0), -18_000);
        assert_eq!(Zone::utc().offset_seconds(ms(2026, 7, 1, 0, 0)), 0);
    }

    #[cfg(not(feature = "tz-history"))]
    #[test]
    fn without_history_todays_rule_applies_to_the_past() {
        // Moscow was UTC+4 in 2013; only the `tz-history` feature knows it.
        assert_eq!(
            zone("Europe/Moscow").offset_seconds(ms(2013, 1, 15, 0, 0)),
            10_800
        );
    }

    #[test]
    fn lookup() {
        let z = zone("america/new_york");
        assert_eq!(z.name(), "America/New_York");
        assert_eq!(z, zone("America/New_York"));
        assert_eq!(zone("US/Eastern").offset_seconds(0), -18_000);
        assert_eq!(zone("UTC").name(), "UTC");
        assert_eq!(zone("utc").name(), "UTC");
        assert_eq!(Zone::utc().name(), "UTC");
        assert_eq!(Zone::find("Mars/Olympus_Mons"), None);
        assert_eq!(Zone::find(""), None);
        assert_eq!(Zone::find("America/New_York "), None);
        assert_eq!(Zone::find("posixrules"), None);
        assert_eq!(Zone::find("Factory"), None);
    }

    #[test]
    fn zone_table_is_sorted_and_unique() {
        let names: Vec<_> = zone_names().collect();
        assert!(names.len() > 400);
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        for n in names {
            assert_eq!(Zone::find(n).unwrap().name(), n);
        }
    }

    #[test]
    fn local_fields() {
        // 2026-03-08 12:34:56.789 UTC is a Sunday; New York is on EDT.
        let t = ms(2026, 3, 8, 12, 34) + 56_789;
        let utc = Zone::utc().local(t);
        assert_eq!(
            utc,
            LocalTime {
                days: days_from_civil(2026, 3, 8),
                year: 2026,
                month: 3,
                day: 8,
                weekday: 6,
                minute_of_day: 12 * 60 + 34,
            }
        );
        let ny = zone("America/New_York").local(t);
        assert_eq!((ny.day, ny.weekday, ny.minute_of_day), (8, 6, 8 * 60 + 34));

        // Late Sunday evening UTC is already Monday morning in Sydney.
        let syd = zone("Australia/Sydney").local(ms(2026, 1, 4, 22, 0));
        assert_eq!((syd.year, syd.month, syd.day), (2026, 1, 5));
        assert_eq!((syd.weekday, syd.minute_of_day), (0, 9 * 60));

        // Before the epoch: 1969-12-31 23:59 UTC was a Wednesday.
        let pre = Zone::utc().local(-60_000);
        assert_eq!((pre.days, pre.year, pre.month, pre.day), (-1, 1969, 12, 31));
        assert_eq!((pre.weekday, pre.minute_of_day), (2, 1439));
        // Kolkata's half-hour offset shows up in minute_of_day.
        assert_eq!(zone("Asia/Kolkata").local(0).minute_of_day, 5 * 60 + 30);
    }

    #[test]
    fn bucket_keys() {
        let z = Zone::utc();
        // Sun 2026-03-08 and Mon 2026-03-09 fall in different ISO weeks;
        // Mon..Sun share one.
        let sun = z.local(ms(2026, 3, 8, 12, 0));
        let mon = z.local(ms(2026, 3, 9, 12, 0));
        let next_sun = z.local(ms(2026, 3, 15, 23, 59));
        assert_eq!(mon.week_key(), sun.week_key() + 1);
        assert_eq!(mon.week_key(), next_sun.week_key());
        assert_eq!(mon.day_key(), sun.day_key() + 1);
        assert_eq!(sun.month_key(), 2026 * 12 + 2);
        assert_eq!(z.local(0).week_key(), 0);
        assert_eq!(z.local(ms(1969, 12, 29, 0, 0)).week_key(), 0);
        assert_eq!(z.local(ms(1969, 12, 28, 0, 0)).week_key(), -1);
        assert_eq!(z.local(ms(1969, 12, 31, 0, 0)).month_key(), 1969 * 12 + 11);
    }

    #[test]
    fn civil_round_trip() {
        let start = days_from_civil(1600, 1, 1);
        let end = days_from_civil(2400, 12, 31);
        let mut prev = None;
        for days in (start..=end).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days);
            if let Some((py, pm, pd)) = prev {
                assert!((py, pm, pd) < (y, m, d));
            }
            prev = Some((y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil_from_days(days_from_civil(1600, 2, 29)), (1600, 2, 29));
    }

    #[test]
    fn civil_extremes() {
        for d in [
            i64::MIN,
            i64::MIN + 1,
            -MAX_ABS_DAYS,
            MAX_ABS_DAYS,
            i64::MAX,
        ] {
            let (y, m, dd) = civil_from_days(d);
            assert!((1..=12).contains(&m) && (1..=31).contains(&dd), "{d}: {y}");
        }
        for y in [i32::MIN, i32::MAX] {
            for m in [0, 1, 2, 12, 255] {
                let _ = days_from_civil(y, m, 255);
            }
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-03-08"), Some(days_from_civil(2026, 3, 8)));
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-01 ",
            "2026-01-01T00:00:00Z",
            "+026-01-01",
            "",
            "２０２６-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("9:30"), Some(570));
        assert_eq!(parse_hhmm("23:59"), Some(1439));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        for bad in [
            "24:01", "25:00", "12:60", "12:5", "123:00", ":30", "12:", "1230", "-1:30", "+9:30",
            "", "12:30:00",
        ] {
            assert_eq!(parse_hhmm(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn datetimes() {
        let base = ms(2026, 3, 8, 9, 30);
        assert_eq!(parse_datetime_ms("2026-03-08T09:30:00Z"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08t09:30:00z"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08 09:30:00Z"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08T09:30Z"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08T11:30:00+02:00"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08T11:30:00+0200"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08T11:30:00+02"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08T04:30:00-05:00"), Some(base));
        assert_eq!(parse_datetime_ms("2026-03-08T15:00:00+05:30"), Some(base));
        assert_eq!(
            parse_datetime_ms("2026-03-08T09:30:00.5Z"),
            Some(base + 500)
        );
        assert_eq!(
            parse_datetime_ms("2026-03-08T09:30:00.123456789Z"),
            Some(base + 123)
        );
        assert_eq!(
            parse_datetime_ms("2026-03-08T09:30:00,25Z"),
            Some(base + 250)
        );
        assert_eq!(parse_datetime_ms("2026-03-08"), Some(ms(2026, 3, 8, 0, 0)));
        assert_eq!(parse_datetime_ms("1969-12-31T23:59:59.999Z"), Some(-1));
        assert_eq!(
            parse_datetime_ms("2026-03-08T00:30:00+01:00"),
            Some(ms(2026, 3, 7, 23, 30))
        );
        assert_eq!(
            parse_datetime_ms("2026-03-08T24:00:00Z"),
            Some(ms(2026, 3, 9, 0, 0))
        );
        assert_eq!(
            parse_datetime_ms("2016-12-31T23:59:60Z"),
            Some(ms(2017, 1, 1, 0, 0))
        );
        for bad in [
            "2026-03-08T09:30:00",
            "2026-03-08T09:30:00.Z",
            "2026-03-08T9:30:00Z",
            "2026-03-08T09:30:00+2:00",
            "2026-03-08T09:30:00+24:00",
            "2026-03-08T09:30:00+02:60",
            "2026-03-08T09:60:00Z",
            "2026-03-08T25:00:00Z",
            "2026-03-08T24:00:01Z",
            "2026-03-08T09:30:00ZZ",
            "2026-03-08T09:30:00+02:00 ",
            "2026-03-08T",
            "2026-02-30T09:30:00Z",
            "2026-03-08X09:30:00Z",
            "",
            "now",
            "2026-03-08T09:30:00.１Z",
        ] {
            assert_eq!(parse_datetime_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        let zones: Vec<Zone> = zone_names().filter_map(Zone::find).collect();
        for z in &zones {
            for t in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
                let l = z.local(t);
                assert!((1..=12).contains(&l.month));
                assert!(l.weekday < 7 && l.minute_of_day < 1440);
                let _ = (l.day_key(), l.week_key(), l.month_key());
            }
        }
        let max = Zone::utc().local(i64::MAX);
        assert!(max.year > 292_000_000);
        let min = Zone::utc().local(i64::MIN);
        assert!(min.year < -292_000_000);
    }
}
