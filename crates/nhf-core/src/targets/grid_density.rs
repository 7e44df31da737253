//! Tabulated log densities: the shared machinery for targets whose density has no closed form.
//!
//! A density is computed once at the nodes of a regular grid over the box (plus one ring of
//! ghost nodes outside it, so every cell has a full interpolation stencil), mixed with a small
//! uniform background so its logarithm is finite everywhere, and interpolated in log space by
//! bicubic Catmull–Rom splines. That interpolant is C¹ — the gradient is continuous and agrees
//! with finite differences of the value everywhere, cell edges included — and reproduces
//! quadratics exactly, so the log of a Gaussian ridge is interpolated with little error. The
//! result is normalised over the box by Gauss–Legendre quadrature of the interpolant itself,
//! so the reported density integrates to 1 over the box.
//!
//! Outside the box the tabulated distribution has no mass. To keep values finite and give an
//! optimiser a way back, `log_prob` there is the value at the nearest box point minus
//! ½ (d / τ)², d the distance to the box and τ = [`OUTSIDE_SCALE`] × the longer box side.

use super::Bounds;

/// τ of the quadratic fall-off outside the box, as a fraction of the longer box side.
pub const OUTSIDE_SCALE: f64 = 0.05;

/// Linear density values at the nodes of a grid over the box, including one ghost node
/// beyond each edge: node (s, r) sits at (x₀ + (s − 1) hx, y₀ + (r − 1) hy) for
/// s = 0..=nx+2, r = 0..=ny+2.
#[derive(Clone, Debug)]
pub struct NodeGrid {
    /// The box the grid covers.
    pub bounds: Bounds,
    /// Number of cells along x and y.
    pub cells: [usize; 2],
    /// Cell width and height.
    pub h: [f64; 2],
    /// Values, row-major: index r · (nx + 3) + s.
    pub values: Vec<f64>,
}

impl NodeGrid {
    /// All zeros, `cells` cells per axis.
    pub fn new(bounds: Bounds, cells: [usize; 2]) -> Self {
        let [w, h] = bounds.size();
        Self {
            bounds,
            cells,
            h: [w / cells[0] as f64, h / cells[1] as f64],
            values: vec![0.0; (cells[0] + 3) * (cells[1] + 3)],
        }
    }

    /// Number of stored nodes along x and y (cells + 3).
    pub fn stored(&self) -> [usize; 2] {
        [self.cells[0] + 3, self.cells[1] + 3]
    }

    /// Coordinate of stored node `s` along `axis`.
    pub fn coord(&self, axis: usize, s: usize) -> f64 {
        self.bounds.0[axis][0] + (s as f64 - 1.0) * self.h[axis]
    }

    /// Sets every node to `f` at its position.
    pub fn fill(&mut self, f: impl Fn([f64; 2]) -> f64) {
        let [sx, sy] = self.stored();
        for r in 0..sy {
            let y = self.coord(1, r);
            for s in 0..sx {
                self.values[r * sx + s] = f([self.coord(0, s), y]);
            }
        }
    }

    /// The range of stored node indices along `axis` within `reach` of `centre`.
    fn span(&self, axis: usize, centre: f64, reach: f64) -> std::ops::Range<usize> {
        let last = self.cells[axis] + 2;
        let lo = ((centre - reach - self.bounds.0[axis][0]) / self.h[axis] + 1.0).ceil();
        let hi = ((centre + reach - self.bounds.0[axis][0]) / self.h[axis] + 1.0).floor();
        let lo = lo.clamp(0.0, last as f64 + 1.0) as usize;
        let hi = hi.clamp(-1.0, last as f64) as isize;
        lo..(hi + 1).max(lo as isize) as usize
    }

