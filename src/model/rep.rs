//! A rep as compiled from the config: identity, caps, status, working hours, out of
//! office, territories and attributes. Whether the rep can take a lead is `select`'s.

use crate::config::{self, Status};
use crate::error::ConfigErrors;
use crate::time::{self, LocalTime, Zone};
use serde::Serialize;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// Caps default to 150 leads a month when a rep has no `caps`.
pub const DEFAULT_MONTH_CAP: u32 = 150;

#[derive(Debug, Clone)]
pub struct Rep {
    /// Position in the router's rep list.
    pub index: usize,
    pub id: String,
    pub name: String,
    pub calendar_url: Option<String>,
    pub performance: f64,
    /// Day, week, month.
    pub caps: [Option<u32>; 3],
    pub status: Status,
    /// Index into the router's zones.
    pub zone: usize,
    /// Minutes `[start, end)` per weekday, Monday first; `None`: always in hours.
    pub hours: Option<[Option<(u16, u16)>; 7]>,
    /// Inclusive local day numbers.
    pub out_of_office: Vec<(i64, i64)>,
    pub territories: Vec<Territory>,
    pub languages: Vec<Box<str>>,
    pub industries: Vec<Box<str>>,
    pub products: Vec<Box<str>>,
    pub segments: Vec<Box<str>>,
    pub seniority: Option<Box<str>>,
}

#[derive(Debug, Clone)]
pub struct Territory {
    pub country: Box<str>,
    pub regions: Vec<Box<str>>,
    pub postal_prefixes: Vec<Box<str>>,
}

/// Why a rep could not take a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Unavailable {
    Busy,
    Away,
    OutOfOffice,
    OutOfHours,
    AtDayCap,
    AtWeekCap,
    AtMonthCap,
}

impl Unavailable {
    /// Every reason, in declaration order (`u as usize` indexes this).
    pub const ALL: [Unavailable; 7] = [
        Unavailable::Busy,
        Unavailable::Away,
        Unavailable::OutOfOffice,
        Unavailable::OutOfHours,
        Unavailable::AtDayCap,
        Unavailable::AtWeekCap,
        Unavailable::AtMonthCap,
    ];

    /// The name reports and traces use (its serialized form).
    pub fn key(self) -> &'static str {
        match self {
            Unavailable::Busy => "busy",
            Unavailable::Away => "away",
            Unavailable::OutOfOffice => "out_of_office",
            Unavailable::OutOfHours => "out_of_hours",
            Unavailable::AtDayCap => "at_day_cap",
            Unavailable::AtWeekCap => "at_week_cap",
            Unavailable::AtMonthCap => "at_month_cap",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Unavailable::Busy => "busy",
            Unavailable::Away => "away",
            Unavailable::OutOfOffice => "out of office",
            Unavailable::OutOfHours => "outside working hours",
            Unavailable::AtDayCap => "at daily cap",
            Unavailable::AtWeekCap => "at weekly cap",
            Unavailable::AtMonthCap => "at monthly cap",
        }
    }
}

/// Period keys (local day, ISO week, month) in the rep's zone.
pub fn period_keys(t: &LocalTime) -> [i64; 3] {
    [t.day_key(), t.week_key(), t.month_key()]
}

impl Rep {
    /// Within working hours at `local` (a rep without hours always is).
    pub fn in_hours(&self, local: &LocalTime) -> bool {
        let Some(week) = &self.hours else {
            return true;
        };
        let m = local.minute_of_day;
        week.get(usize::from(local.weekday))
            .copied()
            .flatten()
            .is_some_and(|(start, end)| m >= start && m < end)
    }

    /// On an out-of-office day at `local`.
    pub fn out_of_office_on(&self, local: &LocalTime) -> bool {
        self.out_of_office
            .iter()
            .any(|(from, to)| local.days >= *from && local.days <= *to)
    }

    pub fn attribute(&self, a: config::Attribute) -> &[Box<str>] {
        match a {
            config::Attribute::Languages => &self.languages,
            config::Attribute::Industries => &self.industries,
            config::Attribute::Products => &self.products,
            config::Attribute::Segments => &self.segments,
            config::Attribute::Seniority => self.seniority.as_slice(),
        }
    }
}

