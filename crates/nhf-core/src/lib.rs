//! The NHF Playground engine: everything that computes, nothing that draws.
//!
//! Three rooms, data flowing one way (docs/ARCHITECTURE.md): [`rng`] (the one source of
//! randomness, bit-identical on wasm and native) → [`targets`] (2D distributions:
//! densities, gradients, samplers; docs/TARGETS.md) → [`nhf`] (the Neural Hamiltonian Flow,
//! its exact gradients, trainer, evaluation and model files; docs/MATH.md).
//!
//! The crate links no UI and reads nothing from the platform: no environment variables, no
//! clock but `web-time`'s, no threads but `std::thread::scope` on native (see
//! [`nhf::trainer`]). What the platform knows — whether AVX may be used, where files are — the
//! entries pass in ([`nhf::lanes::set_avx_allowed`], file text rather than paths).

#![warn(missing_docs)]
#![warn(
    clippy::cast_lossless,
    clippy::explicit_iter_loop,
    clippy::manual_let_else,
    clippy::redundant_closure_for_method_calls,
    clippy::semicolon_if_nothing_returned,
    clippy::uninlined_format_args,
    clippy::unnecessary_wraps
)]

pub mod chains;
pub mod classic_flows;
pub mod compare;
/// A small language for log-densities typed by the user, with exact derivatives.
pub use nhf_input::expr;
pub mod hmc;
pub mod l2hmc;
pub mod method;
pub mod method_file;
pub mod names;
pub mod nhf;
pub mod rng;
pub mod targets;
