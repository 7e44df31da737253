//! The shape of a flow and of its training run, with validation that names the bad field.

use serde::{Deserialize, Serialize};

use super::adam::{UpdateRule, cosine_lr};
use super::objective::Groups;

pub use crate::targets::Objective;

/// The hidden-layer activation s of the potentials (docs/MATH.md §1: twice differentiable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// tanh: s' = 1 − t², s'' = −2t(1 − t²).
    #[default]
    Tanh,
    /// softplus: s' = σ, s'' = σ(1 − σ).
    Softplus,
    /// sin in the first hidden layer (s' = cos, s'' = −sin) and tanh in the second: the first
    /// layer's units are periodic features of q, as in SIREN's first layer (Sitzmann et al.
    /// 2020; docs/FITS.md, "A sine first layer").
    Sine,
}

/// The kinetic energy K(p) of every block (docs/MATH.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kinetic {
    /// K(p) = ½a²|p|² with one learnable scalar a (Souveton et al. 2023).
    #[default]
    Fixed,
    /// K_k(p) an MLP per block (Toth et al. 2019).
    Learned,
}

/// The base distribution π₀ (docs/FITS.md, "The learnable base").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BaseKind {
    /// π₀ = N(0, I) for q and p.
    #[default]
    Standard,
    /// A diagonal Gaussian whose mean of q and log-scales of q and p are trained.
    Learned,
}

/// How the density objective scores the flow's final momentum p_T (docs/FITS.md, "The reverse
/// momentum model").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MomentumModel {
    /// r(p) ∝ e^{−K(p)}: N(0, a⁻²I) for the fixed kinetic energy, N(0, I) for a learned one.
    #[default]
    Kinetic,
    /// A learned Gaussian r_ψ(p | q_T) (the momentum encoder's network), as the reverse model
    /// of Hamiltonian variational inference (Salimans, Kingma & Welling 2015).
    Encoder,
}

/// The architecture of a flow: K blocks of L leapfrog steps of size dt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowConfig {
    /// K, the number of blocks (each with its own potential).
    pub blocks: usize,
    /// L, leapfrog steps per block.
    pub leapfrog_steps: usize,
    /// dt, the leapfrog step size.
    pub dt: f64,
    /// W, the hidden width of every potential (and learned kinetic energy).
    pub width: usize,
    /// The hidden activation of the potentials.
    pub activation: Activation,
    /// Fixed or learned kinetic energy.
    pub kinetic: Kinetic,
    /// Hidden width of the momentum encoder f_ψ(p|q) (samples objective), also the reverse
    /// momentum model r_ψ(p|q_T) of the density objective with `MomentumModel::Encoder`.
    pub encoder_width: usize,
    /// Which objective the flow is trained with; decides whether it has an encoder.
    pub objective: Objective,
    /// The standard or a learnable diagonal Gaussian base.
    pub base: BaseKind,
    /// Density objective: the model of the final momentum (the samples objective always has
    /// its encoder).
    pub momentum: MomentumModel,
}

impl Default for FlowConfig {
    /// The settings that reach KL < 0.1 on 8gaussians within 3000 iterations (docs/MATH.md §7,
    /// "best found": K = 4, L = 5, dt = 0.2, W = 32).
    fn default() -> Self {
        Self {
            blocks: 4,
            leapfrog_steps: 5,
            dt: 0.2,
            width: 32,
            activation: Activation::Tanh,
            kinetic: Kinetic::Fixed,
            encoder_width: 32,
            objective: Objective::Samples,
            base: BaseKind::Standard,
            momentum: MomentumModel::Kinetic,
        }
    }
}

/// A configuration value outside its allowed range.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// The field, as named in files and on the command line.
    pub field: &'static str,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &'static str,
    value: T,
    lo: T,
    hi: T,
) -> Result<(), ConfigError> {
    if value >= lo && value <= hi {
        Ok(())
    } else {
        Err(ConfigError {
            field,
            message: format!("{value} is outside the allowed range {lo}..={hi}"),
        })
    }
}

