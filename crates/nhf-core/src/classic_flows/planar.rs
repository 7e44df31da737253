//! The planar layer of Rezende & Mohamed (2015, §4.1): z′ = z + û tanh(wᵀz + b), with
//! log|det ∂z′/∂z| = log|1 + tanh′(wᵀz + b) ûᵀw|. The layer stays invertible because û is u
//! moved along w until wᵀû ≥ −1 (their Appendix A): û = u + (m(wᵀu) − wᵀu) w/‖w‖²,
//! m(x) = −1 + softplus(x). Parameters: u (2), w (2), b (1). docs/MATH.md §9.

use crate::nhf::real::Real as _;

/// Parameters per layer: u₁, u₂, w₁, w₂, b.
pub const PARAMS: usize = 5;

/// û and what its gradient needs: c = m(s) − s and s = wᵀu.
fn u_hat(u: [f64; 2], w: [f64; 2]) -> ([f64; 2], f64, f64, f64) {
    let s = u[0] * w[0] + u[1] * w[1];
    let c = -1.0 + s.softplus() - s;
    let ww = (w[0] * w[0] + w[1] * w[1]).max(1e-12);
    ([u[0] + c * w[0] / ww, u[1] + c * w[1] / ww], s, c, ww)
}

/// z′ and log|det ∂z′/∂z| for parameters `p` = [u₁, u₂, w₁, w₂, b].
pub fn forward(p: &[f64], z: [f64; 2]) -> ([f64; 2], f64) {
    let (u, w, b) = ([p[0], p[1]], [p[2], p[3]], p[4]);
    let (uh, ..) = u_hat(u, w);
    let t = (w[0] * z[0] + w[1] * z[1] + b).tanh();
    let d = 1.0 + (1.0 - t * t) * (uh[0] * w[0] + uh[1] * w[1]);
    ([z[0] + uh[0] * t, z[1] + uh[1] * t], d.abs().ln())
}

/// Backpropagation through one layer of the loss ℓ = gᵀz′ − log|det| (g = ∂ℓ/∂z′ from the
/// layers above): adds ∂ℓ/∂p to `grad` and returns ∂ℓ/∂z = g + (∂ℓ/∂a) w, a = wᵀz + b.
pub fn backward(p: &[f64], z: [f64; 2], g: [f64; 2], grad: &mut [f64]) -> [f64; 2] {
    let (u, w, b) = ([p[0], p[1]], [p[2], p[3]], p[4]);
    let (uh, s, c, ww) = u_hat(u, w);
    let t = (w[0] * z[0] + w[1] * z[1] + b).tanh();
    let t1 = 1.0 - t * t; // tanh′
    let t2 = -2.0 * t * t1; // tanh″
    let uw = uh[0] * w[0] + uh[1] * w[1];
    let d = 1.0 + t1 * uw;
    let ug = uh[0] * g[0] + uh[1] * g[1];
    // ℓ through a = wᵀz + b: the drift's tanh′ and log|D|'s tanh″.
    let da = t1 * ug - uw * t2 / d;
    // ℓ through û (D = 1 + tanh′ ûᵀw) and through w where it appears directly (a and D).
    let duh = [t * g[0] - t1 / d * w[0], t * g[1] - t1 / d * w[1]];
    let mut dw = [da * z[0] - t1 / d * uh[0], da * z[1] - t1 / d * uh[1]];
    // û = u + c(s) w/‖w‖², c′(s) = sigmoid(s) − 1.
    let dc = s.sigmoid() - 1.0;
    let w_duh = w[0] * duh[0] + w[1] * duh[1];
    for i in 0..2 {
        grad[i] += duh[i] + dc * w[i] * w_duh / ww;
        dw[i] += dc * u[i] * w_duh / ww + c * (duh[i] / ww - 2.0 * w[i] * w_duh / (ww * ww));
    }
    grad[2] += dw[0];
    grad[3] += dw[1];
    grad[4] += da;
    [g[0] + da * w[0], g[1] + da * w[1]]
}

/// Fresh parameters: small u and w, b = 0 (near the identity).
pub fn init(rng: &mut crate::rng::Rng) -> [f64; PARAMS] {
    [
        0.1 * rng.normal(),
        0.1 * rng.normal(),
        rng.normal(),
        rng.normal(),
        0.0,
    ]
}
