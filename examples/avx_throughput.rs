//! What one core's AVX pipes sustain on the exact kernels' patterns, in operations per
//! nanosecond (divide by `cpu_clock`'s GHz for per cycle): the ceilings that docs/FITS.md ("The
//! step against the core's ceilings") sets the training step against.
//!
//! - `mul`: independent 8-lane multiplies, twelve chains (the multiply pipes' peak);
//! - `mul+add`: six independent multiplies and six independent adds side by side;
//! - `matvec N`: the exact kernels' matrix–vector inner loop for N rows (`nhf::matvec`): per
//!   column j one load of x[j], then for each row a broadcast of M[r, j] from memory, a
//!   multiply and an add into the row's accumulator; counted in products (one multiply and one
//!   add each);
//! - `matvec N×2`: the same loop for N rows of two tiles at once, each broadcast weight used by
//!   both tiles (a loop the kernels do not have: it measures what sharing the broadcasts
//!   between two tiles would give);
//! - `columns 2`: the product with lanes over rows instead of points, for two points at once:
//!   per column j, the column's 32 rows as four vector loads shared by both points and one
//!   broadcast of each point's x[j] (a layout the kernels do not have: one broadcast per four
//!   products instead of one per product); counted in 8-lane products like the others.
//!
//! `taskset -c 0 cargo run --release --example avx_throughput` (x86-64 with AVX only).
#![allow(unsafe_code)]

#[cfg(target_arch = "x86_64")]
mod pipes {
    use std::arch::x86_64::{
        __m256, _mm256_add_ps, _mm256_broadcast_ss, _mm256_loadu_ps, _mm256_mul_ps, _mm256_set1_ps,
        _mm256_setzero_ps, _mm256_storeu_ps,
    };
    use std::hint::black_box;

    /// The lanes' sum, so that no chain is dead code.
    #[target_feature(enable = "avx")]
    fn total(regs: &[__m256]) -> f32 {
        let mut s = _mm256_setzero_ps();
        for &r in regs {
            s = _mm256_add_ps(s, r);
        }
        let mut out = [0.0f32; 8];
        // SAFETY: `out` holds eight floats.
        unsafe { _mm256_storeu_ps(out.as_mut_ptr(), s) };
        out.iter().sum()
    }

    /// `n` rounds of twelve independent multiplies (written out: an array of registers
    /// in a loop is kept in memory, as `nhf::matvec` notes).
    #[target_feature(enable = "avx")]
    pub fn mul(n: usize) -> f32 {
        let f = _mm256_set1_ps(black_box(0.999_999_9));
        let one = _mm256_set1_ps(black_box(1.0));
        let (mut a0, mut a1, mut a2, mut a3, mut a4, mut a5) = (one, one, one, one, one, one);
        let (mut a6, mut a7, mut a8, mut a9, mut a10, mut a11) = (one, one, one, one, one, one);
        for _ in 0..n {
            a0 = _mm256_mul_ps(a0, f);
            a1 = _mm256_mul_ps(a1, f);
            a2 = _mm256_mul_ps(a2, f);
            a3 = _mm256_mul_ps(a3, f);
            a4 = _mm256_mul_ps(a4, f);
            a5 = _mm256_mul_ps(a5, f);
            a6 = _mm256_mul_ps(a6, f);
            a7 = _mm256_mul_ps(a7, f);
            a8 = _mm256_mul_ps(a8, f);
            a9 = _mm256_mul_ps(a9, f);
            a10 = _mm256_mul_ps(a10, f);
            a11 = _mm256_mul_ps(a11, f);
        }
        total(&[a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11])
    }

    /// `n` rounds of six independent multiplies and six independent adds.
    #[target_feature(enable = "avx")]
    pub fn mul_add(n: usize) -> f32 {
        let (f, g) = (
            _mm256_set1_ps(black_box(0.999_999_9)),
            _mm256_set1_ps(black_box(1e-9)),
        );
        let one = _mm256_set1_ps(black_box(1.0));
        let (mut a0, mut a1, mut a2, mut a3, mut a4, mut a5) = (one, one, one, one, one, one);
        let (mut b0, mut b1, mut b2, mut b3, mut b4, mut b5) = (one, one, one, one, one, one);
        for _ in 0..n {
            a0 = _mm256_mul_ps(a0, f);
            b0 = _mm256_add_ps(b0, g);
            a1 = _mm256_mul_ps(a1, f);
            b1 = _mm256_add_ps(b1, g);
            a2 = _mm256_mul_ps(a2, f);
            b2 = _mm256_add_ps(b2, g);
            a3 = _mm256_mul_ps(a3, f);
            b3 = _mm256_add_ps(b3, g);
            a4 = _mm256_mul_ps(a4, f);
            b4 = _mm256_add_ps(b4, g);
            a5 = _mm256_mul_ps(a5, f);
            b5 = _mm256_add_ps(b5, g);
        }
        total(&[a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5])
    }