impl FlowConfig {
    /// Checks every field against the range the engine supports.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range("blocks", self.blocks, 1, MAX_BLOCKS)?;
        check_range("leapfrog_steps", self.leapfrog_steps, 1, 100)?;
        if !self.dt.is_finite() {
            return Err(ConfigError {
                field: "dt",
                message: "must be a finite number".into(),
            });
        }
        check_range("dt", self.dt, 1e-4, 2.0)?;
        check_range("width", self.width, 2, 256)?;
        check_range("encoder_width", self.encoder_width, 2, 256)?;
        Ok(())
    }

    /// The research command line's default architecture for an objective: the best measured
    /// setting of docs/FITS.md ("Defaults"). Samples: twelve blocks of two leapfrog steps of
    /// 0.3 (1.5× the force evaluations of four blocks of five steps: "Spending the cost
    /// allowance" there) with the sine first layer ("A sine first layer"); density: four
    /// blocks of five steps of 0.2 with the learned reverse momentum model, the sine first
    /// layer and the learnable base ("The density default").
    pub fn for_objective(objective: Objective) -> Self {
        match objective {
            Objective::Samples => Self {
                blocks: 12,
                leapfrog_steps: 2,
                dt: 0.3,
                activation: Activation::Sine,
                objective,
                ..Self::default()
            },
            // The learnable base lets the group bound below spread the flow over every mode;
            // the sine keeps the thin bands (u2, u4) sharper than tanh did with single draws.
            Objective::Density => Self {
                objective,
                momentum: MomentumModel::Encoder,
                activation: Activation::Sine,
                base: BaseKind::Learned,
                ..Self::default()
            },
        }
    }

    /// Whether the flow has a momentum encoder: always for the samples objective, and for the
    /// density objective with the learned reverse momentum model.
    pub fn has_encoder(&self) -> bool {
        self.objective == Objective::Samples || self.momentum == MomentumModel::Encoder
    }

    /// Total number of leapfrog steps K·L.
    pub fn total_steps(&self) -> usize {
        self.blocks * self.leapfrog_steps
    }
}

/// How a flow is trained: optimiser, batch, schedule and seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// Adam's peak learning rate.
    pub lr: f64,
    /// Cosine-decay the learning rate to zero over `schedule_iters` (0: constant).
    pub schedule_iters: usize,
    /// Points per training step.
    pub batch: usize,
    /// Gradients whose global norm exceeds this are scaled down to it.
    pub clip_norm: f64,
    /// Seeds the initial parameters and every random draw of the run.
    pub seed: u64,
    /// Density objective: over this many first iterations the weight β of log π̃ rises
    /// linearly from [`ANNEAL_START`] to 1, so the flow spreads over the whole target before it
    /// sharpens (0: no annealing).
    pub anneal_iters: usize,
    /// Over this many first iterations the learning rate rises linearly to its peak (0: none).
    pub warmup_iters: usize,
    /// Density objective: draws per group of the importance-weighted bound (docs/MATH.md §2b),
    /// one of [`IW_DRAWS`]; 1 is the plain reverse KL. The samples objective ignores it.
    pub iw_draws: usize,
    /// Density objective: score by groups of `iw_draws` over this many first iterations only,
    /// then by single draws, the plain reverse KL (0: groups throughout).
    pub iw_iters: usize,
    /// Density objective: α, the share of the importance-weighted group score in each
    /// group's loss, the rest being the plain per-draw loss (docs/MATH.md §2b; 1: the bound
    /// alone). Matters only when `iw_draws` > 1.
    pub iw_mix: f64,
    /// Density objective: how the gradient of the loss is estimated (docs/MATH.md §3d; a
    /// research setting, left out of files while it is the standard one).
    #[serde(skip_serializing_if = "Estimator::is_standard")]
    pub estimator: Estimator,
    /// How Adam's moments become an update: Adam itself or NAdam (a research setting of the
    /// command line; left out of files while it is Adam, so they stay as they were).
    #[serde(skip_serializing_if = "UpdateRule::is_adam")]
    pub update_rule: UpdateRule,
    /// How training goes on after the schedule ended and the user chose to continue (none: the
    /// first schedule). Not part of links or the panel: it is the run's own history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation: Option<Continuation>,
}

/// How the density objective's gradient is estimated from its draws (docs/MATH.md §3d).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Estimator {
    /// The gradient of the draws' loss as written: the reparameterised path and the score of
    /// the flow's density, which cancel draw by draw.
    #[default]
    Standard,
    /// The doubly reparameterised gradient (Tucker et al. 2019): path derivatives only, each
    /// weighted by its squared normalised importance weight; with single draws it is the
    /// "sticking the landing" gradient (Roeder et al. 2017).
    Dreg,
}

