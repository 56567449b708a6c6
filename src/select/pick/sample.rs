//! Seeded draws for the `learned` pick: SplitMix64, a normal deviate, and Gamma and
//! Beta variates. Hand-written instead of the `rand` crates because the core never
//! reads a random source (every draw comes from a seed the lead id gives, so a
//! decision replays exactly) and the few lines here cost less module size than the
//! crates, whose streams may also change between their versions.

/// SplitMix64: tiny, fast, and its output passes BigCrush; good enough for sampling.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1): never 0, so logarithms stay finite.
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / 9_007_199_254_740_992.0
    }

    /// Standard normal (Box-Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang; a shape under 1 is boosted by one and
    /// scaled back with `U^(1/shape)`.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        // Accepts about 98% of the time for any shape; the cap only guards the loop.
        for _ in 0..64 {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
        d
    }

    /// Beta(a, b) as `X / (X + Y)` with X ~ Gamma(a), Y ~ Gamma(b).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        if x + y > 0.0 {
            x / (x + y)
        } else {
            a / (a + b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn beta_draws_have_the_right_mean_and_variance() {
        let mut r = Rng::new(7);
        for (a, b) in [(0.5, 0.5), (2.0, 8.0), (30.0, 70.0)] {
            let n = 20_000;
            let xs: Vec<f64> = (0..n).map(|_| r.beta(a, b)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            let m = a / (a + b);
            let v = a * b / ((a + b).powi(2) * (a + b + 1.0));
            assert!((mean - m).abs() < 0.01, "mean {mean} vs {m} for ({a}, {b})");
            assert!((var - v).abs() < v * 0.1, "var {var} vs {v} for ({a}, {b})");
        }
    }
}
