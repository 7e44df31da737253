//! A target given by the user's own 2D samples (a CSV, text or `.npy` file read by
//! [`super::sample_file`]): no formula, only rows.
//!
//! - **Training and held-out rows.** Every tenth row (rows 10, 20, … counting from 1) is held
//!   out: the samples objective draws its mini-batches, uniformly with replacement, from the
//!   other nine tenths, and the held-out NLL is measured on the tenth it never saw. The split
//!   is by position, so the same file always gives the same split.
//! - **The box** spans the 0.5 % and 99.5 % quantiles of each coordinate, widened by 10 % of
//!   that range on each side (a few outliers do not shrink the picture to a dot); a coordinate
//!   with no spread gets ±1 around its value.
//! - **The density picture** (views, grid KL) is a kernel density estimate: the rows binned on
//!   a 256² grid over the box, each bin spread by a Gaussian kernel with Scott's bandwidth per
//!   axis (σ n^(−1/6)), tabulated on a 128² grid and interpolated as the other tabulated targets
//!   ([`super::grid_density`]), with 1 % of the mass spread uniformly. It is an estimate, and the
//!   caption says so; the held-out NLL is the fit's honest readout.

use serde::{Deserialize, Serialize};

use super::grid_density::{LogGrid, NodeGrid};
use super::{Bounds, Objective, SAMPLES_FIRST, Target, TargetError};
use crate::rng::Rng;

/// Cells per side of the tabulated density estimate.
const DENSITY_CELLS: usize = 128;
/// Bins per side of the histogram the kernel estimate starts from.
const BINS: usize = 256;
/// Share of the estimate's mass spread uniformly over the box (a finite log everywhere).
const BACKGROUND: f64 = 0.01;
/// One row in this many is held out.
const HOLD_OUT_EVERY: usize = 10;

/// Rows a model file carries itself; a larger set is named by its file, row count and
/// content hash (the rows are then opened again from the file).
pub const MAX_CARRIED_ROWS: usize = 200_000;

/// The target's definition as model files keep it: the name and rows, or for more than
/// [`MAX_CARRIED_ROWS`] rows the name, the row count and the content hash.
pub fn definition(set: &SampleSetSpec) -> serde_json::Value {
    if set.rows.len() <= MAX_CARRIED_ROWS {
        serde_json::to_value(set).unwrap_or_default()
    } else {
        let mut named = serde_json::json!({
            "name": set.name,
            "count": set.rows.len(),
            "hash": super::sample_file::content_hash(&set.rows),
        });
        if let Some(b) = set.bounds {
            named["box"] = serde_json::json!(b);
        }
        named
    }
}

/// A sample set as model files keep it: the file's name, its rows and the user's box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampleSetSpec {
    /// The file the rows came from (shown in the picker and captions).
    pub name: String,
    /// The samples, in the file's order.
    pub rows: Vec<[f64; 2]>,
    /// The box `[xmin, xmax, ymin, ymax]` the user set in place of the robust-quantile one
    /// (files written before it existed have none).
    #[serde(default, rename = "box", skip_serializing_if = "Option::is_none")]
    pub bounds: Option<[f64; 4]>,
}

/// The target: the training rows, the held-out rows, the box and the density estimate.
pub struct SampleSetTarget {
    spec: SampleSetSpec,
    train: Vec<[f64; 2]>,
    held_out: Vec<[f64; 2]>,
    bounds: Bounds,
    density: LogGrid,
    name: String,
    caption: String,
}

impl SampleSetTarget {
    /// Builds the target from rows already read and checked by [`super::sample_file`] (at least
    /// ten, finite, not all equal); refuses anything else with the reason.
    pub fn new(spec: SampleSetSpec) -> Result<Self, TargetError> {
        let rows = &spec.rows;
        if rows.len() < HOLD_OUT_EVERY {
            return Err(TargetError::invalid(
                "samples",
                format!("{} rows; at least {HOLD_OUT_EVERY} are needed", rows.len()),
            ));
        }
        if let Some((k, q)) = rows
            .iter()
            .enumerate()
            .find(|(_, q)| !(q[0].is_finite() && q[1].is_finite()))
        {
            return Err(TargetError::invalid(
                "samples",
                format!("row {} is ({}, {}): not finite", k + 1, q[0], q[1]),
            ));
        }
        if rows.iter().all(|q| q == &rows[0]) {
            return Err(TargetError::invalid(
                "samples",
                "every row is the same point: there is nothing to learn",
            ));
        }
        let (train, held_out): (Vec<_>, Vec<_>) = rows
            .iter()
            .enumerate()
            .partition(|(k, _)| !(k + 1).is_multiple_of(HOLD_OUT_EVERY));
        let train: Vec<[f64; 2]> = train.into_iter().map(|(_, q)| *q).collect();
        let held_out: Vec<[f64; 2]> = held_out.into_iter().map(|(_, q)| *q).collect();
        let bounds = match spec.bounds {
            Some(b) => super::formula::check_box(b)?,
            None => robust_box(rows),
        };
        let density = kernel_estimate(&train, bounds);
        let name = format!("Samples: {}", spec.name);
        let caption = format!(
            "{} rows from {} ({} for training, {} held out for the NLL); the picture is a kernel density estimate (Scott's bandwidth), not an exact density.",
            rows.len(),
            spec.name,
            train.len(),
            held_out.len()
        );
        Ok(Self {
            spec,
            train,
            held_out,
            bounds,
            density,
            name,
            caption,
        })
    }

