//! The potential network V(q) = w₃·s(W₂ s(W₁q + b₁) + b₂), its force ∇V and the force's
//! vector–Jacobian product (docs/MATH.md §3a), for a tile of [`TILE`] points at a time.
//!
//! Points run across the lanes of a [`LaneVec`] ("lanes over batch"): every operation is
//! `acc + w * x` on all points of a tile at once, never a sum across points, so nothing is
//! reassociated and the result is the same bits on every platform. The inner products are
//! written `w.mul_add(x, acc)`: a multiply then an add, except in the opt-in fast kernels,
//! where it is one fused instruction ([`super::lanes::set_fast_kernels`]).
//! A learned kinetic energy K(p) uses the same functions applied to p.

use super::config::Activation;
use super::lanes::{self, LaneVec, with_avx_clone};
use super::real::Real;

pub use super::lanes::{Lane, TILE, zeros};

/// A read-only view of one scalar MLP's weights inside the flat parameter vector, with W₂ also
/// stored transposed (`w2t[j·W + k] = W₂[k, j]`) so that W₂ᵀ-products read memory in order.
#[derive(Clone, Copy, Debug)]
pub struct Mlp<'a, T> {
    /// Hidden width W.
    pub width: usize,
    /// W₁, W×2 row-major.
    pub w1: &'a [T],
    /// b₁.
    pub b1: &'a [T],
    /// W₂, W×W row-major (`w2[k·W + j]`).
    pub w2: &'a [T],
    /// W₂ transposed.
    pub w2t: &'a [T],
    /// b₂.
    pub b2: &'a [T],
    /// w₃.
    pub w3: &'a [T],
    /// The hidden activation.
    pub act: Activation,
}

impl<'a, T: Real> Mlp<'a, T> {
    /// Splits `params` (of length [`super::layout::mlp_len`]) into the weight matrices;
    /// `w2t` must hold W₂ transposed (see [`transpose_w2`]).
    pub fn new(params: &'a [T], w2t: &'a [T], width: usize, act: Activation) -> Self {
        let w = width;
        let (w1, rest) = params.split_at(2 * w);
        let (b1, rest) = rest.split_at(w);
        let (w2, rest) = rest.split_at(w * w);
        let (b2, w3) = rest.split_at(w);
        debug_assert_eq!(w3.len(), w);
        debug_assert_eq!(w2t.len(), w * w);
        Self {
            width,
            w1,
            b1,
            w2,
            w2t,
            b2,
            w3,
            act,
        }
    }
}

/// Writes W₂ᵀ of the MLP stored in `params` into `out` (W×W).
pub fn transpose_w2<T: Real>(params: &[T], width: usize, out: &mut [T]) {
    let w2 = &params[3 * width..3 * width + width * width];
    for k in 0..width {
        for j in 0..width {
            out[j * width + k] = w2[k * width + j];
        }
    }
}

