//! Measuring a fit (docs/MATH.md §5): grid KL(target ‖ model) computed progressively, held-out
//! negative log-likelihood, effective sample size for the reverse-KL objective, and the
//! correlation between the learned potential and −log p_target.

use super::config::FlowConfig;
use super::flow::{Flow, log_density_with};
use super::leapfrog::Direction;
use super::mlp::TILE;
use super::objective::Workspace;
use crate::rng::Rng;
use crate::targets::{Bounds, Target};

/// Importance draws S per point with which the command line measures a fit (grid KL, held-out
/// NLL) unless told otherwise. The IW estimate of a log density is low on average, and most
/// where the model is sharp, so too few draws overstate the KL: 64, the value before this one,
/// did so by about the distance of 8gaussians to its bar, and 256 comes close to the converged
/// figure at a quarter of the cost of 1024 (docs/FITS.md "The measurement: how many draws").
pub const EVAL_DRAWS: usize = 256;

/// Weight of the uniform density mixed into the model's grid density, so that one cell where
/// the model underflows cannot dominate the sum (docs/MATH.md §5).
pub const UNIFORM_MIX: f64 = 1e-4;

/// Normalises log-densities on a grid of cells of area `cell_area` into densities.
fn normalise(log_values: &[f64], cell_area: f64) -> Vec<f64> {
    let max = log_values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return vec![0.0; log_values.len()];
    }
    let mut out: Vec<f64> = log_values
        .iter()
        .map(|v| if v.is_finite() { (v - max).exp() } else { 0.0 })
        .collect();
    let total: f64 = out.iter().sum::<f64>() * cell_area;
    out.iter_mut().for_each(|v| *v /= total);
    out
}

/// KL(target ‖ model) on an N×N grid over the target's box, the model's density from the
/// importance-weighted bound, advanced a slice of cells per call so a UI never freezes.
pub struct GridEval {
    /// Cells per side.
    pub n: usize,
    /// The grid's box.
    pub bounds: Bounds,
    /// Importance draws S per cell.
    pub draws: usize,
    /// The target's density on the grid, normalised over it (cell (i, j) at j·n + i).
    pub target_density: Vec<f64>,
    /// The model's log density per cell (filled as evaluation advances).
    pub model_log_density: Vec<f64>,
    cells: Vec<[f64; 2]>,
    cursor: usize,
    rng: Rng,
    work: Option<(FlowConfig, Workspace<f32>)>,
}

impl GridEval {
    /// A grid evaluation of `n`×`n` cells with `draws` importance draws per cell.
    pub fn new(target: &dyn Target, n: usize, draws: usize, seed: u64) -> Self {
        let bounds = target.bounds();
        let cells = bounds.cell_centres(n);
        let log_t: Vec<f64> = cells.iter().map(|&q| target.log_prob(q)).collect();
        let [w, h] = bounds.size();
        let target_density = normalise(&log_t, w * h / (n * n) as f64);
        Self {
            n,
            bounds,
            draws,
            target_density,
            model_log_density: vec![f64::NEG_INFINITY; n * n],
            cells,
            cursor: 0,
            rng: Rng::seed_from_u64(seed),
            work: None,
        }
    }

    fn cell_area(&self) -> f64 {
        let [w, h] = self.bounds.size();
        w * h / (self.n * self.n) as f64
    }

    /// Evaluates up to `max_cells` more cells of `flow`; returns whether the grid is complete.
    pub fn advance(&mut self, flow: &Flow, max_cells: usize) -> bool {
        let total = self.n * self.n;
        if self.cursor >= total {
            return true;
        }
        let ws = match &mut self.work {
            Some((cfg, ws)) if *cfg == flow.config => ws,
            _ => {
                &mut self
                    .work
                    .insert((flow.config.clone(), Workspace::new(&flow.config)))
                    .1
            }
        };
        // Whole tiles only, so that the random draws fall on the same cells however the grid
        // is sliced: a progressive evaluation equals a one-pass one exactly.
        let slice = max_cells.max(1).div_ceil(TILE) * TILE;
        let end = (self.cursor + slice).min(total);
        log_density_with(
            flow,
            &self.cells[self.cursor..end],
            self.draws,
            &mut self.rng,
            &mut self.model_log_density[self.cursor..end],
            ws,
        );
        self.cursor = end;
        self.cursor >= total
    }

    /// Cells evaluated so far (they are evaluated in order: cell `j·n + i` at index `j·n + i`).
    pub fn evaluated(&self) -> usize {
        self.cursor
    }

