//! `swissroll` (scikit-learn `make_swiss_roll`, noise 1.0, coordinates (x, z), all / 5):
//! t = 1.5π(1 + 2U), x = (t cos t, t sin t) / 5 + 0.2 N(0, I).
//!
//! The density is the isotropic Gaussian kernel (σ = 0.2) integrated along the spiral against
//! the uniform density of t on [1.5π, 4.5π].

use std::f64::consts::PI;

use super::{Recipe, Tabulated, gauss};
use crate::rng::Rng;
use crate::targets::grid_density::NodeGrid;

/// Noise standard deviation (1.0 before dividing by 5).
const SIGMA: f64 = 0.2;
/// Quadrature points along the curve (spacing ≤ 0.013 along it, a fifteenth of σ).
const STEPS: usize = 2000;

/// The swiss-roll recipe.
#[derive(Clone, Copy, Debug, Default)]
pub struct SwissRoll;

impl SwissRoll {
    /// The target: this recipe with its tabulated density.
    pub fn target() -> Tabulated<Self> {
        Tabulated::new(Self)
    }

    /// Quadrature nodes: (centre of the kernel, weight).
    fn nodes() -> impl Iterator<Item = ([f64; 2], f64)> {
        let (t0, t1) = (1.5 * PI, 4.5 * PI);
        let dt = (t1 - t0) / STEPS as f64;
        (0..STEPS).map(move |k| {
            let t = t0 + (k as f64 + 0.5) * dt;
            (
                [t * libm::cos(t) / 5.0, t * libm::sin(t) / 5.0],
                dt / (t1 - t0),
            )
        })
    }
}

impl Recipe for SwissRoll {
    const ID: &'static str = "swissroll";
    const NAME: &'static str = "Swiss roll";
    const CAPTION: &'static str = "Noisy swiss-roll spiral (scikit-learn, as in FFJORD); density: \
                                   noise kernel integrated along the curve, tabulated on a 256² grid.";

    fn draw(&self, rng: &mut Rng) -> [f64; 2] {
        let t = 1.5 * PI * (1.0 + 2.0 * rng.uniform());
        [
            (t * libm::cos(t) + rng.normal()) / 5.0,
            (t * libm::sin(t) + rng.normal()) / 5.0,
        ]
    }

    fn tabulate(&self, nodes: &mut NodeGrid) {
        let reach = 7.0 * SIGMA;
        let k = |u: f64| gauss(u, SIGMA);
        let mut scratch = Vec::new();
        for (c, w) in Self::nodes() {
            nodes.deposit(c, w, [reach, reach], k, k, &mut scratch);
        }
    }

    fn density(&self, q: [f64; 2]) -> f64 {
        Self::nodes()
            .map(|(c, w)| w * gauss(q[0] - c[0], SIGMA) * gauss(q[1] - c[1], SIGMA))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::table_error;
    use super::*;

    #[test]
    fn table_matches_direct_quadrature() {
        // A ridge of width 0.2 on a 0.031 grid. Measured max |Δ log p| = 0.0020 where p > 1e−3
        // of the peak.
        let (err, shift) = table_error(SwissRoll, 2, 2000);
        assert!(err < 0.01, "max log error {err}");
        assert!(shift.abs() < 1e-3, "mass outside the box {shift}");
    }
}
