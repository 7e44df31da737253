//! W̄₂'s outer products summed over a tile's points at once, the fast kernels' way (docs/MATH.md
//! §3a: W̄₂ += e₂h₁ᵀ + δ₂β₁ᵀ, for every point of the batch).
//!
//! The exact kernels add each point's products into that point's own lane of a per-lane
//! accumulator (W² tiles, 32 KB per potential at W = 32) and sum the lanes once, at the end of
//! the evaluation: the order of every sum is then the same on every platform. The price is a
//! load and a store of the accumulator for every eight or sixteen products, and that traffic,
//! not the arithmetic, bounds the loop (docs/PERFORMANCE.md, "What W̄₂'s loop costs").
//!
//! The fast kernels' bits are free to differ, so they sum a tile's eight points first: h₁ and
//! β₁ are transposed (a block of hidden units of one point per register: sixteen in the
//! AVX-512 clone, eight in the AVX + FMA one), then every row k of W̄₂ gets, per block of
//! columns, eight fused multiply-adds per factor, and one load and one store of a W × W
//! accumulator of one value per weight (4 KB at W = 32).

// # Soundness
//
// `add_outer_sums_wide` executes AVX-512F instructions, `add_outer_sums_narrow` AVX and FMA
// ones. They are called only from `<AvxF32x8<true, _> as LaneVec<f32>>::add_outer_sums`, a
// method of a type instantiated only inside the fast clones of `lanes::with_avx_clone` (the
// argument in `avx_lanes`; the wide form only where the type is `WideFmaF32x8`, inside the fast
// AVX-512 clone), and by this module's test after detecting the features.
#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m256, __m512, __m512i, _mm256_add_ps, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_set1_ps,
    _mm256_setzero_ps, _mm256_storeu_ps, _mm512_add_ps, _mm512_fmadd_ps, _mm512_loadu_ps,
    _mm512_loadu_si512, _mm512_permutex2var_ps, _mm512_set1_ps, _mm512_setzero_ps,
    _mm512_storeu_ps,
};

use super::avx_lanes::transposed_tiles;
use super::lanes::{Lane, TILE};

/// Rows of W̄₂ done together: with two chains each (one per factor) eight independent chains
/// of fused multiply-adds, enough to cover their latency on two ports (eight rows measured
/// the same in the AVX-512 clone).
const ROWS: usize = 4;

/// A register of W̄₂'s sums over a block of [`Columns::COLUMNS`] adjacent columns, and what
/// the loop of [`add_sums`] does with it. Every method needs the register's instruction set
/// (the module comment).
trait Columns: Copy {
    /// Columns (hidden units) per register.
    const COLUMNS: usize;
    /// A register of zeros.
    unsafe fn zero() -> Self;
    /// `acc + x·v` in every lane, fused.
    unsafe fn fma(x: f32, v: Self, acc: Self) -> Self;
    /// `*p += a + b` over the register's columns from `p`.
    unsafe fn add_to(p: *mut f32, a: Self, b: Self);
    /// `COLUMNS` units' tiles (`x[j][t]`) as eight registers, one per point t, each holding the
    /// units in order.
    unsafe fn transposed(x: &[Lane<f32>]) -> [Self; TILE];
}

/// Sixteen columns in one AVX-512 register.
#[derive(Clone, Copy)]
struct Wide(__m512);

/// Eight columns in one AVX register.
#[derive(Clone, Copy)]
struct Narrow(__m256);

/// The lane indices of `_mm512_permutex2var_ps` for one stage of [`Wide::transposed`]: the
/// stage that exchanges bit `c` of the lane with one bit of the register index, keeping the
/// lanes whose bit `c` is `high` (indices 0–15 read the first register, 16–31 the second).
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
/// unit j sits at lane ((j mod 2) · 8 + ⌊j/2⌋) (see [`Wide::transposed`]).
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