    /// Takes the log densities of cells `start ..` evaluated elsewhere — by the same grid on
    /// another thread, for the same flow — and returns whether it took them. Cells must
    /// arrive in order: `false` and no change if `start` is not the next cell or the values
    /// overrun the grid.
    pub fn accept(&mut self, start: usize, values: &[f64]) -> bool {
        let end = start + values.len();
        if start != self.cursor || end > self.n * self.n {
            return false;
        }
        self.model_log_density[start..end].copy_from_slice(values);
        self.cursor = end;
        true
    }

    /// Fraction of cells evaluated.
    pub fn progress(&self) -> f64 {
        self.cursor as f64 / (self.n * self.n) as f64
    }

    /// Whether every cell is evaluated.
    pub fn is_done(&self) -> bool {
        self.cursor >= self.n * self.n
    }

    /// The model's density on the grid, normalised and mixed with [`UNIFORM_MIX`] of the
    /// uniform density (only meaningful once done).
    pub fn model_density(&self) -> Vec<f64> {
        let area = self.cell_area();
        let uniform = 1.0 / (area * (self.n * self.n) as f64);
        normalise(&self.model_log_density, area)
            .into_iter()
            .map(|p| (1.0 - UNIFORM_MIX) * p + UNIFORM_MIX * uniform)
            .collect()
    }

    /// KL(target ‖ model) in nats, once every cell is evaluated.
    pub fn kl(&self) -> Option<f64> {
        if !self.is_done() {
            return None;
        }
        let area = self.cell_area();
        let model = self.model_density();
        let kl = self
            .target_density
            .iter()
            .zip(&model)
            .filter(|(pt, _)| **pt > 0.0)
            .map(|(pt, pm)| pt * (pt / pm).ln() * area)
            .sum();
        Some(kl)
    }
}

/// Grid KL of a flow against a target in one call (blocking; for the CLI and tests).
pub fn grid_kl(flow: &Flow, target: &dyn Target, n: usize, draws: usize, seed: u64) -> f64 {
    let mut grid = GridEval::new(target, n, draws, seed);
    grid.advance(flow, n * n);
    grid.kl().unwrap_or(f64::NAN)
}

/// Mean negative log-likelihood of `n` fresh target samples (or of at most `n` of a sample
/// file's held-out rows) under the model's importance-weighted density with `draws` draws.
pub fn heldout_nll(flow: &Flow, target: &dyn Target, n: usize, draws: usize, rng: &mut Rng) -> f64 {
    // A sample file's held-out rows when it has them (never trained on), else fresh draws.
    let points = match target.held_out() {
        Some(rows) => rows[..n.min(rows.len())].to_vec(),
        None => target.sample(n, rng),
    };
    let n = points.len();
    let mut log_rho = vec![0.0; n];
    flow.log_density(&points, draws, rng, &mut log_rho);
    -log_rho.iter().sum::<f64>() / n as f64
}

/// Importance-sampling quality of a reverse-KL fit (docs/MATH.md §2b, §5).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ImportanceReport {
    /// Effective sample size as a fraction of the draws: (Σw)² / (M Σw²).
    pub ess_fraction: f64,
    /// E[log π₀(q₀,p₀) − log π̃(q_T) − log r(p_T)]: the joint reverse KL when π̃ is normalised
    /// (an upper bound on the marginal one), else that up to log Z.
    pub reverse_kl: f64,
}

/// The importance-sampling effective sample size as a fraction of the draws,
/// (Σw)² / (n Σw²) for weights w = e^{log_w} (docs/MATH.md §5); a draw whose log weight is not
/// finite counts as weight 0. Computed from the largest log weight down, so no weight overflows.
pub fn ess_fraction(log_w: &[f64]) -> f64 {
    let max = log_w
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return 0.0;
    }
    let (s1, s2) = log_w
        .iter()
        .filter(|v| v.is_finite())
        .fold((0.0, 0.0), |(s1, s2), v| {
            let w = (v - max).exp();
            (s1 + w, s2 + w * w)
        });
    s1 * s1 / (s2 * log_w.len() as f64)
}

/// ESS and reverse KL from `m` draws pushed through the generative map.
pub fn importance_report(
    flow: &Flow,
    target: &dyn Target,
    m: usize,
    rng: &mut Rng,
) -> ImportanceReport {
    let (q0, p0) = flow.base_draws(m, rng);
    let base = flow.base();
    let (mut q, mut p) = (q0.clone(), p0.clone());
    flow.map(Direction::Generate, &mut q, &mut p);
    let log_r = flow.log_momentum_model(&q, &p);
    let log_w: Vec<f64> = (0..m)
        .map(|i| {
            let log_prior = base.log_prob(q0[i], p0[i]);
            target.log_prob(q[i]) + log_r[i] - log_prior
        })
        .collect();
    let finite: Vec<f64> = log_w.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return ImportanceReport {
            ess_fraction: 0.0,
            reverse_kl: f64::INFINITY,
        };
    }
    ImportanceReport {
        ess_fraction: ess_fraction(&log_w),
        reverse_kl: -finite.iter().sum::<f64>() / finite.len() as f64,
    }
}

