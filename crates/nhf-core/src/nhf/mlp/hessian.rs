//! The potential's Hessian–vector product ∇²V·u (docs/MATH.md §3d), for the tangent pass of the
//! doubly reparameterised gradient. ∇²V is symmetric, so this is [`super::force_vjp`]'s q̄
//! without the weights' cotangents: half its work, the outer products left out.

use super::{
    ForceCache, Lane, LaneVec, Mlp, Range, Real, UnitLanes, each_unit, first_dd, matvec, vjp_beta1,
    zeros,
};
use crate::nhf::lanes::with_avx_clone;

with_avx_clone! {
    /// ∇²V·u at the points of the last [`super::force`] call with `cache` (which it reads for
    /// d₁, d̃₁, c₁, d₂, d̃₂ and whose VJP scratch it overwrites, as [`super::force_vjp`] does).
    pub fn force_hvp<T: Real>(mlp: &Mlp<T>, u: [&Lane<T>; 2], cache: &mut ForceCache<T>) -> [Lane<T>; 2]
        = force_hvp_body;
}

/// The body of [`force_hvp`], compiled once per instruction set: the steps of the VJP
/// (docs/MATH.md §3a, reverse) that lead to q̄, in the same order.
#[inline(always)]
fn force_hvp_body<T: Real, V: LaneVec<T>>(
    mlp: &Mlp<T>,
    u: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
) -> [Lane<T>; 2] {
    let w = mlp.width;
    // α₁ = W₁u, β₁ = d₁ ⊙ α₁; α₂ = W₂β₁, e₂ = w₃ ⊙ d̃₂ ⊙ α₂
    each_unit!(T, V, w, vjp_beta1(mlp, u, cache));
    matvec::<T, V>(mlp.w2, Some(mlp.w2t), w, &cache.beta1, None, &mut cache.a2);
    each_unit!(T, V, w, hvp_second_layer(mlp, cache));
    // e₁ = d₁ ⊙ (W₂ᵀe₂) + d̃₁ ⊙ c₁ ⊙ α₁; ∇²V·u = W₁ᵀe₁
    matvec::<T, V>(mlp.w2t, Some(mlp.w2), w, &cache.e2, None, &mut cache.t);
    let mut out = [zeros(); 2];
    each_unit!(T, V, w, hvp_first_layer(mlp, u, cache, &mut out));
    out
}

/// e₂ = w₃ ⊙ d̃₂ ⊙ α₂ at hidden units `units` (α₂ in `cache.a2`).
#[inline(always)]
fn hvp_second_layer<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    cache: &mut ForceCache<T>,
) {
    let mut k = units.start;
    while k < units.end {
        let alpha2 = U::load_units(&cache.a2, 1, 0, k);
        (U::per_unit(mlp.w3, 1, 0, k) * U::load_units(&cache.dd2, 1, 0, k) * alpha2).store_units(
            &mut cache.e2,
            1,
            0,
            k,
        );
        k += U::UNITS;
    }
}

/// e₁ = d₁ ⊙ (W₂ᵀe₂) + d̃₁ ⊙ c₁ ⊙ α₁ at hidden units `units`, and out += W₁ᵀe₁ (one chain over
/// the units, in their order).
#[inline(always)]
fn hvp_first_layer<T: Real, U: UnitLanes<T>>(
    units: Range<usize>,
    mlp: &Mlp<T>,
    u: [&Lane<T>; 2],
    cache: &mut ForceCache<T>,
    out: &mut [Lane<T>; 2],
) {
    let (ux, uy) = (U::per_point(u[0]), U::per_point(u[1]));
    let (mut ox, mut oy) = (U::acc_load(&out[0]), U::acc_load(&out[1]));
    let mut j = units.start;
    while j < units.end {
        let alpha1 = U::per_unit(mlp.w1, 2, 0, j) * ux + U::per_unit(mlp.w1, 2, 1, j) * uy;
        let ld = |buf: &[Lane<T>]| U::load_units(buf, 1, 0, j);
        let e1 = ld(&cache.d1) * ld(&cache.t)
            + first_dd::<T, U>(mlp.act, cache, j) * ld(&cache.c1) * alpha1;
        ox = e1.chain(mlp.w1, 2, 0, j, ox);
        oy = e1.chain(mlp.w1, 2, 1, j, oy);
        j += U::UNITS;
    }
    *out = [U::acc_store(ox), U::acc_store(oy)];
}
