//! Hamiltonian Monte Carlo on a target's own potential U = −log π (Neal 2011): the sampler the
//! NHF's leapfrog steps come from. Where the NHF *learns* a potential and trains its flow, HMC
//! moves chains with the target's own gradient and keeps them exact with a Metropolis test.
//!
//! [`sampler`] (chains, momentum draws, leapfrog proposals, the Metropolis test, every
//! proposal's path recorded for the views), [`dual_averaging`] (the warm-up that tunes the step
//! size toward a target acceptance rate, Hoffman & Gelman 2014) and [`diagnostics`]
//! (effective sample size from the chains' autocorrelation, split R̂). docs/MATH.md §8.

pub mod autocovariance;
pub mod diagnostics;
pub mod dual_averaging;
pub mod sampler;

pub use diagnostics::{effective_sample_size, split_r_hat};
pub use dual_averaging::DualAveraging;
pub use sampler::{Hmc, HmcConfig, Proposal};
