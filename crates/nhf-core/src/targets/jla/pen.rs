//! Pen (1999)'s fitting formula for the flat-ΛCDM luminosity distance, with its first and
//! second derivatives in Ω_m written out by hand (docs/TARGETS.md, "Supernova cosmology"):
//!
//!   s(Ω)     = ((1 − Ω)/Ω)^{1/3}
//!   η(a, Ω)  = 2 √(s³ + 1) · P^{−1/8},
//!   P        = a⁻⁴ − 0.1540 s a⁻³ + 0.4304 s² a⁻² + 0.19097 s³ a⁻¹ + 0.066941 s⁴
//!   D_L(z,Ω) = 3000 (1 + z) [η(1, Ω) − η(1/(1+z), Ω)]   (Mpc/h)

/// s(Ω), ds/dΩ = −1 / (3 s² Ω²) (from s³ = 1/Ω − 1) and d²s/dΩ² = −2 s′ (s′/s + 1/Ω)
/// (differentiating s′ = −⅓ s⁻² Ω⁻² gives ⅔ s⁻² Ω⁻² (s′/s + 1/Ω), and ⅔ s⁻² Ω⁻² = −2s′).
pub fn s_of_omega(omega: f64) -> (f64, f64, f64) {
    let s = libm::cbrt((1.0 - omega) / omega);
    let ds = -1.0 / (3.0 * s * s * omega * omega);
    (s, ds, -2.0 * ds * (ds / s + 1.0 / omega))
}

/// η(a, s), ∂η/∂s = η ℓ′ and ∂²η/∂s² = η (ℓ″ + ℓ′²), where ℓ = ln η = ln 2 + ½ ln(s³ + 1)
/// − ⅛ ln P, so ℓ′ = 3s² / (2(s³ + 1)) − P′/(8P) and
/// ℓ″ = 3s(2 − s³) / (2(s³ + 1)²) − P″/(8P) + P′²/(8P²) (primes: ∂/∂s).
pub fn eta(a: f64, s: f64) -> (f64, f64, f64) {
    // Plain products rather than powi/pow: the same bits on every platform, and P^{−1/8} as
    // three square roots (correctly rounded everywhere, and 10× cheaper than pow).
    let (a1, s1) = (1.0 / a, s);
    let (a2, s2) = (a1 * a1, s1 * s1);
    let (a3, s3) = (a2 * a1, s2 * s1);
    let p = a2 * a2 - 0.1540 * s1 * a3 + 0.4304 * s2 * a2 + 0.19097 * s3 * a1 + 0.066941 * s2 * s2;
    let dp = -0.1540 * a3 + 2.0 * 0.4304 * s1 * a2 + 3.0 * 0.19097 * s2 * a1 + 4.0 * 0.066941 * s3;
    let ddp = 2.0 * 0.4304 * a2 + 6.0 * 0.19097 * s1 * a1 + 12.0 * 0.066941 * s2;
    let e = 2.0 * (s3 + 1.0).sqrt() / p.sqrt().sqrt().sqrt();
    let dl = 1.5 * s2 / (s3 + 1.0) - dp / (8.0 * p);
    let ddl = 1.5 * s1 * (2.0 - s3) / ((s3 + 1.0) * (s3 + 1.0)) - ddp / (8.0 * p)
        + dp * dp / (8.0 * p * p);
    (e, e * dl, e * (ddl + dl * dl))
}