/// out[r] = bias[r] + Σ_j mat[r·W + j] · x[j] for every row r, lanes over points.
///
/// Four rows at a time share each load of x[j] and keep several independent accumulators in
/// flight: one accumulator alone would wait on the add latency every step. Lanes whose
/// [`LaneVec::ROWS`] is 8 (the fused multiply-adds, where the chain of each accumulator is all
/// there is) take eight rows at a time first. Each row is the same chain of operations either
/// way, so the bits do not depend on it.
#[inline(always)]
fn matvec<T: Real, V: LaneVec<T>>(
    mat: &[T],
    width: usize,
    x: &[Lane<T>],
    bias: Option<&[T]>,
    out: &mut [Lane<T>],
) {
    let rows = out.len();
    let x = &x[..width];
    let init = |r: usize| V::splat(bias.map_or(T::zero(), |b| b[r]));
    let mut r = 0;
    // Eight rows written out like the four below. The two blocks could be one macro or one
    // loop over an array of accumulators, but the macro measured no faster and the loop 2×
    // slower (its accumulators were not kept in registers).
    debug_assert!(
        V::ROWS == 4 || V::ROWS == 8,
        "matvec takes 4 or 8 rows at a time"
    );
    while V::ROWS == 8 && r + 8 <= rows {
        let block = &mat[r * width..(r + 8) * width];
        let (m0, rest) = block.split_at(width);
        let (m1, rest) = rest.split_at(width);
        let (m2, rest) = rest.split_at(width);
        let (m3, rest) = rest.split_at(width);
        let (m4, rest) = rest.split_at(width);
        let (m5, rest) = rest.split_at(width);
        let (m6, m7) = rest.split_at(width);
        let (mut a0, mut a1, mut a2, mut a3) = (init(r), init(r + 1), init(r + 2), init(r + 3));
        let (mut a4, mut a5, mut a6, mut a7) = (init(r + 4), init(r + 5), init(r + 6), init(r + 7));
        for j in 0..width {
            let xj = V::load(&x[j]);
            a0 = V::splat(m0[j]).mul_add(xj, a0);
            a1 = V::splat(m1[j]).mul_add(xj, a1);
            a2 = V::splat(m2[j]).mul_add(xj, a2);
            a3 = V::splat(m3[j]).mul_add(xj, a3);
            a4 = V::splat(m4[j]).mul_add(xj, a4);
            a5 = V::splat(m5[j]).mul_add(xj, a5);
            a6 = V::splat(m6[j]).mul_add(xj, a6);
            a7 = V::splat(m7[j]).mul_add(xj, a7);
        }
        for (o, a) in out[r..r + 8]
            .iter_mut()
            .zip([a0, a1, a2, a3, a4, a5, a6, a7])
        {
            *o = a.store();
        }
        r += 8;
    }
    while r + 4 <= rows {
        let block = &mat[r * width..(r + 4) * width];
        let (m0, rest) = block.split_at(width);
        let (m1, rest) = rest.split_at(width);
        let (m2, m3) = rest.split_at(width);
        let (mut a0, mut a1, mut a2, mut a3) = (init(r), init(r + 1), init(r + 2), init(r + 3));
        for j in 0..width {
            let xj = V::load(&x[j]);
            a0 = V::splat(m0[j]).mul_add(xj, a0);
            a1 = V::splat(m1[j]).mul_add(xj, a1);
            a2 = V::splat(m2[j]).mul_add(xj, a2);
            a3 = V::splat(m3[j]).mul_add(xj, a3);
        }
        out[r] = a0.store();
        out[r + 1] = a1.store();
        out[r + 2] = a2.store();
        out[r + 3] = a3.store();
        r += 4;
    }
    while r < rows {
        let row = &mat[r * width..(r + 1) * width];
        let mut acc = init(r);
        for (w, xj) in row.iter().zip(x) {
            acc = V::splat(*w).mul_add(V::load(xj), acc);
        }
        out[r] = acc.store();
        r += 1;
    }
}

/// Intermediate values of one force evaluation that its VJP needs (docs/MATH.md §3a names).
#[derive(Clone, Debug)]
pub struct ForceCache<T> {
    h1: Vec<Lane<T>>,
    d1: Vec<Lane<T>>,
    dd1: Vec<Lane<T>>,
    d2: Vec<Lane<T>>,
    dd2: Vec<Lane<T>>,
    delta2: Vec<Lane<T>>,
    c1: Vec<Lane<T>>,
    delta1: Vec<Lane<T>>,
    beta1: Vec<Lane<T>>,
    e2: Vec<Lane<T>>,
    /// Output of the W₂ products: a₂ = W₂h₁ + b₂ in the forward pass, then α₂ = W₂β₁ in the
    /// VJP (which needs only d₂ and d̃₂ from the forward pass, not a₂ itself).
    a2: Vec<Lane<T>>,
    /// W₂ᵀe₂ in the VJP.
    t: Vec<Lane<T>>,
}

impl<T: Real> ForceCache<T> {
    /// Buffers for width W.
    pub fn new(width: usize) -> Self {
        let v = || vec![zeros(); width];
        Self {
            h1: v(),
            d1: v(),
            dd1: v(),
            d2: v(),
            dd2: v(),
            delta2: v(),
            c1: v(),
            delta1: v(),
            beta1: v(),
            e2: v(),
            a2: v(),
            t: v(),
        }
    }
}

