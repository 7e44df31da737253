//! The Gaussian momentum encoder f_ψ(p | q) = N(p; μ_ψ(q), diag σ_ψ(q)²) of the samples
//! objective (docs/MATH.md §2a), also the density objective's learned reverse momentum model
//! r_ψ(p_T | q_T) (docs/FITS.md, "The reverse momentum model"): an MLP ℝ² → ℝ⁴ (two tanh hidden layers) giving μ and log σ, with
//! its forward pass and ordinary backpropagation, a tile of points at a time.

use super::mlp::{Lane, TILE, zeros};
use super::real::Real;

/// A read-only view of the encoder's weights: A₁ (We×2), c₁, A₂ (We×We), c₂, A₃ (4×We), c₃.
#[derive(Clone, Copy, Debug)]
pub struct Encoder<'a, T> {
    width: usize,
    a1: &'a [T],
    c1: &'a [T],
    a2: &'a [T],
    c2: &'a [T],
    a3: &'a [T],
    c3: &'a [T],
}

/// The encoder's hidden activations of one tile, kept for the backward pass.
#[derive(Clone, Debug)]
pub struct EncoderCache<T> {
    h1: Vec<Lane<T>>,
    h2: Vec<Lane<T>>,
    h2_bar: Vec<Lane<T>>,
}

impl<T: Real> EncoderCache<T> {
    /// Buffers for hidden width We.
    pub fn new(width: usize) -> Self {
        Self {
            h1: vec![zeros(); width],
            h2: vec![zeros(); width],
            h2_bar: vec![zeros(); width],
        }
    }
}

/// μ (two lanes) and log σ (two lanes) of a tile.
#[derive(Clone, Copy, Debug)]
pub struct Gaussian<T> {
    /// Mean of p, per coordinate.
    pub mu: [Lane<T>; 2],
    /// log standard deviation of p, per coordinate.
    pub log_sigma: [Lane<T>; 2],
}

impl<'a, T: Real> Encoder<'a, T> {
    /// Splits the encoder's slice of the parameter vector.
    pub fn new(params: &'a [T], width: usize) -> Self {
        let w = width;
        let (a1, rest) = params.split_at(2 * w);
        let (c1, rest) = rest.split_at(w);
        let (a2, rest) = rest.split_at(w * w);
        let (c2, rest) = rest.split_at(w);
        let (a3, c3) = rest.split_at(4 * w);
        debug_assert_eq!(c3.len(), 4);
        Self {
            width,
            a1,
            c1,
            a2,
            c2,
            a3,
            c3,
        }
    }

    /// μ_ψ(q) and log σ_ψ(q) for the tile's points.
    pub fn forward(&self, q: [&Lane<T>; 2], cache: &mut EncoderCache<T>) -> Gaussian<T> {
        let w = self.width;
        let [qx, qy] = q;
        for j in 0..w {
            let (ax, ay, c) = (self.a1[2 * j], self.a1[2 * j + 1], self.c1[j]);
            for t in 0..TILE {
                cache.h1[j][t] = (ax * qx[t] + ay * qy[t] + c).tanh();
            }
        }
        for k in 0..w {
            let mut acc = [self.c2[k]; TILE];
            for (akj, h1j) in self.a2[k * w..(k + 1) * w].iter().zip(&cache.h1) {
                for t in 0..TILE {
                    acc[t] += *akj * h1j[t];
                }
            }
            for t in 0..TILE {
                cache.h2[k][t] = acc[t].tanh();
            }
        }
        let mut out = [zeros(); 4];
        for (o, lane) in out.iter_mut().enumerate() {
            *lane = [self.c3[o]; TILE];
            for (aok, h2k) in self.a3[o * w..(o + 1) * w].iter().zip(&cache.h2) {
                for t in 0..TILE {
                    lane[t] += *aok * h2k[t];
                }
            }
        }
        Gaussian {
            mu: [out[0], out[1]],
            log_sigma: [out[2], out[3]],
        }
    }

    /// Backpropagates cotangents on (μ, log σ) of the last [`Encoder::forward`] with `cache`,
    /// adding the weights' cotangents into the per-lane accumulator `grad` (encoder layout),
    /// and returns the cotangent of the input q (q̄ = A₁ᵀ ā₁): the density objective's reverse
    /// momentum model reads q_T, which the flow produced.
    pub fn backward(
        &self,
        q: [&Lane<T>; 2],
        bar: &Gaussian<T>,
        cache: &mut EncoderCache<T>,
        grad: &mut [Lane<T>],
    ) -> [Lane<T>; 2] {
        let w = self.width;
        let [qx, qy] = q;
        let (g_a1, rest) = grad.split_at_mut(2 * w);
        let (g_c1, rest) = rest.split_at_mut(w);
        let (g_a2, rest) = rest.split_at_mut(w * w);
        let (g_c2, rest) = rest.split_at_mut(w);
        let (g_a3, g_c3) = rest.split_at_mut(4 * w);
        let out_bar = [bar.mu[0], bar.mu[1], bar.log_sigma[0], bar.log_sigma[1]];
        // Output layer: Ā₃ += ō h₂ᵀ, c̄₃ += ō, h̄₂ = A₃ᵀ ō.
        cache.h2_bar.iter_mut().for_each(|l| *l = zeros());
        for (o, ob) in out_bar.iter().enumerate() {
            for t in 0..TILE {
                g_c3[o][t] += ob[t];
            }
            for k in 0..w {
                let aok = self.a3[o * w + k];
                for t in 0..TILE {
                    g_a3[o * w + k][t] += ob[t] * cache.h2[k][t];
                    cache.h2_bar[k][t] += aok * ob[t];
                }
            }
        }
        // Second hidden layer: ā₂ = h̄₂ ⊙ (1 − h₂²) (stored in h2_bar); Ā₂ += ā₂h₁ᵀ; c̄₂ += ā₂.
        for k in 0..w {
            for t in 0..TILE {
                let h = cache.h2[k][t];
                cache.h2_bar[k][t] *= T::one() - h * h;
                g_c2[k][t] += cache.h2_bar[k][t];
            }
            let a2bar = cache.h2_bar[k];
            for (g, h1j) in g_a2[k * w..(k + 1) * w].iter_mut().zip(&cache.h1) {
                for t in 0..TILE {
                    g[t] += a2bar[t] * h1j[t];
                }
            }
        }
        // First hidden layer: h̄₁ = A₂ᵀā₂, ā₁ = h̄₁ ⊙ (1 − h₁²); Ā₁ += ā₁qᵀ; c̄₁ += ā₁;
        // q̄ += A₁ᵀā₁.
        let mut q_bar = [zeros(); 2];
        for j in 0..w {
            let mut acc: Lane<T> = zeros();
            for k in 0..w {
                let akj = self.a2[k * w + j];
                for t in 0..TILE {
                    acc[t] += akj * cache.h2_bar[k][t];
                }
            }
            for t in 0..TILE {
                let h = cache.h1[j][t];
                let a1bar = acc[t] * (T::one() - h * h);
                g_a1[2 * j][t] += a1bar * qx[t];
                g_a1[2 * j + 1][t] += a1bar * qy[t];
                g_c1[j][t] += a1bar;
                q_bar[0][t] += self.a1[2 * j] * a1bar;
                q_bar[1][t] += self.a1[2 * j + 1] * a1bar;
            }
        }
        q_bar
    }
}
