//! Off-policy estimates from decision logs: what another policy would have converted, read
//! from the decisions the learned pick made (their `propensity`) and the outcomes, with no
//! new traffic. Inverse propensity weighting, its self-normalised form and the effective
//! sample size that says how much to trust them.

use serde::{Deserialize, Serialize};

/// One logged decision: the logging policy's probability of the rep it chose, the
/// target policy's probability of that same rep, and the outcome (1 converted, or a value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Logged {
    pub propensity: f64,
    pub target: f64,
    pub reward: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean of `reward × target / propensity`: unbiased when the propensities are exact
    /// and every rep the target may choose had a chance.
    pub ips: f64,
    /// The same weights normalised to sum to one: a little biased, much less variable.
    pub snips: f64,
    /// `(Σw)² / Σw²`: how many decisions the estimate is really worth.
    pub effective_n: f64,
    pub n: usize,
}

/// The estimate over `logs`; `None` when no entry has a usable propensity.
pub fn estimate(logs: &[Logged]) -> Option<Estimate> {
    let mut acc = Accumulator::default();
    for l in logs {
        acc.add(l);
    }
    acc.estimate()
}

/// The running sums behind [`estimate`], so a long replay keeps four numbers, not a log.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Accumulator {
    n: usize,
    sum_w: f64,
    sum_w2: f64,
    sum_wr: f64,
}

impl Accumulator {
    /// Counts `l` when its propensity is usable (in (0, 1]).
    pub fn add(&mut self, l: &Logged) {
        if !(l.propensity > 0.0 && l.propensity <= 1.0 && l.target.is_finite()) {
            return;
        }
        let w = l.target / l.propensity;
        self.n += 1;
        self.sum_w += w;
        self.sum_w2 += w * w;
        self.sum_wr += w * l.reward;
    }

    pub fn estimate(&self) -> Option<Estimate> {
        (self.n > 0 && self.sum_w > 0.0).then(|| Estimate {
            ips: self.sum_wr / self.n as f64,
            snips: self.sum_wr / self.sum_w,
            effective_n: self.sum_w * self.sum_w / self.sum_w2,
            n: self.n,
        })
    }
}

/// The rep a decision chose and the members it could have chosen (the learned pick's
/// tier: drawn, or owed a lead under the floor), from its trace.
pub fn eligible<'a>(trace: &'a crate::decision::Trace<'_>) -> impl Iterator<Item = &'a str> {
    use crate::decision::CandidateReason as R;
    trace
        .candidates
        .iter()
        .filter(|c| {
            matches!(
                c.reason,
                R::HighestDraw | R::LowerDraw | R::FairnessFloor | R::OverriddenByFloor
            )
        })
        .map(|c| c.rep)
}

/// A simulation's off-policy line: from the decisions of learned teams that have a
/// known outcome (`converted` in the input), what a uniform choice among the same
/// eligible members would have converted, next to what the logged choices did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OffPolicyReport {
    /// The policy estimated: `uniform` (round robin's random counterpart).
    pub target: String,
    /// Decisions with a propensity and a known outcome.
    pub decisions: u64,
    /// Their conversion rate as logged (the learned pick's own).
    pub logged_rate: f64,
    pub ips: f64,
    pub snips: f64,
    pub effective_n: f64,
}

/// Collects a replay's learned decisions for [`OffPolicyReport`]; needs their traces
/// (for the eligible members), so a replay asks for them when a team learns.
#[derive(Debug, Clone, Default)]
pub struct SimLog {
    acc: Accumulator,
    conversions: u64,
    pub wants_trace: bool,
}

impl SimLog {
    pub fn new(router: &crate::Router) -> SimLog {
        SimLog {
            wants_trace: router.teams().iter().any(|t| t.select.learned.is_some()),
            ..SimLog::default()
        }
    }

    pub fn decision(&mut self, d: &crate::Decision<'_>, converted: Option<bool>) {
        let (Some(q), Some(trace), Some(converted)) = (d.propensity, d.trace.as_ref(), converted)
        else {
            return;
        };
        let k = eligible(trace).count().max(1) as f64;
        let before = self.acc.n;
        self.acc.add(&Logged {
            propensity: q,
            target: 1.0 / k,
            reward: f64::from(u8::from(converted)),
        });
        if self.acc.n > before && converted {
            self.conversions += 1;
        }
    }

    pub fn report(&self) -> Option<OffPolicyReport> {
        let e = self.acc.estimate()?;
        Some(OffPolicyReport {
            target: "uniform".into(),
            decisions: e.n as u64,
            logged_rate: self.conversions as f64 / e.n as f64,
            ips: e.ips,
            snips: e.snips,
            effective_n: e.effective_n,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_the_propensities() {
        // Logged 80/20 between two reps; the target is 50/50. Rep A converts 1 in 2 of
        // its leads, rep B every one: the target's true rate is 0.75.
        let mut logs = Vec::new();
        for i in 0..8 {
            logs.push(Logged {
                propensity: 0.8,
                target: 0.5,
                reward: f64::from(u8::from(i % 2 == 0)),
            });
        }
        for _ in 0..2 {
            logs.push(Logged {
                propensity: 0.2,
                target: 0.5,
                reward: 1.0,
            });
        }
        let e = estimate(&logs).unwrap();
        assert!((e.ips - 0.75).abs() < 1e-12, "{e:?}");
        assert!((e.snips - 0.75).abs() < 1e-12, "{e:?}");
        assert_eq!(e.n, 10);
        assert!((e.effective_n - 6.4).abs() < 1e-12, "{e:?}");
        assert_eq!(estimate(&[]), None);
    }
}
