//! Caps hold for any order of `now`: leads routed with times jumping back and forth over
//! weeks never put a rep past a day or week cap in any period (counted here from the
//! decisions alone), and a snapshot/restore midway changes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use leadroute::{RouteOptions, Router, Via};
use proptest::prelude::*;
use std::collections::BTreeMap;

const DAY: i64 = 86_400_000;
/// Monday 2026-11-02 00:00 UTC.
const MONDAY: i64 = 1_793_577_600_000;

fn config(day: [u32; 3], week: [u32; 3]) -> String {
    let reps: Vec<String> = (0..3)
        .map(|i| {
            format!(
                r#"{{"id": "r{i}", "caps": {{"day": {}, "week": {}}}}}"#,
                day[i], week[i]
            )
        })
        .collect();
    format!(
        r#"{{"reps": [{}, {{"id": "fb"}}],
            "teams": [{{"id": "t", "members": ["r0", "r1", "r2"]}}],
            "rules": [{{"id": "all", "team": "t"}}], "fallback": "fb"}}"#,
        reps.join(", ")
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn caps_hold_whatever_the_order_of_now(
        day in prop::array::uniform3(1u32..4),
        week in prop::array::uniform3(2u32..9),
        times in prop::collection::vec(0i64..(21 * 24), 1..120),
        restore_at in 0usize..120,
    ) {
        let text = config(day, week);
        let mut r = Router::from_json(&text).unwrap();
        let mut s = r.new_state();
        let mut per_day: BTreeMap<(usize, i64), u32> = BTreeMap::new();
        let mut per_week: BTreeMap<(usize, i64), u32> = BTreeMap::new();
        for (i, hours) in times.iter().enumerate() {
            if i == restore_at {
                let snap = r.snapshot_json(&s);
                r = Router::from_json(&text).unwrap();
                s = r.restore_json(&snap).unwrap();
            }
            let now = MONDAY + hours * 3_600_000;
            let json = format!(r#"{{"id": "L{i}"}}"#);
            let lead = r.schema().parse_json(&json).unwrap();
            let d = r.route(&mut s, &lead, RouteOptions { trace: false, ..RouteOptions::at(now) });
            if d.via != Via::Team {
                prop_assert_eq!(d.via, Via::Fallback);
                continue;
            }
            let rep: usize = d.rep.unwrap()[1..].parse().unwrap();
            let (dk, wk) = (now.div_euclid(DAY), (now - MONDAY).div_euclid(7 * DAY));
            let nd = per_day.entry((rep, dk)).or_default();
            *nd += 1;
            prop_assert!(*nd <= day[rep], "r{rep} took {nd} leads on day {dk}, cap {}", day[rep]);
            let nw = per_week.entry((rep, wk)).or_default();
            *nw += 1;
            prop_assert!(*nw <= week[rep], "r{rep} took {nw} leads in week {wk}, cap {}", week[rep]);
        }
    }
}
