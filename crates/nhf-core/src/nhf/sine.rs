//! sin and cos together for `f32`, for the sine activation (docs/MATH.md §1): built from + − ×
//! only, so that the scalar form and every vector form run the same operations in the same
//! order and give the same bits on every platform (as `tanh_rational` does for tanh).
//!
//! The argument is reduced to r = x − kπ with k the nearest integer to x/π, so |r| ≤ π/2;
//! then sin x = (−1)ᵏ sin r and cos x = (−1)ᵏ cos r, with sin r and cos r from their Taylor
//! series (through r¹¹ and r¹²: the first term left out is below 6e-8 on |r| ≤ π/2).

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

/// (sin x, cos x) for a scalar or a tile of lanes (`c` makes a constant of the type).
///
/// Beyond |x| ≈ 1.3·10⁷ the rounding of x/π is no longer exact and the result is not accurate
/// (and may overflow); an infinite or NaN x gives NaN. Pre-activations that large come only
/// from a diverging run, which the finiteness checks catch.
#[inline(always)]
pub fn sin_cos_poly<V>(x: V, c: impl Fn(f32) -> V) -> (V, V)
where
    V: Copy + Add<Output = V> + Sub<Output = V> + Mul<Output = V>,
{
    let k = (x * c(INV_PI) + c(ROUND)) - c(ROUND);
    let r = (x - k * c(PI_HEAD)) - k * c(PI_TAIL);
    // The parity of k, without integers: k − 2·round(k/2) is 0 for even k and ±1 for odd k,
    // so its square picks the sign (−1)ᵏ = 1 − 2·parity².
    let parity = k - c(2.0) * ((k * c(0.5) + c(ROUND)) - c(ROUND));
    let sign = c(1.0) - c(2.0) * parity * parity;
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
    (sign * s, sign * co)
}

/// [`sin_cos_poly`] on one `f32`.
#[inline(always)]
pub fn fast_sin_cos_f32(x: f32) -> (f32, f32) {
    sin_cos_poly(x, |v| v)
}

#[cfg(test)]
mod tests {
    use super::*;

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