/// s(a), s'(a), s''(a) on a tile.
#[inline(always)]
fn activate<T: Real, V: LaneVec<T>>(act: Activation, a: V) -> (V, V, V) {
    let one = V::splat(T::one());
    match act {
        Activation::Tanh => {
            let h = a.tanh();
            let d = one - h * h;
            (h, d, V::splat(T::from_f64(-2.0)) * h * d)
        }
        Activation::Softplus => {
            let sig = lanes::map(a, T::sigmoid);
            (lanes::map(a, T::softplus), sig, sig * (one - sig))
        }
    }
}

with_avx_clone! {
    /// g = ∇_q V at the tile's points (docs/MATH.md §3a, forward), filling `cache` for
    /// [`force_vjp`].
    pub fn force<T: Real>(mlp: &Mlp<T>, q: [&Lane<T>; 2], cache: &mut ForceCache<T>) -> [Lane<T>; 2]
        = force_body;
}

/// The body of [`force`], compiled once per instruction set.
#[inline(always)]
fn force_body<T: Real, V: LaneVec<T>>(
    mlp: &Mlp<T>,
    q: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
) -> [Lane<T>; 2] {
    let w = mlp.width;
    let sp = V::splat;
    let (qx, qy) = (V::load(q[0]), V::load(q[1]));
    // a₁ = W₁q + b₁, h₁ = s(a₁), d₁ = s'(a₁), d̃₁ = s''(a₁)
    for j in 0..w {
        let a = sp(mlp.w1[2 * j]) * qx + sp(mlp.w1[2 * j + 1]) * qy + sp(mlp.b1[j]);
        let (h, d, dd) = activate::<T, V>(mlp.act, a);
        cache.h1[j] = h.store();
        cache.d1[j] = d.store();
        cache.dd1[j] = dd.store();
    }
    // a₂ = W₂h₁ + b₂, d₂ = s'(a₂), d̃₂ = s''(a₂), δ₂ = w₃ ⊙ d₂
    matvec::<T, V>(mlp.w2, w, &cache.h1, Some(mlp.b2), &mut cache.a2);
    for k in 0..w {
        let (_, d2, dd2) = activate::<T, V>(mlp.act, V::load(&cache.a2[k]));
        cache.d2[k] = d2.store();
        cache.dd2[k] = dd2.store();
        cache.delta2[k] = (sp(mlp.w3[k]) * d2).store();
    }
    // c₁ = W₂ᵀδ₂, δ₁ = d₁ ⊙ c₁, g = W₁ᵀδ₁
    matvec::<T, V>(mlp.w2t, w, &cache.delta2, None, &mut cache.c1);
    let (mut gx, mut gy) = (sp(T::zero()), sp(T::zero()));
    for j in 0..w {
        let d = V::load(&cache.d1[j]) * V::load(&cache.c1[j]);
        cache.delta1[j] = d.store();
        gx = sp(mlp.w1[2 * j]).mul_add(d, gx);
        gy = sp(mlp.w1[2 * j + 1]).mul_add(d, gy);
    }
    [gx.store(), gy.store()]
}

/// `*lane += v`.
#[inline(always)]
fn add_into<T: Real, V: LaneVec<T>>(lane: &mut Lane<T>, v: V) {
    *lane = (V::load(lane) + v).store();
}

with_avx_clone! {
    /// The VJP of the force at the points of the last [`force`] call with `cache`: given the
    /// cotangent u on g, returns q̄ = ∇²V·u and adds Ḡ (the cotangent of every weight) into
    /// `grad`, a per-lane accumulator laid out like the parameters (docs/MATH.md §3a, reverse).
    pub fn force_vjp<T: Real>(
        mlp: &Mlp<T>,
        q: [&Lane<T>; 2],
        u: [&Lane<T>; 2],
        cache: &mut ForceCache<T>,
        grad: &mut [Lane<T>],
    ) -> [Lane<T>; 2] = force_vjp_body;
}

