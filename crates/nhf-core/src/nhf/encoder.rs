//! The Gaussian momentum encoder f_ψ(p | q) = N(p; μ_ψ(q), diag σ_ψ(q)²) of the samples
//! objective (docs/MATH.md §2a), also the density objective's learned reverse momentum model
//! r_ψ(p_T | q_T) (docs/FITS.md, "The reverse momentum model"): an MLP ℝ² → ℝ⁴ (two tanh hidden layers) giving μ and log σ, with
//! its forward pass and ordinary backpropagation, a tile of points at a time, in lanes like the
//! potentials' kernels (and, like them, compiled once per instruction set with the same bits).

use super::lanes::{LaneVec, with_avx_clone};
use super::matvec::matvec;
use super::mlp::{Lane, zeros};
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
    h1_bar: Vec<Lane<T>>,
}

impl<T: Real> EncoderCache<T> {
    /// Buffers for hidden width We.
    pub fn new(width: usize) -> Self {
        Self {
            h1: vec![zeros(); width],
            h2: vec![zeros(); width],
            h2_bar: vec![zeros(); width],
            h1_bar: vec![zeros(); width],
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
        encoder_forward(self, q, cache)
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
        encoder_backward(self, q, bar, cache, grad)
    }
}

with_avx_clone! {
    /// [`Encoder::forward`], compiled once per instruction set like the potentials' kernels.
    fn encoder_forward<T: Real>(
        enc: &Encoder<'_, T>,
        q: [&Lane<T>; 2],
        cache: &mut EncoderCache<T>,
    ) -> Gaussian<T> = forward_body;
}

/// The body of [`encoder_forward`]: h₁ = tanh(A₁q + c₁), h₂ = tanh(A₂h₁ + c₂),
/// (μ, log σ) = A₃h₂ + c₃, each sum in the order of the plain loops (the bias first, then the
/// terms by column), so every instruction set gives the same bits.
#[inline(always)]
fn forward_body<T: Real, V: LaneVec<T>>(
    enc: &Encoder<'_, T>,
    q: [&Lane<T>; 2],
    cache: &mut EncoderCache<T>,
) -> Gaussian<T> {
    let w = enc.width;
    let sp = V::splat;
    let (qx, qy) = (V::load(q[0]), V::load(q[1]));
    for j in 0..w {
        let a = sp(enc.a1[2 * j]) * qx + sp(enc.a1[2 * j + 1]) * qy + sp(enc.c1[j]);
        cache.h1[j] = a.tanh().store();
    }
    // The encoder keeps no A₂ᵀ, so the product takes the plain rows (no 512-bit pairs).
    matvec::<T, V>(enc.a2, None, w, &cache.h1, Some(enc.c2), &mut cache.h2);
    for h in &mut cache.h2 {
        *h = V::load(h).tanh().store();
    }
    let mut out = [zeros(); 4];
    matvec::<T, V>(enc.a3, None, w, &cache.h2, Some(enc.c3), &mut out);
    Gaussian {
        mu: [out[0], out[1]],
        log_sigma: [out[2], out[3]],
    }
}

with_avx_clone! {
    /// [`Encoder::backward`], compiled once per instruction set.
    fn encoder_backward<T: Real>(
        enc: &Encoder<'_, T>,
        q: [&Lane<T>; 2],
        bar: &Gaussian<T>,
        cache: &mut EncoderCache<T>,
        grad: &mut [Lane<T>],
    ) -> [Lane<T>; 2] = backward_body;
}

/// The body of [`encoder_backward`]: ordinary backpropagation through the three layers. Each
/// sum runs over its terms in one fixed order (h̄₂ over the outputs, h̄₁ over the rows of A₂,
/// q̄ over the hidden units), so every instruction set gives the same bits.
#[inline(always)]
fn backward_body<T: Real, V: LaneVec<T>>(
    enc: &Encoder<'_, T>,
    q: [&Lane<T>; 2],
    bar: &Gaussian<T>,
    cache: &mut EncoderCache<T>,
    grad: &mut [Lane<T>],
) -> [Lane<T>; 2] {
    let w = enc.width;
    let (sp, ld) = (V::splat, V::load);
    let (qx, qy) = (ld(q[0]), ld(q[1]));
    let (g_a1, rest) = grad.split_at_mut(2 * w);
    let (g_c1, rest) = rest.split_at_mut(w);
    let (g_a2, rest) = rest.split_at_mut(w * w);
    let (g_c2, rest) = rest.split_at_mut(w);
    let (g_a3, g_c3) = rest.split_at_mut(4 * w);
    // Written out rather than `.map`: a closure would be compiled outside the clone.
    let out_bar = [
        ld(&bar.mu[0]),
        ld(&bar.mu[1]),
        ld(&bar.log_sigma[0]),
        ld(&bar.log_sigma[1]),
    ];
    // Output layer: c̄₃ += ō, Ā₃ += ō h₂ᵀ, h̄₂ = A₃ᵀ ō; then ā₂ = h̄₂ ⊙ (1 − h₂²) (kept in
    // h2_bar) and c̄₂ += ā₂.
    for (g, ob) in g_c3.iter_mut().zip(out_bar) {
        *g = (ld(g) + ob).store();
    }
    for k in 0..w {
        let h2 = ld(&cache.h2[k]);
        let mut h2_bar = sp(T::zero());
        for (o, ob) in out_bar.iter().enumerate() {
            let g = &mut g_a3[o * w + k];
            *g = ob.mul_add(h2, ld(g)).store();
            h2_bar = sp(enc.a3[o * w + k]).mul_add(*ob, h2_bar);
        }
        let a2_bar = h2_bar * (sp(T::one()) - h2 * h2);
        cache.h2_bar[k] = a2_bar.store();
        g_c2[k] = (ld(&g_c2[k]) + a2_bar).store();
    }
    // Second layer: Ā₂ += ā₂h₁ᵀ and h̄₁ = A₂ᵀā₂, row k of A₂ at a time (A₂ is stored by
    // rows), so each h̄₁[j] is the chain over k in order.
    cache.h1_bar.iter_mut().for_each(|l| *l = zeros());
    for k in 0..w {
        let a2_bar = ld(&cache.h2_bar[k]);
        let (row, g_row) = (&enc.a2[k * w..(k + 1) * w], &mut g_a2[k * w..(k + 1) * w]);
        for j in 0..w {
            g_row[j] = a2_bar.mul_add(ld(&cache.h1[j]), ld(&g_row[j])).store();
            cache.h1_bar[j] = sp(row[j]).mul_add(a2_bar, ld(&cache.h1_bar[j])).store();
        }
    }
    // First layer: ā₁ = h̄₁ ⊙ (1 − h₁²); Ā₁ += ā₁qᵀ; c̄₁ += ā₁; q̄ = A₁ᵀā₁.
    let mut q_bar = [sp(T::zero()); 2];
    for j in 0..w {
        let h1 = ld(&cache.h1[j]);
        let a1_bar = ld(&cache.h1_bar[j]) * (sp(T::one()) - h1 * h1);
        g_a1[2 * j] = a1_bar.mul_add(qx, ld(&g_a1[2 * j])).store();
        g_a1[2 * j + 1] = a1_bar.mul_add(qy, ld(&g_a1[2 * j + 1])).store();
        g_c1[j] = (ld(&g_c1[j]) + a1_bar).store();
        q_bar[0] = sp(enc.a1[2 * j]).mul_add(a1_bar, q_bar[0]);
        q_bar[1] = sp(enc.a1[2 * j + 1]).mul_add(a1_bar, q_bar[1]);
    }
    [q_bar[0].store(), q_bar[1].store()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nhf::lanes::{self, TILE};
    use crate::rng::Rng;

    /// The encoder as it was written before it took lanes, one point at a time, kept to show
    /// that the lane kernels compute its bits (trajectories of old links and model files).
    fn written_out(
        enc: &Encoder<'_, f32>,
        q: [&Lane<f32>; 2],
        bar: &Gaussian<f32>,
        grad: &mut [Lane<f32>],
    ) -> (Gaussian<f32>, [Lane<f32>; 2]) {
        let w = enc.width;
        let (mut h1, mut h2) = (vec![zeros::<f32>(); w], vec![zeros::<f32>(); w]);
        for j in 0..w {
            for t in 0..TILE {
                // Real::tanh (the rational form), not f32's own.
                h1[j][t] =
                    Real::tanh(enc.a1[2 * j] * q[0][t] + enc.a1[2 * j + 1] * q[1][t] + enc.c1[j]);
            }
        }
        for k in 0..w {
            let mut acc = [enc.c2[k]; TILE];
            for (akj, h1j) in enc.a2[k * w..(k + 1) * w].iter().zip(&h1) {
                for t in 0..TILE {
                    acc[t] += *akj * h1j[t];
                }
            }
            h2[k] = acc.map(Real::tanh);
        }
        let mut out = [zeros::<f32>(); 4];
        for (o, lane) in out.iter_mut().enumerate() {
            *lane = [enc.c3[o]; TILE];
            for (aok, h2k) in enc.a3[o * w..(o + 1) * w].iter().zip(&h2) {
                for t in 0..TILE {
                    lane[t] += *aok * h2k[t];
                }
            }
        }
        let (g_a1, rest) = grad.split_at_mut(2 * w);
        let (g_c1, rest) = rest.split_at_mut(w);
        let (g_a2, rest) = rest.split_at_mut(w * w);
        let (g_c2, rest) = rest.split_at_mut(w);
        let (g_a3, g_c3) = rest.split_at_mut(4 * w);
        let out_bar = [bar.mu[0], bar.mu[1], bar.log_sigma[0], bar.log_sigma[1]];
        let mut h2_bar = vec![zeros::<f32>(); w];
        for (o, ob) in out_bar.iter().enumerate() {
            for t in 0..TILE {
                g_c3[o][t] += ob[t];
            }
            for k in 0..w {
                for t in 0..TILE {
                    g_a3[o * w + k][t] += ob[t] * h2[k][t];
                    h2_bar[k][t] += enc.a3[o * w + k] * ob[t];
                }
            }
        }
        for k in 0..w {
            for t in 0..TILE {
                h2_bar[k][t] *= 1.0 - h2[k][t] * h2[k][t];
                g_c2[k][t] += h2_bar[k][t];
            }
            for (g, h1j) in g_a2[k * w..(k + 1) * w].iter_mut().zip(&h1) {
                for t in 0..TILE {
                    g[t] += h2_bar[k][t] * h1j[t];
                }
            }
        }
        let mut q_bar = [zeros::<f32>(); 2];
        for j in 0..w {
            let mut acc = zeros::<f32>();
            for k in 0..w {
                for t in 0..TILE {
                    acc[t] += enc.a2[k * w + j] * h2_bar[k][t];
                }
            }
            for t in 0..TILE {
                let a1bar = acc[t] * (1.0 - h1[j][t] * h1[j][t]);
                g_a1[2 * j][t] += a1bar * q[0][t];
                g_a1[2 * j + 1][t] += a1bar * q[1][t];
                g_c1[j][t] += a1bar;
                q_bar[0][t] += enc.a1[2 * j] * a1bar;
                q_bar[1][t] += enc.a1[2 * j + 1] * a1bar;
            }
        }
        let g = Gaussian {
            mu: [out[0], out[1]],
            log_sigma: [out[2], out[3]],
        };
        (g, q_bar)
    }

    /// The bits of a float, with every NaN the same (a NaN's payload is not part of the
    /// result).
    fn bits(lanes: &[Lane<f32>]) -> Vec<u32> {
        let one = |x: &f32| if x.is_nan() { u32::MAX } else { x.to_bits() };
        lanes.iter().flatten().map(one).collect()
    }

    /// The dispatched kernels (the AVX-512 or AVX clone on such a CPU) and the baseline lanes
    /// (the ones wasm runs) give the bits of the written-out encoder: outputs, q̄ and every
    /// weight cotangent, with −0, infinities and a NaN among the inputs.
    #[test]
    fn the_lane_kernels_give_the_written_out_bits() {
        type Base = <f32 as Real>::V;
        let mut rng = Rng::seed_from_u64(9);
        for width in [32, 13, 5] {
            let len = width * (width + 8) + 4;
            let params: Vec<f32> = (0..len).map(|_| (0.7 * rng.normal()) as f32).collect();
            let enc = Encoder::new(&params, width);
            for round in 0..10 {
                let mut lane = || -> Lane<f32> { std::array::from_fn(|_| rng.normal() as f32) };
                let (mut qx, qy) = (lane(), lane());
                let bar = Gaussian {
                    mu: [lane(), lane()],
                    log_sigma: [lane(), lane()],
                };
                if round == 0 {
                    qx[..5].copy_from_slice(&[-0.0, 0.0, f32::INFINITY, -1e30, f32::NAN]);
                }
                let q = [&qx, &qy];
                let mut want_grad = vec![zeros(); len];
                let (want, want_q) = written_out(&enc, q, &bar, &mut want_grad);
                let mut cache = EncoderCache::new(width);
                for kernels in ["dispatched", "baseline"] {
                    let mut grad = vec![zeros(); len];
                    let (got, got_q) = if kernels == "dispatched" {
                        let got = enc.forward(q, &mut cache);
                        (got, enc.backward(q, &bar, &mut cache, &mut grad))
                    } else {
                        let got = forward_body::<f32, Base>(&enc, q, &mut cache);
                        let q_bar =
                            backward_body::<f32, Base>(&enc, q, &bar, &mut cache, &mut grad);
                        (got, q_bar)
                    };
                    let what = format!("{kernels}, width {width}, round {round}");
                    assert_eq!(bits(&got.mu), bits(&want.mu), "μ, {what}");
                    assert_eq!(bits(&got.log_sigma), bits(&want.log_sigma), "log σ, {what}");
                    assert_eq!(bits(&got_q), bits(&want_q), "q̄, {what}");
                    assert_eq!(bits(&grad), bits(&want_grad), "weights, {what}");
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            assert!(
                lanes::cpu_has_avx(),
                "the dispatched kernels are a clone here"
            );
        }
    }
}
