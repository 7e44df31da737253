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
use super::lanes::{LaneVec, with_avx_clone};
use super::matvec::matvec;
use super::real::Real;
use super::unit_lanes::{One, UnitLanes, each_unit};
use std::ops::Range;

pub use super::lanes::{Lane, TILE, zeros};

mod hessian;
mod vjp_units;
mod w2_products;
pub use hessian::force_hvp;
use vjp_units::{first_dd, vjp_beta1, vjp_first_layer, vjp_second_layer};
pub use w2_products::{W2Products, add_w2_products};

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

/// Intermediate values of one force evaluation that its VJP needs (docs/MATH.md §3a names).
///
/// The training step keeps one per force evaluation of the flow (the tape), so every buffer
/// the kernels touch is memory traffic: [`force`] and [`force_vjp`] write their short-lived
/// values over ones already used up rather than into buffers of their own (a₂ into d₂'s,
/// α₂ into e₂'s, W₂ᵀe₂ into d̃₂'s), and what one multiply recomputes is not stored (δ₁ = d₁ ⊙ c₁,
/// and the sine's d̃₁ = −h₁). So the VJP uses up its cache: a cache takes one VJP per force.
/// The activations computed in two loops pass their halves through the buffers of their
/// results (the sine's r and sign through h₁'s and d₁'s, tanh's numerator and denominator
/// through d₂'s and d̃₂'s).
#[derive(Clone, Debug)]
pub struct ForceCache<T> {
    /// For the sine, its reduced argument r for a moment, then h₁.
    h1: Vec<Lane<T>>,
    /// For the sine, the sign (−1)ᵏ for a moment, then d₁.
    d1: Vec<Lane<T>>,
    /// d̃₁, except for the sine (whose d̃₁ is −h₁).
    dd1: Vec<Lane<T>>,
    /// a₂ = W₂h₁ + b₂ for a moment in the forward pass, then tanh's numerator, then d₂.
    d2: Vec<Lane<T>>,
    /// tanh's denominator for a moment, then d̃₂; W₂ᵀe₂ in the VJP, once d̃₂ is used.
    dd2: Vec<Lane<T>>,
    delta2: Vec<Lane<T>>,
    c1: Vec<Lane<T>>,
    beta1: Vec<Lane<T>>,
    /// α₂ = W₂β₁ in the VJP for a moment, then e₂.
    e2: Vec<Lane<T>>,
    /// Scratch of [`energy`] (a₂) and [`force_hvp`] (α₂ and W₂ᵀe₂), which keep the forward
    /// pass's values for the VJP that may follow.
    a2: Vec<Lane<T>>,
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
            beta1: v(),
            e2: v(),
            a2: v(),
            t: v(),
        }
    }
}

/// Which hidden layer an activation is applied in (the sine activation differs between them).
#[derive(Clone, Copy)]
enum Layer {
    First,
    Second,
}

/// s(a), s'(a), s''(a) of hidden layer `layer` on the lanes of one or two hidden units.
#[inline(always)]
fn activate<T: Real, U: UnitLanes<T>>(act: Activation, layer: Layer, a: U) -> (U, U, U) {
    let one = U::splat(T::one());
    match (act, layer) {
        (Activation::Sine, Layer::First) => {
            let (s, c) = a.sin_cos();
            (s, c, -s)
        }
        (Activation::Tanh, _) | (Activation::Sine, Layer::Second) => {
            let h = a.tanh();
            let (d, dd) = tanh_derivatives::<T, U>(h);
            (h, d, dd)
        }
        (Activation::Softplus, _) => {
            let sig = a.map(T::sigmoid);
            (a.map(T::softplus), sig, sig * (one - sig))
        }
    }
}

/// tanh's s'(a) = 1 − h² and s''(a) = −2h·s'(a) from h = tanh a.
#[inline(always)]
fn tanh_derivatives<T: Real, U: UnitLanes<T>>(h: U) -> (U, U) {
    let d = U::splat(T::one()) - h * h;
    (d, U::splat(T::from_f64(-2.0)) * h * d)
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
    each_unit!(T, V, w, first_layer(mlp, q, cache));
    // a₂ = W₂h₁ + b₂ (into d₂'s buffer), d₂ = s'(a₂), d̃₂ = s''(a₂), δ₂ = w₃ ⊙ d₂
    matvec::<T, V>(
        mlp.w2,
        Some(mlp.w2t),
        w,
        &cache.h1,
        Some(mlp.b2),
        &mut cache.d2,
    );
    each_unit!(T, V, w, second_layer(mlp, cache));
    // c₁ = W₂ᵀδ₂, δ₁ = d₁ ⊙ c₁ (not stored: the VJP recomputes it), g = W₁ᵀδ₁
    matvec::<T, V>(mlp.w2t, Some(mlp.w2), w, &cache.delta2, None, &mut cache.c1);
    let mut g = [zeros(); 2];
    each_unit!(T, V, w, first_layer_back(mlp, cache, &mut g));
    g
}

