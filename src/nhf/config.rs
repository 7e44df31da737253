//! The shape of a flow and of its training run, with validation that names the bad field.

use serde::{Deserialize, Serialize};

pub use crate::targets::Objective;

/// The hidden-layer activation s of the potentials (MATH.md §1: twice differentiable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// tanh: s' = 1 − t², s'' = −2t(1 − t²).
    #[default]
    Tanh,
    /// softplus: s' = σ, s'' = σ(1 − σ).
    Softplus,
}

/// The kinetic energy K(p) of every block (MATH.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kinetic {
    /// K(p) = ½a²|p|² with one learnable scalar a (Souveton et al. 2023).
    #[default]
    Fixed,
    /// K_k(p) an MLP per block (Toth et al. 2019).
    Learned,
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
    /// Hidden width of the momentum encoder f_ψ(p|q) (samples objective only).
    pub encoder_width: usize,
    /// Which objective the flow is trained with; decides whether it has an encoder.
    pub objective: Objective,
}

impl Default for FlowConfig {
    /// The settings that reach KL < 0.1 on 8gaussians within 3000 iterations (MATH.md §7,
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
        check_range("blocks", self.blocks, 1, 16)?;
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
}

impl Default for TrainConfig {
    /// Adam 3e-3 with cosine decay over 3000 iterations, batch 512 (MATH.md §7).
    fn default() -> Self {
        Self {
            lr: 3e-3,
            schedule_iters: 3000,
            batch: 512,
            clip_norm: 100.0,
            seed: 0,
        }
    }
}

impl TrainConfig {
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