    /// One row's step of the product: acc + M[r, j] · x[j], the weight broadcast from memory.
    ///
    /// # Safety
    /// AVX, and `w` points to a float.
    #[inline(always)]
    unsafe fn row(acc: __m256, w: *const f32, xj: __m256) -> __m256 {
        // SAFETY: by the caller's contract.
        unsafe { _mm256_add_ps(acc, _mm256_mul_ps(_mm256_broadcast_ss(&*w), xj)) }
    }

    /// `n` columns of the matrix–vector loop over four rows of the 32 × 32 matrix `m`
    /// (transposed, so a column's rows are adjacent), x cycling through 32 tiles.
    #[target_feature(enable = "avx")]
    pub fn matvec4(n: usize, m: &[f32], x: &[f32]) -> f32 {
        assert!(m.len() >= 32 * 32 && x.len() >= 32 * 8);
        let z = _mm256_setzero_ps();
        let (mut a0, mut a1, mut a2, mut a3) = (z, z, z, z);
        for i in 0..n {
            let j = i % 32;
            // SAFETY: j < 32, so the tile is x[8j..8j + 8] and the weights m[32j..32j + 4],
            // inside the lengths asserted above; AVX by this function's feature.
            unsafe {
                let xj = _mm256_loadu_ps(x.as_ptr().add(8 * j));
                let c = m.as_ptr().add(32 * j);
                a0 = row(a0, c, xj);
                a1 = row(a1, c.add(1), xj);
                a2 = row(a2, c.add(2), xj);
                a3 = row(a3, c.add(3), xj);
            }
        }
        total(&[a0, a1, a2, a3])
    }

    /// The same over eight rows.
    #[target_feature(enable = "avx")]
    pub fn matvec8(n: usize, m: &[f32], x: &[f32]) -> f32 {
        assert!(m.len() >= 32 * 32 && x.len() >= 32 * 8);
        let z = _mm256_setzero_ps();
        let (mut a0, mut a1, mut a2, mut a3) = (z, z, z, z);
        let (mut a4, mut a5, mut a6, mut a7) = (z, z, z, z);
        for i in 0..n {
            let j = i % 32;
            // SAFETY: as in `matvec4`, with the weights m[32j..32j + 8].
            unsafe {
                let xj = _mm256_loadu_ps(x.as_ptr().add(8 * j));
                let c = m.as_ptr().add(32 * j);
                a0 = row(a0, c, xj);
                a1 = row(a1, c.add(1), xj);
                a2 = row(a2, c.add(2), xj);
                a3 = row(a3, c.add(3), xj);
                a4 = row(a4, c.add(4), xj);
                a5 = row(a5, c.add(5), xj);
                a6 = row(a6, c.add(6), xj);
                a7 = row(a7, c.add(7), xj);
            }
        }
        total(&[a0, a1, a2, a3, a4, a5, a6, a7])
    }

    /// Two tiles' steps of one row: the weight broadcast once for both.
    ///
    /// # Safety
    /// AVX, and `w` points to a float.
    #[inline(always)]
    unsafe fn row2(acc: (__m256, __m256), w: *const f32, x: (__m256, __m256)) -> (__m256, __m256) {
        // SAFETY: by the caller's contract.
        unsafe {
            let wj = _mm256_broadcast_ss(&*w);
            (
                _mm256_add_ps(acc.0, _mm256_mul_ps(wj, x.0)),
                _mm256_add_ps(acc.1, _mm256_mul_ps(wj, x.1)),
            )
        }
    }

    /// `n` columns over four rows of two tiles (the second tile's x half the array further on).
    #[target_feature(enable = "avx")]
    pub fn matvec4x2(n: usize, m: &[f32], x: &[f32]) -> f32 {
        assert!(m.len() >= 32 * 32 && x.len() >= 2 * 32 * 8);
        let z = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let (mut a0, mut a1, mut a2, mut a3) = (z, z, z, z);
        for i in 0..n {
            let j = i % 32;
            // SAFETY: as in `matvec4`, with the second tile at x[256 + 8j..].
            unsafe {
                let xj = (
                    _mm256_loadu_ps(x.as_ptr().add(8 * j)),
                    _mm256_loadu_ps(x.as_ptr().add(256 + 8 * j)),
                );
                let c = m.as_ptr().add(32 * j);
                a0 = row2(a0, c, xj);
                a1 = row2(a1, c.add(1), xj);
                a2 = row2(a2, c.add(2), xj);
                a3 = row2(a3, c.add(3), xj);
            }
        }
        total(&[a0.0, a1.0, a2.0, a3.0, a0.1, a1.1, a2.1, a3.1])
    }