/// Hidden units `units` of the first layer: a₁ = W₁q + b₁, h₁ = s(a₁), d₁ = s'(a₁), d̃₁ = s''(a₁).
#[inline(always)]
fn first_layer<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    q: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
) {
    let (qx, qy) = (U::per_point(q[0]), U::per_point(q[1]));
    // Every slice cut to the units' end first, here and in the loops over units below: the
    // indices are then in bounds by the loop's condition alone, and the compiler drops their
    // checks from the loop (in the VJP's first layer, from 69 instructions per unit to 38).
    let n = units.end;
    let (w1, b1) = (&mlp.w1[..2 * n], &mlp.b1[..n]);
    let (h1, d1) = (&mut cache.h1[..n], &mut cache.d1[..n]);
    if mlp.act == Activation::Sine {
        // Two loops, each a shorter chain of dependent operations than sin_cos whole: the
        // core then keeps more units in flight (the first layer's time, measured, is the
        // chain's length, not its operations' count). The halves pass through h₁ and d₁.
        let mut j = units.start;
        while j < n {
            let (r, sign) = first_pre_activation(w1, b1, qx, qy, j).sin_cos_start();
            r.store_units(h1, 1, 0, j);
            sign.store_units(d1, 1, 0, j);
            j += U::UNITS;
        }
        let mut j = units.start;
        while j < n {
            let (r, sign) = (U::load_units(h1, 1, 0, j), U::load_units(d1, 1, 0, j));
            let (h, d) = U::sin_cos_finish(r, sign);
            h.store_units(h1, 1, 0, j);
            d.store_units(d1, 1, 0, j);
            j += U::UNITS;
        }
        return;
    }
    let dd1 = &mut cache.dd1[..n];
    let mut j = units.start;
    while j < n {
        let a = first_pre_activation(w1, b1, qx, qy, j);
        let (h, d, dd) = activate::<T, U>(mlp.act, Layer::First, a);
        h.store_units(h1, 1, 0, j);
        d.store_units(d1, 1, 0, j);
        dd.store_units(dd1, 1, 0, j);
        j += U::UNITS;
    }
}

/// a₁ = W₁q + b₁ at hidden units j, j + 1, … (a function, not a closure: a closure would be
/// compiled outside the AVX clones' instruction set).
#[inline(always)]
fn first_pre_activation<T: Real, U: UnitLanes<T>>(w1: &[T], b1: &[T], qx: U, qy: U, j: usize) -> U {
    U::per_unit(w1, 2, 0, j) * qx + U::per_unit(w1, 2, 1, j) * qy + U::per_unit(b1, 1, 0, j)
}

/// Hidden units `units` of the force's way back to q, from c₁ = W₂ᵀδ₂: δ₁ = d₁ ⊙ c₁ and
/// g += W₁ᵀδ₁ (one chain over the units, in their order).
#[inline(always)]
fn first_layer_back<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    cache: &mut ForceCache<T>,
    g: &mut [Lane<T>; 2],
) {
    let (mut gx, mut gy) = (U::acc_load(&g[0]), U::acc_load(&g[1]));
    let n = units.end;
    let (w1, d1, c1) = (&mlp.w1[..2 * n], &cache.d1[..n], &cache.c1[..n]);
    let mut j = units.start;
    while j < n {
        let d = U::load_units(d1, 1, 0, j) * U::load_units(c1, 1, 0, j);
        gx = d.chain(w1, 2, 0, j, gx);
        gy = d.chain(w1, 2, 1, j, gy);
        j += U::UNITS;
    }
    *g = [U::acc_store(gx), U::acc_store(gy)];
}

/// Hidden units `units` of the second layer, from a₂ in d₂'s buffer: d₂ = s'(a₂), d̃₂ = s''(a₂),
/// δ₂ = w₃ ⊙ d₂.
#[inline(always)]
fn second_layer<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    cache: &mut ForceCache<T>,
) {
    let n = units.end;
    let (d2s, dd2s) = (&mut cache.d2[..n], &mut cache.dd2[..n]);
    let (delta2, w3) = (&mut cache.delta2[..n], &mlp.w3[..n]);
    if mlp.act != Activation::Softplus {
        // tanh in two loops, as the sine of the first layer: the numerator and denominator of
        // its rational function (into d₂'s and d̃₂'s buffers), then their quotient.
        let mut k = units.start;
        while k < n {
            let (p, q) = U::load_units(d2s, 1, 0, k).tanh_start();
            p.store_units(d2s, 1, 0, k);
            q.store_units(dd2s, 1, 0, k);
            k += U::UNITS;
        }
        let mut k = units.start;
        while k < n {
            let (p, q) = (U::load_units(d2s, 1, 0, k), U::load_units(dd2s, 1, 0, k));
            let (d2, dd2) = tanh_derivatives::<T, U>(U::tanh_finish(p, q));
            d2.store_units(d2s, 1, 0, k);
            dd2.store_units(dd2s, 1, 0, k);
            (U::per_unit(w3, 1, 0, k) * d2).store_units(delta2, 1, 0, k);
            k += U::UNITS;
        }
        return;
    }
    let mut k = units.start;
    while k < n {
        let (_, d2, dd2) = activate::<T, U>(mlp.act, Layer::Second, U::load_units(d2s, 1, 0, k));
        d2.store_units(d2s, 1, 0, k);
        dd2.store_units(dd2s, 1, 0, k);
        (U::per_unit(w3, 1, 0, k) * d2).store_units(delta2, 1, 0, k);
        k += U::UNITS;
    }
}

