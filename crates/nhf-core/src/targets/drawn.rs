//! `drawn`: a density the user paints on a grid over a box (docs/TARGETS.md "Hand-drawn").
//!
//! The painted intensities (one per cell, ≥ 0) become a continuous density in two steps:
//! each grid node takes the mean of the (up to four) cells that share it, and the density is
//! bilinear in each cell between its four corner nodes. Together these are the light
//! smoothing: a single painted cell spreads its mass over its 3×3 neighbourhood with the
//! binomial weights [1, 2, 1]/4 ⊗ [1, 2, 1]/4, and the result is continuous.
//!
//! A uniform background of weight [`BACKGROUND`] is mixed in so the log density is finite on
//! the whole box (unpainted regions sit at ln(1e−4 / area), the floor). Sampling is exact for
//! that same mixture: a cell by its mass, then one of its four corners with probability
//! ∝ its node value, then (u, v) from the product density of that corner's bilinear weight
//! (u = √U or 1 − √U per axis). `log_prob` is ln of the bilinear density: smooth inside each
//! cell, with kinks of the gradient on cell edges. Outside the box it falls off like the
//! tabulated densities (value at the nearest box point minus ½ (d/τ)²).

use serde::{Deserialize, Serialize};

use super::grid_density::OUTSIDE_SCALE;
use super::sampling::uniform_in_box;
use super::{Bounds, Objective, SAMPLES_FIRST, Target, TargetError};
use crate::rng::Rng;

/// Share of mass in the uniform background (the floor of an unpainted region).
pub const BACKGROUND: f64 = 1e-4;
/// Allowed range of cells per axis.
pub const CELLS_RANGE: (usize, usize) = (2, 1024);

/// The painted grid: what the app saves in links and files.
///
/// `values[j * nx + i]` is the intensity of cell i (along x, from the left) in row j (along y,
/// from the bottom).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrawnGrid {
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// The box the grid covers.
    pub bounds: Bounds,
    /// Painted intensities, row-major from the bottom row; non-negative, not all zero.
    pub values: Vec<f32>,
}

/// A painted density: validated, smoothed, normalised, with an exact sampler.
#[derive(Clone, Debug)]
pub struct DrawnTarget {
    grid: DrawnGrid,
    h: [f64; 2],
    /// Normalised density at the (nx + 1) × (ny + 1) nodes, row-major, background excluded.
    nodes: Vec<f64>,
    /// Cumulative cell masses (background excluded), for choosing a cell.
    cum: Vec<f64>,
    /// Background density BACKGROUND / area.
    floor: f64,
    outside_precision: f64,
}

