//! The classic flow toy densities (docs/TARGETS.md "Classic flow toy densities"; FFJORD
//! `toy_data.py`, scikit-learn generators). Each is defined by its sampling recipe; its
//! log density is the density of that recipe:
//!
//! - exact in closed form for `checkerboard` (with a documented light blur) and `rings`;
//! - tabulated once, on first use, on a 256² grid (384² for the narrow `two-spirals`) for
//!   `two-spirals`, `swissroll` and `moons` (mixtures along a curve: the noise kernel
//!   integrated along the curve by quadrature) and `pinwheel` (change of variables, summed
//!   over all preimages), through [`Tabulated`]. Measured interpolation error, max |Δ ln p|
//!   where p > 1e−3 of its peak: two-spirals 0.005, pinwheel 0.008, swissroll 0.002,
//!   moons 0.002 (see each file's test).

mod checkerboard;
mod moons;
mod pinwheel;
mod rings;
mod swissroll;
mod two_spirals;

use std::sync::OnceLock;

pub use checkerboard::Checkerboard;
pub use moons::Moons;
pub use pinwheel::Pinwheel;
pub use rings::Rings;
pub use swissroll::SwissRoll;
pub use two_spirals::TwoSpirals;

use super::grid_density::{LogGrid, NodeGrid};
use super::sampling::uniform_in_box;
use super::{Bounds, Objective, SAMPLES_FIRST, Target};
use crate::rng::Rng;

/// Share of mass given to a uniform background on the box, so the tabulated log density is
/// finite everywhere (the floor, ln(1e−6 / 64) ≈ −18, sits ~16 nats below a typical peak).
/// Samplers mix it in too.
pub const BACKGROUND: f64 = 1e-6;
/// Cells per axis of the tabulation grid unless a recipe asks for more (cell side
/// 8/256 = 0.031 on [−4, 4]²).
pub const GRID_CELLS: usize = 256;

/// A sampling recipe whose density is tabulated: what a toy file provides.
pub trait Recipe: Send + Sync {
    /// Identifier (docs/TARGETS.md code word).
    const ID: &'static str;
    /// Name for the picker.
    const NAME: &'static str;
    /// One-line caption, saying how the density is computed.
    const CAPTION: &'static str;
    /// The box the density is tabulated on and restricted to.
    fn bounds(&self) -> Bounds {
        Bounds::square(4.0)
    }
    /// Cells per axis of the tabulation grid.
    fn cells(&self) -> usize {
        GRID_CELLS
    }
    /// One draw of the recipe (not yet restricted to the box).
    fn draw(&self, rng: &mut Rng) -> [f64; 2];
    /// The recipe's density at the grid nodes (need not be normalised).
    fn tabulate(&self, nodes: &mut NodeGrid);
    /// The recipe's density at one point by the same quadrature as [`Recipe::tabulate`]
    /// (slow; for checking the table).
    fn density(&self, q: [f64; 2]) -> f64;
}

/// A toy target whose log density is its recipe's density, tabulated on first use.
///
/// The distribution is the recipe restricted to the box, mixed with a uniform background of
/// weight [`BACKGROUND`]; `sample_into` draws exactly from it (recipe draws outside the box
/// are redrawn), and `log_prob` is its interpolated tabulation, normalised over the box.
#[derive(Debug)]
pub struct Tabulated<R> {
    recipe: R,
    table: OnceLock<LogGrid>,
}

impl<R: Recipe> Tabulated<R> {
    /// Wraps a recipe; the table is computed the first time a density is asked for.
    pub fn new(recipe: R) -> Self {
        Self {
            recipe,
            table: OnceLock::new(),
        }
    }

    /// The recipe.
    pub fn recipe(&self) -> &R {
        &self.recipe
    }

    /// The tabulated log density (built on first call).
    pub fn table(&self) -> &LogGrid {
        self.table.get_or_init(|| {
            let n = self.recipe.cells();
            let mut nodes = NodeGrid::new(self.recipe.bounds(), [n, n]);
            self.recipe.tabulate(&mut nodes);
            LogGrid::from_nodes(nodes, BACKGROUND)
        })
    }
}

impl<R: Recipe> Target for Tabulated<R> {
    fn id(&self) -> &str {
        R::ID
    }
    fn name(&self) -> &str {
        R::NAME
    }
    fn caption(&self) -> &str {
        R::CAPTION
    }
    fn bounds(&self) -> Bounds {
        self.recipe.bounds()
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.table().eval(q).0
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.table().eval(q).1
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.table().eval_with_hessian(q).2
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        let bounds = self.recipe.bounds();
        for slot in out.iter_mut() {
            *slot = if rng.uniform() < BACKGROUND {
                uniform_in_box(rng, bounds)
            } else {
                loop {
                    let x = self.recipe.draw(rng);
                    if bounds.contains(x) {
                        break x;
                    }
                }
            };
        }
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        SAMPLES_FIRST
    }
}

/// Normal density with standard deviation `sd` at offset `u`.
fn gauss(u: f64, sd: f64) -> f64 {
    libm::exp(-0.5 * (u / sd) * (u / sd)) / (sd * (2.0 * std::f64::consts::PI).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Largest |log tabulated − log exact| over random points where the density is above
    /// 1e−3 of its peak, comparing the table with the recipe's own quadrature at off-grid
    /// points; and the median log ratio, which is −ln(mass of the recipe inside the box).
    pub(super) fn table_error<R: Recipe>(recipe: R, seed: u64, n: usize) -> (f64, f64) {
        let t = Tabulated::new(recipe);
        let b = t.bounds();
        let table = t.table();
        let mut rng = Rng::seed_from_u64(seed);
        // The table's normalisation: exact = (1 − ε) p / Z + ε / A with Z = ∫_box p, found
        // here by comparing the two on the points themselves (median ratio) rather than
        // trusting either quadrature.
        let points: Vec<[f64; 2]> = (0..n).map(|_| uniform_in_box(&mut rng, b)).collect();
        let exact: Vec<f64> = points.iter().map(|&q| t.recipe().density(q)).collect();
        let peak = exact.iter().copied().fold(0.0, f64::max);
        let mut ratios: Vec<f64> = points
            .iter()
            .zip(&exact)
            .filter(|(_, e)| **e > 1e-2 * peak)
            .map(|(&q, e)| table.eval(q).0 - libm::log(*e))
            .collect();
        ratios.sort_by(f64::total_cmp);
        let shift = ratios[ratios.len() / 2];
        let worst = points
            .iter()
            .zip(&exact)
            .filter(|(_, e)| **e > 1e-3 * peak)
            .map(|(&q, e)| (table.eval(q).0 - shift - libm::log(*e)).abs())
            .fold(0.0, f64::max);
        (worst, shift)
    }
}
