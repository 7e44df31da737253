//! The JLA binned likelihood: 31 distance moduli μ_b with their full covariance C
//! (Betoule et al. 2014, A&A 568, A22), embedded from `src/targets/data/`.
//!
//! With μ(z; Ω, h) = 25 − 5 log₁₀ h + 5 log₁₀ D_L(z, Ω), the residual is r = r₀(Ω) + δ·1 where
//! r₀ = μ_b − 25 − 5 log₁₀ D_L and δ = 5 log₁₀ h. With C = LLᵀ, y = L⁻¹r₀ and e = L⁻¹1,
//!
//!   χ²(Ω, h) = rᵀC⁻¹r = A(Ω) + 2δ B(Ω) + δ² S,   A = y·y,  B = y·e,  S = e·e,
//!
//! so everything that depends on Ω costs two triangular solves, and h enters in closed form.
//! Derivatives in Ω: r₀′ = −(5/ln 10) D′/D, r₀″ = −(5/ln 10)(D″/D − (D′/D)²), y′ = L⁻¹r₀′,
//! y″ = L⁻¹r₀″ (one more solve each), A′ = 2 y·y′, A″ = 2(y′·y′ + y·y″), B′ = y′·e, B″ = y″·e.

use super::pen::{eta, luminosity_distance, s_of_omega};

/// Number of redshift bins.
pub const BINS: usize = 31;

const MUB_TEXT: &str = include_str!("../data/jla_mub.txt");
const COV_TEXT: &str = include_str!("../data/jla_mub_covmatrix.txt");

/// The Ω-dependent pieces of χ².
#[derive(Clone, Copy, Debug)]
pub struct Terms {
    /// A = r₀ᵀC⁻¹r₀.
    pub a: f64,
    /// B = 1ᵀC⁻¹r₀.
    pub b: f64,
}

/// Their derivatives in Ω.
#[derive(Clone, Copy, Debug)]
pub struct Slopes {
    /// dA/dΩ.
    pub da: f64,
    /// dB/dΩ.
    pub db: f64,
}

/// Their second derivatives in Ω.
#[derive(Clone, Copy, Debug)]
pub struct Curvatures {
    /// d²A/dΩ².
    pub d2a: f64,
    /// d²B/dΩ².
    pub d2b: f64,
}

/// The data and the Cholesky factor of their covariance.
#[derive(Clone, Debug)]
pub struct Likelihood {
    z: [f64; BINS],
    mu: [f64; BINS],
    /// Lower Cholesky factor of C, row-major.
    chol: Vec<f64>,
    /// e = L⁻¹1.
    e: [f64; BINS],
    /// S = 1ᵀC⁻¹1.
    pub s: f64,
}

impl Likelihood {
    /// Parses the embedded data and factorises the covariance.
    pub fn embedded() -> Result<Self, String> {
        let mut z = [0.0; BINS];
        let mut mu = [0.0; BINS];
        let rows: Vec<&str> = MUB_TEXT.lines().filter(|l| !l.trim().is_empty()).collect();
        if rows.len() != BINS {
            return Err(format!(
                "jla_mub.txt: expected {BINS} rows, found {}",
                rows.len()
            ));
        }
        for (i, row) in rows.iter().enumerate() {
            let mut it = row.split_whitespace().map(str::parse::<f64>);
            match (it.next(), it.next()) {
                (Some(Ok(a)), Some(Ok(b))) => (z[i], mu[i]) = (a, b),
                _ => return Err(format!("jla_mub.txt: row {} is not `z mu`", i + 1)),
            }
        }
        let cov: Vec<f64> = COV_TEXT
            .split_whitespace()
            .map(str::parse::<f64>)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("jla_mub_covmatrix.txt: {e}"))?;
        if cov.len() != BINS * BINS {
            return Err(format!(
                "jla_mub_covmatrix.txt: expected {} values, found {}",
                BINS * BINS,
                cov.len()
            ));
        }
        let chol = cholesky(&cov, BINS).ok_or("jla covariance is not positive definite")?;
        let mut e = [1.0; BINS];
        forward_solve(&chol, &mut e);
        let s = e.iter().map(|v| v * v).sum();
        Ok(Self { z, mu, chol, e, s })
    }

    /// A and B at Ω (0 < Ω < 1). Allocation-free.
    pub fn terms(&self, omega: f64) -> Terms {
        self.evaluate(omega, 0).0
    }

    /// A, B and their Ω-derivatives at Ω (0 < Ω < 1). Allocation-free.
    pub fn terms_and_slopes(&self, omega: f64) -> (Terms, Slopes) {
        let (t, d, _) = self.evaluate(omega, 1);
        (t, d)
    }

    /// A, B and their first and second Ω-derivatives at Ω (0 < Ω < 1). Allocation-free.
    pub fn terms_slopes_and_curvatures(&self, omega: f64) -> (Terms, Slopes, Curvatures) {
        self.evaluate(omega, 2)
    }

    /// The shared work up to derivative `order` (0, 1 or 2; higher parts are zeros): one
    /// triangular solve per order.
    fn evaluate(&self, omega: f64, order: u8) -> (Terms, Slopes, Curvatures) {
        let sd = s_of_omega(omega);
        let eta1 = eta(1.0, sd.0);
        let mut y = [0.0; BINS];
        let mut dy = [0.0; BINS];
        let mut d2y = [0.0; BINS];
        let five_over_ln10 = 5.0 / std::f64::consts::LN_10;
        for i in 0..BINS {
            let (d, dd, d2d) = luminosity_distance(self.z[i], sd, eta1);
            y[i] = self.mu[i] - 25.0 - 5.0 * libm::log10(d);
            dy[i] = -five_over_ln10 * dd / d;
            let rel = dd / d;
            d2y[i] = -five_over_ln10 * (d2d / d - rel * rel);
        }
        forward_solve(&self.chol, &mut y);
        let dot =
            |u: &[f64; BINS], v: &[f64; BINS]| u.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
        let terms = Terms {
            a: dot(&y, &y),
            b: dot(&y, &self.e),
        };
        let mut slopes = Slopes { da: 0.0, db: 0.0 };
        let mut curvatures = Curvatures { d2a: 0.0, d2b: 0.0 };
        if order >= 1 {
            forward_solve(&self.chol, &mut dy);
            slopes = Slopes {
                da: 2.0 * dot(&y, &dy),
                db: dot(&dy, &self.e),
            };
        }
        if order >= 2 {
            forward_solve(&self.chol, &mut d2y);
            curvatures = Curvatures {
                d2a: 2.0 * (dot(&dy, &dy) + dot(&y, &d2y)),
                d2b: dot(&d2y, &self.e),
            };
        }
        (terms, slopes, curvatures)
    }
}