/// The body of [`force_vjp`], compiled once per instruction set.
#[inline(always)]
fn force_vjp_body<T: Real, V: LaneVec<T>>(
    mlp: &Mlp<T>,
    q: [&Lane<T>; 2],
    u: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
    grad: &mut [Lane<T>],
) -> [Lane<T>; 2] {
    let w = mlp.width;
    let sp = V::splat;
    let ld = V::load;
    let (qx, qy) = (ld(q[0]), ld(q[1]));
    let (ux, uy) = (ld(u[0]), ld(u[1]));
    let (g_w1, rest) = grad.split_at_mut(2 * w);
    let (g_b1, rest) = rest.split_at_mut(w);
    let (g_w2, rest) = rest.split_at_mut(w * w);
    let (g_b2, g_w3) = rest.split_at_mut(w);
    // α₁ = W₁u, β₁ = d₁ ⊙ α₁ (α₁ itself is recomputed below where it is needed: two
    // multiply-adds are cheaper than another buffer's traffic)
    for j in 0..w {
        let alpha1 = sp(mlp.w1[2 * j]) * ux + sp(mlp.w1[2 * j + 1]) * uy;
        cache.beta1[j] = (ld(&cache.d1[j]) * alpha1).store();
    }
    // α₂ = W₂β₁, e₂ = w₃ ⊙ d̃₂ ⊙ α₂; w̄₃ += d₂ ⊙ α₂, b̄₂ += e₂, W̄₂ += e₂h₁ᵀ + δ₂β₁ᵀ.
    matvec::<T, V>(mlp.w2, w, &cache.beta1, None, &mut cache.a2);
    let (h1, beta1) = (&cache.h1[..w], &cache.beta1[..w]);
    for k in 0..w {
        let alpha2 = ld(&cache.a2[k]);
        let e2 = sp(mlp.w3[k]) * ld(&cache.dd2[k]) * alpha2;
        add_into::<T, V>(&mut g_w3[k], ld(&cache.d2[k]) * alpha2);
        add_into::<T, V>(&mut g_b2[k], e2);
        cache.e2[k] = e2.store();
        let delta2 = ld(&cache.delta2[k]);
        let g_row = &mut g_w2[k * w..(k + 1) * w];
        for j in 0..w {
            add_into::<T, V>(
                &mut g_row[j],
                e2.mul_add(ld(&h1[j]), delta2 * ld(&beta1[j])),
            );
        }
    }
    // e₁ = d₁ ⊙ (W₂ᵀe₂) + d̃₁ ⊙ c₁ ⊙ α₁; q̄ = W₁ᵀe₁; W̄₁ += e₁qᵀ + δ₁uᵀ; b̄₁ += e₁
    matvec::<T, V>(mlp.w2t, w, &cache.e2, None, &mut cache.t);
    let (mut qbx, mut qby) = (sp(T::zero()), sp(T::zero()));
    for j in 0..w {
        let (w1x, w1y) = (sp(mlp.w1[2 * j]), sp(mlp.w1[2 * j + 1]));
        let alpha1 = w1x * ux + w1y * uy;
        let e1 = ld(&cache.d1[j]) * ld(&cache.t[j]) + ld(&cache.dd1[j]) * ld(&cache.c1[j]) * alpha1;
        let delta1 = ld(&cache.delta1[j]);
        add_into::<T, V>(&mut g_w1[2 * j], e1 * qx + delta1 * ux);
        add_into::<T, V>(&mut g_w1[2 * j + 1], e1 * qy + delta1 * uy);
        add_into::<T, V>(&mut g_b1[j], e1);
        qbx = w1x.mul_add(e1, qbx);
        qby = w1y.mul_add(e1, qby);
    }
    [qbx.store(), qby.store()]
}

