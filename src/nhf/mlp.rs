//! The potential network V(q) = w₃·s(W₂ s(W₁q + b₁) + b₂), its force ∇V and the force's
//! vector–Jacobian product (MATH.md §3a), for a tile of [`TILE`] points at a time.
//!
//! Points run across the lanes of small fixed-size arrays ("lanes over batch"): every inner
//! loop is `lane[t] += w * x[t]` over `t in 0..TILE`, which compilers vectorise without
//! reassociating floating-point sums, so the result is the same bits on every platform.
//! A learned kinetic energy K(p) uses the same functions applied to p.

use super::config::Activation;
use super::real::Real;

/// Points processed together in the kernels.
pub const TILE: usize = 8;

/// One value per point of a tile.
pub type Lane<T> = [T; TILE];

/// A lane of zeros.
#[inline(always)]
pub fn zeros<T: Real>() -> Lane<T> {
    [T::zero(); TILE]
}

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
/// Four rows at a time share each load of x[j] and keep eight independent accumulator
/// vectors in flight: one accumulator alone would wait on the add latency every step.
#[inline(always)]
fn matvec<T: Real>(
    mat: &[T],
    width: usize,
    x: &[Lane<T>],
    bias: Option<&[T]>,
    out: &mut [Lane<T>],
) {
    let rows = out.len();
    let init = |r: usize| [bias.map_or(T::zero(), |b| b[r]); TILE];
    let mut r = 0;
    while r + 4 <= rows {
        let (m0, m1, m2, m3) = (
            &mat[r * width..(r + 1) * width],
            &mat[(r + 1) * width..(r + 2) * width],
            &mat[(r + 2) * width..(r + 3) * width],
            &mat[(r + 3) * width..(r + 4) * width],
        );
        let (mut a0, mut a1, mut a2, mut a3) = (init(r), init(r + 1), init(r + 2), init(r + 3));
        for j in 0..width {
            let xj = &x[j];
            let (w0, w1, w2, w3) = (m0[j], m1[j], m2[j], m3[j]);
            for t in 0..TILE {
                a0[t] += w0 * xj[t];
                a1[t] += w1 * xj[t];
                a2[t] += w2 * xj[t];
                a3[t] += w3 * xj[t];
            }
        }
        out[r] = a0;
        out[r + 1] = a1;
        out[r + 2] = a2;
        out[r + 3] = a3;
        r += 4;
    }
    while r < rows {
        let row = &mat[r * width..(r + 1) * width];
        let mut acc = init(r);
        for (w, xj) in row.iter().zip(x) {
            for t in 0..TILE {
                acc[t] += *w * xj[t];
            }
        }
        out[r] = acc;
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

/// s(a), s'(a), s''(a) for a lane.
#[inline(always)]
fn activate<T: Real>(
    act: Activation,
    a: &Lane<T>,
    s: &mut Lane<T>,
    ds: &mut Lane<T>,
    dds: &mut Lane<T>,
) {
    let one = T::one();
    let two = T::from_f64(2.0);
    match act {
        Activation::Tanh => {
            for t in 0..TILE {
                let h = a[t].tanh();
                let d = one - h * h;
                s[t] = h;
                ds[t] = d;
                dds[t] = -two * h * d;
            }
        }
        Activation::Softplus => {
            for t in 0..TILE {
                let sig = a[t].sigmoid();
                s[t] = a[t].softplus();
                ds[t] = sig;
                dds[t] = sig * (one - sig);
            }
        }
    }
}

/// g = ∇_q V at the tile's points (MATH.md §3a, forward), filling `cache` for [`force_vjp`].
#[inline(never)]
pub fn force<T: Real>(mlp: &Mlp<T>, q: [&Lane<T>; 2], cache: &mut ForceCache<T>) -> [Lane<T>; 2] {
    let w = mlp.width;
    let [qx, qy] = q;
    let mut a: Lane<T> = zeros();
    // a₁ = W₁q + b₁, h₁ = s(a₁), d₁ = s'(a₁), d̃₁ = s''(a₁)
    for j in 0..w {
        let (w1x, w1y, b) = (mlp.w1[2 * j], mlp.w1[2 * j + 1], mlp.b1[j]);
        for t in 0..TILE {
            a[t] = w1x * qx[t] + w1y * qy[t] + b;
        }
        activate(
            mlp.act,
            &a,
            &mut cache.h1[j],
            &mut cache.d1[j],
            &mut cache.dd1[j],
        );
    }
    // a₂ = W₂h₁ + b₂, d₂ = s'(a₂), d̃₂ = s''(a₂), δ₂ = w₃ ⊙ d₂
    let mut h2: Lane<T> = zeros();
    matvec(mlp.w2, w, &cache.h1, Some(mlp.b2), &mut cache.a2);
    for k in 0..w {
        let acc = cache.a2[k];
        activate(mlp.act, &acc, &mut h2, &mut cache.d2[k], &mut cache.dd2[k]);
        let w3 = mlp.w3[k];
        for t in 0..TILE {
            cache.delta2[k][t] = w3 * cache.d2[k][t];
        }
    }
    // c₁ = W₂ᵀδ₂, δ₁ = d₁ ⊙ c₁, g = W₁ᵀδ₁
    let (mut gx, mut gy) = (zeros(), zeros());
    matvec(mlp.w2t, w, &cache.delta2, None, &mut cache.c1);
    for j in 0..w {
        let acc = cache.c1[j];
        let (w1x, w1y) = (mlp.w1[2 * j], mlp.w1[2 * j + 1]);
        for t in 0..TILE {
            let d = cache.d1[j][t] * acc[t];
            cache.delta1[j][t] = d;
            gx[t] += w1x * d;
            gy[t] += w1y * d;
        }
    }
    [gx, gy]
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
    let [qx, qy] = q;
    let [ux, uy] = u;
    let (g_w1, rest) = grad.split_at_mut(2 * w);
    let (g_b1, rest) = rest.split_at_mut(w);
    let (g_w2, rest) = rest.split_at_mut(w * w);
    let (g_b2, g_w3) = rest.split_at_mut(w);
    // α₁ = W₁u, β₁ = d₁ ⊙ α₁ (α₁ itself is recomputed below where it is needed: two
    // multiply-adds are cheaper than another buffer's traffic)
    for j in 0..w {
        let (w1x, w1y) = (mlp.w1[2 * j], mlp.w1[2 * j + 1]);
        for t in 0..TILE {
            cache.beta1[j][t] = cache.d1[j][t] * (w1x * ux[t] + w1y * uy[t]);
        }
    }
    // α₂ = W₂β₁, e₂ = w₃ ⊙ d̃₂ ⊙ α₂; w̄₃ += d₂ ⊙ α₂, b̄₂ += e₂, W̄₂ += e₂h₁ᵀ + δ₂β₁ᵀ.
    matvec(mlp.w2, w, &cache.beta1, None, &mut cache.a2);
    for k in 0..w {
        let alpha2 = cache.a2[k];
        let w3 = mlp.w3[k];
        let mut e2: Lane<T> = zeros();
        for t in 0..TILE {
            e2[t] = w3 * cache.dd2[k][t] * alpha2[t];
            g_w3[k][t] += cache.d2[k][t] * alpha2[t];
            g_b2[k][t] += e2[t];
        }
        cache.e2[k] = e2;
        let delta2 = cache.delta2[k];
        let g_row = &mut g_w2[k * w..(k + 1) * w];
        for ((g, h1j), beta1j) in g_row.iter_mut().zip(&cache.h1).zip(&cache.beta1) {
            for t in 0..TILE {
                g[t] += e2[t] * h1j[t] + delta2[t] * beta1j[t];
            }
        }
    }
    // e₁ = d₁ ⊙ (W₂ᵀe₂) + d̃₁ ⊙ c₁ ⊙ α₁; q̄ = W₁ᵀe₁; W̄₁ += e₁qᵀ + δ₁uᵀ; b̄₁ += e₁
    let (mut qbx, mut qby) = (zeros(), zeros());
    matvec(mlp.w2t, w, &cache.e2, None, &mut cache.t);
    for j in 0..w {
        let acc = cache.t[j];
        let (w1x, w1y) = (mlp.w1[2 * j], mlp.w1[2 * j + 1]);
        for t in 0..TILE {
            let alpha1 = w1x * ux[t] + w1y * uy[t];
            let e1 = cache.d1[j][t] * acc[t] + cache.dd1[j][t] * cache.c1[j][t] * alpha1;
            let delta1 = cache.delta1[j][t];
            g_w1[2 * j][t] += e1 * qx[t] + delta1 * ux[t];
            g_w1[2 * j + 1][t] += e1 * qy[t] + delta1 * uy[t];
            g_b1[j][t] += e1;
            qbx[t] += w1x * e1;
            qby[t] += w1y * e1;
        }
    }
    [qbx, qby]
}

/// V(q) = w₃·s(W₂ s(W₁q + b₁) + b₂) at the tile's points (no output bias: only ∇V matters
/// for the dynamics, so V is defined up to this constant).
pub fn energy<T: Real>(mlp: &Mlp<T>, q: [&Lane<T>; 2], cache: &mut ForceCache<T>) -> Lane<T> {
    let w = mlp.width;
    let [qx, qy] = q;
    let mut a: Lane<T> = zeros();
    let (mut d, mut dd) = (zeros(), zeros());
    for j in 0..w {
        let (w1x, w1y, b) = (mlp.w1[2 * j], mlp.w1[2 * j + 1], mlp.b1[j]);
        for t in 0..TILE {
            a[t] = w1x * qx[t] + w1y * qy[t] + b;
        }
        activate(mlp.act, &a, &mut cache.h1[j], &mut d, &mut dd);
    }
    let mut v: Lane<T> = zeros();
    let mut h2: Lane<T> = zeros();
    matvec(mlp.w2, w, &cache.h1, Some(mlp.b2), &mut cache.a2);
    for k in 0..w {
        let acc = cache.a2[k];
        activate(mlp.act, &acc, &mut h2, &mut d, &mut dd);
        for t in 0..TILE {
            v[t] += mlp.w3[k] * h2[t];
        }
    }
    v
}
