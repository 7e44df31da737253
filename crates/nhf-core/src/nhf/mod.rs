//! The Neural Hamiltonian Flow engine (docs/MATH.md): pure Rust, no UI, no platform code, and
//! deterministic for a seed on every platform.
//!
//! To read the math first: [`reference`] (the whole model in plain f64, one point at a time;
//! the fast kernels are tested against it). Then the fast code, in reading order: [`real`] (the scalar), [`mlp`] (force and force-VJP, §3a), [`leapfrog`]
//! (blocks and their adjoint, §3b), [`objective`] (§2), [`adam`], [`trainer`] (a training run
//! with rollback), [`flow`] (maps, sampling, trajectories), [`eval`] (§5), [`model_file`].

pub mod adam;
#[cfg(target_arch = "x86_64")]
mod avx512_lanes;
#[cfg(target_arch = "x86_64")]
mod avx_lanes;
pub mod base;
pub mod batch_pieces;
pub mod config;
pub mod encoder;
pub mod eval;
pub mod flow;
pub mod groups;
pub mod integrators;
pub mod lanes;
pub mod layout;
pub mod leapfrog;
mod matvec;
pub mod mlp;
pub mod model_file;
pub mod objective;
#[cfg(target_arch = "x86_64")]
mod outer_sums;
pub mod real;
pub mod reference;
pub mod sine;
pub mod step_bench;
pub mod trainer;
mod unit_lanes;
pub mod workspace;

#[cfg(test)]
mod gradient_tests;

pub use base::Base;
pub use config::{
    Activation, BaseKind, ConfigError, Continuation, Estimator, FlowConfig, Kinetic, MomentumModel,
    Objective, TrainConfig,
};
pub use flow::Flow;
pub use trainer::{StepError, Trainer};

pub use layout::Layout;
pub use leapfrog::Direction;
