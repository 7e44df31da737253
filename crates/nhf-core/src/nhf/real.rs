//! The scalar type the engine is generic over: `f32` for training, `f64` for the reference
//! checks (and, in tests, dual numbers for exact directional derivatives).

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use super::lanes::{self, ArrayLanes, LaneVec};

/// A real scalar: the arithmetic and the few functions the flow needs.
///
/// Transcendental functions go through the `libm` crate so that results are bit-identical on
/// wasm and native (a shared link must reproduce the same run everywhere).
pub trait Real:
    Copy
    + Debug
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    /// A tile of values computed with at once (see [`super::lanes`]), in the target's baseline
    /// instructions.
    // `LaneVec` is private to the crate on purpose: it is how lanes are made, and the AVX
    // lanes may only be made inside the AVX clones (the soundness argument in `avx_lanes`).
    #[allow(private_bounds)]
    type V: LaneVec<Self>;
    /// The same tile in the kernels' AVX clones (see [`super::lanes::with_avx_clone`]): one
    /// AVX register for `f32`, the plain [`ArrayLanes`] otherwise.
    #[allow(private_bounds)]
    type AvxV: LaneVec<Self>;
    /// The same tile in the opt-in fast kernels ([`super::lanes::set_fast_kernels`]): AVX with
    /// fused multiply-adds for `f32`, the plain [`ArrayLanes`] otherwise (the `f64` and dual
    /// reference checks never fuse).
    #[allow(private_bounds)]
    type FmaV: LaneVec<Self>;
    /// [`Real::AvxV`] on a CPU with AVX-512F/VL, whose loops over pairs of tiles may take
    /// 512-bit registers (the same bits).
    #[allow(private_bounds)]
    type Avx512V: LaneVec<Self>;
    /// [`Real::FmaV`] on a CPU with AVX-512F/VL.
    #[allow(private_bounds)]
    type Fma512V: LaneVec<Self>;
    /// Converts from `f64` (rounding for `f32`).
    fn from_f64(x: f64) -> Self;
    /// The value as `f64` (the real part for dual numbers).
    fn to_f64(self) -> f64;
    /// tanh as used by the activation (a fast rational approximation for `f32`, exact for
    /// `f64`).
    fn tanh(self) -> Self;
    /// (sin x, cos x) as used by the sine activation (the polynomial of [`super::sine`] for
    /// `f32`, exact for `f64`).
    fn sin_cos(self) -> (Self, Self);
    /// eˣ.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// The logistic function 1 / (1 + e⁻ˣ), computed without overflow.
    fn sigmoid(self) -> Self {
        if self.to_f64() >= 0.0 {
            Self::from_f64(1.0) / (Self::from_f64(1.0) + (-self).exp())
        } else {
            let e = self.exp();
            e / (Self::from_f64(1.0) + e)
        }
    }
    /// softplus ln(1 + eˣ), computed without overflow.
    fn softplus(self) -> Self {
        if self.to_f64() > 0.0 {
            self + (Self::from_f64(1.0) + (-self).exp()).ln()
        } else {
            (Self::from_f64(1.0) + self.exp()).ln()
        }
    }
    /// Zero.
    fn zero() -> Self {
        Self::from_f64(0.0)
    }
    /// One.
    fn one() -> Self {
        Self::from_f64(1.0)
    }
    /// Whether the value (and, for dual numbers, its derivative parts) is finite.
    fn is_finite(self) -> bool {
        self.to_f64().is_finite()
    }
}

