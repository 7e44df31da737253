//! The force's VJP (docs/MATH.md §3a, reverse) at the hidden units: the loops over units
//! between its matrix–vector products, from the first layer's β₁ to its cotangents.

use super::{Activation, ForceCache, Lane, Mlp, Range, Real, UnitLanes};

/// d̃₁ = s''(a₁) at hidden units j, j + 1, …: stored, or for the sine −h₁ (−sin a₁, the same
/// bits as the −s that [`super::activate`] gives).
#[inline(always)]
pub(super) fn first_dd<T: Real, U: UnitLanes<T>>(
    act: Activation,
    cache: &ForceCache<T>,
    j: usize,
) -> U {
    if act == Activation::Sine {
        -U::load_units(&cache.h1, 1, 0, j)
    } else {
        U::load_units(&cache.dd1, 1, 0, j)
    }
}

/// The VJP's β₁ = d₁ ⊙ α₁ at hidden units `units`, with α₁ = W₁u.
#[inline(always)]
pub(super) fn vjp_beta1<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    u: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
) {
    let (ux, uy) = (U::per_point(u[0]), U::per_point(u[1]));
    let n = units.end;
    let (w1, d1, beta1) = (&mlp.w1[..2 * n], &cache.d1[..n], &mut cache.beta1[..n]);
    let mut j = units.start;
    while j < n {
        let alpha1 = U::per_unit(w1, 2, 0, j) * ux + U::per_unit(w1, 2, 1, j) * uy;
        (U::load_units(d1, 1, 0, j) * alpha1).store_units(beta1, 1, 0, j);
        j += U::UNITS;
    }
}

/// The VJP at hidden units `units` of the second layer, from α₂ = W₂β₁ in e₂'s buffer:
/// e₂ = w₃ ⊙ d̃₂ ⊙ α₂, w̄₃ += d₂ ⊙ α₂, b̄₂ += e₂.
#[inline(always)]
pub(super) fn vjp_second_layer<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    cache: &mut ForceCache<T>,
    g_w3: &mut [Lane<T>],
    g_b2: &mut [Lane<T>],
) {
    let n = units.end;
    let (e2s, d2, dd2) = (&mut cache.e2[..n], &cache.d2[..n], &cache.dd2[..n]);
    let (w3, g_w3, g_b2) = (&mlp.w3[..n], &mut g_w3[..n], &mut g_b2[..n]);
    let mut k = units.start;
    while k < n {
        let alpha2 = U::load_units(e2s, 1, 0, k);
        let e2 = U::per_unit(w3, 1, 0, k) * U::load_units(dd2, 1, 0, k) * alpha2;
        (U::load_units(d2, 1, 0, k) * alpha2).add_into_units(g_w3, 1, 0, k);
        e2.add_into_units(g_b2, 1, 0, k);
        e2.store_units(e2s, 1, 0, k);
        k += U::UNITS;
    }
}

/// The VJP at hidden units `units` of the first layer, from W₂ᵀe₂ in d̃₂'s buffer:
/// e₁ = d₁ ⊙ (W₂ᵀe₂) + d̃₁ ⊙ c₁ ⊙ α₁, W̄₁ += e₁qᵀ + δ₁uᵀ, b̄₁ += e₁, q̄ += W₁ᵀe₁ (one chain
/// over the units, in their order).
#[inline(always)]
pub(super) fn vjp_first_layer<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    q: [&Lane<T>; 2],
    u: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
    g_w1_b1: &mut [Lane<T>],
    q_bar: &mut [Lane<T>; 2],
) {
    let (qx, qy) = (U::per_point(q[0]), U::per_point(q[1]));
    let (ux, uy) = (U::per_point(u[0]), U::per_point(u[1]));
    let (mut qbx, mut qby) = (U::acc_load(&q_bar[0]), U::acc_load(&q_bar[1]));
    // Every slice cut to the units' end first: the indices below are then in bounds by the
    // loop's condition alone, and the compiler drops their checks from the loop.
    let n = units.end;
    let (g_w1, g_b1) = g_w1_b1.split_at_mut(2 * mlp.width);
    let (g_w1, g_b1, w1) = (&mut g_w1[..2 * n], &mut g_b1[..n], &mlp.w1[..2 * n]);
    let (d1s, c1s, dd2s) = (&cache.d1[..n], &cache.c1[..n], &cache.dd2[..n]);
    let mut j = units.start;
    while j < n {
        let alpha1 = U::per_unit(w1, 2, 0, j) * ux + U::per_unit(w1, 2, 1, j) * uy;
        let (d1, c1) = (U::load_units(d1s, 1, 0, j), U::load_units(c1s, 1, 0, j));
        let dd1 = first_dd::<T, U>(mlp.act, cache, j);
        let e1 = d1 * U::load_units(dd2s, 1, 0, j) + dd1 * c1 * alpha1;
        let delta1 = d1 * c1;
        (e1 * qx + delta1 * ux).add_into_units(g_w1, 2, 0, j);
        (e1 * qy + delta1 * uy).add_into_units(g_w1, 2, 1, j);
        e1.add_into_units(g_b1, 1, 0, j);
        qbx = e1.chain(w1, 2, 0, j, qbx);
        qby = e1.chain(w1, 2, 1, j, qby);
        j += U::UNITS;
    }
    *q_bar = [U::acc_store(qbx), U::acc_store(qby)];
}
