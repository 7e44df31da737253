//! The library of 2D target distributions (docs/TARGETS.md): densities, their gradients, samplers,
//! viewing boxes and captions. Pure Rust, no UI; the engine and the app only see [`Target`].
//!
//! Families, one file each: [`mixtures`] (8gaussians, circle8, three-modes), [`custom`]
//! (mixtures from JSON), [`toys`] (the FFJORD sample-based toys), [`energies`] (u1–u4),
//! [`gallery`] (banana, donut, funnel, squiggle), [`jla`] (a supernova posterior), [`drawn`]
//! (a painted density), [`formula`] (a log-density typed as an expression), [`sample_set`] (the user's own samples,
//! read by [`sample_file`]). Shared machinery: [`grid_density`] (tabulated log densities),
//! [`quadrature`], `sampling`, `special`. [`registry`] names them all.
//!
//! Randomness comes only from [`Rng`] and transcendental functions only from `libm`, so every
//! density and every sample is bit-identical on wasm and native.

#![warn(missing_docs)]

pub mod custom;
pub mod drawn;
pub mod energies;
mod error;
pub mod formula;
pub mod gallery;
pub mod grid_density;
pub mod jla;
pub mod mixtures;
pub mod quadrature;
pub mod registry;
/// A user's file of 2D samples (CSV and other text, NumPy `.npy`): read, checked, written back.
pub use nhf_input::sample_file;
pub mod sample_set;
mod sampling;
mod special;
pub mod toys;

pub use custom::{CustomMixture, MixtureSpec};
pub use drawn::{DrawnGrid, DrawnTarget};
pub use error::TargetError;
pub use formula::{FormulaSpec, FormulaTarget};
pub use registry::{TARGET_IDS, TargetInfo, by_id, catalog, from_spec, info, resolve};
pub use sample_set::{SampleSetSpec, SampleSetTarget};

use crate::rng::Rng;

/// Objectives of targets defined by samples (mixtures, toys, drawings): samples first.
pub const SAMPLES_FIRST: &[Objective] = &[Objective::Samples, Objective::Density];
/// Objectives of targets defined by a density (energies, gallery, posteriors): density first.
pub const DENSITY_FIRST: &[Objective] = &[Objective::Density, Objective::Samples];

/// An axis-aligned box `[[xmin, xmax], [ymin, ymax]]` in flow coordinates.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bounds(pub [[f64; 2]; 2]);

impl Bounds {
    /// The square box [−r, r]².
    pub fn square(r: f64) -> Self {
        Self([[-r, r], [-r, r]])
    }
    /// Width and height.
    pub fn size(&self) -> [f64; 2] {
        [self.0[0][1] - self.0[0][0], self.0[1][1] - self.0[1][0]]
    }
    /// Whether `q` lies inside (edges included).
    pub fn contains(&self, q: [f64; 2]) -> bool {
        (self.0[0][0]..=self.0[0][1]).contains(&q[0])
            && (self.0[1][0]..=self.0[1][1]).contains(&q[1])
    }
    /// Centre of cell (i, j) of an n×n grid over the box (i along x, j along y).
    pub fn cell_centre(&self, n: usize, i: usize, j: usize) -> [f64; 2] {
        let [w, h] = self.size();
        [
            self.0[0][0] + (i as f64 + 0.5) * w / n as f64,
            self.0[1][0] + (j as f64 + 0.5) * h / n as f64,
        ]
    }
    /// Centres of all n×n cells, row by row from the bottom (cell (i, j) at j·n + i).
    pub fn cell_centres(&self, n: usize) -> Vec<[f64; 2]> {
        (0..n * n)
            .map(|c| self.cell_centre(n, c % n, c / n))
            .collect()
    }
}

/// Jᵀ H J: the Hessian of f(y(q)) from the Hessian H of f in y, for y affine in q with
/// Jacobian J = ∂y/∂q (`j[m][k]` = ∂yₘ/∂qₖ). Maps with curvature add Σₘ (∂f/∂yₘ) ∇²yₘ
/// themselves (banana, squiggle); whitening maps (jla) need nothing more. The off-diagonal
/// entry is computed once and mirrored, so the result is exactly symmetric (H is taken as
/// symmetric: only `h[0][1]` of its off-diagonal is read).
pub(crate) fn pull_back_hessian(j: [[f64; 2]; 2], h: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    let h = [[h[0][0], h[0][1]], [h[0][1], h[1][1]]];
    // (Jᵀ H J)ₖₗ = Σₘ Jₘₖ (H J)ₘₗ.
    let entry = |k: usize, l: usize| {
        let hj = |m: usize| h[m][0] * j[0][l] + h[m][1] * j[1][l];
        j[0][k] * hj(0) + j[1][k] * hj(1)
    };
    let off = entry(0, 1);
    [[entry(0, 0), off], [off, entry(1, 1)]]
}

/// How a flow can be fitted to a target (docs/MATH.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Density estimation from samples: the negative ELBO with a momentum encoder (§2a).
    Samples,
    /// Fitting an unnormalised density by reverse KL (§2b).
    Density,
}

/// A 2D target distribution, in the coordinates the flow works in ("flow coordinates").
///
/// For most targets these are the user's coordinates too; `jla` standardises (Ω_m, h) and maps
/// back through [`Target::to_display`].
pub trait Target: Send + Sync {
    /// The identifier used by the CLI, links and model files (the `code` word in docs/TARGETS.md).
    fn id(&self) -> &str;
    /// A short human name for the picker.
    fn name(&self) -> &str;
    /// One line: what it is and where it comes from (and how its density is computed when it
    /// has no closed form).
    fn caption(&self) -> &str;
    /// The viewing box, in flow coordinates; it holds nearly all the mass.
    fn bounds(&self) -> Bounds;
    /// log density at `q`: normalised when [`Target::normalized`] is true, else up to a constant.
    fn log_prob(&self, q: [f64; 2]) -> f64;
    /// ∇_q log density.
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2];
    /// ∇²_q log density, the symmetric 2×2 Hessian `[[∂₁₁, ∂₁₂], [∂₂₁, ∂₂₂]]`, exact (closed
    /// forms beside each gradient). L2HMC's training gradient needs it: its leapfrog feeds ∇U
    /// to networks, so differentiating through the leapfrog differentiates ∇U (docs/MATH.md §10).
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2];
    /// Fills `out` with independent draws (exact, or by rejection from the box).
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]);
    /// Whether `log_prob` is normalised.
    fn normalized(&self) -> bool;
    /// The objectives this target can be fitted with.
    fn objectives(&self) -> &'static [Objective] {
        &[Objective::Samples, Objective::Density]
    }
    /// The objective the app and CLI choose unless told otherwise.
    fn default_objective(&self) -> Objective {
        self.objectives()[0]
    }
    /// Maps flow coordinates to what the user sees (identity except for `jla`).
    fn to_display(&self, q: [f64; 2]) -> [f64; 2] {
        q
    }
    /// Axis labels in display coordinates.
    fn display_axes(&self) -> [&str; 2] {
        ["q₁", "q₂"]
    }
    /// Rows kept apart from training to measure the fit on (a sample-file target's tenth);
    /// `None` for targets whose fresh draws serve instead.
    fn held_out(&self) -> Option<&[[f64; 2]]> {
        None
    }
    /// `n` draws, allocated.
    fn sample(&self, n: usize, rng: &mut Rng) -> Vec<[f64; 2]> {
        let mut out = vec![[0.0; 2]; n];
        self.sample_into(rng, &mut out);
        out
    }
}