/// Compiles one rep; problems go to `errors` at `path`.
pub fn compile(
    r: &config::Rep,
    path: &str,
    zones: &mut Vec<Zone>,
    default_zone: usize,
    errors: &mut ConfigErrors,
) -> Rep {
    let lower = |v: &[String]| -> Vec<Box<str>> {
        v.iter().map(|s| s.trim().to_lowercase().into()).collect()
    };
    let performance = r.performance.unwrap_or(1.0);
    if !(performance.is_finite() && performance >= 0.0) {
        errors.push(
            format!("{path}.performance"),
            format!("expected a number of at least 0, found {performance}"),
        );
    }
    let caps = match &r.caps {
        Some(c) => [c.day, c.week, c.month],
        None => [None, None, Some(DEFAULT_MONTH_CAP)],
    };
    let mut zone = default_zone;
    let mut hours = None;
    if let Some(h) = &r.hours {
        if let Some(tz) = &h.tz {
            zone = zone_index(tz, &format!("{path}.hours.tz"), zones, errors).unwrap_or(zone);
        }
        let days = [&h.mon, &h.tue, &h.wed, &h.thu, &h.fri, &h.sat, &h.sun];
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut week = [None; 7];
        for ((slot, day), name) in week.iter_mut().zip(days).zip(names) {
            if let Some(span) = day {
                *slot = parse_span(span, &format!("{path}.hours.{name}"), errors);
            }
        }
        hours = Some(week);
    }
    let mut out_of_office = Vec::new();
    for (i, range) in r.out_of_office.iter().enumerate() {
        let p = format!("{path}.out_of_office[{i}]");
        let from = time::parse_date(&range.from);
        let to = time::parse_date(&range.to);
        match (from, to) {
            (Some(f), Some(t)) if f <= t => out_of_office.push((f, t)),
            (Some(_), Some(_)) => errors.push(p, "\"from\" is after \"to\""),
            (f, t) => {
                if f.is_none() {
                    errors.push(
                        format!("{p}.from"),
                        format!("expected a date YYYY-MM-DD, found \"{}\"", range.from),
                    );
                }
                if t.is_none() {
                    errors.push(
                        format!("{p}.to"),
                        format!("expected a date YYYY-MM-DD, found \"{}\"", range.to),
                    );
                }
            }
        }
    }
    let territories = r
        .territories
        .iter()
        .map(|t| Territory {
            country: t.country.trim().to_lowercase().into(),
            regions: t
                .regions
                .iter()
                .map(|r| crate::regions::normalize(&t.country, r).into())
                .collect(),
            postal_prefixes: t
                .postal_prefixes
                .iter()
                .map(|s| s.trim().to_lowercase().into())
                .collect(),
        })
        .collect();
    Rep {
        index: 0,
        id: r.id.clone(),
        name: r.name.clone().unwrap_or_else(|| r.id.clone()),
        calendar_url: r.calendar_url.clone(),
        performance,
        caps,
        status: r.status.unwrap_or(Status::Available),
        zone,
        hours,
        out_of_office,
        territories,
        languages: lower(&r.languages),
        industries: lower(&r.industries),
        products: lower(&r.products),
        segments: lower(&r.segments),
        seniority: r.seniority.as_ref().map(|s| s.trim().to_lowercase().into()),
    }
}

/// Finds or adds a zone, returning its index.
pub fn zone_index(
    name: &str,
    path: &str,
    zones: &mut Vec<Zone>,
    errors: &mut ConfigErrors,
) -> Option<usize> {
    match Zone::find(name) {
        Some(z) => {
            if let Some(i) = zones.iter().position(|x| x.name() == z.name()) {
                Some(i)
            } else {
                zones.push(z);
                Some(zones.len() - 1)
            }
        }
        None => {
            errors.unknown(path, "time zone", name, time::zone_names());
            None
        }
    }
}

fn parse_span(s: &str, path: &str, errors: &mut ConfigErrors) -> Option<(u16, u16)> {
    let parsed = s
        .split_once('-')
        .and_then(|(a, b)| Some((time::parse_hhmm(a.trim())?, time::parse_hhmm(b.trim())?)));
    match parsed {
        Some((a, b)) if a < b => Some((a, b)),
        _ => {
            errors.push(
                path,
                format!(
                    "expected working hours like \"09:00-17:30\" (start before end), found \"{s}\""
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Unavailable;

    #[test]
    fn unavailable_keys_are_the_serialized_names_in_order() {
        for (i, u) in Unavailable::ALL.iter().enumerate() {
            assert_eq!(*u as usize, i);
            assert_eq!(
                serde_json::to_string(u).unwrap(),
                format!("\"{}\"", u.key())
            );
        }
    }
}