impl Columns for Wide {
    const COLUMNS: usize = 16;
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: AVX-512F (the module comment).
        Self(unsafe { _mm512_setzero_ps() })
    }
    #[inline(always)]
    unsafe fn fma(x: f32, v: Self, acc: Self) -> Self {
        // SAFETY: AVX-512F (the module comment).
        Self(unsafe { _mm512_fmadd_ps(_mm512_set1_ps(x), v.0, acc.0) })
    }
    #[inline(always)]
    unsafe fn add_to(p: *mut f32, a: Self, b: Self) {
        // SAFETY: AVX-512F; the caller's `p` has sixteen floats.
        unsafe {
            _mm512_storeu_ps(
                p,
                _mm512_add_ps(_mm512_loadu_ps(p), _mm512_add_ps(a.0, b.0)),
            );
        }
    }
    /// Loaded as they are stored, register i holds units 2i and 2i + 1 (lane (j mod 2)·8 + t).
    /// Each of three stages pairs the registers that differ in bit s of their index and
    /// exchanges that bit with bit s of the lane (one two-source permute per output register),
    /// which moves the point's bits into the register index.
    #[inline(always)]
    unsafe fn transposed(x: &[Lane<f32>]) -> [Self; TILE] {
        debug_assert_eq!(x.len(), Self::COLUMNS);
        // SAFETY: `x` holds 16 tiles = 128 floats, read as eight registers of sixteen;
        // AVX-512F as in the module comment.
        unsafe {
            let base = x.as_ptr().cast::<f32>();
            let mut r = [_mm512_setzero_ps(); TILE];
            for (i, reg) in r.iter_mut().enumerate() {
                *reg = _mm512_loadu_ps(base.add(Self::COLUMNS * i));
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
            r.map(Self)
        }
    }
}

impl Columns for Narrow {
    const COLUMNS: usize = 8;
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: AVX (the module comment).
        Self(unsafe { _mm256_setzero_ps() })
    }
    #[inline(always)]
    unsafe fn fma(x: f32, v: Self, acc: Self) -> Self {
        // SAFETY: AVX and FMA (the module comment).
        Self(unsafe { _mm256_fmadd_ps(_mm256_set1_ps(x), v.0, acc.0) })
    }
    #[inline(always)]
    unsafe fn add_to(p: *mut f32, a: Self, b: Self) {
        // SAFETY: AVX; the caller's `p` has eight floats.
        unsafe {
            _mm256_storeu_ps(
                p,
                _mm256_add_ps(_mm256_loadu_ps(p), _mm256_add_ps(a.0, b.0)),
            );
        }
    }
    #[inline(always)]
    unsafe fn transposed(x: &[Lane<f32>]) -> [Self; TILE] {
        debug_assert_eq!(x.len(), Self::COLUMNS);
        // SAFETY: `x` holds 8 tiles; AVX as in the module comment.
        unsafe { transposed_tiles(x).map(Self) }
    }
}

/// `sums[k·W + j] += Σₜ (e₂[k][t]·h₁[j][t] + δ₂[k][t]·β₁[j][t])` for every row k and column
/// j (W̄₂ of docs/MATH.md §3a over one tile's points, W = `h1.len()`, a multiple of
/// `R::COLUMNS`), each with fused multiply-adds over the points in order, the two factors'
/// chains added at the end.
#[inline(always)]
unsafe fn add_sums<R: Columns>(
    sums: &mut [f32],
    e2: &[Lane<f32>],
    h1: &[Lane<f32>],
    delta2: &[Lane<f32>],
    beta1: &[Lane<f32>],
) {
    let (w, c) = (h1.len(), R::COLUMNS);
    assert!(
        w.is_multiple_of(c)
            && w.is_multiple_of(ROWS)
            && e2.len() == w
            && delta2.len() == w
            && beta1.len() == w
            && sums.len() == w * w
    );
    // SAFETY: the register's features as in the caller's contract; every row k < W and
    // column block jc + COLUMNS ≤ W index inside `sums` (W² values) and the W tiles of `e2`,
    // `delta2`.
    unsafe {
        for jc in (0..w).step_by(c) {
            let h = R::transposed(&h1[jc..jc + c]);
            let b = R::transposed(&beta1[jc..jc + c]);
            for k in (0..w).step_by(ROWS) {
                let mut acc_h = [R::zero(); ROWS];
                let mut acc_b = [R::zero(); ROWS];
                for t in 0..TILE {
                    for r in 0..ROWS {
                        let e = *e2.get_unchecked(k + r).get_unchecked(t);
                        let d = *delta2.get_unchecked(k + r).get_unchecked(t);
                        acc_h[r] = R::fma(e, h[t], acc_h[r]);
                        acc_b[r] = R::fma(d, b[t], acc_b[r]);
                    }
                }
                for r in 0..ROWS {
                    R::add_to(sums.as_mut_ptr().add((k + r) * w + jc), acc_h[r], acc_b[r]);
                }
            }
        }
    }
}

