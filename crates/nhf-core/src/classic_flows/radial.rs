//! The radial layer of Rezende & Mohamed (2015, §4.1): z′ = z + β h(r) (z − z₀),
//! h = 1/(α + r), r = ‖z − z₀‖, with (in two dimensions)
//! log|det ∂z′/∂z| = log(1 + βh) + log(1 + βh + βh′r) = log(1 + βh) + log(1 + αβh²).
//! It stays invertible for β ≥ −α (their Appendix A): α = softplus(α̃), β = −α + softplus(β̃).
//! Parameters: z₀ (2), α̃, β̃. docs/MATH.md §9.

use crate::nhf::real::Real as _;

/// Parameters per layer: z₀₁, z₀₂, α̃, β̃.
pub const PARAMS: usize = 4;

/// α and β from the unconstrained α̃ and β̃.
fn alpha_beta(p: &[f64]) -> (f64, f64) {
    let alpha = p[2].softplus();
    (alpha, -alpha + p[3].softplus())
}

/// z′ and log|det ∂z′/∂z| for parameters `p` = [z₀₁, z₀₂, α̃, β̃].
pub fn forward(p: &[f64], z: [f64; 2]) -> ([f64; 2], f64) {
    let (alpha, beta) = alpha_beta(p);
    let d = [z[0] - p[0], z[1] - p[1]];
    let r = (d[0] * d[0] + d[1] * d[1]).sqrt();
    let h = 1.0 / (alpha + r);
    let logdet = (1.0 + beta * h).ln() + (1.0 + alpha * beta * h * h).ln();
    ([z[0] + beta * h * d[0], z[1] + beta * h * d[1]], logdet)
}

/// Backpropagation through one layer of the loss ℓ = gᵀz′ − log|det|: adds ∂ℓ/∂p to `grad`
/// and returns ∂ℓ/∂z. At z = z₀ (r = 0, where log|det| has a kink) the direction d/r is taken
/// as 0.
pub fn backward(p: &[f64], z: [f64; 2], g: [f64; 2], grad: &mut [f64]) -> [f64; 2] {
    let (alpha, beta) = alpha_beta(p);
    let d = [z[0] - p[0], z[1] - p[1]];
    let r = (d[0] * d[0] + d[1] * d[1]).sqrt();
    let h = 1.0 / (alpha + r);
    let a = 1.0 + beta * h;
    let q = 1.0 + alpha * beta * h * h;
    let dg = d[0] * g[0] + d[1] * g[1];
    let unit = if r > 1e-12 {
        [d[0] / r, d[1] / r]
    } else {
        [0.0, 0.0]
    };
    // ℓ as a function of h (through z′ and both log terms), then of r: dh/dr = −h².
    let dl_dh = beta * dg - beta / a - 2.0 * alpha * beta * h / q;
    let dl_dr = -h * h * dl_dh;
    let dd = [
        beta * h * g[0] + dl_dr * unit[0],
        beta * h * g[1] + dl_dr * unit[1],
    ];
    // z₀ enters only through d = z − z₀.
    grad[0] -= dd[0];
    grad[1] -= dd[1];
    // β directly; α directly (in log(1 + αβh²)) and through h (dh/dα = −h²).
    let dl_dbeta = h * dg - h / a - alpha * h * h / q;
    let dl_dalpha = -h * h * dl_dh - beta * h * h / q;
    // α = softplus(α̃), β = −α + softplus(β̃).
    grad[2] += (dl_dalpha - dl_dbeta) * p[2].sigmoid();
    grad[3] += dl_dbeta * p[3].sigmoid();
    [g[0] + dd[0], g[1] + dd[1]]
}

/// Fresh parameters: a random centre, α = ln 2 and β = 0 (the identity).
pub fn init(rng: &mut crate::rng::Rng) -> [f64; PARAMS] {
    [rng.normal(), rng.normal(), 0.0, 0.0]
}