    /// Adds `weight · kx(x − cx) · ky(y − cy)` to every node within `reach` of `centre`
    /// (per axis): one point of a mixture along a curve whose noise kernel is separable.
    /// `scratch` holds the 1D kernel values between calls, so the loop does not allocate.
    pub fn deposit(
        &mut self,
        centre: [f64; 2],
        weight: f64,
        reach: [f64; 2],
        kx: impl Fn(f64) -> f64,
        ky: impl Fn(f64) -> f64,
        scratch: &mut Vec<f64>,
    ) {
        let xs = self.span(0, centre[0], reach[0]);
        let ys = self.span(1, centre[1], reach[1]);
        if xs.is_empty() || ys.is_empty() {
            return;
        }
        scratch.clear();
        scratch.extend(xs.clone().map(|s| kx(self.coord(0, s) - centre[0])));
        let stride = self.stored()[0];
        for r in ys {
            let wy = weight * ky(self.coord(1, r) - centre[1]);
            let row = &mut self.values[r * stride + xs.start..r * stride + xs.end];
            for (v, k) in row.iter_mut().zip(scratch.iter()) {
                *v += wy * k;
            }
        }
    }
}

/// Catmull–Rom weights for the four nodes around fractional position t ∈ [0, 1], and their
/// derivatives with respect to t.
fn catmull_rom(t: f64) -> ([f64; 4], [f64; 4]) {
    let (t2, t3) = (t * t, t * t * t);
    (
        [
            0.5 * (-t3 + 2.0 * t2 - t),
            0.5 * (3.0 * t3 - 5.0 * t2 + 2.0),
            0.5 * (-3.0 * t3 + 4.0 * t2 + t),
            0.5 * (t3 - t2),
        ],
        [
            0.5 * (-3.0 * t2 + 4.0 * t - 1.0),
            0.5 * (9.0 * t2 - 10.0 * t),
            0.5 * (-9.0 * t2 + 8.0 * t + 1.0),
            0.5 * (3.0 * t2 - 2.0 * t),
        ],
    )
}

/// Second derivatives with respect to t of the [`catmull_rom`] weights. Linear in t, so the
/// interpolant's second derivatives jump across cell edges (it is only C¹): a Hessian is
/// exact inside each cell and one-sided on its edges.
fn catmull_rom_second(t: f64) -> [f64; 4] {
    [
        0.5 * (-6.0 * t + 4.0),
        0.5 * (18.0 * t - 10.0),
        0.5 * (-18.0 * t + 8.0),
        0.5 * (6.0 * t - 2.0),
    ]
}

/// A normalised log density tabulated on a grid, interpolated by bicubic Catmull–Rom splines.
#[derive(Clone, Debug)]
pub struct LogGrid {
    bounds: Bounds,
    cells: [usize; 2],
    h: [f64; 2],
    stride: usize,
    /// Normalised log density at the stored nodes (same layout as [`NodeGrid`]).
    logs: Vec<f64>,
    /// 1 / τ² of the outside fall-off.
    outside_precision: f64,
}

impl LogGrid {
    /// Turns linear node densities into a normalised log grid.
    ///
    /// `background` is the share of mass given to the uniform distribution on the box: the
    /// tabulated density is (1 − background) · p / ∫p + background / area, whose log is
    /// finite everywhere. Samplers must draw from that same mixture.
    pub fn from_nodes(nodes: NodeGrid, background: f64) -> Self {
        let [w, h] = nodes.bounds.size();
        let area = w * h;
        let [sx, sy] = nodes.stored();
        // Trapezoid estimate of ∫p over the box (nodes 1..=cells+1), to set the mixing
        // proportions; the exact normalisation comes from the interpolant below.
        let mut mass = 0.0;
        for r in 1..sy - 1 {
            let wr = if r == 1 || r == sy - 2 { 0.5 } else { 1.0 };
            for s in 1..sx - 1 {
                let ws = if s == 1 || s == sx - 2 { 0.5 } else { 1.0 };
                mass += wr * ws * nodes.values[r * sx + s].max(0.0);
            }
        }
        mass *= nodes.h[0] * nodes.h[1];
        let scale = if mass > 0.0 {
            (1.0 - background) / mass
        } else {
            0.0
        };
        let floor = background / area;
        let logs = nodes
            .values
            .iter()
            .map(|&p| libm::log(scale * p.max(0.0) + floor))
            .collect();
        let mut grid = Self {
            bounds: nodes.bounds,
            cells: nodes.cells,
            h: nodes.h,
            stride: sx,
            logs,
            outside_precision: 1.0 / (OUTSIDE_SCALE * w.max(h)).powi(2),
        };
        let log_z = grid.log_integral();
        for v in &mut grid.logs {
            *v -= log_z;
        }
        grid
    }

