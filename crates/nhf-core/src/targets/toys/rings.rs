//! `rings` (FFJORD): four circles of radius 3·{1, 0.75, 0.5, 0.25}, equal counts, uniform
//! angles, plus 0.08 N(0, I).
//!
//! Exact density: integrating the Gaussian kernel around a circle of radius r gives
//! p_r(x) = e^{−(ρ − r)² / 2σ²} I₀ₑ(ρr/σ²) / (2πσ²), ρ = |x|, with I₀ₑ the exponentially
//! scaled Bessel function (see `special`), so no tabulation is needed.

use std::f64::consts::TAU;

use crate::rng::Rng;
use crate::targets::special::{bessel_ratio_slope, log_add_exp, log_bessel_i0e_and_ratio};
use crate::targets::{Bounds, Objective, SAMPLES_FIRST, Target};

const SIGMA: f64 = 0.08;
const RADII: [f64; 4] = [3.0, 2.25, 1.5, 0.75];

/// Four concentric noisy circles; exact density and sampler.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rings;

impl Rings {
    /// log p, its gradient and its Hessian.
    ///
    /// log p is a function f(ρ) of the radius alone: ∇ = c q with c = f′(ρ)/ρ, and
    /// ∇² = c I + (c′(ρ)/ρ) q qᵀ. With responsibilities wₖ and per-term cₖ (each term's
    /// f′/ρ), c = Σ wₖ cₖ and c′/ρ = Σ wₖ (cₖ − c)² + Σ wₖ cₖ′/ρ (the first sum from
    /// wₖ′ = wₖ ρ (cₖ − c)), where cₖ′ = (r³/σ⁶) t′(z), z = ρr/σ².
    fn eval(&self, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let rho = libm::hypot(q[0], q[1]);
        let s2 = SIGMA * SIGMA;
        let log_norm = -libm::log(RADII.len() as f64 * TAU * s2);
        let (mut log_p, mut radial) = (f64::NEG_INFINITY, [0.0; 4]);
        let mut logs = [0.0; 4];
        let mut radial_slope = [0.0; 4];
        for (k, &r) in RADII.iter().enumerate() {
            let z = rho * r / s2;
            let (log_i0e, t) = log_bessel_i0e_and_ratio(z);
            logs[k] = log_norm - (rho - r) * (rho - r) / (2.0 * s2) + log_i0e;
            // (1/ρ) d/dρ of this term: −1/σ² + (r²/σ⁴) I₁(z) / (z I₀(z)).
            radial[k] = -1.0 / s2 + r * r / (s2 * s2) * t;
            // Its ρ-derivative over ρ (multiplies q qᵀ, which vanishes at ρ = 0: 0 there).
            radial_slope[k] = if rho > 0.0 {
                r * r * r / (s2 * s2 * s2) * bessel_ratio_slope(z, t) / rho
            } else {
                0.0
            };
            log_p = log_add_exp(log_p, logs[k]);
        }
        let mut per_rho = 0.0;
        let mut w = [0.0; 4];
        for k in 0..RADII.len() {
            w[k] = libm::exp(logs[k] - log_p);
            per_rho += w[k] * radial[k];
        }
        let mut bend = 0.0;
        for k in 0..RADII.len() {
            let d = radial[k] - per_rho;
            bend += w[k] * (d * d + radial_slope[k]);
        }
        let xy = bend * q[0] * q[1];
        (
            log_p,
            [per_rho * q[0], per_rho * q[1]],
            [
                [per_rho + bend * q[0] * q[0], xy],
                [xy, per_rho + bend * q[1] * q[1]],
            ],
        )
    }
}

impl Target for Rings {
    fn id(&self) -> &str {
        "rings"
    }
    fn name(&self) -> &str {
        "Rings"
    }
    fn caption(&self) -> &str {
        "Four concentric noisy circles (FFJORD toy set); exact density (Gaussian kernel \
         averaged around each circle, a Bessel I₀) and sampler."
    }
    fn bounds(&self) -> Bounds {
        Bounds::square(4.0)
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.eval(q).0
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.eval(q).1
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.eval(q).2
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        for slot in out.iter_mut() {
            let r = RADII[rng.below(RADII.len())];
            let a = TAU * rng.uniform();
            *slot = [
                r * libm::cos(a) + SIGMA * rng.normal(),
                r * libm::sin(a) + SIGMA * rng.normal(),
            ];
        }
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        SAMPLES_FIRST
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn density_equals_the_kernel_averaged_around_the_circles() {
        // Direct angular quadrature of the mixture along the four circles (periodic
        // integrand: the midpoint rule with 20000 points is exact to rounding).
        let n = 20_000;
        for q in [
            [0.0, 0.0],
            [2.9, 0.4],
            [-1.0, -1.1],
            [0.5, 0.3],
            [3.5, -3.5],
        ] {
            let mut p = 0.0;
            for &r in &RADII {
                for k in 0..n {
                    let a = TAU * (f64::from(k) + 0.5) / f64::from(n);
                    let d2 = (q[0] - r * libm::cos(a)).powi(2) + (q[1] - r * libm::sin(a)).powi(2);
                    p += libm::exp(-d2 / (2.0 * SIGMA * SIGMA))
                        / (TAU * SIGMA * SIGMA)
                        / f64::from(4 * n);
                }
            }
            let ours = Rings.log_prob(q);
            assert!(
                (ours - libm::log(p)).abs() < 1e-9,
                "{q:?}: {ours} vs {}",
                libm::log(p)
            );
        }
    }
}