with_avx_clone! {
    /// V(q) = w₃·s(W₂ s(W₁q + b₁) + b₂) at the tile's points (no output bias: only ∇V
    /// matters for the dynamics, so V is defined up to this constant).
    pub fn energy<T: Real>(mlp: &Mlp<T>, q: [&Lane<T>; 2], cache: &mut ForceCache<T>) -> Lane<T>
        = energy_body;
}

/// The body of [`energy`], compiled once per instruction set.
#[inline(always)]
fn energy_body<T: Real, V: LaneVec<T>>(
    mlp: &Mlp<T>,
    q: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
) -> Lane<T> {
    let w = mlp.width;
    let sp = V::splat;
    let (qx, qy) = (V::load(q[0]), V::load(q[1]));
    for j in 0..w {
        let a = sp(mlp.w1[2 * j]) * qx + sp(mlp.w1[2 * j + 1]) * qy + sp(mlp.b1[j]);
        cache.h1[j] = activate::<T, V>(mlp.act, a).0.store();
    }
    matvec::<T, V>(mlp.w2, w, &cache.h1, Some(mlp.b2), &mut cache.a2);
    let mut v = sp(T::zero());
    for k in 0..w {
        let (h2, _, _) = activate::<T, V>(mlp.act, V::load(&cache.a2[k]));
        v = sp(mlp.w3[k]).mul_add(h2, v);
    }
    v.store()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nhf::layout::mlp_len;
    use crate::rng::Rng;

    /// The public kernels take the AVX clones on a CPU with AVX; the clones must give the bits
    /// of the baseline lanes (the ones wasm runs), including −0, infinities and NaN.
    #[test]
    fn the_avx_clones_give_the_baseline_bits() {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            assert!(
                lanes::cpu_has_avx(),
                "this CPU has AVX: the clones must be taken"
            );
        }
        type Base = <f32 as Real>::V;
        let bits =
            |l: &[Lane<f32>]| -> Vec<u32> { l.iter().flatten().map(|x| x.to_bits()).collect() };
        let mut rng = Rng::seed_from_u64(5);
        for (width, act) in [
            (32, Activation::Tanh),
            (13, Activation::Tanh),
            (8, Activation::Softplus),
        ] {
            let params: Vec<f32> = (0..mlp_len(width)).map(|_| rng.normal() as f32).collect();
            let mut w2t = vec![0.0; width * width];
            transpose_w2(&params, width, &mut w2t);
            let mlp = Mlp::new(&params, &w2t, width, act);
            for round in 0..20 {
                let mut lane =
                    || -> Lane<f32> { std::array::from_fn(|_| (3.0 * rng.normal()) as f32) };
                let (mut qx, qy, ux, uy) = (lane(), lane(), lane(), lane());
                if round == 0 {
                    qx[..4].copy_from_slice(&[-0.0, 0.0, f32::INFINITY, 1e30]);
                    qx[4] = f32::NAN;
                }
                let (q, u) = ([&qx, &qy], [&ux, &uy]);
                let (mut c1, mut c2) = (ForceCache::new(width), ForceCache::new(width));
                let g1 = force(&mlp, q, &mut c1);
                let g2 = force_body::<f32, Base>(&mlp, q, &mut c2);
                assert_eq!(bits(&g1), bits(&g2), "force, width {width}, round {round}");
                let mut grad1 = vec![zeros(); params.len()];
                let mut grad2 = grad1.clone();
                let q1 = force_vjp(&mlp, q, u, &mut c1, &mut grad1);
                let q2 = force_vjp_body::<f32, Base>(&mlp, q, u, &mut c2, &mut grad2);
                assert_eq!(
                    bits(&q1),
                    bits(&q2),
                    "force_vjp, width {width}, round {round}"
                );
                assert_eq!(
                    bits(&grad1),
                    bits(&grad2),
                    "weight cotangents, width {width}"
                );
                let e1 = energy(&mlp, q, &mut c1);
                let e2 = energy_body::<f32, Base>(&mlp, q, &mut c2);
                assert_eq!(
                    bits(&[e1]),
                    bits(&[e2]),
                    "energy, width {width}, round {round}"
                );
            }
        }
    }
}
