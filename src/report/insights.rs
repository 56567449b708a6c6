//! Insights: what a sales-ops lead should look at first in a report, ranked by the number
//! of leads each concerns, with a stable code, the names in words and the ids.

use serde::{Deserialize, Serialize};

/// Thresholds for the insights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightOptions {
    /// `fallback_share` above this share of assigned leads (default 0.1).
    pub max_fallback_share: f64,
    /// `default_owner_share` above this share of a team's leads (default 0.1).
    pub max_default_owner_share: f64,
}

impl Default for InsightOptions {
    fn default() -> Self {
        InsightOptions {
            max_fallback_share: 0.1,
            max_default_owner_share: 0.1,
        }
    }
}

/// Limits a run must keep (the command line's `--max-fallback-share`,
/// `--max-cap-days`): each is checked into `report.assertions`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Assertions {
    /// The fallback owner's share of assigned leads at most this.
    pub max_fallback_share: Option<f64>,
    /// No rep at a week or month cap for more days of the period than this.
    pub max_cap_days: Option<u32>,
}

/// One assertion, checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssertionResult {
    /// `max_fallback_share` or `max_cap_days`.
    pub code: String,
    pub passed: bool,
    /// What the run measured, and the limit.
    pub value: f64,
    pub limit: f64,
    pub message: String,
}

/// One finding. Codes: `fallback_share`, `default_owner_share`, `rep_at_cap_early`,
/// `pool_expires_unclaimed`, `rule_never_hit`, `rule_shadowed`, `no_rep_could_take`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    pub code: String,
    /// Leads concerned: the ranking key (most first).
    pub impact: u64,
    /// `warning` or `info`.
    pub severity: String,
    /// One sentence with rep, team, pool and rule names.
    pub message: String,
    /// Ids of what it is about (rep, team, pool, rule ids), for links.
    pub ids: Vec<String>,
    /// The share the message quotes, when it quotes one.
    pub share: Option<f64>,
    /// `rep_at_cap_early`: the earliest day of the period at which the cap was reached.
    pub day: Option<u32>,
}

use super::{AccountReport, CloseMatch, Labels, Report, MAX_CLOSE};
use crate::decision::{Decision, Outcome};
use crate::lead::Lead;
use crate::model::Router;
use std::collections::BTreeMap;

/// What a report needs beyond the running counts, gathered lead by lead: which later
/// rules a lead also matched (shadowing), and lead-to-account matches by tier.
pub struct Extra {
    hits: Vec<u64>,
    /// Per rule never hit so far: the earlier rules that took the leads it matches.
    shadowed_by: Vec<BTreeMap<usize, u64>>,
    accounts: Option<AccountReport>,
}

impl Extra {
    pub fn new(router: &Router) -> Extra {
        Extra {
            hits: vec![0; router.rules.len()],
            shadowed_by: vec![BTreeMap::new(); router.rules.len()],
            accounts: router.accounts.as_ref().map(|_| AccountReport::default()),
        }
    }

    pub fn decision(&mut self, router: &Router, lead: &Lead, d: &Decision, index: u64) {
        if d.replayed {
            return;
        }
        self.shadows(router, lead, d);
        self.account(router, lead, d, index);
    }

    /// The rules after the one that decided, still never hit, that match this lead too.
    fn shadows(&mut self, router: &Router, lead: &Lead, d: &Decision) {
        if d.outcome == Outcome::Rejected {
            return;
        }
        let Some(i) = d.rule.and_then(|r| router.rule_ids.get(r)).copied() else {
            return;
        };
        if let Some(h) = self.hits.get_mut(i) {
            *h += 1;
        }
        let computed = router.computed(d.score.as_ref().map(|s| s.total));
        for j in i + 1..router.rules.len() {
            if self.hits.get(j).is_some_and(|h| *h > 0) {
                continue;
            }
            let Some(rule) = router.rules.get(j) else {
                continue;
            };
            if rule.cond.eval(lead, &computed) {
                if let Some(m) = self.shadowed_by.get_mut(j) {
                    *m.entry(i).or_default() += 1;
                }
            }
        }
    }

