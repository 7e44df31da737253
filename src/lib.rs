//! NHF Playground: train and watch Neural Hamiltonian Flows on 2D targets.
//!
//! Rooms (see docs/ARCHITECTURE.md): [`targets`] (2D distributions) → [`nhf`] (the engine) → `app`
//! (the egui application) → thin entries (`main.rs` native, `web.rs` wasm).

pub mod app;
pub use nhf_core::{
    chains, classic_flows, compare, hmc, l2hmc, method, method_file, names, nhf, rng, targets,
};

#[cfg(target_arch = "wasm32")]
mod web;
