//! Special functions the closed-form densities need, computed in log space where the plain
//! form would underflow. All transcendental calls go through `libm` so that wasm and native
//! builds produce the same bits.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// ½ ln(2π).
pub const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// log(e^a + e^b) without overflow.
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + libm::log1p(libm::exp(-(a - b).abs()))
}

/// The logistic function σ(x) = 1 / (1 + e^{−x}), stable for large |x|.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + libm::exp(-x))
    } else {
        let e = libm::exp(x);
        e / (1.0 + e)
    }
}

/// Standard normal density φ(x), in logs.
pub fn log_normal_pdf(x: f64) -> f64 {
    -0.5 * x * x - HALF_LN_2PI
}

/// Standard normal distribution function Φ(x).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2)
}

/// ln Φ(x), accurate in both tails.
///
/// Above 0 it uses log1p of the small upper tail; down to −30 `erfc` is still far from
/// underflow (Φ(−30) ≈ 5e−198); below that, the asymptotic series of Mills' ratio, whose
/// first omitted term is < 1e−12 relative there.
pub fn log_normal_cdf(x: f64) -> f64 {
    if x > 0.0 {
        libm::log1p(-0.5 * libm::erfc(x * FRAC_1_SQRT_2))
    } else if x > -30.0 {
        libm::log(0.5 * libm::erfc(-x * FRAC_1_SQRT_2))
    } else {
        let r = 1.0 / (x * x);
        let series = 1.0 - r * (1.0 - r * (3.0 - r * (15.0 - 105.0 * r)));
        log_normal_pdf(x) - libm::log(-x) + libm::log(series)
    }
}

/// ln(Φ(b) − Φ(a)) for a ≤ b, accurate when both lie deep in the same tail.
pub fn log_normal_interval(a: f64, b: f64) -> f64 {
    if a >= b {
        return f64::NEG_INFINITY;
    }
    if a >= 0.0 {
        // Reflect into the lower tail, where the logarithms are accurate.
        return log_normal_interval(-b, -a);
    }
    if b <= 0.0 {
        let la = log_normal_cdf(a);
        let lb = log_normal_cdf(b);
        return lb + libm::log(-libm::expm1(la - lb));
    }
    if b - a < 2.0 {
        // Straddling zero and short: erf differences do not cancel here.
        return libm::log(0.5 * (libm::erf(b * FRAC_1_SQRT_2) - libm::erf(a * FRAC_1_SQRT_2)));
    }
    libm::log1p(-(normal_cdf(a) + normal_cdf(-b)))
}

/// d/da and d/db of ln(Φ(b) − Φ(a)), given that logarithm `log_d` (from
/// [`log_normal_interval`]).
pub fn log_normal_interval_grad(a: f64, b: f64, log_d: f64) -> (f64, f64) {
    (
        -libm::exp(log_normal_pdf(a) - log_d),
        libm::exp(log_normal_pdf(b) - log_d),
    )
}

/// The second derivatives of ln(Φ(b) − Φ(a)) as (∂²/∂a², ∂²/∂a∂b, ∂²/∂b²), given its first
/// derivatives (la, lb) from [`log_normal_interval_grad`]. With D = Φ(b) − Φ(a), la = −φ(a)/D
/// and lb = φ(b)/D, and φ′(x) = −x φ(x) gives ∂la/∂a = −a·la − la², ∂lb/∂b = −b·lb − lb²,
/// ∂la/∂b = −la·lb. Written through la and lb (not φ/D again) so deep tails stay finite.
pub fn log_normal_interval_hessian(a: f64, b: f64, (la, lb): (f64, f64)) -> (f64, f64, f64) {
    (-a * la - la * la, -la * lb, -b * lb - lb * lb)
}

