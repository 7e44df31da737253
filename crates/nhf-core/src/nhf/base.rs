//! The base distribution π₀(q, p) of the flow (docs/FITS.md, "The learnable base"): the standard normal, or a
//! learnable diagonal Gaussian π₀ = N(q; m, diag e^{2ℓ_q}) · N(p; 0, diag e^{2ℓ_p}).
//!
//! A learnable base lets the flow spend its leapfrog steps on the shape of the target rather
//! than on moving and scaling a unit Gaussian. Its six parameters sit at the end of the
//! parameter vector ([`super::Layout::base`]): m (2), ℓ_q (2), ℓ_p (2), all zero at
//! initialisation, so a fresh flow with a learnable base is the standard one.
//!
//! Every draw is made as noise ε ~ N(0, I) and mapped by [`Base::from_noise`], so a flow with
//! the standard base consumes exactly the random numbers it always did.

use super::layout::Layout;
use super::objective::LN_2PI;
use super::real::Real;

/// The parameters of a diagonal Gaussian base, in any scalar type (f64, f32, dual numbers).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Base<T> {
    /// m, the mean of q.
    pub mean_q: [T; 2],
    /// ℓ_q, the log standard deviations of q.
    pub log_scale_q: [T; 2],
    /// ℓ_p, the log standard deviations of p.
    pub log_scale_p: [T; 2],
}

/// Number of parameters of a learnable base.
pub const BASE_LEN: usize = 6;

impl<T: Real> Base<T> {
    /// N(0, I) for q and p.
    pub fn standard() -> Self {
        Self {
            mean_q: [T::zero(); 2],
            log_scale_q: [T::zero(); 2],
            log_scale_p: [T::zero(); 2],
        }
    }

    /// The base of a flow's parameter vector: its learnable one, or the standard normal.
    pub fn of(params: &[T], layout: &Layout) -> Self {
        match layout.base() {
            Some(r) => {
                let b = &params[r];
                Self {
                    mean_q: [b[0], b[1]],
                    log_scale_q: [b[2], b[3]],
                    log_scale_p: [b[4], b[5]],
                }
            }
            None => Self::standard(),
        }
    }

    /// (q, p) = (m + e^{ℓ_q} ⊙ ε_q, e^{ℓ_p} ⊙ ε_p): a draw from the base given standard noise.
    pub fn from_noise(&self, eps_q: [T; 2], eps_p: [T; 2]) -> ([T; 2], [T; 2]) {
        let q = [
            self.mean_q[0] + self.log_scale_q[0].exp() * eps_q[0],
            self.mean_q[1] + self.log_scale_q[1].exp() * eps_q[1],
        ];
        let p = [
            self.log_scale_p[0].exp() * eps_p[0],
            self.log_scale_p[1].exp() * eps_p[1],
        ];
        (q, p)
    }

    /// The standardised coordinates z_q = (q − m) ⊙ e^{−ℓ_q}, z_p = p ⊙ e^{−ℓ_p}.
    pub fn standardise(&self, q: [T; 2], p: [T; 2]) -> ([T; 2], [T; 2]) {
        (
            [
                (q[0] - self.mean_q[0]) * (-self.log_scale_q[0]).exp(),
                (q[1] - self.mean_q[1]) * (-self.log_scale_q[1]).exp(),
            ],
            [
                p[0] * (-self.log_scale_p[0]).exp(),
                p[1] * (-self.log_scale_p[1]).exp(),
            ],
        )
    }

    /// Σ ℓ_q + Σ ℓ_p: minus the log-determinant term of log π₀.
    pub fn log_scale_sum(&self) -> T {
        self.log_scale_q[0] + self.log_scale_q[1] + self.log_scale_p[0] + self.log_scale_p[1]
    }

    /// log π₀(q, p), normalised.
    pub fn log_prob(&self, q: [T; 2], p: [T; 2]) -> T {
        let (zq, zp) = self.standardise(q, p);
        let half = T::from_f64(0.5);
        -half * (zq[0] * zq[0] + zq[1] * zq[1] + zp[0] * zp[0] + zp[1] * zp[1])
            - self.log_scale_sum()
            - T::from_f64(2.0 * LN_2PI)
    }
}

impl Base<f32> {
    /// The same base in f64 (for evaluation and the views).
    pub fn to_f64(&self) -> Base<f64> {
        let w = |a: [f32; 2]| [f64::from(a[0]), f64::from(a[1])];
        Base {
            mean_q: w(self.mean_q),
            log_scale_q: w(self.log_scale_q),
            log_scale_p: w(self.log_scale_p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardise_inverts_from_noise_and_log_prob_is_the_gaussian() {
        let b: Base<f64> = Base {
            mean_q: [0.3, -1.2],
            log_scale_q: [0.4, -0.7],
            log_scale_p: [-0.2, 0.9],
        };
        let (q, p) = b.from_noise([0.5, -1.5], [2.0, 0.25]);
        let (zq, zp) = b.standardise(q, p);
        for (got, want) in zq.iter().chain(&zp).zip([0.5f64, -1.5, 2.0, 0.25]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        // Product of four univariate normal densities, written out.
        let n = |x: f64, m: f64, s: f64| {
            (-0.5 * ((x - m) / s).powi(2)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
        };
        let want = (n(q[0], 0.3, 0.4f64.exp())
            * n(q[1], -1.2, (-0.7f64).exp())
            * n(p[0], 0.0, (-0.2f64).exp())
            * n(p[1], 0.0, 0.9f64.exp()))
        .ln();
        assert!((b.log_prob(q, p) - want).abs() < 1e-12);
    }
}