impl Real for f64 {
    type V = ArrayLanes<f64>;
    type AvxV = ArrayLanes<f64>;
    type FmaV = ArrayLanes<f64>;
    type Avx512V = ArrayLanes<f64>;
    type Fma512V = ArrayLanes<f64>;
    fn from_f64(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn tanh(self) -> Self {
        libm::tanh(self)
    }
    fn sin_cos(self) -> (Self, Self) {
        (libm::sin(self), libm::cos(self))
    }
    fn exp(self) -> Self {
        libm::exp(self)
    }
    fn ln(self) -> Self {
        libm::log(self)
    }
}

impl Real for f32 {
    type V = wide::f32x8;
    type AvxV = lanes::AvxF32x8;
    type FmaV = lanes::FmaF32x8;
    type Avx512V = lanes::WideAvxF32x8;
    type Fma512V = lanes::WideFmaF32x8;
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn tanh(self) -> Self {
        fast_tanh_f32(self)
    }
    fn sin_cos(self) -> (Self, Self) {
        super::sine::fast_sin_cos_f32(self)
    }
    fn exp(self) -> Self {
        libm::expf(self)
    }
    fn ln(self) -> Self {
        libm::logf(self)
    }
}

/// tanh for `f32` as a 13/6 rational approximation on [−7.9, 7.9] (the one Eigen and XLA use):
/// within a few ulp of the true value, branch-free apart from the clamp, and built from
/// + × ÷ only, so it vectorises and gives identical bits on every platform.
#[inline(always)]
pub fn fast_tanh_f32(x: f32) -> f32 {
    tanh_rational(x.clamp(-TANH_CLAMP, TANH_CLAMP), |v| v)
}

/// Where [`fast_tanh_f32`] clamps its argument: the end of the rational function's range (Eigen).
pub const TANH_CLAMP: f32 = 7.905_311;

/// The rational function of [`fast_tanh_f32`] at an already clamped `x`, for a scalar or a tile
/// of lanes (`c` makes a constant of the type): every form of tanh calls this one, so all run
/// the same operations in the same order and give the same bits.
#[inline(always)]
pub fn tanh_rational<V>(x: V, c: impl Fn(f32) -> V) -> V
where
    V: Copy + Add<Output = V> + Mul<Output = V> + Div<Output = V>,
{
    let (p, q) = tanh_rational_parts(x, c);
    p / q
}

/// The numerator and denominator of [`tanh_rational`], whose quotient it is. A loop over many
/// values may divide in a second loop: each is a shorter chain of dependent operations, so
/// more values are in flight at once.
// The coefficients are kept digit for digit as published (Eigen), beyond f32's precision.
#[allow(clippy::excessive_precision)]
#[inline(always)]
pub fn tanh_rational_parts<V>(x: V, c: impl Fn(f32) -> V) -> (V, V)
where
    V: Copy + Add<Output = V> + Mul<Output = V>,
{
    let x2 = x * x;
    let mut p = x2 * c(-2.760_768_5e-16) + c(2.000_187_9e-13);
    p = x2 * p + c(-8.604_671_5e-11);
    p = x2 * p + c(5.122_297e-8);
    p = x2 * p + c(1.485_722_4e-5);
    p = x2 * p + c(6.372_619_3e-4);
    p = x2 * p + c(4.893_524_6e-3);
    p = p * x;
    let mut q = x2 * c(1.198_258_4e-6) + c(1.185_347e-4);
    q = x2 * q + c(2.268_434_6e-3);
    q = x2 * q + c(4.893_525e-3);
    (p, q)
}

/// [`fast_tanh_f32`] on eight lanes: the same operations in the same order, so the same bits.
#[inline(always)]
pub fn fast_tanh_f32x8(x: wide::f32x8) -> wide::f32x8 {
    tanh_rational(clamp_tanh_f32x8(x), wide::f32x8::splat)
}

/// [`fast_tanh_f32`]'s clamp on eight lanes.
#[inline(always)]
pub fn clamp_tanh_f32x8(x: wide::f32x8) -> wide::f32x8 {
    let c = wide::f32x8::splat;
    // f32::clamp keeps a NaN, while the fast min/max pick an operand that differs between
    // platforms: put the NaN back, so a diverging run is still caught by the finiteness checks.
    x.is_nan()
        .select(x, x.fast_max(c(-TANH_CLAMP)).fast_min(c(TANH_CLAMP)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_is_within_a_few_ulp() {
        let mut worst = 0.0f64;
        for i in -20_000..=20_000 {
            let x = i as f32 * 5e-4;
            let err = (f64::from(fast_tanh_f32(x)) - libm::tanh(f64::from(x))).abs();
            worst = worst.max(err);
        }
        // f32's ulp just below 1 is 6e-8: the measured worst case, 3.9e-7, is ~7 ulp, which
        // is what the rational form promises after rounding of its 20 operations.
        assert!(worst < 5e-7, "worst error {worst}");
        assert_eq!(fast_tanh_f32(100.0), fast_tanh_f32(7.905_311));
        assert!(fast_tanh_f32(100.0) <= 1.0 && fast_tanh_f32(100.0) > 0.999_999);
    }

    #[test]
    fn sigmoid_and_softplus_are_stable_far_out() {
        assert!((1000.0f64.softplus() - 1000.0).abs() < 1e-12);
        assert!((-1000.0f64).softplus() >= 0.0);
        assert!((-1000.0f64).sigmoid() >= 0.0 && 1000.0f64.sigmoid() <= 1.0);
        assert!((0.0f64.softplus() - std::f64::consts::LN_2).abs() < 1e-15);
    }
}
