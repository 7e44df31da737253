//! `two-spirals` (FFJORD): t = √U · 3π; d = (−t cos t + ½U′, t sin t + ½U″);
//! x = ±d / 3 + 0.1 N(0, I), each sign with probability ½.
//!
//! The three uniforms are independent, as in FFJORD's code (three `rand` calls). Given t and
//! the sign s, x is a point of the spiral plus a uniform square offset s·[0, 1/6]² plus
//! Gaussian noise: a separable kernel, one factor per axis,
//! K_s(u) = 6 [Φ(u/σ) − Φ((u − s/6)/σ)] (s = ±1). The density is the integral of that kernel
//! along the spiral against the density of t, 2t / (3π)² on [0, 3π] (from t = 3π√U).

use std::f64::consts::PI;

use super::{Recipe, Tabulated};
use crate::rng::Rng;
use crate::targets::grid_density::NodeGrid;
use crate::targets::special::normal_cdf;

/// Noise standard deviation.
const SIGMA: f64 = 0.1;
/// Width of the uniform offset after dividing by 3.
const SMEAR: f64 = 0.5 / 3.0;
/// Quadrature points along each spiral (midpoint rule in t; the spacing along the curve is
/// ≤ 0.008, a twelfth of σ, so the rule is exact to rounding away from the curve's ends).
const STEPS: usize = 4000;

/// The two-spirals recipe.
#[derive(Clone, Copy, Debug, Default)]
pub struct TwoSpirals;

impl TwoSpirals {
    /// The target: this recipe with its tabulated density.
    pub fn target() -> Tabulated<Self> {
        Tabulated::new(Self)
    }

    /// Quadrature nodes: (sign, centre of the kernel, weight).
    fn nodes() -> impl Iterator<Item = (f64, [f64; 2], f64)> {
        let t_max = 3.0 * PI;
        let dt = t_max / STEPS as f64;
        (0..STEPS).flat_map(move |k| {
            let t = (k as f64 + 0.5) * dt;
            let w = 0.5 * 2.0 * t / (t_max * t_max) * dt;
            let c = [-t * libm::cos(t) / 3.0, t * libm::sin(t) / 3.0];
            [(1.0, c, w), (-1.0, [-c[0], -c[1]], w)]
        })
    }
}

/// K_s(u): density of (s · uniform[0, 1/6]) + N(0, σ²) at u.
fn kernel(u: f64, s: f64) -> f64 {
    let (a, b) = if s > 0.0 {
        (u - SMEAR, u)
    } else {
        (u, u + SMEAR)
    };
    (normal_cdf(b / SIGMA) - normal_cdf(a / SIGMA)) / SMEAR
}

/// K₊ tabulated on [−reach, reach] with spacing 2e−4, linearly interpolated (relative error
/// < 3e−5 out to 7σ), so tabulation costs no erfc calls; K₋(u) = K₊(−u).
struct KernelTable {
    reach: f64,
    values: Vec<f64>,
}

impl KernelTable {
    const STEP: f64 = 2e-4;

    fn new(reach: f64) -> Self {
        let n = (2.0 * reach / Self::STEP).ceil() as usize + 2;
        Self {
            reach,
            values: (0..n)
                .map(|i| kernel(-reach + i as f64 * Self::STEP, 1.0))
                .collect(),
        }
    }

    fn at(&self, u: f64) -> f64 {
        let s = (u + self.reach) / Self::STEP;
        if s < 0.0 || s >= (self.values.len() - 1) as f64 {
            return 0.0;
        }
        let i = s as usize;
        let t = s - i as f64;
        (1.0 - t) * self.values[i] + t * self.values[i + 1]
    }
}

impl Recipe for TwoSpirals {
    const ID: &'static str = "two-spirals";
    const NAME: &'static str = "Two spirals";
    const CAPTION: &'static str = "Two interleaved noisy spirals (FFJORD toy set); density: noise \
                                   kernel integrated along the spirals, tabulated on a 384² grid.";

    /// Finer than the default: the ridges' log density (a Gaussian smeared by a 1/6-wide
    /// uniform) is far from quadratic, and at 256² the spline's error reached 2%.
    fn cells(&self) -> usize {
        384
    }

    fn draw(&self, rng: &mut Rng) -> [f64; 2] {
        let t = rng.uniform().sqrt() * 540.0 * (2.0 * PI) / 360.0;
        let d = [
            -libm::cos(t) * t + 0.5 * rng.uniform(),
            libm::sin(t) * t + 0.5 * rng.uniform(),
        ];
        let s = if rng.uniform() < 0.5 { 1.0 } else { -1.0 };
        [
            s * d[0] / 3.0 + SIGMA * rng.normal(),
            s * d[1] / 3.0 + SIGMA * rng.normal(),
        ]
    }

    fn tabulate(&self, nodes: &mut NodeGrid) {
        // Beyond 7σ (plus the smear) a kernel is below e^{−24.5} of its peak: far under the
        // background floor.
        let reach = SMEAR + 7.0 * SIGMA;
        let table = KernelTable::new(reach);
        let mut scratch = Vec::new();
        for (s, c, w) in Self::nodes() {
            let k = |u: f64| table.at(s * u);
            nodes.deposit(c, w, [reach, reach], k, k, &mut scratch);
        }
    }

    fn density(&self, q: [f64; 2]) -> f64 {
        Self::nodes()
            .map(|(s, c, w)| w * kernel(q[0] - c[0], s) * kernel(q[1] - c[1], s))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::table_error;
    use super::*;

    #[test]
    fn kernel_integrates_to_one() {
        for s in [1.0, -1.0] {
            let h = 0.001;
            let total: f64 = (0..2000)
                .map(|k| kernel(-1.0 + (f64::from(k) + 0.5) * h, s) * h)
                .sum();
            assert!((total - 1.0).abs() < 1e-6, "{total}");
        }
    }

    #[test]
    fn table_matches_direct_quadrature() {
        // Measured: max |Δ log p| = 0.0195 on a 256² grid, 0.0053 on 384², where p > 1e−3 of the
        // peak (Catmull–Rom against ridges of width ≈ 0.1).
        let (err, shift) = table_error(TwoSpirals, 1, 2000);
        assert!(err < 0.01, "max log error {err}");
        assert!(shift.abs() < 1e-3, "mass outside the box {shift}");
    }
}
