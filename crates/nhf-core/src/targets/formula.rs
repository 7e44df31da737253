//! A target whose log-density the user types: an expression in x and y ([`crate::expr`]) and
//! the box it lives on.
//!
//! The expression is checked on the box before it becomes a target: on a 128 × 128 grid of
//! cell centres it must be a number everywhere (no 0/0, no log of a negative number), never
//! +∞, and somewhere above −∞; its integral over the box (Gauss–Legendre quadrature, as the
//! energies u1–u4 are normalised) must be a finite positive number. `log_prob` is then the
//! expression minus that log-normaliser, so a formula equal to a built-in energy gives the
//! energy's figures. Its gradient and Hessian are exact: the compiled program carries them
//! along with the value.
//!
//! Where the expression is not a finite number anyway (outside the box, or at a point of the
//! box between grid nodes such as log(x) at x = 0), `log_prob` takes the value at the nearest
//! checked point and subtracts ½ (d/τ)² with d the distance to it, as the tabulated targets do
//! outside their box, so an optimiser is pulled back and no NaN reaches training.
//!
//! Draws (for the views and the samples objective) are by rejection from the box under the
//! largest value found on a 256 × 256 grid, raised by ln 2: exact for densities with no peak
//! narrower than the grid, which the caption says.

use serde::{Deserialize, Serialize};

use super::quadrature::log_integrate_exp_box;
use super::sampling::rejection_in_box;
use super::{Bounds, DENSITY_FIRST, Objective, Target, TargetError};
use crate::expr::Formula;
use crate::rng::Rng;

/// Cells per side of the grid the expression is checked on.
const CHECK_CELLS: usize = 128;
/// Cells per side of the grid whose largest value bounds the rejection sampler.
const BOUND_CELLS: usize = 256;
/// Quadrature panels per side for the normaliser (the energies' choice).
const QUADRATURE_PANELS: usize = 64;
/// τ of the fall-off where the expression is not finite, as a fraction of the longer box side.
const FALL_OFF_SCALE: f64 = 0.05;
/// The longest box side accepted: beyond it the grids above resolve nothing.
const MAX_BOX_SIDE: f64 = 1e4;

/// A formula target as links and model files keep it: the expression as typed and its box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormulaSpec {
    /// The log-density in x and y, as the user typed it.
    pub formula: String,
    /// The box `[xmin, xmax, ymin, ymax]`.
    #[serde(rename = "box")]
    pub bounds: [f64; 4],
}

impl FormulaSpec {
    /// Reads a box written `xmin,xmax,ymin,ymax` (links' `box=`, the command line's `--box`);
    /// the target checks the order.
    pub fn parse_box(text: &str) -> Result<[f64; 4], String> {
        let wrong = || format!("four numbers xmin,xmax,ymin,ymax, got \"{text}\"");
        let edges: Vec<f64> = text
            .split(',')
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| wrong())?;
        edges.try_into().map_err(|_| wrong())
    }
}

/// The target: the compiled expression, its box and its log-normaliser over the box.
pub struct FormulaTarget {
    spec: FormulaSpec,
    formula: Formula,
    bounds: Bounds,
    log_z: f64,
    /// ln of the rejection sampler's bound on the (unnormalised) density.
    log_bound: f64,
    name: String,
    caption: String,
}

impl FormulaTarget {
    /// Parses and checks `spec`; every refusal says what is wrong and where.
    pub fn new(spec: FormulaSpec) -> Result<Self, TargetError> {
        let bounds = check_box(spec.bounds)?;
        let formula = Formula::parse(&spec.formula)
            .map_err(|e| TargetError::invalid("formula", e.to_string()))?;
        let f = |q: [f64; 2]| formula.program().value(q);
        let mut highest = f64::NEG_INFINITY;
        for q in bounds.cell_centres(CHECK_CELLS) {
            let v = f(q);
            let at = format!("({:.4}, {:.4})", q[0], q[1]);
            if v.is_nan() {
                return Err(TargetError::invalid(
                    "formula",
                    format!(
                        "it is not a number at {at} (0/0, or the log or square root of a negative number?): a log-density must be defined on the whole box"
                    ),
                ));
            }
            if v == f64::INFINITY {
                return Err(TargetError::invalid(
                    "formula",
                    format!("it is +∞ at {at}: a density must be finite"),
                ));
            }
            highest = highest.max(v);
        }
        if highest == f64::NEG_INFINITY {
            return Err(TargetError::invalid(
                "formula",
                "it is −∞ (density zero) everywhere on the box: there is nothing to fit",
            ));
        }
        let log_z = log_integrate_exp_box(bounds, QUADRATURE_PANELS, f);
        if !log_z.is_finite() {
            return Err(TargetError::invalid(
                "formula",
                format!(
                    "it cannot be normalised on the box (the log of its integral is {log_z}): check its values at the quadrature points"
                ),
            ));
        }
        let bound_grid = bounds
            .cell_centres(BOUND_CELLS)
            .into_iter()
            .map(f)
            .filter(|v| v.is_finite())
            .fold(highest, f64::max);
        let text = formula.to_string();
        let name = format!("Formula: {}", shorten(&spec.formula, 40));
        let caption = format!(
            "log p(x, y) = {text} + const on [{}, {}] × [{}, {}], normalised over the box by quadrature; draws by rejection under the largest value on a {BOUND_CELLS}² grid (exact unless a peak is narrower than a grid cell).",
            spec.bounds[0], spec.bounds[1], spec.bounds[2], spec.bounds[3]
        );
        Ok(Self {
            spec,
            formula,
            bounds,
            log_z,
            log_bound: bound_grid + std::f64::consts::LN_2,
            name,
            caption,
        })
    }