    /// ln ∫ exp(interpolant) over the box: 3 × 3 Gauss–Legendre nodes per cell (exact for
    /// degree-5 polynomials; the log varies by ≲ 0.3 across a cell wherever the mass is, so
    /// the relative error is ~1e−7). The bicubic is separable, so each row is first
    /// interpolated at the three x-nodes of every cell, once.
    fn log_integral(&self) -> f64 {
        const GL3: [(f64, f64); 3] = [
            (0.112_701_665_379_258_31, 5.0 / 18.0),
            (0.5, 8.0 / 18.0),
            (0.887_298_334_620_741_7, 5.0 / 18.0),
        ];
        let top = self.max_log();
        let w: Vec<[f64; 4]> = GL3.iter().map(|&(t, _)| catmull_rom(t).0).collect();
        let [nx, ny] = self.cells;
        let rows = ny + 3;
        let mut along = vec![0.0; rows * nx * 3];
        for r in 0..rows {
            for i in 0..nx {
                let v = &self.logs[r * self.stride + i..r * self.stride + i + 4];
                for (g, wg) in w.iter().enumerate() {
                    along[(r * nx + i) * 3 + g] =
                        wg[0] * v[0] + wg[1] * v[1] + wg[2] * v[2] + wg[3] * v[3];
                }
            }
        }
        let mut total = 0.0;
        for j in 0..ny {
            for i in 0..nx {
                for (gy, wy) in w.iter().enumerate() {
                    for gx in 0..3 {
                        let at = |b: usize| along[((j + b) * nx + i) * 3 + gx];
                        let v = wy[0] * at(0) + wy[1] * at(1) + wy[2] * at(2) + wy[3] * at(3);
                        total += GL3[gx].1 * GL3[gy].1 * libm::exp(v - top);
                    }
                }
            }
        }
        top + libm::log(total * self.h[0] * self.h[1])
    }

    /// The interpolant, its gradient and its Hessian at a point of the box.
    fn inside(&self, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let locate = |axis: usize| {
            let s = (q[axis] - self.bounds.0[axis][0]) / self.h[axis];
            let cell = s.floor().clamp(0.0, (self.cells[axis] - 1) as f64);
            (cell as usize, s - cell)
        };
        let ((i, tx), (j, ty)) = (locate(0), locate(1));
        let ((wx, dwx), (wy, dwy)) = (catmull_rom(tx), catmull_rom(ty));
        let (ddwx, ddwy) = (catmull_rom_second(tx), catmull_rom_second(ty));
        let base = j * self.stride + i;
        let (mut v, mut gx, mut gy) = (0.0, 0.0, 0.0);
        let (mut hxx, mut hxy, mut hyy) = (0.0, 0.0, 0.0);
        for b in 0..4 {
            let row = &self.logs[base + b * self.stride..base + b * self.stride + 4];
            let along = wx[0] * row[0] + wx[1] * row[1] + wx[2] * row[2] + wx[3] * row[3];
            let slope = dwx[0] * row[0] + dwx[1] * row[1] + dwx[2] * row[2] + dwx[3] * row[3];
            let bend = ddwx[0] * row[0] + ddwx[1] * row[1] + ddwx[2] * row[2] + ddwx[3] * row[3];
            v += wy[b] * along;
            gx += wy[b] * slope;
            gy += dwy[b] * along;
            hxx += wy[b] * bend;
            hxy += dwy[b] * slope;
            hyy += ddwy[b] * along;
        }
        let [hx, hy] = self.h;
        let xy = hxy / (hx * hy);
        (
            v,
            [gx / hx, gy / hy],
            [[hxx / (hx * hx), xy], [xy, hyy / (hy * hy)]],
        )
    }