    fn account(&mut self, router: &Router, lead: &Lead, d: &Decision, index: u64) {
        let (Some(acc), Some(rep)) = (router.accounts.as_ref(), self.accounts.as_mut()) else {
            return;
        };
        rep.leads += 1;
        // The tier classify matched; a lead it did not match (screened out) is matched
        // here, as the report counts every lead.
        let tier = match d.account_tier {
            Some(tier) => tier,
            None => acc
                .find(lead, router.free_email.as_deref())
                .map(|h| h.tier.as_str()),
        };
        match tier {
            Some(tier) => *rep.matched.entry(tier.into()).or_default() += 1,
            None => {
                rep.unmatched += 1;
                let company = acc.company_slot.and_then(|s| lead.get(s).as_str());
                let Some(company) = company.filter(|c| !c.trim().is_empty()) else {
                    return;
                };
                if let Some((ai, score)) = acc.nearest(company) {
                    let Some(a) = acc.get(ai) else { return };
                    rep.close.push(CloseMatch {
                        index,
                        lead_id: lead.id().map(str::to_string),
                        company: company.to_string(),
                        account: a.id.to_string(),
                        account_name: a.name.to_string(),
                        similarity: score,
                    });
                    if rep.close.len() >= 2 * MAX_CLOSE {
                        trim_close(&mut rep.close);
                    }
                }
            }
        }
    }

    /// The report's insights, labels and account matching.
    pub fn fill(&self, router: &Router, opts: &InsightOptions, r: &mut Report) {
        r.labels = labels(router);
        if let Some(acc) = &self.accounts {
            let mut acc = acc.clone();
            trim_close(&mut acc.close);
            let n = acc.leads.max(1) as f64;
            acc.rates = acc
                .matched
                .iter()
                .map(|(k, v)| (k.clone(), *v as f64 / n))
                .collect();
            let all: u64 = acc.matched.values().sum();
            acc.rates.insert("all".into(), all as f64 / n);
            r.accounts = Some(acc);
        }
        r.insights = self.insights(router, opts, r);
    }

    /// Checks `a` against the report.
    pub fn assertions(router: &Router, a: &Assertions, r: &mut Report) {
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        if let Some(limit) = a.max_fallback_share {
            let fallback = r.via.get("fallback").copied().unwrap_or(0);
            let value = if r.outcomes.assigned == 0 {
                0.0
            } else {
                fallback as f64 / r.outcomes.assigned as f64
            };
            let name = router
                .reps
                .get(router.fallback)
                .map_or("", |x| x.name.as_str());
            r.assertions.push(AssertionResult {
                code: "max_fallback_share".into(),
                passed: value <= limit,
                value,
                limit,
                message: format!(
                    "fallback owner {name}: {} of assigned leads (at most {})",
                    pct(value),
                    pct(limit)
                ),
            });
        }
        if let Some(limit) = a.max_cap_days {
            let worst = r
                .reps
                .iter()
                .flat_map(|rep| rep.cap_reached.iter().map(move |c| (rep, c)))
                .max_by(|x, y| {
                    x.1.days_left
                        .cmp(&y.1.days_left)
                        .then(y.1.date.cmp(&x.1.date))
                });
            let value = worst.map_or(0, |(_, c)| c.days_left);
            let message = match worst {
                Some((rep, c)) => format!(
                    "{} at the {} cap for {} days from {} (at most {limit})",
                    rep.name, c.period, c.days_left, c.date
                ),
                None => format!("no rep reached a week or month cap (at most {limit} days)"),
            };
            r.assertions.push(AssertionResult {
                code: "max_cap_days".into(),
                passed: value <= limit,
                value: f64::from(value),
                limit: f64::from(limit),
                message,
            });
        }
    }

