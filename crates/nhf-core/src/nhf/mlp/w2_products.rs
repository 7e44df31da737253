//! W̄₂'s outer products, W̄₂ += e₂h₁ᵀ + δ₂β₁ᵀ at every point (docs/MATH.md §3a, reverse),
//! added by each [`super::force_vjp`] as it runs, or for all the kicks of one leapfrog block
//! together by [`add_w2_products`].
//!
//! Why together: W̄₂'s per-lane accumulator is W × W tiles (32 KB at W = 32), as large as a
//! core's L1 data cache, so adding one kick's products at a time streams it from L2 and back
//! once per kick. The products do not feed the adjoint (nothing downstream reads W̄₂), so they
//! can wait until the block's kicks are done and then be added in one pass: every lane takes
//! the same terms in the same order as one pass per kick would, so the bits do not change.

use super::{ForceCache, Lane, LaneVec, Real};
use crate::nhf::lanes::with_avx_clone;

/// When [`super::force_vjp`] adds W̄₂'s outer products.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum W2Products {
    /// Now, into its `grad` (or `sums`).
    Now,
    /// Later: the VJP leaves e₂ and β₁ in its cache beside the forward pass's h₁ and δ₂, and
    /// [`add_w2_products`] adds them with the other kicks of the block.
    Later,
}

/// One kick's W̄₂ += e₂h₁ᵀ + δ₂β₁ᵀ, into `sums_w2` where the lanes sum over points (the fast
/// kernels) or else into `g_w2`, per lane.
#[inline(always)]
pub(super) fn add_now<T: Real, V: LaneVec<T>>(
    w: usize,
    cache: &ForceCache<T>,
    g_w2: &mut [Lane<T>],
    sums_w2: &mut [T],
) {
    let (e2, h1, delta2, beta1) = (
        &cache.e2[..w],
        &cache.h1[..w],
        &cache.delta2[..w],
        &cache.beta1[..w],
    );
    if !V::add_outer_sums(sums_w2, e2, h1, delta2, beta1) {
        for k in 0..w {
            let (e2, delta2) = (V::load(&e2[k]), V::load(&delta2[k]));
            V::add_outer_row(&mut g_w2[k * w..(k + 1) * w], e2, h1, delta2, beta1);
        }
    }
}

with_avx_clone! {
    /// Adds the W̄₂ products that the VJPs of one block's kicks left in `caches` (the block's
    /// force caches in tape order, whose kicks ran last to first, as [`crate::nhf::leapfrog::backward`]
    /// runs them) into `grad` and `sums`, laid out like one potential's parameters as in
    /// [`super::force_vjp`]: the same sums, term by term, as adding each kick's at once.
    pub fn add_w2_products<T: Real>(
        width: usize,
        caches: &[ForceCache<T>],
        grad: &mut [Lane<T>],
        sums: &mut [T],
    ) -> () = add_w2_products_body;
}

/// The body of [`add_w2_products`], compiled once per instruction set.
#[inline(always)]
fn add_w2_products_body<T: Real, V: LaneVec<T>>(
    width: usize,
    caches: &[ForceCache<T>],
    grad: &mut [Lane<T>],
    sums: &mut [T],
) {
    let w = width;
    let w2 = 3 * w..3 * w + w * w;
    let (g_w2, sums_w2) = (&mut grad[w2.clone()], &mut sums[w2]);
    let Some((last, earlier)) = caches.split_last() else {
        return;
    };
    let (e2, h1) = (&last.e2[..w], &last.h1[..w]);
    if V::add_outer_sums(sums_w2, e2, h1, &last.delta2[..w], &last.beta1[..w]) {
        // The fast lanes sum over points (in their own order, free to differ): kick by kick.
        for cache in earlier.iter().rev() {
            add_now::<T, V>(w, cache, g_w2, sums_w2);
        }
        return;
    }
    if V::KICKS_PER_PASS == 1 {
        for cache in caches.iter().rev() {
            add_now::<T, V>(w, cache, g_w2, sums_w2);
        }
        return;
    }
    // Last kick first: `rchunks` takes the last few, then the few before them, and so on.
    // Up to four kicks per pass: four pairs of row factors stay in registers beside the
    // accumulator, the row's two loads and their products (16 AVX registers).
    debug_assert!(V::KICKS_PER_PASS <= 4, "passes of up to four kicks");
    for pass in caches.rchunks(V::KICKS_PER_PASS) {
        match pass {
            [c0] => add_rows::<T, V, 1>(w, g_w2, [c0]),
            [c0, c1] => add_rows::<T, V, 2>(w, g_w2, [c1, c0]),
            [c0, c1, c2] => add_rows::<T, V, 3>(w, g_w2, [c2, c1, c0]),
            [c0, c1, c2, c3] => add_rows::<T, V, 4>(w, g_w2, [c3, c2, c1, c0]),
            _ => unreachable!("passes of up to four kicks"),
        }
    }
}