impl Estimator {
    /// Whether this is the standard estimate (files leave the field out then).
    pub fn is_standard(&self) -> bool {
        *self == Self::Standard
    }
}

/// A deliberate continuation of a run past the end of its cosine schedule.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Continuation {
    /// A new cosine schedule of `schedule_iters` iterations from step `from`.
    Cosine {
        /// The step the new schedule starts at.
        from: u64,
    },
    /// A constant learning rate from here on (no end).
    Constant {
        /// The rate.
        lr: f64,
    },
}

/// β at the first iteration of an annealed run (docs/FITS.md, "Annealing").
pub const ANNEAL_START: f64 = 0.2;

/// The most blocks K a flow may have (the engine's limit and the panel's slider).
pub const MAX_BLOCKS: usize = 16;

/// The importance-weighted bound's group sizes: the divisors of a tile of points, so a
/// group never straddles two tiles (or two batch pieces) and every worker count forms the
/// same groups.
pub const IW_DRAWS: [usize; 4] = [1, 2, 4, 8];

impl Default for TrainConfig {
    /// Adam 3e-3 with cosine decay over 3000 iterations, batch 512 (docs/MATH.md §7).
    fn default() -> Self {
        Self {
            lr: 3e-3,
            schedule_iters: 3000,
            batch: 512,
            clip_norm: 100.0,
            seed: 0,
            anneal_iters: 0,
            warmup_iters: 0,
            iw_draws: 1,
            iw_iters: 0,
            iw_mix: 1.0,
            estimator: Estimator::Standard,
            update_rule: UpdateRule::Adam,
            continuation: None,
        }
    }
}

impl TrainConfig {
    /// The research command line's default training for an objective (docs/FITS.md,
    /// "Defaults"): Adam at 2e-2 and batch 640 for the samples objective, 3e-3 with 1000
    /// iterations of annealing, batch 512 and groups of two draws scored by the
    /// importance-weighted bound (docs/MATH.md §2b) for the density objective (annealing over
    /// 2000 raised the ESS of banana, donut and u1 but doubled u2's grid KL, so it is a
    /// setting); cosine over 3000 iterations.
    pub fn for_objective(objective: Objective) -> Self {
        match objective {
            // Batch 640 spends the rest of the cost allowance (docs/FITS.md, "The allowance
            // against the issue day's binary"): 8gaussians under its bar on every seed.
            Objective::Samples => Self {
                lr: 2e-2,
                batch: 640,
                ..Self::default()
            },
            // Groups of two: four blur the thin bands more for no bar gained (docs/FITS.md).
            Objective::Density => Self {
                lr: 3e-3,
                anneal_iters: 1000,
                iw_draws: 2,
                ..Self::default()
            },
        }
    }
    /// The learning rate of accepted step `step` (0-based): the cosine schedule, or the
    /// continuation chosen after it ended.
    pub fn lr_at(&self, step: u64) -> f64 {
        match self.continuation {
            None if (step as usize) < self.warmup_iters => {
                cosine_lr(self.lr, step, self.schedule_iters) * (step + 1) as f64
                    / self.warmup_iters as f64
            }
            None => cosine_lr(self.lr, step, self.schedule_iters),
            Some(Continuation::Cosine { from }) => {
                cosine_lr(self.lr, step.saturating_sub(from), self.schedule_iters)
            }
            Some(Continuation::Constant { lr }) => lr,
        }
    }

    /// The step at which the current schedule's rate reaches zero, if it has an end (a
    /// constant rate has none).
    pub fn schedule_end(&self) -> Option<u64> {
        let n = self.schedule_iters as u64;
        match self.continuation {
            _ if n == 0 => None,
            None => Some(n),
            Some(Continuation::Cosine { from }) => Some(from + n),
            Some(Continuation::Constant { .. }) => None,
        }
    }
    /// How the density objective scores its draws at accepted step `step` (0-based): groups
    /// of `iw_draws` mixed by `iw_mix`, or single draws once `iw_iters` iterations are past.
    pub fn iw_groups_at(&self, step: u64) -> Groups {
        let dreg = self.estimator == Estimator::Dreg;
        if self.iw_iters > 0 && step >= self.iw_iters as u64 {
            Groups {
                dreg,
                ..Groups::PLAIN
            }
        } else {
            Groups {
                draws: self.iw_draws,
                mix: self.iw_mix,
                dreg,
            }
        }
    }