    fn insights(&self, router: &Router, opts: &InsightOptions, r: &Report) -> Vec<Insight> {
        let mut out = Vec::new();
        let rep_name = |i: usize| router.reps.get(i).map_or("", |x| x.name.as_str());
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let assigned = r.outcomes.assigned;
        let fallback = r.via.get("fallback").copied().unwrap_or(0);
        if assigned > 0 {
            let share = fallback as f64 / assigned as f64;
            if share > opts.max_fallback_share {
                let id = router.reps.get(router.fallback).map(|x| x.id.clone());
                out.push(Insight {
                    code: "fallback_share".into(),
                    impact: fallback,
                    severity: "warning".into(),
                    message: format!(
                        "The fallback owner {} took {fallback} of {assigned} assigned leads ({}), above {}; with pool expiries and re-routes {} owns {} of all leads",
                        rep_name(router.fallback),
                        pct(share),
                        pct(opts.max_fallback_share),
                        rep_name(router.fallback),
                        pct(r.reps.get(router.fallback).map_or(0.0, |x| x.share)),
                    ),
                    ids: id.into_iter().collect(),
                    share: Some(share),
                    day: None,
                });
            }
        }
        for (t, team) in r.teams.iter().zip(&router.teams) {
            if t.leads == 0 {
                continue;
            }
            let share = t.to_default_owner as f64 / t.leads as f64;
            if share > opts.max_default_owner_share {
                let owner = team.default_owner;
                out.push(Insight {
                    code: "default_owner_share".into(),
                    impact: t.to_default_owner,
                    severity: "warning".into(),
                    message: format!(
                        "Team {}'s default owner {} took {} of its {} leads ({}), above {}",
                        team.name,
                        owner.map_or("", rep_name),
                        t.to_default_owner,
                        t.leads,
                        pct(share),
                        pct(opts.max_default_owner_share)
                    ),
                    ids: std::iter::once(team.id.clone())
                        .chain(owner.and_then(|o| router.reps.get(o)).map(|x| x.id.clone()))
                        .collect(),
                    share: Some(share),
                    day: None,
                });
            }
            // Leads the team placed with nobody in it: why its members could not.
            let fell = t.to_default_owner + t.to_fallback;
            if fell > 0 {
                let mut why: BTreeMap<&str, u64> = BTreeMap::new();
                for m in &team.members {
                    if let Some(rr) = r.reps.get(*m) {
                        for (k, n) in &rr.skipped {
                            *why.entry(k.as_str()).or_default() += n;
                        }
                    }
                }
                let mut why: Vec<(&str, u64)> = why.into_iter().collect();
                why.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                let reasons: Vec<String> = why
                    .iter()
                    .take(3)
                    .map(|(k, n)| format!("{} {n} times", k.replace('_', " ")))
                    .collect();
                out.push(Insight {
                    code: "no_rep_could_take".into(),
                    impact: fell,
                    severity: "warning".into(),
                    message: format!(
                        "{fell} leads for team {} found no member who could take them{}",
                        team.name,
                        if reasons.is_empty() {
                            String::new()
                        } else {
                            format!(" (members were {})", reasons.join(", "))
                        }
                    ),
                    ids: vec![team.id.clone()],
                    share: Some(fell as f64 / t.leads as f64),
                    day: None,
                });
            }
        }
        for (i, rr) in r.reps.iter().enumerate() {
            let early: Vec<&super::CapReached> =
                rr.cap_reached.iter().filter(|c| c.days_left > 0).collect();
            let Some(first) = early.iter().min_by_key(|c| (c.day, c.date.clone())) else {
                continue;
            };
            let missed: u64 = rr
                .skipped
                .iter()
                .filter(|(k, _)| k.starts_with("at_"))
                .map(|(_, n)| *n)
                .sum();
            out.push(Insight {
                code: "rep_at_cap_early".into(),
                impact: missed,
                severity: "warning".into(),
                message: format!(
                    "{} reached the {} cap of {} on day {} ({}), {} days before the {} ended; {missed} leads came while at a cap",
                    rep_name(i),
                    first.period,
                    first.cap,
                    first.day,
                    first.date,
                    first.days_left,
                    first.period
                ),
                ids: vec![rr.id.clone()],
                share: None,
                day: Some(first.day),
            });
        }
        for p in &r.pools {
            if p.expired > 0 {
                out.push(Insight {
                    code: "pool_expires_unclaimed".into(),
                    impact: p.expired,
                    severity: "warning".into(),
                    message: format!(
                        "{} of {} leads in pool {} expired unclaimed",
                        p.expired, p.pooled, p.name
                    ),
                    ids: vec![p.id.clone()],
                    share: (p.pooled > 0).then(|| p.expired as f64 / p.pooled as f64),
                    day: None,
                });
            }
        }
        for (j, rule) in router.rules.iter().enumerate() {
            let hits = r
                .rules
                .iter()
                .find(|x| x.kind == "routing" && x.id == rule.id)
                .map_or(0, |x| x.hits);
            if hits > 0 || r.leads == 0 {
                continue;
            }
            let by = self.shadowed_by.get(j).and_then(|m| {
                m.iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(i, n)| (*i, *n, m.values().sum::<u64>()))
            });
            match by.and_then(|(i, n, all)| Some((router.rules.get(i)?, n, all))) {
                Some((earlier, n, all)) => out.push(Insight {
                    code: "rule_shadowed".into(),
                    impact: all,
                    severity: "warning".into(),
                    message: format!(
                        "Rule {} never decided: the {all} leads it matches were taken by earlier rules ({n} by rule {})",
                        rule.id, earlier.id
                    ),
                    ids: vec![rule.id.clone(), earlier.id.clone()],
                    share: None,
                    day: None,
                }),
                None => out.push(Insight {
                    code: "rule_never_hit".into(),
                    impact: 0,
                    severity: "info".into(),
                    message: format!("Rule {} matched none of the {} leads", rule.id, r.leads),
                    ids: vec![rule.id.clone()],
                    share: None,
                    day: None,
                }),
            }
        }
        // Most leads first; equal ones in the order found (stable).
        out.sort_by_key(|i| std::cmp::Reverse(i.impact));
        out
    }
}

