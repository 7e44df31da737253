//! sin and cos together for `f32`, for the sine activation (docs/MATH.md §1): built from + − ×
//! only, so that the scalar form and every vector form run the same operations in the same
//! order and give the same bits on every platform (as `tanh_rational` does for tanh).
//!
//! The argument is reduced to r = x − kπ with k the nearest integer to x/π, so |r| ≤ π/2;
//! then sin x = (−1)ᵏ sin r and cos x = (−1)ᵏ cos r, with sin r and cos r from their Taylor
//! series (through r¹¹ and r¹²: the first term left out is below 6e-8 on |r| ≤ π/2). The sign
//! (−1)ᵏ is a flip of the sign bit, read off k's lowest bit ([`OddSign`]): the same bits as a
//! product by ±1, in three bit operations instead of ten arithmetic ones.

use std::ops::{Add, Mul, Sub};

/// 1.5 · 2²³: adding and subtracting it rounds an `f32` of magnitude below 2²² to the nearest
/// integer (ties to even), the one rounding the platforms all do the same way.
const ROUND: f32 = 12_582_912.0;
/// 1/π.
const INV_PI: f32 = std::f32::consts::FRAC_1_PI;
/// π split in two (Cody & Waite): a head with few bits, so k · head is exact for the k that
/// occur, and the rest.
const PI_HEAD: f32 = 3.140_625;
#[allow(clippy::excessive_precision)]
const PI_TAIL: f32 = 9.676_535_897_932_794e-4;

/// Lanes that turn the parity of a rounded integer into a sign with bit operations.
pub trait OddSign: Copy {
    /// −0.0 in the lanes where `t` is odd, +0.0 where it is even; `t` is an integer in
    /// [2²³, 2²⁴), where an `f32`'s lowest mantissa bit is the integer's lowest bit.
    fn odd_sign(t: Self) -> Self;
    /// `self` with its sign bit flipped where `sign` has it set: −v or v, exactly what a product
    /// by −1 or 1 gives (for a NaN, possibly another NaN).
    fn flip_sign(self, sign: Self) -> Self;
}

impl OddSign for f32 {
    #[inline(always)]
    fn odd_sign(t: Self) -> Self {
        f32::from_bits(t.to_bits() << 31)
    }
    #[inline(always)]
    fn flip_sign(self, sign: Self) -> Self {
        f32::from_bits(self.to_bits() ^ sign.to_bits())
    }
}

impl OddSign for wide::f32x8 {
    #[inline(always)]
    fn odd_sign(t: Self) -> Self {
        use wide::{bytemuck::cast, u32x8};
        cast(cast::<Self, u32x8>(t) << 31u32)
    }
    #[inline(always)]
    fn flip_sign(self, sign: Self) -> Self {
        self ^ sign
    }
}

/// (sin x, cos x) for a scalar or a tile of lanes (`c` makes a constant of the type): the
/// reduction [`sin_cos_reduce`], then the polynomials [`sin_cos_reduced`].
///
/// Beyond |x| ≈ 1.3·10⁷ the rounding of x/π is no longer exact and the result is not accurate
/// (and may overflow); an infinite or NaN x gives NaN. Pre-activations that large come only
/// from a diverging run, which the finiteness checks catch.
#[inline(always)]
pub fn sin_cos_poly<V>(x: V, c: impl Fn(f32) -> V + Copy) -> (V, V)
where
    V: OddSign + Add<Output = V> + Sub<Output = V> + Mul<Output = V>,
{
    let (r, sign) = sin_cos_reduce(x, c);
    sin_cos_reduced(r, sign, c)
}

/// The first half of [`sin_cos_poly`]: r = x − kπ and the sign (−1)ᵏ (as −0.0 or +0.0, for
/// [`OddSign::flip_sign`]). A loop over many values may run the two halves as two loops: each
/// is a shorter chain of dependent operations, so more values are in flight at once.
#[inline(always)]
pub fn sin_cos_reduce<V>(x: V, c: impl Fn(f32) -> V) -> (V, V)
where
    V: OddSign + Add<Output = V> + Sub<Output = V> + Mul<Output = V>,
{
    // t = k + 1.5·2²³, an even number plus k: its lowest bit is k's parity.
    let t = x * c(INV_PI) + c(ROUND);
    let k = t - c(ROUND);
    let r = (x - k * c(PI_HEAD)) - k * c(PI_TAIL);
    (r, V::odd_sign(t))
}