/// D_L(z, Ω) in Mpc/h, ∂D_L/∂Ω and ∂²D_L/∂Ω², given s(Ω) with its first two Ω-derivatives
/// and η(1, s) with its first two s-derivatives: with ΔX = X(1) − X(1/(1+z)),
/// D′ = 3000 (1 + z) Δη_s s′ and D″ = 3000 (1 + z) (Δη_ss s′² + Δη_s s″).
pub fn luminosity_distance(
    z: f64,
    (s, ds, dds): (f64, f64, f64),
    (eta1, deta1, ddeta1): (f64, f64, f64),
) -> (f64, f64, f64) {
    let (e, de, dde) = eta(1.0 / (1.0 + z), s);
    let scale = 3000.0 * (1.0 + z);
    (
        scale * (eta1 - e),
        scale * (deta1 - de) * ds,
        scale * ((ddeta1 - dde) * ds * ds + (deta1 - de) * dds),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d_l(z: f64, omega: f64) -> (f64, f64, f64) {
        let sd = s_of_omega(omega);
        luminosity_distance(z, sd, eta(1.0, sd.0))
    }

    #[test]
    fn derivative_matches_central_differences() {
        for &omega in &[0.1, 0.3, 0.8] {
            for &z in &[0.01, 0.5, 1.3] {
                // At z = 0.01, D_L is a difference η(1) − η(a) of numbers 100× larger, so
                // rounding limits a difference quotient to ~1e−14 · 100 / h relative: h = 1e−4
                // gives 1e−8, and truncation (h² D‴/6) stays below 1e−7 relative.
                let h = 1e-4;
                let fd = (d_l(z, omega + h).0 - d_l(z, omega - h).0) / (2.0 * h);
                let (_, d, _) = d_l(z, omega);
                assert!(
                    (d - fd).abs() < 1e-6 * fd.abs(),
                    "Ω={omega} z={z}: {d} vs {fd}"
                );
            }
        }
    }

    #[test]
    fn second_derivative_matches_central_differences_of_the_first() {
        // Down to the prior's ends (0.05, 0.95), where s = ((1 − Ω)/Ω)^{1/3} makes every
        // derivative grow like a power of 1/Ω or 1/(1 − Ω): D varies on the scale
        // ℓ = min(Ω, 1 − Ω), so D″ is measured against |D″| + |D′|/ℓ (D″ itself crosses
        // zero near Ω = 0.1 at low z, where a purely relative test would demand the
        // impossible). Truncation (h² D⁗/6) is then ~(h/ℓ)² and rounding, D′ carrying the
        // cancellation of η(1) − η(a) (~1e−14 · 100 relative at z = 0.01), ~1e−12 / (h/ℓ):
        // h = 3e−4 ℓ keeps both near 1e−7.
        for &omega in &[0.06, 0.1, 0.3, 0.8, 0.94] {
            for &z in &[0.01, 0.5, 1.3] {
                let scale = f64::min(omega, 1.0 - omega);
                let h = 3e-4 * scale;
                let fd = (d_l(z, omega + h).1 - d_l(z, omega - h).1) / (2.0 * h);
                let (_, d, dd) = d_l(z, omega);
                assert!(
                    (dd - fd).abs() < 1e-6 * (dd.abs() + d.abs() / scale),
                    "Ω={omega} z={z}: {dd} vs {fd}"
                );
            }
        }
        // And s″ against differences of s′, the one piece of D″ not built from η. No
        // cancellation here, so a finer step: truncation ~(h/ℓ)² (1e−8), rounding ~1e−12.
        for &omega in &[0.06, 0.3, 0.94] {
            let h = 1e-4 * f64::min(omega, 1.0 - omega);
            let fd = (s_of_omega(omega + h).1 - s_of_omega(omega - h).1) / (2.0 * h);
            let dds = s_of_omega(omega).2;
            assert!(
                (dds - fd).abs() < 1e-7 * fd.abs(),
                "Ω={omega}: {dds} vs {fd}"
            );
        }
    }

    #[test]
    fn low_redshift_distance_is_hubble_law() {
        // D_L → cz/H₀ = 3000 z Mpc/h as z → 0 (the exact next order adds 0.08% at z = 0.001;
        // Pen's fit is itself good to ~0.4%).
        let (d, _, _) = d_l(0.001, 0.3);
        assert!((d / 3.0 - 1.0).abs() < 5e-3, "{d}");
        // Pen's formula is accurate to ~0.4% for 0.2 ≤ Ω ≤ 1. At z = 1, Ω = 0.3 the exact
        // flat-ΛCDM H₀ D_L / c = 2 ∫₀¹ dz / √(0.3 (1+z)³ + 0.7) = 1.54285 (midpoint rule).
        let (d1, _, _) = d_l(1.0, 0.3);
        assert!(
            (d1 / 3000.0 / 1.54285 - 1.0).abs() < 4e-3,
            "{}",
            d1 / 3000.0
        );
    }
}
