//! [`LaneVec`] for `f32` as one AVX register, the lanes of the kernels' AVX clones
//! ([`super::lanes::with_avx_clone`]). The baseline lanes (`wide::f32x8`, compiled for SSE2)
//! take two instructions for each of these; the operations and their order are the same, so the
//! bits are too.
//!
//! `wide` picks AVX only when the whole crate is compiled for it, which a binary that must run
//! on any x86-64 cannot be; hence this small type, compiled for AVX inside the clones only.

// Every intrinsic here needs AVX. The methods are `#[inline(always)]` and the type is used only
// as `Real::AvxV`, which only the AVX clones instantiate, after `cpu_has_avx()` said yes.
#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m256, _CMP_UNORD_Q, _mm256_add_ps, _mm256_blendv_ps, _mm256_cmp_ps, _mm256_div_ps,
    _mm256_loadu_ps, _mm256_max_ps, _mm256_min_ps, _mm256_mul_ps, _mm256_set1_ps, _mm256_storeu_ps,
    _mm256_sub_ps, _mm256_xor_ps,
};
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::lanes::{Lane, LaneVec, TILE};
use super::real::{TANH_CLAMP, tanh_rational};

/// Eight `f32` lanes in one AVX register.
#[derive(Clone, Copy, Debug)]
pub struct AvxF32x8(__m256);

macro_rules! avx_op {
    ($trait:ident, $method:ident, $intrinsic:ident) => {
        impl $trait for AvxF32x8 {
            type Output = Self;
            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                // SAFETY: reached only inside the AVX clones (module comment).
                Self(unsafe { $intrinsic(self.0, rhs.0) })
            }
        }
    };
}
avx_op!(Add, add, _mm256_add_ps);
avx_op!(Sub, sub, _mm256_sub_ps);
avx_op!(Mul, mul, _mm256_mul_ps);
avx_op!(Div, div, _mm256_div_ps);

impl Neg for AvxF32x8 {
    type Output = Self;
    /// Flips the sign bit, as `wide` and scalar negation do (so −0 stays distinct from 0).
    #[inline(always)]
    fn neg(self) -> Self {
        self ^ -0.0
    }
}

impl std::ops::BitXor<f32> for AvxF32x8 {
    type Output = Self;
    #[inline(always)]
    fn bitxor(self, bits: f32) -> Self {
        // SAFETY: reached only inside the AVX clones (module comment).
        Self(unsafe { _mm256_xor_ps(self.0, _mm256_set1_ps(bits)) })
    }
}

impl LaneVec<f32> for AvxF32x8 {
    #[inline(always)]
    fn splat(x: f32) -> Self {
        // SAFETY: reached only inside the AVX clones (module comment).
        Self(unsafe { _mm256_set1_ps(x) })
    }
    #[inline(always)]
    fn load(lane: &Lane<f32>) -> Self {
        // SAFETY: `lane` holds TILE = 8 floats; AVX as in the module comment.
        Self(unsafe { _mm256_loadu_ps(lane.as_ptr()) })
    }
    #[inline(always)]
    fn store(self) -> Lane<f32> {
        let mut lane = [0.0; TILE];
        // SAFETY: `lane` holds TILE = 8 floats; AVX as in the module comment.
        unsafe { _mm256_storeu_ps(lane.as_mut_ptr(), self.0) };
        lane
    }
    /// [`fast_tanh_f32x8`](super::real::fast_tanh_f32x8) with the same operations in the same
    /// order: the clamp as max then min, a NaN put back, then the shared rational function.
    #[inline(always)]
    fn tanh(self) -> Self {
        let c = Self::splat;
        // SAFETY: reached only inside the AVX clones (module comment).
        let x = unsafe {
            let clamped = _mm256_min_ps(_mm256_max_ps(self.0, c(-TANH_CLAMP).0), c(TANH_CLAMP).0);
            let nan = _mm256_cmp_ps::<_CMP_UNORD_Q>(self.0, self.0);
            Self(_mm256_blendv_ps(clamped, self.0, nan))
        };
        tanh_rational(x, c)
    }
}
