//! Time zones with their history (feature `tz-history`, on by default): past offsets come
//! from tzdata's transitions, not from today's rule, so replayed leads get their own date's
//! working hours and cap periods.
#![cfg(feature = "tz-history")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::time::{days_from_civil, Zone};
use leadroute::{RouteOptions, Router};

/// ms since the epoch of a UTC civil time.
fn ms(y: i32, mo: u8, d: u8, h: i64, mi: i64, s: i64) -> i64 {
    (days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) * 1000
}

fn offset(zone: &str, at: i64) -> i32 {
    Zone::find(zone).unwrap().offset_seconds(at)
}

const H: i32 = 3600;

#[test]
fn moscow_was_utc4_all_year_until_2014_10_26() {
    for (mo, d) in [(1, 15), (4, 1), (7, 15), (12, 31)] {
        assert_eq!(offset("Europe/Moscow", ms(2013, mo, d, 12, 0, 0)), 4 * H);
    }
    // 02:00 MSK on 2014-10-26 became 01:00.
    let back = ms(2014, 10, 25, 22, 0, 0);
    assert_eq!(offset("Europe/Moscow", back - 1), 4 * H);
    assert_eq!(offset("Europe/Moscow", back), 3 * H);
    assert_eq!(offset("Europe/Moscow", ms(2015, 7, 1, 0, 0, 0)), 3 * H);
    // Before 2011 Moscow had DST; the link W-SU shares the history.
    assert_eq!(offset("Europe/Moscow", ms(2010, 1, 15, 0, 0, 0)), 3 * H);
    assert_eq!(offset("Europe/Moscow", ms(2010, 7, 15, 0, 0, 0)), 4 * H);
    assert_eq!(offset("W-SU", ms(2013, 1, 15, 0, 0, 0)), 4 * H);
}

#[test]
fn istanbul_stopped_dst_in_2016() {
    // 2015's fall back was moved to November 8 for the election.
    assert_eq!(offset("Europe/Istanbul", ms(2015, 11, 1, 0, 0, 0)), 3 * H);
    assert_eq!(offset("Europe/Istanbul", ms(2015, 11, 9, 0, 0, 0)), 2 * H);
    assert_eq!(offset("Europe/Istanbul", ms(2016, 1, 15, 0, 0, 0)), 2 * H);
    // Summer time from March 2016 became permanent UTC+3 on 2016-09-07.
    for (y, mo) in [(2016, 7), (2016, 9), (2016, 11), (2017, 1), (2020, 12)] {
        assert_eq!(offset("Europe/Istanbul", ms(y, mo, 15, 0, 0, 0)), 3 * H);
    }
    assert_eq!(offset("Turkey", ms(2016, 1, 15, 0, 0, 0)), 2 * H);
}

#[test]
fn sao_paulo_had_dst_until_2019() {
    assert_eq!(
        offset("America/Sao_Paulo", ms(2018, 1, 15, 12, 0, 0)),
        -2 * H
    );
    assert_eq!(
        offset("America/Sao_Paulo", ms(2018, 7, 15, 12, 0, 0)),
        -3 * H
    );
    // The last DST period ended at 00:00 local on 2019-02-17.
    let end = ms(2019, 2, 17, 2, 0, 0);
    assert_eq!(offset("America/Sao_Paulo", end - 1), -2 * H);
    assert_eq!(offset("America/Sao_Paulo", end), -3 * H);
    for (y, mo) in [(2019, 11), (2020, 1), (2024, 12), (2031, 1)] {
        assert_eq!(offset("America/Sao_Paulo", ms(y, mo, 15, 12, 0, 0)), -3 * H);
    }
}

#[test]
fn casablanca_goes_back_to_utc_for_ramadan() {
    assert_eq!(offset("Africa/Casablanca", ms(2024, 3, 9, 0, 0, 0)), H);
    let start = ms(2024, 3, 10, 2, 0, 0);
    assert_eq!(offset("Africa/Casablanca", start - 1), H);
    assert_eq!(offset("Africa/Casablanca", start), 0);
    let end = ms(2024, 4, 14, 2, 0, 0);
    assert_eq!(offset("Africa/Casablanca", end - 1), 0);
    assert_eq!(offset("Africa/Casablanca", end), H);
    // Before 2018 Morocco was on UTC+0 with summer time.
    assert_eq!(offset("Africa/Casablanca", ms(2017, 6, 1, 0, 0, 0)), 0);
    assert_eq!(offset("Africa/Casablanca", ms(2017, 7, 15, 0, 0, 0)), H);
    // tzdata predicts Ramadan's dates: 2030's falls in January.
    assert_eq!(offset("Africa/Casablanca", ms(2030, 1, 15, 0, 0, 0)), 0);
    assert_eq!(offset("Africa/Casablanca", ms(2030, 3, 15, 0, 0, 0)), H);
    assert_eq!(offset("Africa/El_Aaiun", ms(2024, 3, 20, 0, 0, 0)), 0);
}