impl DrawnTarget {
    /// Validates a painted grid and builds the target. Refuses wrong dimensions, values that
    /// are negative or not finite, a malformed box, and an empty (all-zero) canvas, with a
    /// message naming the problem.
    pub fn from_grid(
        values: &[f32],
        nx: usize,
        ny: usize,
        bounds: Bounds,
    ) -> Result<Self, TargetError> {
        let (lo, hi) = CELLS_RANGE;
        for (name, n) in [("nx", nx), ("ny", ny)] {
            if !(lo..=hi).contains(&n) {
                return Err(TargetError::invalid(
                    name,
                    format!("must be between {lo} and {hi}, got {n}"),
                ));
            }
        }
        if values.len() != nx * ny {
            return Err(TargetError::invalid(
                "values",
                format!(
                    "expected nx × ny = {} values, got {}",
                    nx * ny,
                    values.len()
                ),
            ));
        }
        if let Some((k, v)) = values
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite() || **v < 0.0)
        {
            return Err(TargetError::invalid(
                format!("values[{k}]"),
                format!("must be finite and ≥ 0, got {v}"),
            ));
        }
        for (axis, [a, b]) in bounds.0.iter().enumerate() {
            if !a.is_finite() || !b.is_finite() || a >= b {
                return Err(TargetError::invalid(
                    format!("bounds[{axis}]"),
                    format!("must be finite with minimum below maximum, got [{a}, {b}]"),
                ));
            }
        }
        if values.iter().all(|&v| v == 0.0) {
            return Err(TargetError::invalid(
                "values",
                "the canvas is empty (all zero): paint something first",
            ));
        }
        Ok(Self::build(DrawnGrid {
            nx,
            ny,
            bounds,
            values: values.to_vec(),
        }))
    }

    /// Builds from a saved grid (validated like [`DrawnTarget::from_grid`]).
    pub fn from_drawn_grid(grid: &DrawnGrid) -> Result<Self, TargetError> {
        Self::from_grid(&grid.values, grid.nx, grid.ny, grid.bounds)
    }

    /// The default picture: a filled heart on a 64 × 64 grid over [−4, 4]², painted from the
    /// implicit curve (x² + y² − 1)³ ≤ x² y³.
    pub fn heart() -> Self {
        let n = 64;
        let bounds = Bounds::square(4.0);
        let mut values = vec![0.0_f32; n * n];
        for j in 0..n {
            for i in 0..n {
                let [px, py] = bounds.cell_centre(n, i, j);
                let (x, y) = (px / 3.0, py / 3.0 + 0.1);
                let r = x * x + y * y - 1.0;
                if r * r * r <= x * x * y * y * y {
                    values[j * n + i] = 1.0;
                }
            }
        }
        Self::build(DrawnGrid {
            nx: n,
            ny: n,
            bounds,
            values,
        })
    }

    /// The painted grid (for saving).
    pub fn grid(&self) -> &DrawnGrid {
        &self.grid
    }

    /// Smooths and normalises a grid already validated.
    fn build(grid: DrawnGrid) -> Self {
        let (nx, ny) = (grid.nx, grid.ny);
        let [w, h] = grid.bounds.size();
        let hs = [w / nx as f64, h / ny as f64];
        let cell = |i: usize, j: usize| f64::from(grid.values[j * nx + i]);
        let mut nodes = vec![0.0; (nx + 1) * (ny + 1)];
        for r in 0..=ny {
            for s in 0..=nx {
                let (mut sum, mut count) = (0.0, 0.0);
                for j in r.saturating_sub(1)..(r + 1).min(ny) {
                    for i in s.saturating_sub(1)..(s + 1).min(nx) {
                        sum += cell(i, j);
                        count += 1.0;
                    }
                }
                nodes[r * (nx + 1) + s] = sum / count;
            }
        }
        let mut total = 0.0;
        let mut cum = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let k = j * (nx + 1) + i;
                total += 0.25
                    * (nodes[k] + nodes[k + 1] + nodes[k + nx + 1] + nodes[k + nx + 2])
                    * hs[0]
                    * hs[1];
                cum.push(total);
            }
        }
        let scale = (1.0 - BACKGROUND) / total;
        for v in &mut nodes {
            *v *= scale;
        }
        for c in &mut cum {
            *c /= total;
        }
        Self {
            grid,
            h: hs,
            nodes,
            cum,
            floor: BACKGROUND / (w * h),
            outside_precision: 1.0 / (OUTSIDE_SCALE * w.max(h)).powi(2),
        }
    }

    /// Cell index and position (u, v) ∈ [0, 1]² within it, for a point of the box.
    fn locate(&self, q: [f64; 2]) -> (usize, usize, f64, f64) {
        let b = self.grid.bounds.0;
        let place = |axis: usize, n: usize| {
            let s = (q[axis] - b[axis][0]) / self.h[axis];
            let c = s.floor().clamp(0.0, (n - 1) as f64);
            (c as usize, s - c)
        };
        let ((i, u), (j, v)) = (place(0, self.grid.nx), place(1, self.grid.ny));
        (i, j, u, v)
    }

    /// log density, gradient and Hessian (module comment).
    ///
    /// Inside a cell log p = ln(f + floor) with f bilinear: f_xx = f_yy = 0 and
    /// f_xy = (n11 − n10 − n01 + n00)/(hx hy), so ∇² log p = ∇²f/p − ∇f∇fᵀ/p² =
    /// [[−g₀², f_xy/p − g₀g₁], [·, −g₁²]] with g = ∇f/p the gradient. On cell edges (kinks)
    /// it is the one-sided value of the cell `locate` picks. Outside the box, as in
    /// [`super::grid_density::LogGrid::eval_with_hessian`]: −pr along a clamped axis, no cross
    /// term.
    fn eval(&self, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let [[x0, x1], [y0, y1]] = self.grid.bounds.0;
        let qc = [q[0].clamp(x0, x1), q[1].clamp(y0, y1)];
        let (i, j, u, v) = self.locate(qc);
        let k = j * (self.grid.nx + 1) + i;
        let (n00, n10) = (self.nodes[k], self.nodes[k + 1]);
        let (n01, n11) = (
            self.nodes[k + self.grid.nx + 1],
            self.nodes[k + self.grid.nx + 2],
        );
        let f =
            (1.0 - u) * (1.0 - v) * n00 + u * (1.0 - v) * n10 + (1.0 - u) * v * n01 + u * v * n11;
        let p = f + self.floor;
        let g = [
            ((1.0 - v) * (n10 - n00) + v * (n11 - n01)) / (self.h[0] * p),
            ((1.0 - u) * (n01 - n00) + u * (n11 - n10)) / (self.h[1] * p),
        ];
        let fxy = (n11 - n10 - n01 + n00) / (self.h[0] * self.h[1]);
        let d = [q[0] - qc[0], q[1] - qc[1]];
        let keep = |a: usize| if d[a] == 0.0 { g[a] } else { 0.0 };
        let pr = self.outside_precision;
        let curv = |a: usize| if d[a] == 0.0 { -g[a] * g[a] } else { -pr };
        let xy = if d == [0.0, 0.0] {
            fxy / p - g[0] * g[1]
        } else {
            0.0
        };
        (
            libm::log(p) - 0.5 * pr * (d[0] * d[0] + d[1] * d[1]),
            [keep(0) - pr * d[0], keep(1) - pr * d[1]],
            [[curv(0), xy], [xy, curv(1)]],
        )
    }

    /// One exact draw from the bilinear density plus background.
    fn draw(&self, rng: &mut Rng) -> [f64; 2] {
        if rng.uniform() < BACKGROUND {
            return uniform_in_box(rng, self.grid.bounds);
        }
        let nx = self.grid.nx;
        let pick_cell = rng.uniform();
        let c = self
            .cum
            .partition_point(|&m| m <= pick_cell)
            .min(self.cum.len() - 1);
        let (i, j) = (c % nx, c / nx);
        let k = j * (nx + 1) + i;
        let corners = [
            (self.nodes[k], false, false),
            (self.nodes[k + 1], true, false),
            (self.nodes[k + nx + 1], false, true),
            (self.nodes[k + nx + 2], true, true),
        ];
        let mut pick = rng.uniform() * corners.iter().map(|c| c.0).sum::<f64>();
        let mut chosen = corners[3];
        for corner in corners {
            if pick < corner.0 {
                chosen = corner;
                break;
            }
            pick -= corner.0;
        }
        // Weight u (high corner) has density 2u: u = √U; weight 1 − u: u = 1 − √U.
        let side = |high: bool, r: f64| if high { r.sqrt() } else { 1.0 - r.sqrt() };
        let u = side(chosen.1, rng.uniform());
        let v = side(chosen.2, rng.uniform());
        let b = self.grid.bounds.0;
        [
            b[0][0] + (i as f64 + u) * self.h[0],
            b[1][0] + (j as f64 + v) * self.h[1],
        ]
    }
}