/// Sixteen columns per AVX-512 register ([`add_sums`]); W a multiple of [`WIDE_COLUMNS`].
///
/// # Safety
/// The CPU must have AVX-512F (see the module comment).
#[inline(always)]
pub(super) unsafe fn add_outer_sums_wide(
    sums: &mut [f32],
    e2: &[Lane<f32>],
    h1: &[Lane<f32>],
    delta2: &[Lane<f32>],
    beta1: &[Lane<f32>],
) {
    // SAFETY: as the caller's contract.
    unsafe { add_sums::<Wide>(sums, e2, h1, delta2, beta1) }
}

/// Eight columns per AVX register ([`add_sums`]); W a multiple of [`NARROW_COLUMNS`].
///
/// # Safety
/// The CPU must have AVX and FMA (see the module comment).
#[inline(always)]
pub(super) unsafe fn add_outer_sums_narrow(
    sums: &mut [f32],
    e2: &[Lane<f32>],
    h1: &[Lane<f32>],
    delta2: &[Lane<f32>],
    beta1: &[Lane<f32>],
) {
    // SAFETY: as the caller's contract.
    unsafe { add_sums::<Narrow>(sums, e2, h1, delta2, beta1) }
}

/// The widths [`add_outer_sums_wide`] takes: multiples of this.
pub(super) const WIDE_COLUMNS: usize = Wide::COLUMNS;

/// The widths [`add_outer_sums_narrow`] takes: multiples of this.
pub(super) const NARROW_COLUMNS: usize = Narrow::COLUMNS;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    type Sums = unsafe fn(&mut [f32], &[Lane<f32>], &[Lane<f32>], &[Lane<f32>], &[Lane<f32>]);

    #[target_feature(enable = "avx,fma,avx512f,avx512vl")]
    fn wide(s: &mut [f32], e2: &[Lane<f32>], h1: &[Lane<f32>], d2: &[Lane<f32>], b1: &[Lane<f32>]) {
        // SAFETY: compiled for and called only on a CPU with AVX-512F (checked by the test).
        unsafe { add_outer_sums_wide(s, e2, h1, d2, b1) }
    }

    #[target_feature(enable = "avx,fma")]
    fn narrow(
        s: &mut [f32],
        e2: &[Lane<f32>],
        h1: &[Lane<f32>],
        d2: &[Lane<f32>],
        b1: &[Lane<f32>],
    ) {
        // SAFETY: compiled for and called only on a CPU with AVX and FMA (checked by the test).
        unsafe { add_outer_sums_narrow(s, e2, h1, d2, b1) }
    }

    /// Both forms against the sums written out in f64, for widths with one, two and three
    /// column blocks, twice (so the accumulator really accumulates).
    #[test]
    fn the_tile_sums_are_the_outer_products_summed_over_the_points() {
        let has = |f: &str| match f {
            "avx512" => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("fma")
            }
            _ => {
                std::arch::is_x86_feature_detected!("avx")
                    && std::arch::is_x86_feature_detected!("fma")
            }
        };
        let forms: [(&str, Sums, &[usize]); 2] = [
            ("avx512", wide, &[16, 32, 48]),
            ("avx", narrow, &[8, 16, 24, 32]),
        ];
        let mut rng = Rng::seed_from_u64(17);
        for (name, form, widths) in forms {
            if !has(name) {
                eprintln!("no {name} with FMA on this CPU: that form is not tested");
                continue;
            }
            for &w in widths {
                let mut tiles = || -> Vec<Lane<f32>> {
                    (0..w)
                        .map(|_| std::array::from_fn(|_| rng.normal() as f32))
                        .collect()
                };
                let (e2, h1, delta2, beta1) = (tiles(), tiles(), tiles(), tiles());
                let mut sums: Vec<f32> = (0..w * w).map(|i| (i % 7) as f32 - 3.0).collect();
                let start = sums.clone();
                // SAFETY: the form's features were detected just above.
                unsafe {
                    form(&mut sums, &e2, &h1, &delta2, &beta1);
                    form(&mut sums, &e2, &h1, &delta2, &beta1);
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
                            "{name}, W = {w}, row {k}, column {j}: {got} against {want}"
                        );
                    }
                }
            }
        }
    }
}