    /// The definition as model files keep it.
    pub fn spec(&self) -> &SampleSetSpec {
        &self.spec
    }

    /// The robust-quantile box of `rows` (module doc), as `[xmin, xmax, ymin, ymax]`: what
    /// the box is when the user has set none.
    pub fn default_box(rows: &[[f64; 2]]) -> [f64; 4] {
        let [[x0, x1], [y0, y1]] = robust_box(rows).0;
        [x0, x1, y0, y1]
    }
}

/// The `q`-quantile of sorted values (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let k = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

/// The 0.5–99.5 % quantile box, widened by 10 % per side (module doc).
fn robust_box(rows: &[[f64; 2]]) -> Bounds {
    let mut edges = [[0.0; 2]; 2];
    for (axis, edge) in edges.iter_mut().enumerate() {
        let mut values: Vec<f64> = rows.iter().map(|q| q[axis]).collect();
        values.sort_by(f64::total_cmp);
        let (lo, hi) = (quantile(&values, 0.005), quantile(&values, 0.995));
        let pad = if hi > lo { 0.1 * (hi - lo) } else { 1.0 };
        *edge = [lo - pad, hi + pad];
    }
    Bounds(edges)
}

/// Scott's bandwidth σ n^(−1/6) of one coordinate (a tenth of the box side when σ is 0).
fn bandwidth(rows: &[[f64; 2]], axis: usize, side: f64) -> f64 {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|q| q[axis]).sum::<f64>() / n;
    let var = rows.iter().map(|q| (q[axis] - mean).powi(2)).sum::<f64>() / n;
    let h = var.sqrt() * n.powf(-1.0 / 6.0);
    if h > 0.0 { h } else { side / 10.0 }
}

/// The kernel density estimate of `rows` on the box, tabulated (module doc).
fn kernel_estimate(rows: &[[f64; 2]], bounds: Bounds) -> LogGrid {
    let size = bounds.size();
    // A histogram first: the kernel is then spread once per occupied bin, not once per row.
    let mut counts = vec![0u32; BINS * BINS];
    for q in rows.iter().filter(|q| bounds.contains(**q)) {
        let i = (((q[0] - bounds.0[0][0]) / size[0] * BINS as f64) as usize).min(BINS - 1);
        let j = (((q[1] - bounds.0[1][0]) / size[1] * BINS as f64) as usize).min(BINS - 1);
        counts[j * BINS + i] += 1;
    }
    // The kernel is at least two density cells wide, so the tabulation resolves it.
    let cell = [
        size[0] / DENSITY_CELLS as f64,
        size[1] / DENSITY_CELLS as f64,
    ];
    let h = [
        bandwidth(rows, 0, size[0]).max(2.0 * cell[0]),
        bandwidth(rows, 1, size[1]).max(2.0 * cell[1]),
    ];
    let mut nodes = NodeGrid::new(bounds, [DENSITY_CELLS; 2]);
    let mut scratch = Vec::new();
    let gauss = |h: f64| move |d: f64| libm::exp(-0.5 * (d / h) * (d / h));
    for (c, &count) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let centre = bounds.cell_centre(BINS, c % BINS, c / BINS);
        nodes.deposit(
            centre,
            f64::from(count),
            [4.0 * h[0], 4.0 * h[1]],
            gauss(h[0]),
            gauss(h[1]),
            &mut scratch,
        );
    }
    LogGrid::from_nodes(nodes, BACKGROUND)
}