    /// Parses a spec from its JSON form (`{"formula": "…", "box": [xmin, xmax, ymin, ymax]}`).
    pub fn from_json(value: &serde_json::Value) -> Result<Self, TargetError> {
        let spec: FormulaSpec = serde_json::from_value(value.clone())
            .map_err(|e| TargetError::invalid("formula target", e.to_string()))?;
        Self::new(spec)
    }

    /// The definition as typed, for links and model files.
    pub fn spec(&self) -> &FormulaSpec {
        &self.spec
    }

    /// The unnormalised log-density, its gradient and Hessian, with the fall-off where the
    /// expression is not finite (module doc).
    fn unnormalised(&self, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let (v, g, h) = self.formula.program().value_grad_hessian(q);
        let finite = v.is_finite() && g.iter().all(|x| x.is_finite());
        if finite && h.iter().flatten().all(|x| x.is_finite()) {
            return (v, g, h);
        }
        if finite {
            return (v, g, [[0.0; 2]; 2]);
        }
        // The nearest point of the box, pulled a hair inside so a singular edge (log(x) on a
        // box from 0) is not hit again; failing that, the box's centre.
        let [[x0, x1], [y0, y1]] = self.bounds.0;
        let inset = 1e-6 * (x1 - x0).max(y1 - y0);
        let near = [
            q[0].clamp(x0 + inset, x1 - inset),
            q[1].clamp(y0 + inset, y1 - inset),
        ];
        let mut anchor = near;
        let mut base = self.formula.program().value(near);
        if !base.is_finite() {
            anchor = [(x0 + x1) / 2.0, (y0 + y1) / 2.0];
            base = self.formula.program().value(anchor);
        }
        if !base.is_finite() {
            base = self.log_bound - 50.0;
        }
        let tau = FALL_OFF_SCALE * (x1 - x0).max(y1 - y0);
        let d = [q[0] - anchor[0], q[1] - anchor[1]];
        let t2 = tau * tau;
        (
            base - 0.5 * (d[0] * d[0] + d[1] * d[1]) / t2,
            [-d[0] / t2, -d[1] / t2],
            [[-1.0 / t2, 0.0], [0.0, -1.0 / t2]],
        )
    }
}

/// The box as [`Bounds`], refused unless finite, ordered and of a sensible size.
pub(super) fn check_box(b: [f64; 4]) -> Result<Bounds, TargetError> {
    if !b.iter().all(|x| x.is_finite()) {
        return Err(TargetError::invalid(
            "box",
            "every edge must be a finite number",
        ));
    }
    let [x0, x1, y0, y1] = b;
    if !(x0 < x1 && y0 < y1) {
        return Err(TargetError::invalid(
            "box",
            format!("needs xmin < xmax and ymin < ymax, got [{x0}, {x1}] × [{y0}, {y1}]"),
        ));
    }
    if (x1 - x0).max(y1 - y0) > MAX_BOX_SIDE {
        return Err(TargetError::invalid(
            "box",
            format!("a side is longer than {MAX_BOX_SIDE}: the grids would resolve nothing"),
        ));
    }
    Ok(Bounds([[x0, x1], [y0, y1]]))
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    let trimmed = text.trim();
    if trimmed.chars().count() <= max {
        trimmed.to_owned()
    } else {
        trimmed.chars().take(max - 1).chain(['…']).collect()
    }
}

impl Target for FormulaTarget {
    fn id(&self) -> &str {
        "formula"
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
        // The value alone where it is finite (most calls); the fall-off otherwise.
        let v = self.formula.program().value(q);
        if v.is_finite() {
            v - self.log_z
        } else {
            self.unnormalised(q).0 - self.log_z
        }
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.unnormalised(q).1
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.unnormalised(q).2
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        rejection_in_box(
            rng,
            self.bounds,
            self.log_bound,
            |q| self.unnormalised(q).0,
            out,
        );
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        DENSITY_FIRST
    }
}

#[cfg(test)]
mod tests;