fn trim_close(close: &mut Vec<CloseMatch>) {
    close.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.index.cmp(&b.index))
    });
    close.truncate(MAX_CLOSE);
}

/// Names in words for every id and metric key a report uses.
pub fn labels(router: &Router) -> Labels {
    let rule_label = |t: &crate::model::Target| match t {
        crate::model::Target::Rep(i) => router
            .reps
            .get(*i)
            .map_or(String::new(), |r| format!("to {}", r.name)),
        crate::model::Target::Team(i) => router
            .teams
            .get(*i)
            .map_or(String::new(), |t| format!("to team {}", t.name)),
        crate::model::Target::Pool(i) => router
            .pools
            .get(*i)
            .map_or(String::new(), |p| format!("to pool {}", p.name)),
        crate::model::Target::AccountOwner => "to the account owner".to_string(),
    };
    let metrics = [
        ("leads", "Leads routed"),
        ("outcomes.assigned", "Assigned to a rep"),
        ("outcomes.pooled", "Sent to a pool"),
        ("outcomes.nurture", "Nurture (below the MQL threshold)"),
        ("outcomes.rejected", "Rejected by screening"),
        ("unmatched", "Matched no rule (to the fallback owner)"),
        ("rejected_by.*", "Rejected by screening rule"),
        ("via.*", "Placed by"),
        ("rules.*.hits", "Leads the rule decided"),
        ("pools.*.pooled", "Leads sent to the pool"),
        ("pools.*.claimed", "Claimed by a member"),
        ("pools.*.expired", "Expired unclaimed"),
        (
            "pools.*.time_to_claim.p50_minutes",
            "Median minutes to claim",
        ),
        (
            "pools.*.time_to_claim.p90_minutes",
            "90th percentile minutes to claim",
        ),
        ("sla.reminders", "SLA reminders"),
        ("sla.escalations", "SLA escalations"),
        ("sla.reassigned", "Re-routed after an SLA breach"),
        ("sla.pool_expired", "Pool expiries"),
        ("reps.*.leads", "Leads owned"),
        ("reps.*.share", "Share of owned leads"),
        ("reps.*.peak_month", "Most leads in one month"),
        ("reps.*.conversion_rate", "Conversion rate"),
        ("reps.*.revenue", "Revenue"),
        ("teams.*.leads", "Leads placed by the team"),
        (
            "teams.*.spread",
            "Spread between members (most minus fewest)",
        ),
        (
            "teams.*.gini",
            "Unevenness between members (Gini, 0 = even)",
        ),
        ("score.mean", "Average score"),
        ("conversion.rate", "Conversion rate of all leads"),
        ("conversion.revenue", "Revenue of all leads"),
        (
            "assigned_conversion.rate",
            "Conversion rate of assigned leads",
        ),
    ];
    Labels {
        reps: router
            .reps
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect(),
        teams: router
            .teams
            .iter()
            .map(|t| (t.id.clone(), t.name.clone()))
            .collect(),
        pools: router
            .pools
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect(),
        rules: router
            .rules
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    format!("{} ({})", r.id, rule_label(&r.target)),
                )
            })
            .collect(),
        metrics: metrics
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}
