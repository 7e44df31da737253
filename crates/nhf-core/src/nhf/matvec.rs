//! The kernels' matrix–vector products out = M·x + b, lanes over points (docs/MATH.md §3a: the
//! W₂ and W₂ᵀ products of the force and its VJP).

use super::lanes::{Lane, LaneVec};
use super::real::Real;

/// out[r] = bias[r] + Σ_j mat[r·W + j] · x[j] for every row r, lanes over points; `mat_t`, if
/// given, is `mat` transposed (the kernels keep both W₂ and W₂ᵀ), which the wide form of the
/// AVX-512 clones reads ([`LaneVec::matvec_wide`]: two rows per 512-bit register, the same
/// chain per row, so the same bits). The rows it leaves are done here.
///
/// Four rows at a time share each load of x[j] and keep several independent accumulators in
/// flight: one accumulator alone would wait on the add latency every step. Lanes whose
/// [`LaneVec::ROWS`] is 8 (the AVX lanes, sixteen registers of eight floats) take eight rows
/// at a time first. Each row is the same chain of operations either way, so the bits do not
/// depend on it.
#[inline(always)]
pub(crate) fn matvec<T: Real, V: LaneVec<T>>(
    mat: &[T],
    mat_t: Option<&[T]>,
    width: usize,
    x: &[Lane<T>],
    bias: Option<&[T]>,
    out: &mut [Lane<T>],
) {
    let rows = out.len();
    let x = &x[..width];
    let init = |r: usize| V::splat(bias.map_or(T::zero(), |b| b[r]));
    // A `match`, not `map_or`: a closure is a function of its own, compiled outside the
    // clone's instruction set, and the wide product's intrinsics would not be inlined into it.
    let mut r = match mat_t {
        Some(mat_t) => V::matvec_wide(mat_t, width, x, bias, out),
        None => 0,
    };
    debug_assert!(
        V::ROWS == 4 || V::ROWS == 8,
        "matvec takes 4 or 8 rows at a time"
    );
    // The rows' addresses in `row_blocks` are the block's start plus a multiple of the
    // width: with the width a constant, each is one register and a fixed offset, while with a
    // width known only at run time LLVM computed them by a chain of additions, one per row and
    // column (eight more operations per eight products, in loops bound by how many operations
    // the core can issue). So the standard width gets a copy of its own.
    r = if width == 32 {
        row_blocks::<T, V>(mat, 32, x, bias, out, r)
    } else {
        row_blocks::<T, V>(mat, width, x, bias, out, r)
    };
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

/// Rows `r`, `r + 1`, … of [`matvec`] in blocks of [`LaneVec::ROWS`] and then four, as far as
/// whole blocks go; returns the first row left.
#[inline(always)]
fn row_blocks<T: Real, V: LaneVec<T>>(
    mat: &[T],
    width: usize,
    x: &[Lane<T>],
    bias: Option<&[T]>,
    out: &mut [Lane<T>],
    mut r: usize,
) -> usize {
    let rows = out.len();
    let x = &x[..width];
    let init = |r: usize| V::splat(bias.map_or(T::zero(), |b| b[r]));
    // Eight rows written out like the four below. The two blocks could be one macro or one
    // loop over an array of accumulators, but the macro measured no faster and the loop 2×
    // slower (its accumulators were not kept in registers).
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
        // Column j's eight products and adds: written once, run twice per trip of the loop
        // below, which halves the loop's own instructions (the loop is bound by how many
        // instructions issue per cycle).
        macro_rules! column {
            ($j:expr) => {{
                let j = $j;
                let xj = V::load(&x[j]);
                a0 = V::splat(m0[j]).mul_add(xj, a0);
                a1 = V::splat(m1[j]).mul_add(xj, a1);
                a2 = V::splat(m2[j]).mul_add(xj, a2);
                a3 = V::splat(m3[j]).mul_add(xj, a3);
                a4 = V::splat(m4[j]).mul_add(xj, a4);
                a5 = V::splat(m5[j]).mul_add(xj, a5);
                a6 = V::splat(m6[j]).mul_add(xj, a6);
                a7 = V::splat(m7[j]).mul_add(xj, a7);
            }};
        }
        let mut j = 0;
        while j + 2 <= width {
            column!(j);
            column!(j + 1);
            j += 2;
        }
        if j < width {
            column!(j);
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
    r
}
