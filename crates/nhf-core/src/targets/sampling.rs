//! Generic exact samplers used by several targets: rejection from a box under a known bound,
//! and the truncated normal.

use super::Bounds;
use crate::rng::Rng;

/// A uniform point in the box.
pub fn uniform_in_box(rng: &mut Rng, bounds: Bounds) -> [f64; 2] {
    let [[x0, x1], [y0, y1]] = bounds.0;
    [rng.uniform_in(x0, x1), rng.uniform_in(y0, y1)]
}

/// Fills `out` by rejection from the uniform distribution on the box: exact for the density
/// restricted to the box provided `log_bound` ≥ sup of `log_density` there.
pub fn rejection_in_box(
    rng: &mut Rng,
    bounds: Bounds,
    log_bound: f64,
    log_density: impl Fn([f64; 2]) -> f64,
    out: &mut [[f64; 2]],
) {
    for slot in out.iter_mut() {
        *slot = loop {
            let q = uniform_in_box(rng, bounds);
            if libm::log(rng.uniform_open0()) <= log_density(q) - log_bound {
                break q;
            }
        };
    }
}

/// A standard normal draw conditioned on [a, b] (a < b), exact (Robert 1995): plain rejection
/// when the interval holds enough mass, otherwise uniform or translated-exponential proposals.
pub fn truncated_standard_normal(rng: &mut Rng, a: f64, b: f64) -> f64 {
    if b <= 0.0 {
        return -truncated_standard_normal(rng, -b, -a);
    }
    if a <= 0.0 {
        // The interval contains 0. Wider than 2, it holds at least Φ(2) − ½ = 0.48 of the
        // mass, so plain rejection is cheap; narrower, a uniform proposal under the bound 1
        // accepts at least e^{−2} of the time.
        if b - a >= 2.0 {
            loop {
                let x = rng.normal();
                if (a..=b).contains(&x) {
                    return x;
                }
            }
        }
        loop {
            let x = rng.uniform_in(a, b);
            if rng.uniform() <= libm::exp(-0.5 * x * x) {
                return x;
            }
        }
    }
    // 0 < a < b: one-sided tail.
    let lambda = 0.5 * (a + (a * a + 4.0).sqrt());
    if b - a < 1.0 / lambda {
        // Short interval: uniform proposal under the bound e^{−a²/2}.
        loop {
            let x = rng.uniform_in(a, b);
            if rng.uniform() <= libm::exp(0.5 * (a * a - x * x)) {
                return x;
            }
        }
    }
    loop {
        let x = a - libm::log(rng.uniform_open0()) / lambda;
        if x <= b && rng.uniform() <= libm::exp(-0.5 * (x - lambda) * (x - lambda)) {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::special::log_normal_interval;

    /// Mean of the standard normal truncated to [a, b]: (φ(a) − φ(b)) / (Φ(b) − Φ(a)).
    fn truncated_mean(a: f64, b: f64) -> f64 {
        let phi = |x: f64| libm::exp(-0.5 * x * x) / (2.0 * std::f64::consts::PI).sqrt();
        (phi(a) - phi(b)) / libm::exp(log_normal_interval(a, b))
    }

    #[test]
    fn truncated_normal_has_the_right_mean_in_every_regime() {
        let mut rng = Rng::seed_from_u64(11);
        for &(a, b) in &[
            (-2.0, 3.0),
            (-0.2, 0.3),
            (-0.1, 50.0),
            (0.5, 0.7),
            (3.0, 9.0),
            (8.0, 8.1),
            (-9.0, -4.0),
        ] {
            let n = 40_000;
            let mut s = 0.0;
            for _ in 0..n {
                let x = truncated_standard_normal(&mut rng, a, b);
                assert!((a..=b).contains(&x));
                s += x;
            }
            let mean = s / f64::from(n);
            // The sd of a truncated normal is below 1, so 5 standard errors is < 5/√n = 0.025.
            assert!(
                (mean - truncated_mean(a, b)).abs() < 0.025,
                "[{a}, {b}]: {mean}"
            );
        }
    }
}