    /// β, the weight of log π̃ in the density objective at accepted step `step` (0-based).
    pub fn anneal_beta(&self, step: u64) -> f64 {
        if self.anneal_iters == 0 {
            return 1.0;
        }
        let frac = (step as f64 / self.anneal_iters as f64).min(1.0);
        ANNEAL_START + (1.0 - ANNEAL_START) * frac
    }

    /// Checks every field against the range the engine supports.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.lr.is_finite() {
            return Err(ConfigError {
                field: "lr",
                message: "must be a finite number".into(),
            });
        }
        check_range("lr", self.lr, 1e-6, 1.0)?;
        check_range("batch", self.batch, 1, 16384)?;
        if !IW_DRAWS.contains(&self.iw_draws) {
            return Err(ConfigError {
                field: "iw_draws",
                message: format!("must be one of {IW_DRAWS:?}, got {}", self.iw_draws),
            });
        }
        if self.estimator == Estimator::Dreg && self.iw_mix != 1.0 {
            return Err(ConfigError {
                field: "estimator",
                message: "the doubly reparameterised gradient needs iw_mix 1 (the bound alone)"
                    .into(),
            });
        }
        if !(0.0..=1.0).contains(&self.iw_mix) {
            return Err(ConfigError {
                field: "iw_mix",
                message: format!("must be between 0 and 1, got {}", self.iw_mix),
            });
        }
        if let Some(Continuation::Constant { lr }) = self.continuation
            && !(lr.is_finite() && (1e-6..=1.0).contains(&lr))
        {
            return Err(ConfigError {
                field: "continuation",
                message: format!("a constant rate must be between 1e-6 and 1, got {lr}"),
            });
        }
        if !(self.clip_norm.is_finite() && self.clip_norm > 0.0) {
            return Err(ConfigError {
                field: "clip_norm",
                message: "must be a positive number".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        FlowConfig::default().validate().unwrap();
        TrainConfig::default().validate().unwrap();
    }

    #[test]
    fn importance_weighted_groups_end_after_their_iterations() {
        let mut t = TrainConfig {
            iw_draws: 4,
            ..TrainConfig::default()
        };
        let draws = |t: &TrainConfig, step| t.iw_groups_at(step).draws;
        assert_eq!((draws(&t, 0), draws(&t, 99_999)), (4, 4));
        t.iw_iters = 100;
        assert_eq!((draws(&t, 99), draws(&t, 100)), (4, 1));
        assert_eq!(t.iw_groups_at(100), Groups::PLAIN);
        t.iw_mix = 1.5;
        assert_eq!(t.validate().unwrap_err().field, "iw_mix");
        t.iw_draws = 3;
        assert_eq!(t.validate().unwrap_err().field, "iw_draws");
    }

    #[test]
    fn a_schedule_ends_and_continues_only_as_chosen() {
        let mut t = TrainConfig {
            lr: 0.01,
            schedule_iters: 100,
            ..TrainConfig::default()
        };
        assert_eq!(t.schedule_end(), Some(100));
        assert_eq!(t.lr_at(100), 0.0);
        t.continuation = Some(Continuation::Cosine { from: 100 });
        assert_eq!(t.schedule_end(), Some(200));
        assert_eq!(t.lr_at(100), 0.01);
        t.continuation = Some(Continuation::Constant { lr: 1e-3 });
        assert_eq!(t.schedule_end(), None);
        assert_eq!(t.lr_at(5000), 1e-3);
        t.continuation = Some(Continuation::Constant { lr: f64::NAN });
        assert_eq!(t.validate().unwrap_err().field, "continuation");
    }

    #[test]
    fn bad_values_name_their_field() {
        let cfg = FlowConfig {
            dt: f64::NAN,
            ..FlowConfig::default()
        };
        assert_eq!(cfg.validate().unwrap_err().field, "dt");
        let cfg = FlowConfig {
            blocks: 0,
            ..FlowConfig::default()
        };
        assert_eq!(cfg.validate().unwrap_err().field, "blocks");
        let cfg = TrainConfig {
            batch: 0,
            ..TrainConfig::default()
        };
        assert_eq!(cfg.validate().unwrap_err().field, "batch");
    }
}
