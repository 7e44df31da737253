//! The reading copy of the model: docs/MATH.md §1, §2a and §2b written out for one point at a
//! time in plain `f64`, with no tiles, lanes, SIMD, tape or reused buffers.
//!
//! This is the place to read the mathematics. The fast kernels ([`super::mlp`],
//! [`super::leapfrog`], [`super::objective`]) compute the same things for eight points at once
//! and fuse work across steps; the tests at the end of this file check them against this copy
//! (to 10⁻¹² in f64, to f32 precision in f32). It covers the fixed kinetic energy
//! (`Kinetic::Fixed`) with the standard or the learnable base, and reads the same flat
//! parameter vector as the kernels, through [`Layout`]. The loss gradients (§3) are not here:
//! `gradient_tests` checks those against dual numbers and finite differences.

use super::config::{Activation, FlowConfig, Kinetic};
use super::layout::Layout;
use super::objective::LN_2PI;
use crate::targets::Target;

/// A point of ℝ² (a position q or a momentum p).
pub type Vec2 = [f64; 2];

/// Cuts `params` into consecutive pieces of the given lengths.
fn split<const N: usize>(mut params: &[f64], lens: [usize; N]) -> [&[f64]; N] {
    lens.map(|n| {
        let (piece, rest) = params.split_at(n);
        params = rest;
        piece
    })
}

/// a · b.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// a ⊙ b, the elementwise product.
fn times(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x * y).collect()
}

/// M x + b, for M row-major with `x.len()` columns.
fn affine(m: &[f64], b: &[f64], x: &[f64]) -> Vec<f64> {
    let rows = m.chunks(x.len());
    rows.zip(b).map(|(row, br)| br + dot(row, x)).collect()
}

/// Mᵀ y, for M row-major with `y.len()` rows.
fn transposed_times(m: &[f64], y: &[f64]) -> Vec<f64> {
    let cols = m.len() / y.len();
    let column = |j: usize| (0..y.len()).map(|r| m[r * cols + j] * y[r]).sum();
    (0..cols).map(column).collect()
}

/// y + s·x.
fn axpy(y: Vec2, s: f64, x: Vec2) -> Vec2 {
    [y[0] + s * x[0], y[1] + s * x[1]]
}

/// log N(x; μ, diag e^{2ℓ}) = −½|z|² − ℓ₁ − ℓ₂ − ln 2π with z = (x − μ) ⊙ e^{−ℓ}.
fn log_normal(x: Vec2, mu: Vec2, log_sd: Vec2) -> f64 {
    let z = [0, 1].map(|d| (x[d] - mu[d]) * (-log_sd[d]).exp());
    -0.5 * dot(&z, &z) - log_sd[0] - log_sd[1] - LN_2PI
}

/// s(a) and s'(a), elementwise, for the hidden activation s of the first (`first`) or second
/// hidden layer (docs/MATH.md §1).
fn activate(act: Activation, first: bool, a: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let s = |x: f64| match act {
        Activation::Sine if first => (x.sin(), x.cos()),
        Activation::Tanh | Activation::Sine => (x.tanh(), 1.0 - x.tanh() * x.tanh()),
        // ln(1 + eˣ) in a form that cannot overflow; s' is the logistic function σ(x).
        Activation::Softplus => (
            x.max(0.0) + (-x.abs()).exp().ln_1p(),
            1.0 / (1.0 + (-x).exp()),
        ),
    };
    a.into_iter().map(s).unzip()
}

/// A fixed-kinetic flow read from its flat parameter vector: K blocks of L leapfrog steps of
/// H_k(q, p) = ½a²|p|² + V_k(q) (docs/MATH.md §1), its base π₀ (§2c) and its encoder (§2a).
#[derive(Clone, Debug)]
pub struct ReferenceFlow<'a> {
    config: &'a FlowConfig,
    layout: Layout,
    params: &'a [f64],
}

impl<'a> ReferenceFlow<'a> {
    /// The flow of `config` with the parameters `params`, laid out as [`Layout::new`] says.
    ///
    /// # Panics
    /// If the kinetic energy is learned (not covered here) or `params` has the wrong length.
    pub fn new(config: &'a FlowConfig, params: &'a [f64]) -> Self {
        let layout = Layout::new(config);
        assert_eq!(config.kinetic, Kinetic::Fixed, "fixed kinetic only");
        assert_eq!(params.len(), layout.len(), "wrong parameter count");
        Self {
            config,
            layout,
            params,
        }
    }

