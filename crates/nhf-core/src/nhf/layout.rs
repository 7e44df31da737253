//! Where each parameter lives in the flat parameter vector, and their initialisation.
//!
//! All parameters of a flow sit in one `Vec<T>` so the optimiser, the rollback and the
//! finite-difference tests treat them uniformly. Per block: the potential V_k's MLP, then
//! (learned kinetic only) K_k's MLP; then a (fixed kinetic only); then the encoder ψ
//! (the samples objective, and the density objective with the reverse momentum model). With W = 32, K = 4: 6,021 parameters fixed, 10,756 learned,
//! as docs/MATH.md §7 counts them.

use super::base::BASE_LEN;
use super::config::{Activation, BaseKind, FlowConfig, Kinetic};
use super::real::Real;
use crate::rng::Rng;

/// Length of one scalar MLP ℝ² → ℝ with two hidden layers of width W and no output bias:
/// W₁ (W×2), b₁ (W), W₂ (W×W), b₂ (W), w₃ (W).
pub fn mlp_len(width: usize) -> usize {
    width * width + 5 * width
}

/// Length of the encoder MLP ℝ² → ℝ⁴: A₁ (We×2), c₁, A₂ (We×We), c₂, A₃ (4×We), c₃ (4).
pub fn encoder_len(width: usize) -> usize {
    width * width + 8 * width + 4
}

/// A named group of parameters, for per-group gradient checks and reports.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamGroup {
    /// e.g. "V[2].W2", "a", "encoder.A3".
    pub name: String,
    /// Range in the flat vector.
    pub range: std::ops::Range<usize>,
}

/// Offsets of every part of a flow's parameters in the flat vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Hidden width W of potentials (and kinetic MLPs).
    pub width: usize,
    /// Hidden width of the encoder.
    pub encoder_width: usize,
    /// Number of blocks K.
    pub blocks: usize,
    /// Fixed or learned kinetic energy.
    pub kinetic: Kinetic,
    /// Whether an encoder is present (samples objective).
    pub has_encoder: bool,
    /// Whether the base distribution has parameters (a learnable base).
    pub has_base: bool,
    /// The standard deviation of the first layer's initial weights W₁ of every MLP.
    pub w1_scale: f64,
}

impl Layout {
    /// The layout of a configuration.
    pub fn new(cfg: &FlowConfig) -> Self {
        Self {
            width: cfg.width,
            encoder_width: cfg.encoder_width,
            blocks: cfg.blocks,
            kinetic: cfg.kinetic,
            has_encoder: cfg.has_encoder(),
            has_base: cfg.base == BaseKind::Learned,
            w1_scale: first_layer_scale(cfg.activation),
        }
    }

    fn block_stride(&self) -> usize {
        match self.kinetic {
            Kinetic::Fixed => mlp_len(self.width),
            Kinetic::Learned => 2 * mlp_len(self.width),
        }
    }

    /// Range of block k's potential V_k.
    pub fn potential(&self, k: usize) -> std::ops::Range<usize> {
        let start = k * self.block_stride();
        start..start + mlp_len(self.width)
    }

    /// Range of block k's kinetic MLP K_k (learned kinetic only).
    pub fn kinetic_mlp(&self, k: usize) -> Option<std::ops::Range<usize>> {
        (self.kinetic == Kinetic::Learned).then(|| {
            let start = k * self.block_stride() + mlp_len(self.width);
            start..start + mlp_len(self.width)
        })
    }

    /// Index of the kinetic scale a (fixed kinetic only).
    pub fn kinetic_scale(&self) -> Option<usize> {
        (self.kinetic == Kinetic::Fixed).then(|| self.blocks * self.block_stride())
    }

    /// Range of the encoder (samples objective, or density with `MomentumModel::Encoder`).
    pub fn encoder(&self) -> Option<std::ops::Range<usize>> {
        self.has_encoder.then(|| {
            let start =
                self.blocks * self.block_stride() + usize::from(self.kinetic == Kinetic::Fixed);
            start..start + encoder_len(self.encoder_width)
        })
    }

    /// Range of the learnable base's six parameters m, ℓ_q, ℓ_p (learnable base only; last).
    pub fn base(&self) -> Option<std::ops::Range<usize>> {
        self.has_base.then(|| {
            let start = self.len() - BASE_LEN;
            start..start + BASE_LEN
        })
    }

    /// Total number of parameters.
    pub fn len(&self) -> usize {
        self.blocks * self.block_stride()
            + usize::from(self.kinetic == Kinetic::Fixed)
            + if self.has_encoder {
                encoder_len(self.encoder_width)
            } else {
                0
            }
            + if self.has_base { BASE_LEN } else { 0 }
    }

