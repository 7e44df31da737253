//! The potential network V(q) = w₃·s(W₂ s(W₁q + b₁) + b₂), its force ∇V and the force's
//! vector–Jacobian product (MATH.md §3a), for a tile of [`TILE`] points at a time.
//!
//! Points run across the lanes of a [`LaneVec`] ("lanes over batch"): every operation is
//! `acc + w * x` on all points of a tile at once, never a sum across points, so nothing is
//! reassociated and the result is the same bits on every platform.
//! A learned kinetic energy K(p) uses the same functions applied to p.

use super::config::Activation;
use super::lanes::{self, LaneVec};
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
/// flight: one accumulator alone would wait on the add latency every step.
#[inline(always)]
fn matvec<T: Real>(
    mat: &[T],
    width: usize,
    x: &[Lane<T>],
    bias: Option<&[T]>,
    out: &mut [Lane<T>],
) {
    let rows = out.len();
    let x = &x[..width];
    let init = |r: usize| T::V::splat(bias.map_or(T::zero(), |b| b[r]));
    let mut r = 0;
    while r + 4 <= rows {
        let block = &mat[r * width..(r + 4) * width];
        let (m0, rest) = block.split_at(width);
        let (m1, rest) = rest.split_at(width);
        let (m2, m3) = rest.split_at(width);
        let (mut a0, mut a1, mut a2, mut a3) = (init(r), init(r + 1), init(r + 2), init(r + 3));
        for j in 0..width {
            let xj = T::V::load(&x[j]);
            a0 = a0 + T::V::splat(m0[j]) * xj;
            a1 = a1 + T::V::splat(m1[j]) * xj;
            a2 = a2 + T::V::splat(m2[j]) * xj;
            a3 = a3 + T::V::splat(m3[j]) * xj;
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
            acc = acc + T::V::splat(*w) * T::V::load(xj);
        }
        out[r] = acc.store();
        r += 1;
    }
}

/// Intermediate values of one force evaluation that its VJP needs (MATH.md §3a names).
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
fn activate<T: Real>(act: Activation, a: T::V) -> (T::V, T::V, T::V) {
    let one = T::V::splat(T::one());
    match act {
        Activation::Tanh => {
            let h = T::tanh_v(a);
            let d = one - h * h;
            (h, d, T::V::splat(T::from_f64(-2.0)) * h * d)
        }
        Activation::Softplus => {
            let sig = lanes::map::<T>(a, T::sigmoid);
            (lanes::map::<T>(a, T::softplus), sig, sig * (one - sig))
        }
    }
}

/// g = ∇_q V at the tile's points (MATH.md §3a, forward), filling `cache` for [`force_vjp`].
#[inline(never)]
pub fn force<T: Real>(mlp: &Mlp<T>, q: [&Lane<T>; 2], cache: &mut ForceCache<T>) -> [Lane<T>; 2] {
    let w = mlp.width;
    let sp = T::V::splat;
    let (qx, qy) = (T::V::load(q[0]), T::V::load(q[1]));
    // a₁ = W₁q + b₁, h₁ = s(a₁), d₁ = s'(a₁), d̃₁ = s''(a₁)
    for j in 0..w {
        let a = sp(mlp.w1[2 * j]) * qx + sp(mlp.w1[2 * j + 1]) * qy + sp(mlp.b1[j]);
        let (h, d, dd) = activate::<T>(mlp.act, a);
        cache.h1[j] = h.store();
        cache.d1[j] = d.store();
        cache.dd1[j] = dd.store();
    }
    // a₂ = W₂h₁ + b₂, d₂ = s'(a₂), d̃₂ = s''(a₂), δ₂ = w₃ ⊙ d₂
    matvec(mlp.w2, w, &cache.h1, Some(mlp.b2), &mut cache.a2);
    for k in 0..w {
        let (_, d2, dd2) = activate::<T>(mlp.act, T::V::load(&cache.a2[k]));
        cache.d2[k] = d2.store();
        cache.dd2[k] = dd2.store();
        cache.delta2[k] = (sp(mlp.w3[k]) * d2).store();
    }
    // c₁ = W₂ᵀδ₂, δ₁ = d₁ ⊙ c₁, g = W₁ᵀδ₁
    matvec(mlp.w2t, w, &cache.delta2, None, &mut cache.c1);
    let (mut gx, mut gy) = (sp(T::zero()), sp(T::zero()));
    for j in 0..w {
        let d = T::V::load(&cache.d1[j]) * T::V::load(&cache.c1[j]);
        cache.delta1[j] = d.store();
        gx = gx + sp(mlp.w1[2 * j]) * d;
        gy = gy + sp(mlp.w1[2 * j + 1]) * d;
    }
    [gx.store(), gy.store()]
}