    /// The weights [W₁ (W×2), b₁, W₂ (W×W), b₂, w₃] of block k's potential, matrices row-major
    /// (docs/MATH.md §1; W² + 5W numbers at [`Layout::potential`]).
    fn weights(&self, k: usize) -> [&'a [f64]; 5] {
        let (w, params) = (self.config.width, &self.params[self.layout.potential(k)]);
        split(params, [2 * w, w, w * w, w, w])
    }

    /// The hidden layers of V_k at q: s(a₁), s'(a₁), s(a₂), s'(a₂) with a₁ = W₁q + b₁,
    /// h₁ = s(a₁), a₂ = W₂h₁ + b₂.
    fn hidden(&self, k: usize, q: Vec2) -> [Vec<f64>; 4] {
        let [w1, b1, w2, b2, _] = self.weights(k);
        let (h1, d1) = activate(self.config.activation, true, affine(w1, b1, &q));
        let (h2, d2) = activate(self.config.activation, false, affine(w2, b2, &h1));
        [h1, d1, h2, d2]
    }

    /// The potential V_k(q) = w₃ · s(W₂ s(W₁q + b₁) + b₂) of block k (docs/MATH.md §1; no
    /// output bias: V is defined up to a constant).
    pub fn potential(&self, k: usize, q: Vec2) -> f64 {
        let [_, _, h2, _] = self.hidden(k, q);
        dot(self.weights(k)[4], &h2)
    }

    /// The force ∇_q V_k(q), backpropagated through the network by hand (docs/MATH.md §3a,
    /// forward lines): δ₂ = w₃ ⊙ s'(a₂), c₁ = W₂ᵀδ₂, δ₁ = s'(a₁) ⊙ c₁, ∇V = W₁ᵀδ₁.
    pub fn grad_potential(&self, k: usize, q: Vec2) -> Vec2 {
        let [w1, _, w2, _, w3] = self.weights(k);
        let [_, d1, _, d2] = self.hidden(k, q);
        let delta2 = times(w3, &d2);
        let delta1 = times(&d1, &transposed_times(w2, &delta2));
        let g = transposed_times(w1, &delta1);
        [g[0], g[1]]
    }

    /// The kinetic scale a: K(p) = ½a²|p|², ∇K(p) = a²p (docs/MATH.md §1).
    pub fn scale(&self) -> f64 {
        self.params[self.layout.kinetic_scale().expect("fixed kinetic energy")]
    }

    /// The energy H_k(q, p) = ½a²|p|² + V_k(q) of block k (docs/MATH.md §1).
    pub fn energy(&self, k: usize, q: Vec2, p: Vec2) -> f64 {
        0.5 * self.scale() * self.scale() * dot(&p, &p) + self.potential(k, q)
    }

    /// One leapfrog step of H_k with signed step h (docs/MATH.md §1): half kick, drift, half
    /// kick. (The kernels reuse the force at the end of a step for the next; here it is
    /// simply computed again.)
    pub fn leapfrog_step(&self, k: usize, h: f64, q: Vec2, p: Vec2) -> (Vec2, Vec2) {
        let p_half = axpy(p, -h / 2.0, self.grad_potential(k, q));
        let q_new = axpy(q, h * self.scale() * self.scale(), p_half);
        (q_new, axpy(p_half, -h / 2.0, self.grad_potential(k, q_new)))
    }

    /// Block B_k: L leapfrog steps of H_k with signed step h (docs/MATH.md §1, "Blocks and
    /// maps").
    pub fn block(&self, k: usize, h: f64, mut q: Vec2, mut p: Vec2) -> (Vec2, Vec2) {
        for _ in 0..self.config.leapfrog_steps {
            (q, p) = self.leapfrog_step(k, h, q, p);
        }
        (q, p)
    }

    /// The generative map G = B_K ∘ … ∘ B_1, step +dt: base (q₀, p₀) → (q_T, p_T)
    /// (docs/MATH.md §1).
    pub fn generate(&self, mut q: Vec2, mut p: Vec2) -> (Vec2, Vec2) {
        for k in 0..self.config.blocks {
            (q, p) = self.block(k, self.config.dt, q, p);
        }
        (q, p)
    }

    /// The normalizing map G⁻¹: B_K first, down to B_1, each with step −dt (docs/MATH.md §1).
    pub fn normalize(&self, mut q: Vec2, mut p: Vec2) -> (Vec2, Vec2) {
        for k in (0..self.config.blocks).rev() {
            (q, p) = self.block(k, -self.config.dt, q, p);
        }
        (q, p)
    }

