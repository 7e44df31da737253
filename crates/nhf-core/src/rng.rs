//! The portable seeded random number generator shared by the engine, the targets and the app.
//!
//! A shared link must reproduce the same run in every browser and in the desktop app, so the
//! stream must not depend on the platform: PCG-64 (MCG variant) is fully specified, and the
//! normal draws use Box–Muller with the `libm` crate (the same pure-Rust code on every target)
//! rather than the platform's libm, whose last bits may differ.

use rand_core::{Rng as _, SeedableRng as _};

/// A seeded, platform-independent random number generator (PCG-64 MCG). Serialisable, so
/// a training run can move between threads or to a Web Worker and continue the same stream.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rng {
    inner: rand_pcg::Pcg64Mcg,
    /// The second Box–Muller draw, kept for the next call to [`Rng::normal`].
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator whose whole stream is determined by `seed`.
    pub fn seed_from_u64(seed: u64) -> Self {
        Self {
            inner: rand_pcg::Pcg64Mcg::seed_from_u64(seed),
            spare_normal: None,
        }
    }

    /// A uniform 64-bit integer.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform on [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on (0, 1]: safe to take the logarithm of.
    pub fn uniform_open0(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// Uniform on [lo, hi).
    pub fn uniform_in(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// A uniform integer in 0..n (n > 0), by Lemire's multiply-shift (bias < 2⁻⁶⁴·n).
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A standard normal draw (Box–Muller, both values used).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let r = libm::sqrt(-2.0 * libm::log(self.uniform_open0()));
        let theta = std::f64::consts::TAU * self.uniform();
        self.spare_normal = Some(r * libm::sin(theta));
        r * libm::cos(theta)
    }

    /// An independent generator derived from this one (for a sub-task such as evaluation),
    /// so that using it does not shift this generator's stream more than one draw.
    pub fn fork(&mut self) -> Self {
        Self::seed_from_u64(self.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_stream() {
        let mut a = Rng::seed_from_u64(7);
        let mut b = Rng::seed_from_u64(7);
        for _ in 0..100 {
            assert_eq!(a.normal().to_bits(), b.normal().to_bits());
        }
    }

    #[test]
    fn normal_draws_have_unit_moments() {
        let mut r = Rng::seed_from_u64(1);
        let n = 200_000;
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z = r.normal();
            s1 += z;
            s2 += z * z;
        }
        let mean = s1 / f64::from(n);
        let var = s2 / f64::from(n) - mean * mean;
        // Standard errors: 1/sqrt(n) = 0.0022 for the mean, sqrt(2/n) = 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "var {var}");
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::seed_from_u64(3);
        let mut seen = [0usize; 5];
        for _ in 0..5000 {
            seen[r.below(5)] += 1;
        }
        assert!(seen.iter().all(|&c| c > 900 && c < 1100), "{seen:?}");
    }
}