impl Target for SampleSetTarget {
    fn id(&self) -> &str {
        "samples"
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn caption(&self) -> &str {
        &self.caption
    }
    fn bounds(&self) -> Bounds {
        self.bounds
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.density.eval(q).0
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.density.eval(q).1
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.density.eval_with_hessian(q).2
    }
    /// Training rows, uniformly with replacement (never the held-out ones).
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        for slot in out.iter_mut() {
            *slot = self.train[rng.below(self.train.len())];
        }
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        SAMPLES_FIRST
    }
    fn held_out(&self) -> Option<&[[f64; 2]]> {
        Some(&self.held_out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(n: usize) -> Vec<[f64; 2]> {
        let mut rng = Rng::seed_from_u64(5);
        (0..n)
            .map(|_| {
                let a = rng.uniform_in(0.0, std::f64::consts::TAU);
                let r = 2.0 + 0.1 * rng.normal();
                [r * a.cos(), r * a.sin()]
            })
            .collect()
    }

    #[test]
    fn a_tenth_is_held_out_and_never_drawn_for_training() {
        let rows: Vec<[f64; 2]> = (0..100u32)
            .map(|k| [f64::from(k), f64::from(k % 7)])
            .collect();
        let t = SampleSetTarget::new(SampleSetSpec {
            name: "line.csv".into(),
            rows,
            bounds: None,
        })
        .unwrap();
        let held = t.held_out().unwrap();
        assert_eq!(held.len(), 10);
        assert!(held.iter().all(|q| (q[0] as usize + 1).is_multiple_of(10)));
        let mut rng = Rng::seed_from_u64(1);
        let draws = t.sample(5000, &mut rng);
        assert!(
            draws
                .iter()
                .all(|q| !(q[0] as usize + 1).is_multiple_of(10))
        );
    }

    #[test]
    fn the_box_holds_the_ring_and_the_estimate_puts_its_mass_on_it() {
        let t = SampleSetTarget::new(SampleSetSpec {
            name: "ring.csv".into(),
            rows: ring(20_000),
            bounds: None,
        })
        .unwrap();
        let [[x0, x1], [y0, y1]] = t.bounds().0;
        assert!(
            x0 < -2.0 && x1 > 2.0 && y0 < -2.0 && y1 > 2.0 && x1 < 3.5,
            "{:?}",
            t.bounds()
        );
        assert!(t.log_prob([2.0, 0.0]) > t.log_prob([0.0, 0.0]) + 2.0);
        assert!(t.log_prob([0.0, 2.0]).is_finite() && t.log_prob([9.0, 9.0]).is_finite());
    }

    #[test]
    fn bad_rows_are_refused_with_the_reason() {
        let bad = |rows: Vec<[f64; 2]>| {
            SampleSetTarget::new(SampleSetSpec {
                name: "x".into(),
                rows,
                bounds: None,
            })
            .err()
            .expect("refused")
            .to_string()
        };
        assert!(bad(vec![[0.0, 0.0]; 5]).contains("at least 10"));
        assert!(bad(vec![[1.0, 2.0]; 50]).contains("same point"));
        let mut rows = ring(50);
        rows[7] = [f64::NAN, 0.0];
        assert!(bad(rows).contains("row 8"));
    }

    #[test]
    fn the_users_box_replaces_the_quantile_box_and_travels_in_the_definition() {
        let rows = ring(2000);
        let t = SampleSetTarget::new(SampleSetSpec {
            name: "ring.csv".into(),
            rows: rows.clone(),
            bounds: Some([-5.0, 5.0, -4.0, 4.0]),
        })
        .unwrap();
        assert_eq!(t.bounds().0, [[-5.0, 5.0], [-4.0, 4.0]]);
        let def = definition(t.spec());
        assert_eq!(def["box"], serde_json::json!([-5.0, 5.0, -4.0, 4.0]));
        let back: SampleSetSpec = serde_json::from_value(def).unwrap();
        assert_eq!(&back, t.spec());
        // A file written before the box existed reads as the quantile box.
        let old: SampleSetSpec =
            serde_json::from_value(serde_json::json!({"name": "ring.csv", "rows": rows})).unwrap();
        assert_eq!(old.bounds, None);
        let quantile = SampleSetTarget::default_box(&old.rows);
        let t = SampleSetTarget::new(old).unwrap();
        let [[x0, x1], [y0, y1]] = t.bounds().0;
        assert_eq!([x0, x1, y0, y1], quantile);
        // A reversed box is refused with the reason.
        let refused = SampleSetTarget::new(SampleSetSpec {
            name: "ring.csv".into(),
            rows: ring(50),
            bounds: Some([1.0, -1.0, -1.0, 1.0]),
        })
        .err()
        .expect("refused")
        .to_string();
        assert!(refused.contains("xmin < xmax"), "{refused}");
    }
}
