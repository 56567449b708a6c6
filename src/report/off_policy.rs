//! Off-policy estimates from decision logs: what another policy would have converted, read
//! from the decisions the learned pick made (their `propensity`) and the outcomes, with no
//! new traffic. Inverse propensity weighting, its self-normalised form and the effective
//! sample size that says how much to trust them.

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
    let (mut n, mut sum_w, mut sum_w2, mut sum_wr) = (0usize, 0.0, 0.0, 0.0);
    for l in logs {
        if !(l.propensity > 0.0 && l.propensity <= 1.0 && l.target.is_finite()) {
            continue;
        }
        let w = l.target / l.propensity;
        n += 1;
        sum_w += w;
        sum_w2 += w * w;
        sum_wr += w * l.reward;
    }
    (n > 0 && sum_w > 0.0).then(|| Estimate {
        ips: sum_wr / n as f64,
        snips: sum_wr / sum_w,
        effective_n: sum_w * sum_w / sum_w2,
        n,
    })
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