    /// The same over six rows (twelve accumulators, two tiles and a broadcast: fifteen of the
    /// sixteen registers).
    #[target_feature(enable = "avx")]
    pub fn matvec6x2(n: usize, m: &[f32], x: &[f32]) -> f32 {
        assert!(m.len() >= 32 * 32 && x.len() >= 2 * 32 * 8);
        let z = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let (mut a0, mut a1, mut a2, mut a3, mut a4, mut a5) = (z, z, z, z, z, z);
        for i in 0..n {
            let j = i % 32;
            // SAFETY: as in `matvec4x2`, with the weights m[32j..32j + 6].
            unsafe {
                let xj = (
                    _mm256_loadu_ps(x.as_ptr().add(8 * j)),
                    _mm256_loadu_ps(x.as_ptr().add(256 + 8 * j)),
                );
                let c = m.as_ptr().add(32 * j);
                a0 = row2(a0, c, xj);
                a1 = row2(a1, c.add(1), xj);
                a2 = row2(a2, c.add(2), xj);
                a3 = row2(a3, c.add(3), xj);
                a4 = row2(a4, c.add(4), xj);
                a5 = row2(a5, c.add(5), xj);
            }
        }
        total(&[
            a0.0, a1.0, a2.0, a3.0, a4.0, a5.0, a0.1, a1.1, a2.1, a3.1, a4.1, a5.1,
        ])
    }

    /// `n` columns of the product with lanes over the 32 rows, for two points: per column, four
    /// vector loads of the column and one broadcast of each point's x[j].
    #[target_feature(enable = "avx")]
    pub fn columns2(n: usize, m: &[f32], x: &[f32]) -> f32 {
        assert!(m.len() >= 32 * 32 && x.len() >= 2 * 32);
        let z = _mm256_setzero_ps();
        let (mut a0, mut a1, mut a2, mut a3) = (z, z, z, z);
        let (mut b0, mut b1, mut b2, mut b3) = (z, z, z, z);
        for i in 0..n {
            let j = i % 32;
            // SAFETY: j < 32: the column m[32j..32j + 32] and x[j], x[32 + j] are inside the
            // lengths asserted above; AVX by this function's feature.
            unsafe {
                let c = m.as_ptr().add(32 * j);
                let (c0, c1) = (_mm256_loadu_ps(c), _mm256_loadu_ps(c.add(8)));
                let (c2, c3) = (_mm256_loadu_ps(c.add(16)), _mm256_loadu_ps(c.add(24)));
                let xa = _mm256_broadcast_ss(&*x.as_ptr().add(j));
                let xb = _mm256_broadcast_ss(&*x.as_ptr().add(32 + j));
                a0 = _mm256_add_ps(a0, _mm256_mul_ps(c0, xa));
                a1 = _mm256_add_ps(a1, _mm256_mul_ps(c1, xa));
                a2 = _mm256_add_ps(a2, _mm256_mul_ps(c2, xa));
                a3 = _mm256_add_ps(a3, _mm256_mul_ps(c3, xa));
                b0 = _mm256_add_ps(b0, _mm256_mul_ps(c0, xb));
                b1 = _mm256_add_ps(b1, _mm256_mul_ps(c1, xb));
                b2 = _mm256_add_ps(b2, _mm256_mul_ps(c2, xb));
                b3 = _mm256_add_ps(b3, _mm256_mul_ps(c3, xb));
            }
        }
        total(&[a0, a1, a2, a3, b0, b1, b2, b3])
    }
}

#[cfg(target_arch = "x86_64")]
fn main() {
    use std::time::Instant;
    assert!(is_x86_feature_detected!("avx"), "this CPU has no AVX");
    let m: Vec<f32> = (0..1024).map(|i| 1e-3 * (i % 7) as f32).collect();
    let x: Vec<f32> = (0..512).map(|i| 1e-2 * (i % 5) as f32).collect();
    let n = 20_000_000;
    // (name, operations per round, the run); the best of five runs of each.
    type Run<'a> = Box<dyn Fn() -> f32 + 'a>;
    let runs: Vec<(&str, usize, Run)> = vec![
        // SAFETY (all seven): AVX was detected above.
        ("mul", 12, Box::new(|| unsafe { pipes::mul(n) })),
        ("mul+add", 12, Box::new(|| unsafe { pipes::mul_add(n) })),
        (
            "matvec 4",
            4,
            Box::new(|| unsafe { pipes::matvec4(n, &m, &x) }),
        ),
        (
            "matvec 8",
            8,
            Box::new(|| unsafe { pipes::matvec8(n, &m, &x) }),
        ),
        (
            "matvec 4×2",
            8,
            Box::new(|| unsafe { pipes::matvec4x2(n, &m, &x) }),
        ),
        (
            "matvec 6×2",
            12,
            Box::new(|| unsafe { pipes::matvec6x2(n, &m, &x) }),
        ),
        (
            "columns 2",
            8,
            Box::new(|| unsafe { pipes::columns2(n, &m, &x) }),
        ),
    ];
    for (name, per_round, run) in runs {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let start = Instant::now();
            std::hint::black_box(run());
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{name}: {:.2} per ns", (n * per_round) as f64 / best / 1e9);
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    eprintln!("avx_throughput measures x86-64 AVX pipes only");
}