impl Target for DrawnTarget {
    fn id(&self) -> &str {
        "drawn"
    }
    fn name(&self) -> &str {
        "Hand-drawn"
    }
    fn caption(&self) -> &str {
        "Your drawing: the painted grid, lightly smoothed (paint spread to cell corners, bilinear \
         in between) and normalised; exact sampler."
    }
    fn bounds(&self) -> Bounds {
        self.grid.bounds
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
            *slot = self.draw(rng);
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
    fn one_painted_cell_spreads_binomially() {
        // A single cell in the middle of a 5×5 grid on [0, 5]²: cell masses (background
        // aside) must be [1, 2, 1]/4 ⊗ [1, 2, 1]/4 around it.
        let mut values = vec![0.0_f32; 25];
        values[12] = 3.0;
        let t =
            DrawnTarget::from_grid(&values, 5, 5, Bounds([[0.0, 5.0], [0.0, 5.0]])).expect("valid");
        let mass = |c: usize| t.cum[c] - if c == 0 { 0.0 } else { t.cum[c - 1] };
        let w = [0.25, 0.5, 0.25];
        for dj in 0..3 {
            for di in 0..3 {
                let c = (1 + dj) * 5 + 1 + di;
                assert!(
                    (mass(c) - w[di] * w[dj]).abs() < 1e-12,
                    "cell {c}: {}",
                    mass(c)
                );
            }
        }
    }

    #[test]
    fn grid_round_trips_through_json() {
        let t = DrawnTarget::heart();
        let text = serde_json::to_string(t.grid()).expect("serialise");
        let back: DrawnGrid = serde_json::from_str(&text).expect("parse");
        assert_eq!(&back, t.grid());
        assert!(DrawnTarget::from_drawn_grid(&back).is_ok());
    }
}