/// g_w2[k, j] += e₂[k]h₁[j] + δ₂[k]β₁[j] for each of `kicks` in turn, each term as
/// [`LaneVec::add_outer_row`] computes it, with one load and store of g_w2[k, j] for all.
/// Written with plain loops over arrays of length N (no closures: each would be a function of
/// its own, compiled outside the clone's instruction set).
#[inline(always)]
fn add_rows<T: Real, V: LaneVec<T>, const N: usize>(
    w: usize,
    g_w2: &mut [Lane<T>],
    kicks: [&ForceCache<T>; N],
) {
    let mut h1: [&[Lane<T>]; N] = [&[]; N];
    let mut beta1: [&[Lane<T>]; N] = [&[]; N];
    for i in 0..N {
        h1[i] = &kicks[i].h1[..w];
        beta1[i] = &kicks[i].beta1[..w];
    }
    let zero = V::splat(T::zero());
    // Two rows at a time: each load of h₁[j] and β₁[j] serves both, which the loop's loads
    // (not its arithmetic) were waiting on.
    let mut k = 0;
    while k + 2 <= w {
        let (mut e2a, mut d2a, mut e2b, mut d2b) = ([zero; N], [zero; N], [zero; N], [zero; N]);
        for i in 0..N {
            e2a[i] = V::load(&kicks[i].e2[k]);
            d2a[i] = V::load(&kicks[i].delta2[k]);
            e2b[i] = V::load(&kicks[i].e2[k + 1]);
            d2b[i] = V::load(&kicks[i].delta2[k + 1]);
        }
        let (row_a, row_b) = g_w2[k * w..(k + 2) * w].split_at_mut(w);
        for j in 0..w {
            let (mut acc_a, mut acc_b) = (V::load(&row_a[j]), V::load(&row_b[j]));
            for i in 0..N {
                let (h, b) = (V::load(&h1[i][j]), V::load(&beta1[i][j]));
                acc_a = acc_a + e2a[i].mul_add(h, d2a[i] * b);
                acc_b = acc_b + e2b[i].mul_add(h, d2b[i] * b);
            }
            row_a[j] = acc_a.store();
            row_b[j] = acc_b.store();
        }
        k += 2;
    }
    while k < w {
        let (mut e2, mut delta2) = ([zero; N], [zero; N]);
        for i in 0..N {
            e2[i] = V::load(&kicks[i].e2[k]);
            delta2[i] = V::load(&kicks[i].delta2[k]);
        }
        let row = &mut g_w2[k * w..(k + 1) * w];
        for (j, g) in row.iter_mut().enumerate() {
            let mut acc = V::load(g);
            for i in 0..N {
                acc = acc + e2[i].mul_add(V::load(&h1[i][j]), delta2[i] * V::load(&beta1[i][j]));
            }
            *g = acc.store();
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Mlp, force, force_vjp, transpose_w2, zeros};
    use super::*;
    use crate::nhf::config::Activation;
    use crate::nhf::layout::mlp_len;
    use crate::rng::Rng;

    /// One block's kicks with their products left for later, then added in one pass (by the
    /// kernel this CPU takes, AVX where it has it), give the bits of each kick adding its own
    /// at once with the baseline lanes (the ones wasm runs): for 1 to 9 kicks, so passes of
    /// one to four kicks and several passes are all taken, and for a width that is not a
    /// multiple of eight.
    #[test]
    fn products_added_together_have_the_bits_of_each_kick_at_once() {
        type Base = <f32 as Real>::V;
        let bits =
            |l: &[Lane<f32>]| -> Vec<u32> { l.iter().flatten().map(|x| x.to_bits()).collect() };
        let mut rng = Rng::seed_from_u64(11);
        for (width, act) in [(32, Activation::Sine), (13, Activation::Tanh)] {
            let params: Vec<f32> = (0..mlp_len(width)).map(|_| rng.normal() as f32).collect();
            let mut w2t = vec![0.0; width * width];
            transpose_w2(&params, width, &mut w2t);
            let mlp = Mlp::new(&params, &w2t, width, act);
            for kicks in 1..=9 {
                let mut caches = vec![ForceCache::new(width); kicks];
                let mut together = vec![zeros(); params.len()];
                let mut at_once = together.clone();
                let mut sums = vec![0.0; params.len()];
                // The kicks run last to first, as the adjoint runs them.
                for cache in caches.iter_mut().rev() {
                    let mut lane =
                        || -> Lane<f32> { std::array::from_fn(|_| (2.0 * rng.normal()) as f32) };
                    let (qx, qy, ux, uy) = (lane(), lane(), lane(), lane());
                    let (q, u) = ([&qx, &qy], [&ux, &uy]);
                    force(&mlp, q, cache);
                    force_vjp(
                        &mlp,
                        q,
                        u,
                        cache,
                        &mut together,
                        &mut sums,
                        W2Products::Later,
                    );
                    // A VJP uses up its cache: the force again for the second.
                    let mut grad = vec![zeros(); params.len()];
                    force(&mlp, q, cache);
                    force_vjp(&mlp, q, u, cache, &mut grad, &mut sums, W2Products::Later);
                    // Everything but W̄₂ from the VJP itself, W̄₂ kick by kick in the baseline.
                    let w2 = 3 * width..3 * width + width * width;
                    for (i, (sum, g)) in at_once.iter_mut().zip(&grad).enumerate() {
                        if !w2.contains(&i) {
                            sum.iter_mut().zip(g).for_each(|(s, x)| *s += x);
                        }
                    }
                    add_now::<f32, Base>(width, cache, &mut at_once[w2.clone()], &mut sums[w2]);
                }
                add_w2_products(width, &caches, &mut together, &mut sums);
                assert!(
                    sums.iter().all(|&s| s == 0.0),
                    "the exact kernels sum per lane"
                );
                assert_eq!(
                    bits(&together),
                    bits(&at_once),
                    "width {width}, {kicks} kicks"
                );
            }
        }
    }
}
