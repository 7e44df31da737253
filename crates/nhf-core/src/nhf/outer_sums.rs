//! W̄₂'s outer products summed over a tile's points at once, the fast AVX-512 kernels' way
//! (docs/MATH.md §3a: W̄₂ += e₂h₁ᵀ + δ₂β₁ᵀ, for every point of the batch).
//!
//! The exact kernels add each point's products into that point's own lane of a per-lane
//! accumulator (W² tiles, 32 KB per potential at W = 32) and sum the lanes once, at the end of
//! the evaluation: the order of every sum is then the same on every platform. The price is a
//! load and a store of the accumulator for every sixteen products, and that traffic, not the
//! arithmetic, bounds the loop (docs/PERFORMANCE.md, "What W̄₂'s loop costs").
//!
//! The fast kernels' bits are free to differ, so they sum a tile's eight points first: h₁ and
//! β₁ are transposed (sixteen hidden units of one point per register), then every row k of W̄₂
//! gets, sixteen columns at a time, eight fused multiply-adds per factor, and one load and one
//! store of a W × W accumulator of one value per weight (4 KB at W = 32).

// # Soundness
//
// `add_outer_sums` executes AVX-512F instructions. It is called only from
// `<WideFmaF32x8 as LaneVec<f32>>::add_outer_sums`, a method of a type instantiated only inside
// the fast AVX-512 clone of `lanes::with_avx_clone` (the argument in `avx_lanes`), and by this
// module's test after detecting AVX-512F.
#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m512, __m512i, _mm512_add_ps, _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_loadu_si512,
    _mm512_permutex2var_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_storeu_ps,
};

use super::lanes::{Lane, TILE};

/// Hidden units per register: the columns of W̄₂ done together (W must be a multiple).
pub(super) const COLUMNS: usize = 16;

/// Rows of W̄₂ done together: with two chains each (one per factor) eight independent chains
/// of fused multiply-adds, enough to cover their latency on two ports.
const ROWS: usize = 4;

/// The lane indices of `_mm512_permutex2var_ps` for one stage of the transpose: the stage that
/// exchanges bit `c` of the lane with one bit of the register index, keeping the lanes whose
/// bit `c` is `high` (indices 0–15 read the first register, 16–31 the second).
const fn exchange(c: usize, high: bool) -> [i32; 16] {
    let bit = 1 << c;
    let mut idx = [0; 16];
    let mut l = 0;
    while l < 16 {
        idx[l] = match (high, l & bit == 0) {
            (false, true) => l,
            (false, false) => 16 + (l & !bit),
            (true, true) => l | bit,
            (true, false) => 16 + l,
        } as i32;
        l += 1;
    }
    idx
}

/// The last stage's indices, with the lanes also put in unit order: after three exchanges,
/// unit j sits at lane ((j mod 2) · 8 + ⌊j/2⌋) (see [`transposed`]).
const fn exchange_last(high: bool) -> [i32; 16] {
    let naive = exchange(2, high);
    let mut idx = [0; 16];
    let mut j = 0;
    while j < 16 {
        idx[j] = naive[((j & 1) << 3) | (j >> 1)];
        j += 1;
    }
    idx
}

/// Every stage's pair of index vectors, in the order the stages run.
const STAGES: [[[i32; 16]; 2]; 3] = [
    [exchange(0, false), exchange(0, true)],
    [exchange(1, false), exchange(1, true)],
    [exchange_last(false), exchange_last(true)],
];

/// Sixteen units' tiles (`x[j][t]`, unit j, point t) as eight registers, one per point t, each
/// holding the sixteen units in order.
///
/// Loaded as they are stored, register i holds units 2i and 2i + 1 (lane (j mod 2)·8 + t).
/// Each of three stages pairs the registers that differ in bit s of their index and exchanges
/// that bit with bit s of the lane (one two-source permute per output register), which moves
/// the point's bits into the register index.
#[inline(always)]
unsafe fn transposed(x: &[Lane<f32>]) -> [__m512; TILE] {
    debug_assert_eq!(x.len(), COLUMNS);
    // SAFETY: `x` holds 16 tiles = 128 floats, read as eight registers of sixteen; AVX-512F
    // as in the module comment.
    unsafe {
        let base = x.as_ptr().cast::<f32>();
        let mut r = [_mm512_setzero_ps(); TILE];
        for (i, reg) in r.iter_mut().enumerate() {
            *reg = _mm512_loadu_ps(base.add(COLUMNS * i));
        }
        for (s, [low, high]) in STAGES.iter().enumerate() {
            let low: __m512i = _mm512_loadu_si512(low.as_ptr().cast());
            let high: __m512i = _mm512_loadu_si512(high.as_ptr().cast());
            let bit = 1 << s;
            for i in 0..TILE {
                if i & bit == 0 {
                    let (a, b) = (r[i], r[i | bit]);
                    r[i] = _mm512_permutex2var_ps(a, low, b);
                    r[i | bit] = _mm512_permutex2var_ps(a, high, b);
                }
            }
        }
        r
    }
}