#[test]
fn pyongyang_was_utc830_from_2015_to_2018() {
    let start = ms(2015, 8, 14, 15, 0, 0);
    let end = ms(2018, 5, 4, 15, 0, 0);
    assert_eq!(offset("Asia/Pyongyang", start - 1), 9 * H);
    assert_eq!(offset("Asia/Pyongyang", start), 8 * H + 1800);
    assert_eq!(
        offset("Asia/Pyongyang", ms(2017, 1, 1, 0, 0, 0)),
        8 * H + 1800
    );
    assert_eq!(offset("Asia/Pyongyang", end - 1), 8 * H + 1800);
    assert_eq!(offset("Asia/Pyongyang", end), 9 * H);
}

#[test]
fn zones_whose_rule_never_changed_follow_it() {
    // US rules unchanged since 2007: 2016's DST change is today's rule.
    let spring = ms(2016, 3, 13, 7, 0, 0);
    assert_eq!(offset("America/New_York", spring - 1), -5 * H);
    assert_eq!(offset("America/New_York", spring), -4 * H);
    assert_eq!(offset("Europe/Berlin", ms(2012, 7, 1, 0, 0, 0)), 2 * H);
    assert_eq!(
        offset("Asia/Kolkata", ms(2011, 1, 1, 0, 0, 0)),
        5 * H + 1800
    );
}

/// One sample group of tests/data/tz_samples.txt: zone names and (instant, offset) pairs.
struct Group {
    names: Vec<String>,
    samples: Vec<(i64, i32)>,
}

fn reference_samples() -> Vec<Group> {
    let text = include_str!("data/tz_samples.txt");
    let mut groups: Vec<Group> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(names) = line.strip_prefix("@ ") {
            groups.push(Group {
                names: names.split(' ').map(String::from).collect(),
                samples: Vec::new(),
            });
            continue;
        }
        let (t, off) = line.split_once(' ').unwrap();
        let sample = (t.parse().unwrap(), off.parse().unwrap());
        groups
            .last_mut()
            .unwrap_or_else(|| panic!("line {}: sample before a group", n + 1))
            .samples
            .push(sample);
    }
    groups
}

/// Every zone at random instants from 2010 to 2035 and on both sides of its changes:
/// the offset Python's zoneinfo computed from the same tzdata (scripts/gen-zones.py).
#[test]
fn every_zone_matches_python_zoneinfo() {
    let groups = reference_samples();
    let names: usize = groups.iter().map(|g| g.names.len()).sum();
    let samples: usize = groups.iter().map(|g| g.samples.len()).sum();
    assert!(
        names > 590 && samples > 5000,
        "{names} zones, {samples} samples"
    );
    let mut wrong = Vec::new();
    for g in &groups {
        for name in &g.names {
            let zone = Zone::find(name).unwrap_or_else(|| panic!("{name} is unknown"));
            for &(t, expected) in &g.samples {
                let got = zone.offset_seconds(t * 1000);
                if got != expected {
                    wrong.push(format!("{name} at {t}: {got}, zoneinfo says {expected}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn route(router: &Router, state: &mut leadroute::State, id: &str, at: i64) -> String {
    let json = format!(r#"{{"id": "{id}"}}"#);
    let lead = router.schema().parse_json(&json).unwrap();
    let d = router.route(state, &lead, RouteOptions::at(at));
    d.rep.unwrap_or("-").to_string()
}

#[test]
fn replayed_leads_get_their_dates_working_hours() {
    let router = Router::from_json(
        r#"{
          "reps": [
            {"id": "msk", "hours": {"tz": "Europe/Moscow", "mon": "09:00-18:00"}},
            {"id": "night"}
          ],
          "teams": [{"id": "sales", "members": ["msk"]}],
          "rules": [{"id": "all", "team": "sales"}],
          "fallback": "night"
        }"#,
    )
    .unwrap();
    let mut state = router.new_state();
    // Monday 2013-07-01 05:30 UTC was 09:30 in Moscow (UTC+4 then; 08:30 by today's rule).
    assert_eq!(
        route(&router, &mut state, "L1", ms(2013, 7, 1, 5, 30, 0)),
        "msk"
    );
    // Monday 2026-06-01 05:30 UTC is 08:30 in Moscow.
    assert_eq!(
        route(&router, &mut state, "L2", ms(2026, 6, 1, 5, 30, 0)),
        "night"
    );
}

#[test]
fn replayed_leads_get_their_dates_cap_days() {
    let router = Router::from_json(
        r#"{
          "reps": [
            {"id": "sp", "caps": {"day": 1}, "hours": {"tz": "America/Sao_Paulo",
              "sun": "00:00-24:00", "mon": "00:00-24:00"}},
            {"id": "other"}
          ],
          "teams": [{"id": "sales", "members": ["sp"]}],
          "rules": [{"id": "all", "team": "sales"}],
          "fallback": "other"
        }"#,
    )
    .unwrap();
    let mut state = router.new_state();
    // 01:30 and 02:30 UTC on 2018-01-15 were 23:30 Sunday and 00:30 Monday in Sao Paulo
    // (UTC-2 in the summer of 2018): two local days, one lead each.
    assert_eq!(
        route(&router, &mut state, "L1", ms(2018, 1, 15, 1, 30, 0)),
        "sp"
    );
    assert_eq!(
        route(&router, &mut state, "L2", ms(2018, 1, 15, 2, 30, 0)),
        "sp"
    );
    assert_eq!(
        route(&router, &mut state, "L3", ms(2018, 1, 15, 3, 30, 0)),
        "other"
    );
}