/// `*lane += v`.
#[inline(always)]
fn add_into<T: Real>(lane: &mut Lane<T>, v: T::V) {
    *lane = (T::V::load(lane) + v).store();
}

/// The VJP of the force at the points of the last [`force`] call with `cache`: given the
/// cotangent u on g, returns q̄ = ∇²V·u and adds Ḡ (the cotangent of every weight) into
/// `grad`, a per-lane accumulator laid out like the parameters (MATH.md §3a, reverse).
#[inline(never)]
pub fn force_vjp<T: Real>(
    mlp: &Mlp<T>,
    q: [&Lane<T>; 2],
    u: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
    grad: &mut [Lane<T>],
) -> [Lane<T>; 2] {
    let w = mlp.width;
    let sp = T::V::splat;
    let ld = T::V::load;
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
    matvec(mlp.w2, w, &cache.beta1, None, &mut cache.a2);
    let (h1, beta1) = (&cache.h1[..w], &cache.beta1[..w]);
    for k in 0..w {
        let alpha2 = ld(&cache.a2[k]);
        let e2 = sp(mlp.w3[k]) * ld(&cache.dd2[k]) * alpha2;
        add_into::<T>(&mut g_w3[k], ld(&cache.d2[k]) * alpha2);
        add_into::<T>(&mut g_b2[k], e2);
        cache.e2[k] = e2.store();
        let delta2 = ld(&cache.delta2[k]);
        let g_row = &mut g_w2[k * w..(k + 1) * w];
        for j in 0..w {
            add_into::<T>(&mut g_row[j], e2 * ld(&h1[j]) + delta2 * ld(&beta1[j]));
        }
    }
    // e₁ = d₁ ⊙ (W₂ᵀe₂) + d̃₁ ⊙ c₁ ⊙ α₁; q̄ = W₁ᵀe₁; W̄₁ += e₁qᵀ + δ₁uᵀ; b̄₁ += e₁
    matvec(mlp.w2t, w, &cache.e2, None, &mut cache.t);
    let (mut qbx, mut qby) = (sp(T::zero()), sp(T::zero()));
    for j in 0..w {
        let (w1x, w1y) = (sp(mlp.w1[2 * j]), sp(mlp.w1[2 * j + 1]));
        let alpha1 = w1x * ux + w1y * uy;
        let e1 = ld(&cache.d1[j]) * ld(&cache.t[j]) + ld(&cache.dd1[j]) * ld(&cache.c1[j]) * alpha1;
        let delta1 = ld(&cache.delta1[j]);
        add_into::<T>(&mut g_w1[2 * j], e1 * qx + delta1 * ux);
        add_into::<T>(&mut g_w1[2 * j + 1], e1 * qy + delta1 * uy);
        add_into::<T>(&mut g_b1[j], e1);
        qbx = qbx + w1x * e1;
        qby = qby + w1y * e1;
    }
    [qbx.store(), qby.store()]
}

/// V(q) = w₃·s(W₂ s(W₁q + b₁) + b₂) at the tile's points (no output bias: only ∇V matters
/// for the dynamics, so V is defined up to this constant).
pub fn energy<T: Real>(mlp: &Mlp<T>, q: [&Lane<T>; 2], cache: &mut ForceCache<T>) -> Lane<T> {
    let w = mlp.width;
    let sp = T::V::splat;
    let (qx, qy) = (T::V::load(q[0]), T::V::load(q[1]));
    for j in 0..w {
        let a = sp(mlp.w1[2 * j]) * qx + sp(mlp.w1[2 * j + 1]) * qy + sp(mlp.b1[j]);
        cache.h1[j] = activate::<T>(mlp.act, a).0.store();
    }
    matvec(mlp.w2, w, &cache.h1, Some(mlp.b2), &mut cache.a2);
    let mut v = sp(T::zero());
    for k in 0..w {
        let (h2, _, _) = activate::<T>(mlp.act, T::V::load(&cache.a2[k]));
        v = v + sp(mlp.w3[k]) * h2;
    }
    v.store()
}