/// `sums[k·W + j] += Σₜ (e₂[k][t]·h₁[j][t] + δ₂[k][t]·β₁[j][t])` for every row k and column
/// j (W̄₂ of docs/MATH.md §3a over one tile's points, W = `h1.len()`, a multiple of 16), each
/// with fused multiply-adds over the points in order, the two factors' chains added at the end.
///
/// # Safety
/// The CPU must have AVX-512F (see the module comment).
#[inline(always)]
pub(super) unsafe fn add_outer_sums(
    sums: &mut [f32],
    e2: &[Lane<f32>],
    h1: &[Lane<f32>],
    delta2: &[Lane<f32>],
    beta1: &[Lane<f32>],
) {
    let w = h1.len();
    assert!(
        w.is_multiple_of(COLUMNS)
            && e2.len() == w
            && delta2.len() == w
            && beta1.len() == w
            && sums.len() == w * w
    );
    // SAFETY: AVX-512F as in the caller's contract; every row k < W and column block
    // jc + 16 ≤ W index inside `sums` (W² values) and the W tiles of `e2`, `delta2`.
    unsafe {
        for jc in (0..w).step_by(COLUMNS) {
            let h = transposed(&h1[jc..jc + COLUMNS]);
            let b = transposed(&beta1[jc..jc + COLUMNS]);
            for k in (0..w).step_by(ROWS) {
                let mut acc_h = [_mm512_setzero_ps(); ROWS];
                let mut acc_b = [_mm512_setzero_ps(); ROWS];
                for t in 0..TILE {
                    for r in 0..ROWS {
                        let e = *e2.get_unchecked(k + r).get_unchecked(t);
                        let d = *delta2.get_unchecked(k + r).get_unchecked(t);
                        acc_h[r] = _mm512_fmadd_ps(_mm512_set1_ps(e), h[t], acc_h[r]);
                        acc_b[r] = _mm512_fmadd_ps(_mm512_set1_ps(d), b[t], acc_b[r]);
                    }
                }
                for r in 0..ROWS {
                    let p = sums.as_mut_ptr().add((k + r) * w + jc);
                    let tile_sum = _mm512_add_ps(acc_h[r], acc_b[r]);
                    _mm512_storeu_ps(p, _mm512_add_ps(_mm512_loadu_ps(p), tile_sum));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[target_feature(enable = "avx,fma,avx512f,avx512vl")]
    fn run(
        sums: &mut [f32],
        e2: &[Lane<f32>],
        h1: &[Lane<f32>],
        delta2: &[Lane<f32>],
        beta1: &[Lane<f32>],
    ) {
        // SAFETY: compiled for and called only on a CPU with AVX-512F (checked by the test).
        unsafe { add_outer_sums(sums, e2, h1, delta2, beta1) }
    }

    /// Against the sums written out in f64, for the widths with one, two and three column
    /// blocks, twice (so the accumulator really accumulates).
    #[test]
    fn the_tile_sums_are_the_outer_products_summed_over_the_points() {
        if !std::arch::is_x86_feature_detected!("avx512f")
            || !std::arch::is_x86_feature_detected!("avx512vl")
            || !std::arch::is_x86_feature_detected!("fma")
        {
            eprintln!("no AVX-512F/VL + FMA on this CPU: nothing to test");
            return;
        }
        let mut rng = Rng::seed_from_u64(17);
        for w in [16, 32, 48] {
            let mut tiles = || -> Vec<Lane<f32>> {
                (0..w)
                    .map(|_| std::array::from_fn(|_| rng.normal() as f32))
                    .collect()
            };
            let (e2, h1, delta2, beta1) = (tiles(), tiles(), tiles(), tiles());
            let mut sums: Vec<f32> = (0..w * w).map(|i| (i % 7) as f32 - 3.0).collect();
            let start = sums.clone();
            // SAFETY: AVX-512F/VL and FMA detected just above.
            unsafe {
                run(&mut sums, &e2, &h1, &delta2, &beta1);
                run(&mut sums, &e2, &h1, &delta2, &beta1);
            }
            for k in 0..w {
                for j in 0..w {
                    let mut want = f64::from(start[k * w + j]);
                    for t in 0..TILE {
                        want += 2.0
                            * (f64::from(e2[k][t]) * f64::from(h1[j][t])
                                + f64::from(delta2[k][t]) * f64::from(beta1[j][t]));
                    }
                    let got = f64::from(sums[k * w + j]);
                    assert!(
                        (got - want).abs() < 1e-4 * (1.0 + want.abs()),
                        "W = {w}, row {k}, column {j}: {got} against {want}"
                    );
                }
            }
        }
    }
}