/// The second half of [`sin_cos_poly`]: (sin x, cos x) from [`sin_cos_reduce`]'s r and sign.
#[inline(always)]
pub fn sin_cos_reduced<V>(r: V, sign: V, c: impl Fn(f32) -> V) -> (V, V)
where
    V: OddSign + Add<Output = V> + Sub<Output = V> + Mul<Output = V>,
{
    let r2 = r * r;
    // Horner on r² of the Taylor series: sin r = r(1 − r²/3! + r⁴/5! − …), cos r = 1 − r²/2! + ….
    let mut s = r2 * c(-1.0 / 39_916_800.0) + c(1.0 / 362_880.0);
    s = r2 * s + c(-1.0 / 5040.0);
    s = r2 * s + c(1.0 / 120.0);
    s = r2 * s + c(-1.0 / 6.0);
    s = r2 * s + c(1.0);
    s = s * r;
    let mut co = r2 * c(1.0 / 479_001_600.0) + c(-1.0 / 3_628_800.0);
    co = r2 * co + c(1.0 / 40_320.0);
    co = r2 * co + c(-1.0 / 720.0);
    co = r2 * co + c(1.0 / 24.0);
    co = r2 * co + c(-0.5);
    co = r2 * co + c(1.0);
    (s.flip_sign(sign), co.flip_sign(sign))
}

/// [`sin_cos_poly`] on one `f32`.
#[inline(always)]
pub fn fast_sin_cos_f32(x: f32) -> (f32, f32) {
    sin_cos_poly(x, |v| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sign read off t's lowest bit is the product by (−1)ᵏ it replaced, bit for bit:
    /// against 1 − 2·parity² (parity = k − 2·round(k/2)) times the value, for every k the
    /// reduction meets below 2²² in size, signed zeros and infinities among the values, in the
    /// scalar and in the wasm lanes.
    #[test]
    fn the_sign_bit_flip_is_the_product_by_plus_or_minus_one() {
        let round = |v: f32| (v + ROUND) - ROUND;
        let values = [0.0f32, -0.0, 1.5, -2.25, f32::INFINITY, 1e-40, 3.4e38];
        for k in (-(1i32 << 22) + 1..(1 << 22)).step_by(997).chain(-9..9) {
            let kf = k as f32;
            let t = kf + ROUND;
            let parity = kf - 2.0 * round(kf * 0.5);
            let sign = 1.0 - 2.0 * parity * parity;
            for v in values {
                let want = (sign * v).to_bits();
                assert_eq!(
                    v.flip_sign(f32::odd_sign(t)).to_bits(),
                    want,
                    "k {k}, v {v}"
                );
                let lanes =
                    wide::f32x8::splat(v).flip_sign(wide::f32x8::odd_sign(wide::f32x8::splat(t)));
                assert!(
                    lanes.to_array().iter().all(|x| x.to_bits() == want),
                    "k {k}, v {v}"
                );
            }
        }
    }

    #[test]
    fn fast_sin_cos_is_within_a_few_ulp_of_libm() {
        let mut worst = 0.0f64;
        for i in -400_000..=400_000 {
            let x = i as f32 * 1e-4;
            let (s, c) = fast_sin_cos_f32(x);
            let x = f64::from(x);
            worst = worst
                .max((f64::from(s) - libm::sin(x)).abs())
                .max((f64::from(c) - libm::cos(x)).abs());
        }
        // f32's ulp just below 1 is 6e-8; the reduction's rounding grows with |x| (here ≤ 40).
        assert!(worst < 1e-6, "worst error {worst}");
    }

    #[test]
    fn signs_and_special_points() {
        use std::f32::consts::PI;
        for k in -6..=6 {
            let x = k as f32 * PI;
            let (s, c) = fast_sin_cos_f32(x);
            assert!(s.abs() < 1e-5, "sin({k}π) = {s}");
            assert!((c - if k % 2 == 0 { 1.0 } else { -1.0 }).abs() < 1e-6);
            let (s, _) = fast_sin_cos_f32(x + 0.5 * PI);
            assert!((s - if k % 2 == 0 { 1.0 } else { -1.0 }).abs() < 1e-6);
        }
        assert!(fast_sin_cos_f32(f32::NAN).0.is_nan());
        assert!(fast_sin_cos_f32(f32::INFINITY).1.is_nan());
    }
}