    /// The base's (m, ℓ_q, ℓ_p): the learnable base's parameters, or zeros for N(0, I)
    /// (docs/MATH.md §2c).
    fn base(&self) -> [Vec2; 3] {
        let zeros = [0.0; 6];
        let b = self.layout.base().map_or(&zeros[..], |r| &self.params[r]);
        [[b[0], b[1]], [b[2], b[3]], [b[4], b[5]]]
    }

    /// A base draw from standard noise ε: q₀ = m + e^{ℓ_q} ⊙ ε_q, p₀ = e^{ℓ_p} ⊙ ε_p
    /// (docs/MATH.md §2c).
    pub fn base_from_noise(&self, eps_q: Vec2, eps_p: Vec2) -> (Vec2, Vec2) {
        let [m, lq, lp] = self.base();
        let q = [0, 1].map(|d| m[d] + lq[d].exp() * eps_q[d]);
        (q, [0, 1].map(|d| lp[d].exp() * eps_p[d]))
    }

    /// log π₀(q, p) = log N(q; m, diag e^{2ℓ_q}) + log N(p; 0, diag e^{2ℓ_p}) (docs/MATH.md §2c;
    /// the standard base N(0, I) has m = ℓ_q = ℓ_p = 0).
    pub fn base_log_prob(&self, q: Vec2, p: Vec2) -> f64 {
        let [m, lq, lp] = self.base();
        log_normal(q, m, lq) + log_normal(p, [0.0; 2], lp)
    }

    /// The momentum encoder's μ_ψ(q) and log σ_ψ(q) (docs/MATH.md §2a): an MLP ℝ² → ℝ⁴ with two
    /// tanh hidden layers, weights [A₁ (W_e×2), c₁, A₂ (W_e×W_e), c₂, A₃ (4×W_e), c₃].
    ///
    /// # Panics
    /// If the flow has no encoder.
    pub fn encoder(&self, q: Vec2) -> (Vec2, Vec2) {
        let we = self.config.encoder_width;
        let params = &self.params[self.layout.encoder().expect("a flow with an encoder")];
        let [a1, c1, a2, c2, a3, c3] = split(params, [2 * we, we, we * we, we, 4 * we, 4]);
        let h1: Vec<f64> = affine(a1, c1, &q).into_iter().map(f64::tanh).collect();
        let h2: Vec<f64> = affine(a2, c2, &h1).into_iter().map(f64::tanh).collect();
        let out = affine(a3, c3, &h2);
        ([out[0], out[1]], [out[2], out[3]])
    }

    /// The samples objective's loss at one data point q with encoder noise ε (docs/MATH.md §2a):
    /// −ELBO(q) = log f_ψ(p | q) − log π₀(G⁻¹(q, p)) with p = μ_ψ(q) + σ_ψ(q) ⊙ ε; for the
    /// standard base, ½|q̂|² + ½|p̂|² − ½|ε|² − log σ₁ − log σ₂ + ln 2π with (q̂, p̂) = G⁻¹(q, p).
    pub fn samples_loss(&self, q: Vec2, eps: Vec2) -> f64 {
        let (mu, log_sigma) = self.encoder(q);
        let p = [0, 1].map(|d| mu[d] + log_sigma[d].exp() * eps[d]);
        let (q_hat, p_hat) = self.normalize(q, p);
        log_normal(p, mu, log_sigma) - self.base_log_prob(q_hat, p_hat)
    }

    /// The density objective's loss at one base draw given by its standard noise (ε_q, ε_p)
    /// (docs/MATH.md §2b): log π₀(q₀, p₀) − β log π̃(q_T) − log r(p_T | q_T), (q_T, p_T) =
    /// G(q₀, p₀), with r = N(0, a⁻²I) (kinetic momentum model; −log r = ½a²|p|² − ln a² + ln 2π)
    /// or, if the flow has an encoder, the learned r_ψ(p | q_T) = N(p; μ_ψ(q_T), diag σ_ψ(q_T)²).
    pub fn density_loss(&self, eps_q: Vec2, eps_p: Vec2, target: &dyn Target, beta: f64) -> f64 {
        let (q0, p0) = self.base_from_noise(eps_q, eps_p);
        let (q, p) = self.generate(q0, p0);
        let a2 = self.scale() * self.scale();
        let log_r = match self.layout.encoder() {
            None => -0.5 * a2 * dot(&p, &p) + a2.ln() - LN_2PI,
            Some(_) => {
                let (mu, log_sigma) = self.encoder(q);
                log_normal(p, mu, log_sigma)
            }
        };
        self.base_log_prob(q0, p0) - beta * target.log_prob(q) - log_r
    }
}

#[cfg(test)]
mod tests;