/// Lower Cholesky factor of the n×n row-major matrix `m`, or None if not positive definite.
fn cholesky(m: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = m[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solves L x = v in place (L lower triangular, row-major, BINS × BINS).
fn forward_solve(l: &[f64], v: &mut [f64; BINS]) {
    for i in 0..BINS {
        let row = &l[i * BINS..i * BINS + i];
        let s: f64 = row.iter().zip(&v[..i]).map(|(a, b)| a * b).sum();
        v[i] = (v[i] - s) / l[i * BINS + i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parse_and_factorise() {
        let like = Likelihood::embedded().expect("embedded data");
        assert_eq!(like.z[0], 0.010);
        assert_eq!(like.mu[30], 44.8218674621);
        // C = LLᵀ reproduces the first entries of the file.
        let c00 = like.chol[0] * like.chol[0];
        assert!((c00 - 0.021282623508).abs() < 1e-15);
        let c01 = like.chol[BINS] * like.chol[0];
        assert!((c01 + 0.0108409870424).abs() < 1e-15);
    }

    /// Solves M x = v (n × n, row-major) by Gaussian elimination with partial pivoting.
    fn gauss_solve(mut m: Vec<f64>, mut v: Vec<f64>) -> Vec<f64> {
        let n = v.len();
        for c in 0..n {
            let p = (c..n)
                .max_by(|&a, &b| m[a * n + c].abs().total_cmp(&m[b * n + c].abs()))
                .unwrap_or(c);
            for k in 0..n {
                m.swap(c * n + k, p * n + k);
            }
            v.swap(c, p);
            for r in c + 1..n {
                let f = m[r * n + c] / m[c * n + c];
                for k in c..n {
                    m[r * n + k] -= f * m[c * n + k];
                }
                v[r] -= f * v[c];
            }
        }
        let mut x = vec![0.0; n];
        for r in (0..n).rev() {
            let s: f64 = (r + 1..n).map(|k| m[r * n + k] * x[k]).sum();
            x[r] = (v[r] - s) / m[r * n + r];
        }
        x
    }

    #[test]
    fn chi_square_decomposition_matches_direct_evaluation() {
        let like = Likelihood::embedded().expect("embedded data");
        let cov: Vec<f64> = COV_TEXT
            .split_whitespace()
            .map(|v| v.parse().unwrap_or(f64::NAN))
            .collect();
        let (omega, h) = (0.31_f64, 0.69_f64);
        let delta = 5.0 * libm::log10(h);
        let t = like.terms(omega);
        let chi2 = t.a + 2.0 * delta * t.b + delta * delta * like.s;
        // Direct: r = μ_b − μ(z; Ω, h) and χ² = rᵀ C⁻¹ r, with C⁻¹ r by Gaussian elimination
        // with partial pivoting (independent of the Cholesky path).
        let sd = s_of_omega(omega);
        let eta1 = eta(1.0, sd.0);
        let r: Vec<f64> = (0..BINS)
            .map(|i| {
                let d = luminosity_distance(like.z[i], sd, eta1).0;
                like.mu[i] - (25.0 - 5.0 * libm::log10(h) + 5.0 * libm::log10(d))
            })
            .collect();
        let x = gauss_solve(cov, r.clone());
        let direct: f64 = r.iter().zip(&x).map(|(a, b)| a * b).sum();
        assert!((chi2 - direct).abs() < 1e-9 * direct, "{chi2} vs {direct}");
    }
}
