//! [`UnitLanes`] for `f32` as one AVX-512 register: two hidden units of a tile (sixteen lanes)
//! in the AVX-512 clones of the kernels ([`super::lanes::with_avx_clone`]). Every lane runs the
//! operations of the eight-lane [`super::avx_lanes::AvxF32x8`] in the same order (tanh's clamp,
//! its NaN put back, the shared rational function), so the bits are the same.
//!
//! With `FMA` it is the fast kernels' register; the unit loops have no multiply-add, so the
//! flag only says which clone the value belongs to.

// # Soundness
//
// As for `AvxF32x8` (the argument in `avx_lanes`): every method executes AVX-512F
// instructions, and the only ways to make a value are the constructors of `UnitLanes`. The type
// is reached only as `<AvxF32x8<_, true> as LaneVec<f32>>::Units`, and `AvxF32x8<_, true>` is
// instantiated only as `T::Avx512V` and `T::Fma512V` in the `avx512_clone` and `fma512_clone`
// of `lanes::with_avx_clone`, which run after `cpu_has_avx512vl()` said yes, and by the
// kernels' tests after the same check.
#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m256, __m512, _CMP_UNORD_Q, _mm256_add_ps, _mm256_castpd_ps, _mm256_castps_pd,
    _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_mul_ps, _mm256_set1_ps, _mm256_storeu_ps,
    _mm512_add_ps, _mm512_castpd_ps, _mm512_castps_pd, _mm512_castps_si512, _mm512_castps256_ps512,
    _mm512_castps512_ps256, _mm512_castsi512_ps, _mm512_cmp_ps_mask, _mm512_div_ps,
    _mm512_extractf64x4_pd, _mm512_insertf64x4, _mm512_loadu_ps, _mm512_mask_blend_ps,
    _mm512_max_ps, _mm512_min_ps, _mm512_mul_ps, _mm512_set1_epi32, _mm512_set1_ps,
    _mm512_shuffle_f32x4, _mm512_slli_epi32, _mm512_storeu_ps, _mm512_sub_ps, _mm512_xor_epi32,
    _mm512_xor_ps,
};
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::lanes::{Lane, TILE};
use super::real::TANH_CLAMP;
use super::sine::OddSign;
use super::unit_lanes::UnitLanes;

/// Two hidden units' lanes of a tile in one AVX-512 register: unit j in the low eight lanes,
/// unit j + 1 in the high eight.
#[derive(Clone, Copy, Debug)]
pub struct Avx512F32x16<const FMA: bool>(__m512);

macro_rules! avx512_op {
    ($trait:ident, $method:ident, $intrinsic:ident) => {
        impl<const FMA: bool> $trait for Avx512F32x16<FMA> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                // SAFETY: reached only inside the AVX-512 clones (module comment).
                Self(unsafe { $intrinsic(self.0, rhs.0) })
            }
        }
    };
}
avx512_op!(Add, add, _mm512_add_ps);
avx512_op!(Sub, sub, _mm512_sub_ps);
avx512_op!(Mul, mul, _mm512_mul_ps);
avx512_op!(Div, div, _mm512_div_ps);

impl<const FMA: bool> Neg for Avx512F32x16<FMA> {
    type Output = Self;
    /// Flips the sign bit, as the eight-lane forms do.
    #[inline(always)]
    fn neg(self) -> Self {
        // SAFETY: reached only inside the AVX-512 clones (module comment).
        Self(unsafe { _mm512_xor_ps(self.0, _mm512_castsi512_ps(_mm512_set1_epi32(i32::MIN))) })
    }
}

/// The register of two eight-lane halves `lo` (unit j) and `hi` (unit j + 1).
#[inline(always)]
fn halves(lo: *const f32, hi: *const f32) -> __m512 {
    // SAFETY: reached only inside the AVX-512 clones (module comment); both pointers are to a
    // whole tile (eight floats), as the callers' slice indexing checked. The cast leaves the
    // high half undefined, and the insert fills it.
    unsafe {
        let lo = _mm512_castps_pd(_mm512_castps256_ps512(_mm256_loadu_ps(lo)));
        _mm512_castpd_ps(_mm512_insertf64x4::<1>(
            lo,
            _mm256_castps_pd(_mm256_loadu_ps(hi)),
        ))
    }
}