    /// log density and its gradient anywhere (outside the box: see the module comment).
    pub fn eval(&self, q: [f64; 2]) -> (f64, [f64; 2]) {
        let (v, g, _) = self.eval_with_hessian(q);
        (v, g)
    }

    /// log density, its gradient and its Hessian anywhere. Outside the box the value is
    /// v(clamp q) − ½ p |q − clamp q|²: along a clamped axis the second derivative is −p,
    /// along a free one the interpolant's, and there is no cross term (the interpolant's
    /// needs both axes free, the fall-off has none). Inside, the Hessian is the bicubic's:
    /// exact within each cell, one-sided on cell edges where it jumps.
    pub fn eval_with_hessian(&self, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let [[x0, x1], [y0, y1]] = self.bounds.0;
        let qc = [q[0].clamp(x0, x1), q[1].clamp(y0, y1)];
        let (v, g, h) = self.inside(qc);
        let d = [q[0] - qc[0], q[1] - qc[1]];
        if d == [0.0, 0.0] {
            return (v, g, h);
        }
        // Along a clamped axis the value no longer depends on the interpolant.
        let keep = |k: usize| if d[k] == 0.0 { g[k] } else { 0.0 };
        let p = self.outside_precision;
        let curv = |k: usize| if d[k] == 0.0 { h[k][k] } else { -p };
        // Here at least one axis is clamped, so no cross term survives.
        (
            v - 0.5 * p * (d[0] * d[0] + d[1] * d[1]),
            [keep(0) - p * d[0], keep(1) - p * d[1]],
            [[curv(0), 0.0], [0.0, curv(1)]],
        )
    }

    /// The largest tabulated log density (an upper bound up to the spline's small overshoot).
    pub fn max_log(&self) -> f64 {
        self.logs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaussian_grid(cells: usize) -> LogGrid {
        let mut nodes = NodeGrid::new(Bounds::square(4.0), [cells, cells]);
        nodes.fill(|[x, y]| libm::exp(-0.5 * (x * x / 0.25 + y * y / 0.49)));
        LogGrid::from_nodes(nodes, 1e-9)
    }

    #[test]
    fn interpolant_reproduces_a_gaussian_log_density() {
        // Catmull–Rom reproduces quadratics exactly, so away from the background floor the
        // errors are the normalisation (mass outside the box ~1e−8, quadrature of a
        // Gaussian ~1e−10) and the 1e−9 background (relative effect < 1e−7 at these points).
        let g = gaussian_grid(40);
        let log_norm = -libm::log(2.0 * std::f64::consts::PI * 0.5 * 0.7);
        for q in [[0.13, -0.71], [1.01, 0.5], [-0.333, 2.2]] {
            let exact = log_norm - 0.5 * (q[0] * q[0] / 0.25 + q[1] * q[1] / 0.49);
            let (v, grad) = g.eval(q);
            assert!((v - exact).abs() < 1e-6, "{q:?}: {v} vs {exact}");
            let dy = grad[1] + q[1] / 0.49;
            assert!(
                (grad[0] + q[0] / 0.25).abs() < 1e-6 && dy.abs() < 1e-6,
                "{grad:?}"
            );
        }
    }

    #[test]
    fn deposit_matches_fill_for_a_gaussian_bump() {
        let b = Bounds::square(2.0);
        let k = |u: f64| libm::exp(-0.5 * u * u / 0.04);
        let mut a = NodeGrid::new(b, [32, 32]);
        a.fill(|[x, y]| k(x - 0.3) * k(y + 0.2));
        let mut d = NodeGrid::new(b, [32, 32]);
        d.deposit([0.3, -0.2], 1.0, [9.0, 9.0], k, k, &mut Vec::new());
        assert!(
            a.values
                .iter()
                .zip(&d.values)
                .all(|(x, y)| (x - y).abs() < 1e-15)
        );
    }

    #[test]
    fn outside_the_box_values_fall_and_gradients_point_back() {
        let g = gaussian_grid(16);
        let (edge, _) = g.eval([4.0, 1.0]);
        let (out, grad) = g.eval([5.0, 1.0]);
        assert!(out < edge && out.is_finite());
        assert!(grad[0] < 0.0);
    }
}