    /// Whether there are no parameters (never, for a valid configuration).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every parameter group with its name, in order.
    pub fn groups(&self) -> Vec<ParamGroup> {
        let w = self.width;
        let mut out = Vec::new();
        let mut mlp = |prefix: String, start: usize| {
            let parts = [
                ("W1", 2 * w),
                ("b1", w),
                ("W2", w * w),
                ("b2", w),
                ("w3", w),
            ];
            let mut at = start;
            for (name, len) in parts {
                out.push(ParamGroup {
                    name: format!("{prefix}.{name}"),
                    range: at..at + len,
                });
                at += len;
            }
        };
        for k in 0..self.blocks {
            mlp(format!("V[{k}]"), self.potential(k).start);
            if let Some(r) = self.kinetic_mlp(k) {
                mlp(format!("K[{k}]"), r.start);
            }
        }
        if let Some(i) = self.kinetic_scale() {
            out.push(ParamGroup {
                name: "a".into(),
                range: i..i + 1,
            });
        }
        if let Some(r) = self.encoder() {
            let we = self.encoder_width;
            let parts = [
                ("A1", 2 * we),
                ("c1", we),
                ("A2", we * we),
                ("c2", we),
                ("A3", 4 * we),
                ("c3", 4),
            ];
            let mut at = r.start;
            for (name, len) in parts {
                out.push(ParamGroup {
                    name: format!("encoder.{name}"),
                    range: at..at + len,
                });
                at += len;
            }
        }
        if let Some(r) = self.base() {
            for (name, at) in [("mean_q", 0), ("log_scale_q", 2), ("log_scale_p", 4)] {
                out.push(ParamGroup {
                    name: format!("base.{name}"),
                    range: r.start + at..r.start + at + 2,
                });
            }
        }
        out
    }

    /// Fresh parameters for a seed.
    ///
    /// Hidden layers get variance-preserving Gaussian weights; the potential's output layer is
    /// small (docs/MATH.md §1: the forces start weak, so a fresh flow is close to the
    /// force-free shear (q + τa²p, p)), and so is the encoder's, so the first momenta are close
    /// to N(0, I). A learnable base starts as N(0, I) (all zeros).
    pub fn init<T: Real>(&self, rng: &mut Rng) -> Vec<T> {
        let mut p = vec![T::zero(); self.len()];
        for k in 0..self.blocks {
            init_mlp(&mut p[self.potential(k)], self.width, self.w1_scale, rng);
            if let Some(r) = self.kinetic_mlp(k) {
                init_mlp(&mut p[r], self.width, self.w1_scale, rng);
            }
        }
        if let Some(i) = self.kinetic_scale() {
            p[i] = T::one();
        }
        if let Some(r) = self.encoder() {
            init_encoder(&mut p[r], self.encoder_width, rng);
        }
        p
    }
}

/// The sine activation's first-layer weights start at this fraction of the variance-preserving
/// scale: lower frequencies, because at the full scale four runs of 27 diverged at dt 0.3
/// (docs/FITS.md, "A sine first layer").
const SINE_FIRST_LAYER_SCALE: f64 = 0.7;

/// The standard deviation of W₁ at initialisation: variance-preserving (1/√2 for two inputs),
/// times [`SINE_FIRST_LAYER_SCALE`] for the sine activation.
fn first_layer_scale(act: Activation) -> f64 {
    let scale = match act {
        Activation::Sine => SINE_FIRST_LAYER_SCALE,
        Activation::Tanh | Activation::Softplus => 1.0,
    };
    scale / 2f64.sqrt()
}

/// Scale of the potential's output weights relative to variance-preserving.
const OUTPUT_SCALE: f64 = 0.5;

fn fill<T: Real>(dst: &mut [T], scale: f64, rng: &mut Rng) {
    for x in dst {
        *x = T::from_f64(scale * rng.normal());
    }
}

fn init_mlp<T: Real>(p: &mut [T], w: usize, w1_scale: f64, rng: &mut Rng) {
    let (w1, rest) = p.split_at_mut(2 * w);
    let (b1, rest) = rest.split_at_mut(w);
    let (w2, rest) = rest.split_at_mut(w * w);
    let (b2, w3) = rest.split_at_mut(w);
    fill(w1, w1_scale, rng);
    fill(b1, 0.1, rng);
    fill(w2, 1.0 / (w as f64).sqrt(), rng);
    b2.iter_mut().for_each(|x| *x = T::from_f64(0.05));
    fill(w3, OUTPUT_SCALE / (w as f64).sqrt(), rng);
}

fn init_encoder<T: Real>(p: &mut [T], we: usize, rng: &mut Rng) {
    let (a1, rest) = p.split_at_mut(2 * we);
    let (_c1, rest) = rest.split_at_mut(we);
    let (a2, rest) = rest.split_at_mut(we * we);
    let (_c2, rest) = rest.split_at_mut(we);
    let (a3, _c3) = rest.split_at_mut(4 * we);
    fill(a1, 1.0 / 2f64.sqrt(), rng);
    fill(a2, 1.0 / (we as f64).sqrt(), rng);
    fill(a3, 0.1 / (we as f64).sqrt(), rng);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nhf::Objective;

    #[test]
    fn parameter_counts_match_math_md() {
        let fixed = FlowConfig {
            blocks: 4,
            width: 32,
            ..FlowConfig::default()
        };
        assert_eq!(Layout::new(&fixed).len(), 6021);
        let learned = FlowConfig {
            kinetic: Kinetic::Learned,
            ..fixed.clone()
        };
        assert_eq!(Layout::new(&learned).len(), 10_756);
        let one = FlowConfig { blocks: 1, ..fixed };
        assert_eq!(Layout::new(&one).len(), 2469);
    }

    #[test]
    fn groups_tile_the_vector_exactly() {
        for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
            for objective in [Objective::Samples, Objective::Density] {
                let cfg = FlowConfig {
                    blocks: 3,
                    width: 5,
                    kinetic,
                    objective,
                    ..FlowConfig::default()
                };
                let layout = Layout::new(&cfg);
                let mut at = 0;
                for g in layout.groups() {
                    assert_eq!(g.range.start, at, "{}", g.name);
                    at = g.range.end;
                }
                assert_eq!(at, layout.len());
            }
        }
    }
}