/// The methods tanh, sin_cos and their halves (`*_start`, `*_finish`) of a lane type with
/// `splat`, a `clamp_tanh` of its own and + − × ÷: tanh is the clamp then the shared rational
/// function of [`super::real`] (the order of [`super::real::fast_tanh_f32x8`]), sin_cos the
/// shared polynomial of [`super::sine`]. Written once for the AVX lanes' [`LaneVec`](super::lanes::LaneVec)
/// impl and the AVX-512 ones' [`UnitLanes`] impl, whose methods have the same signatures.
macro_rules! polynomial_activations {
    () => {
        #[inline(always)]
        fn tanh(self) -> Self {
            $crate::nhf::real::tanh_rational(self.clamp_tanh(), Self::splat)
        }
        #[inline(always)]
        fn tanh_start(self) -> (Self, Self) {
            $crate::nhf::real::tanh_rational_parts(self.clamp_tanh(), Self::splat)
        }
        #[inline(always)]
        fn tanh_finish(p: Self, q: Self) -> Self {
            p / q
        }
        #[inline(always)]
        fn sin_cos(self) -> (Self, Self) {
            $crate::nhf::sine::sin_cos_poly(self, Self::splat)
        }
        #[inline(always)]
        fn sin_cos_start(self) -> (Self, Self) {
            $crate::nhf::sine::sin_cos_reduce(self, Self::splat)
        }
        #[inline(always)]
        fn sin_cos_finish(r: Self, sign: Self) -> (Self, Self) {
            $crate::nhf::sine::sin_cos_reduced(r, sign, Self::splat)
        }
    };
}
pub(super) use polynomial_activations;

/// The eight lanes `v` in both halves of a 512-bit register (a tile's points for two units,
/// or two tiles' factor in `LaneVec::add_outer_row`).
#[inline(always)]
pub(super) fn both_halves(v: __m256) -> __m512 {
    // SAFETY: reached only inside the AVX-512 clones (module comment).
    unsafe {
        let z = _mm512_castps256_ps512(v);
        _mm512_shuffle_f32x4::<0x44>(z, z)
    }
}

impl<const FMA: bool> Avx512F32x16<FMA> {
    /// The clamp of the eight-lane forms of tanh, in their order: max then min, a NaN put back.
    #[inline(always)]
    fn clamp_tanh(self) -> Self {
        let c = <Self as UnitLanes<f32>>::splat;
        // SAFETY: reached only inside the AVX-512 clones (module comment).
        unsafe {
            let clamped = _mm512_min_ps(_mm512_max_ps(self.0, c(-TANH_CLAMP).0), c(TANH_CLAMP).0);
            let nan = _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(self.0, self.0);
            Self(_mm512_mask_blend_ps(nan, clamped, self.0))
        }
    }
}

impl<const FMA: bool> OddSign for Avx512F32x16<FMA> {
    #[inline(always)]
    fn odd_sign(t: Self) -> Self {
        // SAFETY: reached only inside the AVX-512 clones (module comment).
        Self(unsafe { _mm512_castsi512_ps(_mm512_slli_epi32::<31>(_mm512_castps_si512(t.0))) })
    }
    #[inline(always)]
    fn flip_sign(self, sign: Self) -> Self {
        // SAFETY: as above.
        Self(unsafe {
            _mm512_castsi512_ps(_mm512_xor_epi32(
                _mm512_castps_si512(self.0),
                _mm512_castps_si512(sign.0),
            ))
        })
    }
}