with_avx_clone! {
    /// The VJP of the force at the points of the last [`force`] call with `cache`: given the
    /// cotangent u on g, returns q̄ = ∇²V·u and adds Ḡ (the cotangent of every weight) into
    /// `grad`, a per-lane accumulator laid out like the parameters (docs/MATH.md §3a, reverse).
    /// The fast kernels add W̄₂ summed over the tile's points into `sums` instead (one
    /// value per parameter, the same layout; see [`super::outer_sums`]): the gradient is the
    /// sum of both. With [`W2Products::Later`], W̄₂ is left to [`add_w2_products`]. It uses
    /// up the cache ([`ForceCache`]): another VJP at these points needs the force again.
    pub fn force_vjp<T: Real>(
        mlp: &Mlp<T>,
        q: [&Lane<T>; 2],
        u: [&Lane<T>; 2],
        cache: &mut ForceCache<T>,
        grad: &mut [Lane<T>],
        sums: &mut [T],
        w2_products: W2Products,
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
    sums: &mut [T],
    w2_products: W2Products,
) -> [Lane<T>; 2] {
    let w = mlp.width;
    // W̄₁ and b̄₁ stay one slice (b̄₁ after W̄₁'s 2W entries), for `vjp_first_layer`.
    let (g_w1_b1, rest) = grad.split_at_mut(3 * w);
    let (g_w2, rest) = rest.split_at_mut(w * w);
    let (g_b2, g_w3) = rest.split_at_mut(w);
    // α₁ = W₁u, β₁ = d₁ ⊙ α₁ (α₁ itself is recomputed below where it is needed: two
    // multiply-adds are cheaper than another buffer's traffic)
    each_unit!(T, V, w, vjp_beta1(mlp, u, cache));
    // α₂ = W₂β₁ (into e₂'s buffer), e₂ = w₃ ⊙ d̃₂ ⊙ α₂; w̄₃ += d₂ ⊙ α₂, b̄₂ += e₂,
    // W̄₂ += e₂h₁ᵀ + δ₂β₁ᵀ.
    matvec::<T, V>(mlp.w2, Some(mlp.w2t), w, &cache.beta1, None, &mut cache.e2);
    each_unit!(T, V, w, vjp_second_layer(mlp, cache, g_w3, g_b2));
    if w2_products == W2Products::Now {
        w2_products::add_now::<T, V>(w, cache, g_w2, &mut sums[3 * w..3 * w + w * w]);
    }
    // e₁ = d₁ ⊙ (W₂ᵀe₂) + d̃₁ ⊙ c₁ ⊙ α₁; q̄ = W₁ᵀe₁; W̄₁ += e₁qᵀ + δ₁uᵀ; b̄₁ += e₁
    // (W₂ᵀe₂ into d̃₂'s buffer: d̃₂ is used up)
    matvec::<T, V>(mlp.w2t, Some(mlp.w2), w, &cache.e2, None, &mut cache.dd2);
    let mut q_bar = [zeros(); 2];
    each_unit!(
        T,
        V,
        w,
        vjp_first_layer(mlp, q, u, cache, g_w1_b1, &mut q_bar)
    );
    q_bar
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
        cache.h1[j] = activate::<T, One<V>>(mlp.act, Layer::First, One(a))
            .0
            .0
            .store();
    }
    matvec::<T, V>(
        mlp.w2,
        Some(mlp.w2t),
        w,
        &cache.h1,
        Some(mlp.b2),
        &mut cache.a2,
    );
    let mut v = sp(T::zero());
    for k in 0..w {
        let (h2, _, _) = activate::<T, One<V>>(mlp.act, Layer::Second, One(V::load(&cache.a2[k])));
        v = sp(mlp.w3[k]).mul_add(h2.0, v);
    }
    v.store()
}

#[cfg(test)]
mod tests;