/// ln I₀ₑ(z) = ln(e^{−z} I₀(z)) and t(z) = I₁(z) / (z I₀(z)) for z ≥ 0, where I₀, I₁ are
/// modified Bessel functions of the first kind.
///
/// I₀ₑ is the angular average of the Gaussian kernel around a circle (used by `rings`), and
/// t(z) is the derivative of its logarithm divided by z: it stays finite (→ ½) at z = 0.
/// Power series (all terms positive, no cancellation) up to z = 20; beyond, the asymptotic
/// expansion of Iν(z) e^{−z} √(2πz), truncated at its smallest term (≤ e^{−2z} ≈ 4e−18).
pub fn log_bessel_i0e_and_ratio(z: f64) -> (f64, f64) {
    if z <= 20.0 {
        let q = 0.25 * z * z;
        let (mut t0, mut s0) = (1.0, 1.0);
        let (mut t1, mut s1) = (0.5, 0.5);
        let mut k = 1.0;
        while t0 > 1e-17 * s0 {
            t0 *= q / (k * k);
            t1 *= q / (k * (k + 1.0));
            s0 += t0;
            s1 += t1;
            k += 1.0;
        }
        (libm::log(s0) - z, s1 / s0)
    } else {
        let (s0, s1) = (asymptotic_bessel_sum(0.0, z), asymptotic_bessel_sum(4.0, z));
        (libm::log(s0) - 0.5 * libm::log(2.0 * PI * z), s1 / (s0 * z))
    }
}

/// dt/dz for t(z) = I₁(z) / (z I₀(z)) of [`log_bessel_i0e_and_ratio`], given t.
///
/// With R = I₁/I₀ = z t, the Bessel identities I₀′ = I₁, I₁′ = I₀ − I₁/z give
/// R′ = 1 − R/z − R², so t′ = (R′ − t)/z = (1 − 2t − z²t²)/z. The numerator cancels at both
/// ends (→ −z²/8 as z → 0, → −1/z as z → ∞), so t′ carries an absolute error ~1e−16/z:
/// harmless where it is used, in `rings`, which multiplies t′ by ρ ∝ z. At z = 0, the limit 0.
pub fn bessel_ratio_slope(z: f64, t: f64) -> f64 {
    if z > 0.0 {
        (1.0 - 2.0 * t - z * z * t * t) / z
    } else {
        0.0
    }
}