impl<const FMA: bool> UnitLanes<f32> for Avx512F32x16<FMA> {
    const UNITS: usize = 2;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        // SAFETY: reached only inside the AVX-512 clones (module comment).
        Self(unsafe { _mm512_set1_ps(x) })
    }
    crate::nhf::avx512_lanes::polynomial_activations!();
    #[inline(always)]
    fn map(self, f: impl Fn(f32) -> f32) -> Self {
        let mut lanes = [0.0f32; 2 * TILE];
        // SAFETY: `lanes` holds 16 floats; AVX-512 as in the module comment.
        unsafe { _mm512_storeu_ps(lanes.as_mut_ptr(), self.0) };
        for x in &mut lanes {
            *x = f(*x);
        }
        // SAFETY: as above.
        Self(unsafe { _mm512_loadu_ps(lanes.as_ptr()) })
    }
    #[inline(always)]
    fn per_unit(vals: &[f32], stride: usize, offset: usize, j: usize) -> Self {
        let (a, b) = (vals[stride * j + offset], vals[stride * (j + 1) + offset]);
        // SAFETY: reached only inside the AVX-512 clones (module comment).
        Self(unsafe {
            let lo = _mm512_castps_pd(_mm512_set1_ps(a));
            _mm512_castpd_ps(_mm512_insertf64x4::<1>(
                lo,
                _mm256_castps_pd(_mm256_set1_ps(b)),
            ))
        })
    }
    #[inline(always)]
    fn per_point(lane: &Lane<f32>) -> Self {
        // SAFETY: `lane` holds TILE = 8 floats; AVX-512 as in the module comment.
        Self(both_halves(unsafe { _mm256_loadu_ps(lane.as_ptr()) }))
    }
    #[inline(always)]
    fn load_units(buf: &[Lane<f32>], stride: usize, offset: usize, j: usize) -> Self {
        let (lo, hi) = (&buf[stride * j + offset], &buf[stride * (j + 1) + offset]);
        if stride == 1 {
            // SAFETY: the two tiles are adjacent (stride 1): 16 floats from `lo`.
            Self(unsafe { _mm512_loadu_ps(lo.as_ptr()) })
        } else {
            Self(halves(lo.as_ptr(), hi.as_ptr()))
        }
    }
    type Acc = __m256;
    #[inline(always)]
    fn acc_load(lane: &Lane<f32>) -> __m256 {
        // SAFETY: `lane` holds TILE = 8 floats; AVX-512 (so AVX) as in the module comment.
        unsafe { _mm256_loadu_ps(lane.as_ptr()) }
    }
    #[inline(always)]
    fn acc_store(acc: __m256) -> Lane<f32> {
        let mut lane = [0.0; TILE];
        // SAFETY: as in `acc_load`.
        unsafe { _mm256_storeu_ps(lane.as_mut_ptr(), acc) };
        lane
    }
    /// Unit j's half, then unit j + 1's, each with the eight-lane multiply-add of the clone
    /// (fused where `FMA`).
    #[inline(always)]
    fn chain(self, vals: &[f32], stride: usize, offset: usize, j: usize, acc: __m256) -> __m256 {
        let (a, b) = (vals[stride * j + offset], vals[stride * (j + 1) + offset]);
        // SAFETY: AVX-512 (which includes AVX and, for `FMA`, the fast clone's FMA) as in the
        // module comment.
        unsafe {
            let lo = _mm512_castps512_ps256(self.0);
            let hi = _mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(self.0)));
            let step = |w: f32, x: __m256, acc: __m256| {
                if FMA {
                    _mm256_fmadd_ps(_mm256_set1_ps(w), x, acc)
                } else {
                    _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(w), x), acc)
                }
            };
            step(b, hi, step(a, lo, acc))
        }
    }
    #[inline(always)]
    fn store_units(self, buf: &mut [Lane<f32>], stride: usize, offset: usize, j: usize) {
        let (i, k) = (stride * j + offset, stride * (j + 1) + offset);
        assert!(i < buf.len() && k < buf.len());
        // SAFETY: indices checked just above; AVX-512 as in the module comment. With stride 1
        // the two tiles are adjacent, 16 floats from `buf[i]`.
        unsafe {
            if stride == 1 {
                _mm512_storeu_ps(buf.as_mut_ptr().add(i).cast::<f32>(), self.0);
            } else {
                _mm256_storeu_ps(buf[i].as_mut_ptr(), _mm512_castps512_ps256(self.0));
                let hi = _mm512_extractf64x4_pd::<1>(_mm512_castps_pd(self.0));
                _mm256_storeu_ps(buf[k].as_mut_ptr(), _mm256_castpd_ps(hi));
            }
        }
    }
}
