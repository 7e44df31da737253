//! The figure every method of the comparison is measured by: the KL between the histogram of
//! its draws and the target's cell masses on a grid of the target's box (docs/MATH.md §11).

use crate::rng::Rng;
use crate::targets::Target;

/// Exact target draws that make the target's cell masses p̂ of [`binned_kl`].
pub const TARGET_DRAWS: usize = 1_000_000;

/// The share of `points` in each cell of an n×n grid over `bounds` (cell (i, j) at j·n + i),
/// with `prior` added to every cell's count before normalising; points outside the box are
/// left out.
fn cell_shares(points: &[[f64; 2]], bounds: [[f64; 2]; 2], n: usize, prior: f64) -> Vec<f64> {
    let [[x0, x1], [y0, y1]] = bounds;
    let mut counts = vec![prior; n * n];
    for q in points {
        let i = ((q[0] - x0) / (x1 - x0) * n as f64).floor();
        let j = ((q[1] - y0) / (y1 - y0) * n as f64).floor();
        if (0.0..n as f64).contains(&i) && (0.0..n as f64).contains(&j) {
            counts[j as usize * n + i as usize] += 1.0;
        }
    }
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

/// The target's cell masses p̂ on an n×n grid of its box, from `draws` exact draws (seeded, so
/// every method meets the same p̂), each cell's count raised by ½ so that no cell is empty.
/// (The density at the cell centres would not do: a target narrower than a cell, like the
/// strongly correlated Gaussian's 0.1-wide ridge in 1.8-wide cells, puts its mass between
/// centres.)
pub fn target_cells(target: &dyn Target, n: usize, draws: usize) -> Vec<f64> {
    let mut rng = Rng::seed_from_u64(0x6b1);
    let exact = target.sample(draws, &mut rng);
    cell_shares(&exact, target.bounds().0, n, 0.5)
}

/// KL(q̂ ‖ p̂) = Σ_c q̂_c log(q̂_c / p̂_c) over an n×n grid of `bounds`: q̂ the share of `points`
/// inside the box in each cell, p̂ the target's `cells` ([`target_cells`]). Binning biases it
/// upward by about (cells − 1)/(2·draws) for independent draws: 0.008 nats for 1024 cells and
/// 64,000 draws; correlated draws add more, which is part of what it measures for a sampler.
/// Draws outside the box are left out of q̂. Infinite when no draw falls in the box.
pub fn binned_kl_against(
    cells: &[f64],
    points: &[[f64; 2]],
    bounds: [[f64; 2]; 2],
    n: usize,
) -> f64 {
    let inside = cell_shares(points, bounds, n, 0.0);
    if inside.iter().any(|q| q.is_nan()) {
        return f64::INFINITY;
    }
    inside
        .iter()
        .zip(cells)
        .filter(|(q, _)| **q > 0.0)
        .map(|(q, p)| q * (libm::log(*q) - libm::log(*p)))
        .sum()
}

/// The binned KL of `points` against [`TARGET_DRAWS`] exact draws of `target`
/// ([`target_cells`], [`binned_kl_against`]).
pub fn binned_kl(target: &dyn Target, points: &[[f64; 2]], n: usize) -> f64 {
    let cells = target_cells(target, n, TARGET_DRAWS);
    binned_kl_against(&cells, points, target.bounds().0, n)
}