/// Σ_k c_k z^{−k} with c_0 = 1 and c_k = −c_{k−1} (μ − (2k−1)²) / (8k): the asymptotic
/// series of Iν(z) e^{−z} √(2πz) for μ = 4ν², summed until its terms stop shrinking.
fn asymptotic_bessel_sum(mu: f64, z: f64) -> f64 {
    let (mut term, mut sum) = (1.0_f64, 1.0_f64);
    for k in 1..200 {
        let odd = f64::from(2 * k - 1);
        let next = -term * (mu - odd * odd) / (8.0 * f64::from(k) * z);
        if next.abs() >= term.abs() || next.abs() < 1e-18 * sum.abs() {
            break;
        }
        term = next;
        sum += term;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_normal_cdf_matches_erfc_and_the_tail_series_where_they_meet() {
        // At −30 both branches are accurate; they must agree to ~1e−12 relative.
        let direct = libm::log(0.5 * libm::erfc(30.0 * FRAC_1_SQRT_2));
        let r = 1.0 / 900.0;
        let series = log_normal_pdf(-30.0) - libm::log(30.0)
            + libm::log(1.0 - r * (1.0 - r * (3.0 - r * (15.0 - 105.0 * r))));
        assert!(
            (direct - series).abs() < 1e-9 * direct.abs(),
            "{direct} {series}"
        );
        assert!((log_normal_cdf(0.0) - libm::log(0.5)).abs() < 1e-15);
        assert!(log_normal_cdf(-1000.0).is_finite());
    }

    #[test]
    fn log_normal_interval_agrees_with_plain_differences_where_those_are_accurate() {
        for &(a, b) in &[
            (-1.0, 0.5),
            (-3.0, -2.0),
            (1.0, 2.5),
            (-0.1, 0.1),
            (-5.0, 5.0),
        ] {
            let plain = libm::log(normal_cdf(b) - normal_cdf(a));
            let ours = log_normal_interval(a, b);
            assert!(
                (plain - ours).abs() < 1e-12,
                "({a}, {b}): {plain} vs {ours}"
            );
        }
        // Deep tails stay finite and ordered.
        let deep = log_normal_interval(-60.0, -59.0);
        assert!(deep.is_finite() && deep < -1700.0, "{deep}");
        assert_eq!(
            log_normal_interval(60.0, 61.0),
            log_normal_interval(-61.0, -60.0)
        );
    }

    #[test]
    fn log_normal_interval_hessian_matches_differences_of_the_gradient() {
        // Central differences of the first derivatives (step 1e−5: truncation ~1e−10 · l⁗,
        // rounding ~1e−16 · |l′| / 1e−5), in the body and in both tails.
        let grad = |a: f64, b: f64| log_normal_interval_grad(a, b, log_normal_interval(a, b));
        let h = 1e-5;
        for &(a, b) in &[
            (-1.0, 0.5),
            (-3.0, -2.0),
            (1.0, 2.5),
            (-25.0, -5.0),
            (8.0, 28.0),
        ] {
            let (haa, hab, hbb) = log_normal_interval_hessian(a, b, grad(a, b));
            let (up_a, down_a) = (grad(a + h, b), grad(a - h, b));
            let (up_b, down_b) = (grad(a, b + h), grad(a, b - h));
            for (ours, fd) in [
                (haa, (up_a.0 - down_a.0) / (2.0 * h)),
                (hab, (up_a.1 - down_a.1) / (2.0 * h)),
                (hab, (up_b.0 - down_b.0) / (2.0 * h)),
                (hbb, (up_b.1 - down_b.1) / (2.0 * h)),
            ] {
                assert!(
                    (ours - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                    "({a}, {b}): {ours} vs {fd}"
                );
            }
        }
    }

    #[test]
    fn bessel_ratio_slope_matches_differences_of_the_ratio() {
        // Step 1e−5 z (1e−7 near 0), not straddling the series/asymptotic switch at 20.
        for &z in &[0.01, 0.5, 3.0, 19.0, 21.0, 60.0, 900.0] {
            let h = 1e-5 * f64::max(z, 0.01);
            let t = |x: f64| log_bessel_i0e_and_ratio(x).1;
            let fd = (t(z + h) - t(z - h)) / (2.0 * h);
            let ours = bessel_ratio_slope(z, t(z));
            assert!((ours - fd).abs() < 1e-6 * fd.abs(), "z={z}: {ours} vs {fd}");
        }
        assert_eq!(bessel_ratio_slope(0.0, 0.5), 0.0);
    }

    #[test]
    fn bessel_i0e_matches_angular_quadrature() {
        // I₀(z) = (1/π) ∫₀^π e^{z cos u} du: the trapezoid rule on a periodic integrand is
        // exact to rounding with 4000 points for z ≤ 3000.
        for &z in &[0.0, 0.3, 5.0, 19.9, 20.1, 60.0, 900.0, 3000.0] {
            let n = 4000;
            let (mut i0e, mut i1e) = (0.0, 0.0);
            for k in 0..n {
                let u = PI * (f64::from(k) + 0.5) / f64::from(n);
                let e = libm::exp(z * (libm::cos(u) - 1.0));
                i0e += e / f64::from(n);
                i1e += e * libm::cos(u) / f64::from(n);
            }
            let (log_i0e, t) = log_bessel_i0e_and_ratio(z);
            assert!(
                (log_i0e - libm::log(i0e)).abs() < 1e-12,
                "z={z}: {log_i0e} vs {}",
                libm::log(i0e)
            );
            if z > 0.0 {
                let ratio = i1e / i0e / z;
                assert!((t - ratio).abs() < 1e-12 * ratio, "z={z}: {t} vs {ratio}");
            } else {
                assert_eq!(t, 0.5);
            }
        }
    }
}
