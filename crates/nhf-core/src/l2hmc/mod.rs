//! L2HMC (Levy, Hoffman & Sohl-Dickstein 2018): HMC whose leapfrog is augmented by small
//! networks that scale and translate the velocity and the position, trained so that proposals
//! jump far and are accepted (the expected squared jumped distance), then run as an exact MCMC
//! sampler with a Metropolis–Hastings test that accounts for the map's log-determinant.
//! docs/MATH.md §10.
//!
//! Where the NHF learns a potential and keeps the leapfrog, L2HMC keeps the target's own
//! potential and learns the leapfrog. [`tape`] (reverse mode for its training gradient, the
//! target's Hessian entering where ∇U does), [`network`] (S, T, Q), [`dynamics`] (the augmented
//! leapfrog, forward and backward), [`sampler`] (training, chains and the Metropolis test).

pub mod dynamics;
pub mod network;
pub mod sampler;
pub mod tape;

pub use sampler::{L2hmc, L2hmcConfig};