/// The p_target-weighted correlation over an n×n grid between the first block's learned
/// potential V and −log p_target: the paper's interpretability claim (fixed kinetic, K = 1,
/// where V should approach −log p + const).
pub fn potential_correlation(flow: &Flow, target: &dyn Target, n: usize) -> f64 {
    let bounds = target.bounds();
    let cells = bounds.cell_centres(n);
    let v = flow.potential(0, &cells);
    let log_t: Vec<f64> = cells.iter().map(|&q| target.log_prob(q)).collect();
    let weights = normalise(&log_t, 1.0);
    let neg_log: Vec<f64> = log_t.iter().map(|l| -l).collect();
    weighted_correlation(&v, &neg_log, &weights)
}

/// Pearson correlation of x and y under weights w (non-negative, not necessarily normalised).
pub fn weighted_correlation(x: &[f64], y: &[f64], w: &[f64]) -> f64 {
    let total: f64 = w.iter().sum();
    let mean = |v: &[f64]| v.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / total;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..x.len() {
        if !(x[i].is_finite() && y[i].is_finite()) || w[i] == 0.0 {
            continue;
        }
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += w[i] * dx * dy;
        sxx += w[i] * dx * dx;
        syy += w[i] * dy * dy;
    }
    sxy / (sxx * syy).sqrt()
}

/// Weighted least-squares line y ≈ slope·x + intercept under weights w (non-negative);
/// non-finite pairs are skipped. NaN when x has no spread.
pub fn weighted_fit(x: &[f64], y: &[f64], w: &[f64]) -> (f64, f64) {
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    let ok = |i: usize| x[i].is_finite() && y[i].is_finite() && w[i] > 0.0;
    for i in (0..x.len()).filter(|&i| ok(i)) {
        sw += w[i];
        sx += w[i] * x[i];
        sy += w[i] * y[i];
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for i in (0..x.len()).filter(|&i| ok(i)) {
        sxy += w[i] * (x[i] - mx) * (y[i] - my);
        sxx += w[i] * (x[i] - mx) * (x[i] - mx);
    }
    let slope = if sxx > 0.0 { sxy / sxx } else { f64::NAN };
    (slope, my - slope * mx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_fit_recovers_a_line_and_ignores_zero_weights() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [2.5, 4.5, 6.5, 8.5, 100.0];
        let w = [0.3, 0.1, 0.4, 0.2, 0.0];
        let (a, b) = weighted_fit(&x, &y, &w);
        assert!(
            (a - 2.0).abs() < 1e-12 && (b - 0.5).abs() < 1e-12,
            "{a} {b}"
        );
        assert!(
            weighted_fit(&[1.0, 1.0], &[0.0, 1.0], &[1.0, 1.0])
                .0
                .is_nan()
        );
    }

    #[test]
    fn weighted_correlation_of_a_line_is_one() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [3.0, 5.0, 7.0, 9.0];
        let w = [0.1, 0.5, 0.2, 0.2];
        assert!((weighted_correlation(&x, &y, &w) - 1.0).abs() < 1e-12);
        let y_neg = [-1.0, -2.0, -3.0, -4.0];
        assert!((weighted_correlation(&x, &y_neg, &w) + 1.0).abs() < 1e-12);
    }

    #[test]
    fn normalise_integrates_to_one() {
        let d = normalise(&[0.0, 1.0, f64::NEG_INFINITY, -2.0], 0.5);
        assert!((d.iter().sum::<f64>() * 0.5 - 1.0).abs() < 1e-12);
        assert_eq!(d[2], 0.0);
    }

    #[test]
    fn cells_evaluated_elsewhere_complete_a_grid_exactly() {
        let target = crate::targets::by_id("8gaussians").unwrap();
        let flow = Flow::new(FlowConfig::default(), 3).unwrap();
        let mut far = GridEval::new(target.as_ref(), 8, 4, 7);
        let mut near = GridEval::new(target.as_ref(), 8, 4, 7);
        assert!(!near.accept(8, &[0.0; 8]), "cells out of order are refused");
        assert!(
            !near.accept(0, &[0.0; 65]),
            "cells past the grid are refused"
        );
        assert_eq!(near.evaluated(), 0);
        while !far.advance(&flow, 16) {
            let from = near.evaluated();
            assert!(near.accept(from, &far.model_log_density[from..far.evaluated()]));
        }
        let from = near.evaluated();
        assert!(near.accept(from, &far.model_log_density[from..]));
        assert!(near.is_done());
        let one_pass = grid_kl(&flow, target.as_ref(), 8, 4, 7);
        assert_eq!(near.kl().unwrap().to_bits(), one_pass.to_bits());
    }
}
