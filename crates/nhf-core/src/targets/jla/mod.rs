//! `jla`: a real posterior. Flat-ΛCDM parameters (Ω_m, h) given the JLA binned Type Ia
//! supernova distance moduli and their full covariance — Betoule et al. 2014, "Improved
//! cosmological constraints from a joint analysis of the SDSS-II and SNLS supernova samples",
//! A&A 568, A22 — with Pen (1999)'s luminosity distance (`pen.rs`) and a flat prior on
//! Ω_m ∈ [0.05, 0.95], h ∈ [0.5, 0.9] (docs/TARGETS.md, "Supernova cosmology").
//!
//! The posterior is a narrow tilted ridge (sd 0.031 in Ω_m, 0.007 in h, correlation −0.61),
//! so the flow works in whitened coordinates q with (Ω_m, h) = m + L q, where m and LLᵀ are
//! the posterior mean and covariance computed by quadrature at construction; `log_prob(q)`
//! includes the constant ln det L.
//!
//! Because h enters χ² only through δ = 5 log₁₀ h, and quadratically (`likelihood.rs`), the
//! integral over h is a normal-CDF difference: the marginal of Ω_m is exact in closed form
//! given A(Ω), B(Ω), and h | Ω_m is a truncated log-normal. So the normalising constant and the
//! moments need only 1D quadrature in Ω_m, and sampling is exact: Ω_m by rejection under a
//! tabulated envelope of its marginal, then h from its conditional.
//!
//! Outside the prior box the posterior is zero. To stay finite (a training run must never see
//! −∞ or NaN) `log_prob` there is its value at the nearest prior-box point minus
//! ½ Σᵢ ((θᵢ − clampᵢ)/sdᵢ)², sdᵢ the posterior standard deviations: continuous at the edge
//! (where it is already ≥ 30 nats below the mode), with a gradient pulling back in.

mod likelihood;
mod pen;

use std::f64::consts::{LN_10, PI};

use likelihood::{Likelihood, Terms};

use super::quadrature::gauss_legendre;
use super::sampling::truncated_standard_normal;
use super::special::log_normal_interval;
use super::{Bounds, DENSITY_FIRST, Objective, Target, TargetError, pull_back_hessian};
use crate::rng::Rng;

/// The flat prior box [[Ω_min, Ω_max], [h_min, h_max]].
pub const PRIOR_BOX: [[f64; 2]; 2] = [[0.05, 0.95], [0.5, 0.9]];
/// δ = 5 log₁₀ h = ln h / K.
const K: f64 = LN_10 / 5.0;
/// Cells of the envelope table for sampling Ω_m (width 4.4e−4, 1/70 of the posterior sd).
const ENVELOPE_CELLS: usize = 2048;
/// Slack added to the envelope's log: ≫ the in-cell rise of a log density with curvature
/// ≲ 1e5 over a cell (1e5 · (4.4e−4)² / 8 = 2.4e−3).
const ENVELOPE_SLACK: f64 = 0.01;

/// log density, gradient and Hessian (the parts beyond the order asked for are zeros).
type Eval = (f64, [f64; 2], [[f64; 2]; 2]);

/// The JLA supernova posterior in whitened coordinates.
#[derive(Clone, Debug)]
pub struct Jla {
    like: Likelihood,
    /// ln ∫∫ e^{−χ²/2} dΩ dh over the prior box.
    log_z: f64,
    mean: [f64; 2],
    /// Cholesky factor (l11, l21, l22) of the posterior covariance.
    chol: [f64; 3],
    sd: [f64; 2],
    /// Envelope for Ω_m: per-cell log bound and cumulative (scaled) mass.
    log_env: Vec<f64>,
    cum_env: Vec<f64>,
}

impl Jla {
    /// Builds the posterior: parses the embedded data, normalises, whitens, tabulates the
    /// sampling envelope (~20 ms).
    pub fn new() -> Result<Self, TargetError> {
        let like = Likelihood::embedded().map_err(|e| TargetError::invalid("jla data", e))?;
        let mut jla = Self {
            like,
            log_z: 0.0,
            mean: [0.0; 2],
            chol: [1.0, 0.0, 1.0],
            sd: [1.0; 2],
            log_env: Vec::new(),
            cum_env: Vec::new(),
        };
        jla.integrate();
        jla.build_envelope();
        Ok(jla)
    }

    /// The truncation bounds of δ.
    fn delta_range() -> (f64, f64) {
        (
            libm::log(PRIOR_BOX[1][0]) / K,
            libm::log(PRIOR_BOX[1][1]) / K,
        )
    }

    /// δ | Ω ~ N(δ₁, 1/S) truncated to the prior range: returns δ₁.
    fn conditional_mean(&self, t: &Terms) -> f64 {
        (K - t.b) / self.like.s
    }

    /// ln ∫ e^{−χ²/2} dh over the prior range of h, at fixed Ω:
    /// with h = e^{Kδ}, ∫ e^{−S(δ−δ₀)²/2} K e^{Kδ} dδ, δ₀ = −B/S, which completes the square.
    fn log_marginal(&self, t: &Terms) -> f64 {
        let s = self.like.s;
        let d0 = -t.b / s;
        let d1 = self.conditional_mean(t);
        let (lo, hi) = Self::delta_range();
        let rs = s.sqrt();
        -0.5 * (t.a - t.b * t.b / s)
            + K * d0
            + K * K / (2.0 * s)
            + libm::log(K)
            + 0.5 * libm::log(2.0 * PI / s)
            + log_normal_interval(rs * (lo - d1), rs * (hi - d1))
    }

    /// ln E[hⁿ | Ω] for the truncated log-normal conditional.
    fn log_conditional_moment(&self, t: &Terms, n: f64) -> f64 {
        let s = self.like.s;
        let d1 = self.conditional_mean(t);
        let (lo, hi) = Self::delta_range();
        let rs = s.sqrt();
        let shift = n * K / s;
        n * K * d1
            + n * n * K * K / (2.0 * s)
            + log_normal_interval(rs * (lo - d1 - shift), rs * (hi - d1 - shift))
            - log_normal_interval(rs * (lo - d1), rs * (hi - d1))
    }

    /// Normalising constant, mean and covariance by Gauss–Legendre in Ω_m (360 panels over
    /// [0.05, 0.95], width 0.0025 = 0.08 posterior sd) with the h-integrals in closed form.
    fn integrate(&mut self) {
        let nodes = gauss_legendre(PRIOR_BOX[0][0], PRIOR_BOX[0][1], 360);
        let rows: Vec<(f64, f64, f64, f64)> = nodes
            .iter()
            .map(|&(omega, w)| {
                let t = self.like.terms(omega);
                let h1 = libm::exp(self.log_conditional_moment(&t, 1.0));
                let h2 = libm::exp(self.log_conditional_moment(&t, 2.0));
                (omega, libm::log(w) + self.log_marginal(&t), h1, h2)
            })
            .collect();
        let top = rows.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        let (mut z, mut m_o, mut m_oo, mut m_h, mut m_hh, mut m_oh) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for &(omega, lw, h1, h2) in &rows {
            let p = libm::exp(lw - top);
            z += p;
            m_o += p * omega;
            m_oo += p * omega * omega;
            m_h += p * h1;
            m_hh += p * h2;
            m_oh += p * omega * h1;
        }
        let mean = [m_o / z, m_h / z];
        let var_o = m_oo / z - mean[0] * mean[0];
        let var_h = m_hh / z - mean[1] * mean[1];
        let cov = m_oh / z - mean[0] * mean[1];
        let l11 = var_o.sqrt();
        let l21 = cov / l11;
        self.log_z = top + libm::log(z);
        self.mean = mean;
        self.chol = [l11, l21, (var_h - l21 * l21).sqrt()];
        self.sd = [var_o.sqrt(), var_h.sqrt()];
    }

    /// The rejection envelope of the Ω_m marginal: the largest log marginal at each cell's
    /// ends and middle, plus [`ENVELOPE_SLACK`].
    fn build_envelope(&mut self) {
        let [lo, hi] = PRIOR_BOX[0];
        let step = (hi - lo) / ENVELOPE_CELLS as f64;
        let at = |x: f64| self.log_marginal(&self.like.terms(x));
        let ends: Vec<f64> = (0..=ENVELOPE_CELLS)
            .map(|j| at(lo + j as f64 * step))
            .collect();
        let log_env: Vec<f64> = (0..ENVELOPE_CELLS)
            .map(|c| {
                ends[c]
                    .max(ends[c + 1])
                    .max(at(lo + (c as f64 + 0.5) * step))
                    + ENVELOPE_SLACK
            })
            .collect();
        let top = log_env.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        self.cum_env = log_env
            .iter()
            .map(|&l| {
                total += libm::exp(l - top);
                total
            })
            .collect();
        self.log_env = log_env;
    }

    /// Posterior mean of (Ω_m, h) (the whitening centre).
    pub fn posterior_mean(&self) -> [f64; 2] {
        self.mean
    }

    /// Posterior covariance of (Ω_m, h), by quadrature.
    pub fn posterior_cov(&self) -> [[f64; 2]; 2] {
        let [l11, l21, l22] = self.chol;
        [[l11 * l11, l11 * l21], [l11 * l21, l21 * l21 + l22 * l22]]
    }

    /// Flow coordinates of a physical point (Ω_m, h): the inverse of [`Target::to_display`].
    pub fn to_flow(&self, theta: [f64; 2]) -> [f64; 2] {
        let [l11, l21, l22] = self.chol;
        let q0 = (theta[0] - self.mean[0]) / l11;
        [q0, (theta[1] - self.mean[1] - l21 * q0) / l22]
    }

    /// ln of the posterior density in (Ω_m, h) (normalised over the prior box) with, up to
    /// derivative `order` (0, 1 or 2), its gradient and Hessian (else zeros), for a point
    /// inside the prior box.
    ///
    /// With δ = ln h / K (dδ/dh = 1/(Kh)) the log density is −½(A + 2δB + δ²S) − ln Z, so
    /// ∂²/∂Ω² = −½(A″ + 2δB″), ∂²/∂Ω∂h = −B′/(Kh) and, differentiating −(B + δS)/(Kh) in h,
    /// ∂²/∂h² = (B + δS)/(Kh²) − S/(Kh)².
    fn eval_physical(&self, theta: [f64; 2], order: u8) -> Eval {
        let h = theta[1];
        let s = self.like.s;
        let delta = libm::log(h) / K;
        let (t, d, c) = match order {
            0 => (self.like.terms(theta[0]), None, None),
            1 => {
                let (t, d) = self.like.terms_and_slopes(theta[0]);
                (t, Some(d), None)
            }
            _ => {
                let (t, d, c) = self.like.terms_slopes_and_curvatures(theta[0]);
                (t, Some(d), Some(c))
            }
        };
        let value = -0.5 * (t.a + 2.0 * delta * t.b + delta * delta * s) - self.log_z;
        let g = d.map_or([0.0; 2], |d| {
            [
                -0.5 * (d.da + 2.0 * delta * d.db),
                -(t.b + delta * s) / (K * h),
            ]
        });
        let hess = match (d, c) {
            (Some(d), Some(c)) => {
                let kh = K * h;
                let xy = -d.db / kh;
                [
                    [-0.5 * (c.d2a + 2.0 * delta * c.d2b), xy],
                    [xy, (t.b + delta * s) / (kh * h) - s / (kh * kh)],
                ]
            }
            _ => [[0.0; 2]; 2],
        };
        (value, g, hess)
    }

    /// ln posterior density in (Ω_m, h) and its gradient, with the outside-the-prior
    /// extension of the module comment.
    pub fn log_prob_display(&self, theta: [f64; 2]) -> (f64, [f64; 2]) {
        let (v, g, _) = self.display_eval(theta, 1);
        (v, g)
    }

    /// [`Jla::log_prob_display`] up to derivative `order` (0, 1 or 2). Outside the prior box
    /// the extension subtracts ½ Σ dₖ², dₖ = (θₖ − clampₖ)/sdₖ: along a clamped axis its
    /// second derivative is −1/sdₖ² (the clamped value no longer moves), along a free axis
    /// the posterior's, and there is no cross term once an axis is clamped.
    fn display_eval(&self, theta: [f64; 2], order: u8) -> Eval {
        let [[o0, o1], [h0, h1]] = PRIOR_BOX;
        let clamped = [theta[0].clamp(o0, o1), theta[1].clamp(h0, h1)];
        let (v, g, h) = self.eval_physical(clamped, order);
        let d = [
            (theta[0] - clamped[0]) / self.sd[0],
            (theta[1] - clamped[1]) / self.sd[1],
        ];
        let slope = |k: usize| {
            if d[k] == 0.0 {
                g[k]
            } else {
                -d[k] / self.sd[k]
            }
        };
        let hess = if order < 2 {
            [[0.0; 2]; 2]
        } else {
            let curv = |k: usize| {
                if d[k] == 0.0 {
                    h[k][k]
                } else {
                    -1.0 / (self.sd[k] * self.sd[k])
                }
            };
            let xy = if d == [0.0, 0.0] { h[0][1] } else { 0.0 };
            [[curv(0), xy], [xy, curv(1)]]
        };
        (
            v - 0.5 * (d[0] * d[0] + d[1] * d[1]),
            [slope(0), slope(1)],
            hess,
        )
    }

    /// log p up to derivative `order` in flow coordinates: θ = m + L q, so ∇_q = Lᵀ∇_θ and
    /// ∇²_q = Lᵀ ∇²_θ L (the map is affine: no curvature term).
    fn eval(&self, q: [f64; 2], order: u8) -> Eval {
        let [l11, l21, l22] = self.chol;
        let (v, g, h) = self.display_eval(self.to_display(q), order);
        (
            v + libm::log(l11 * l22),
            [l11 * g[0] + l21 * g[1], l22 * g[1]],
            pull_back_hessian([[l11, 0.0], [l21, l22]], h),
        )
    }

    /// One exact posterior draw in (Ω_m, h).
    fn draw_physical(&self, rng: &mut Rng) -> [f64; 2] {
        let [lo, hi] = PRIOR_BOX[0];
        let step = (hi - lo) / ENVELOPE_CELLS as f64;
        let total = self.cum_env[ENVELOPE_CELLS - 1];
        let (omega, t) = loop {
            let u = rng.uniform() * total;
            let c = self
                .cum_env
                .partition_point(|&m| m <= u)
                .min(ENVELOPE_CELLS - 1);
            let omega = lo + (c as f64 + rng.uniform()) * step;
            let t = self.like.terms(omega);
            if libm::log(rng.uniform_open0()) <= self.log_marginal(&t) - self.log_env[c] {
                break (omega, t);
            }
        };
        let d1 = self.conditional_mean(&t);
        let rs = self.like.s.sqrt();
        let (dlo, dhi) = Self::delta_range();
        let delta = d1 + truncated_standard_normal(rng, rs * (dlo - d1), rs * (dhi - d1)) / rs;
        [omega, libm::exp(K * delta)]
    }
}

impl Target for Jla {
    fn id(&self) -> &str {
        "jla"
    }
    fn name(&self) -> &str {
        "Supernova cosmology (JLA)"
    }
    fn caption(&self) -> &str {
        "Posterior of (Ω_m, h) in flat ΛCDM from the 31 JLA binned supernova distance moduli \
         (Betoule et al. 2014, A&A 568, A22; Pen 1999 distances); trained whitened, shown in \
         (Ω_m, h); normalised and sampled exactly via quadrature in Ω_m."
    }
    fn bounds(&self) -> Bounds {
        Bounds::square(4.5)
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.eval(q, 0).0
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.eval(q, 1).1
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.eval(q, 2).2
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        for slot in out.iter_mut() {
            *slot = self.to_flow(self.draw_physical(rng));
        }
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        DENSITY_FIRST
    }
    fn to_display(&self, q: [f64; 2]) -> [f64; 2] {
        let [l11, l21, l22] = self.chol;
        [
            self.mean[0] + l11 * q[0],
            self.mean[1] + l21 * q[0] + l22 * q[1],
        ]
    }
    fn display_axes(&self) -> [&str; 2] {
        ["Ω_m", "h"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_h_integral_matches_quadrature() {
        // At a few Ω, ∫ e^{−χ²/2} dh over [0.5, 0.9] by brute-force midpoint (h-spacing 1e−5,
        // 1/500 of the conditional sd) against the closed form.
        let jla = Jla::new().expect("jla");
        for omega in [0.2, 0.3, 0.45] {
            let t = jla.like.terms(omega);
            let n = 40_000;
            let dh = 0.4 / f64::from(n);
            let logs: Vec<f64> = (0..n)
                .map(|i| {
                    let h = 0.5 + (f64::from(i) + 0.5) * dh;
                    let d = libm::log(h) / K;
                    -0.5 * (t.a + 2.0 * d * t.b + d * d * jla.like.s)
                })
                .collect();
            let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let brute = top + libm::log(logs.iter().map(|l| libm::exp(l - top)).sum::<f64>() * dh);
            let closed = jla.log_marginal(&t);
            assert!(
                (brute - closed).abs() < 1e-6,
                "Ω={omega}: {brute} vs {closed}"
            );
        }
    }

    #[test]
    fn envelope_bounds_the_marginal_between_its_nodes() {
        let jla = Jla::new().expect("jla");
        let [lo, hi] = PRIOR_BOX[0];
        let step = (hi - lo) / ENVELOPE_CELLS as f64;
        for c in (0..ENVELOPE_CELLS).step_by(7) {
            for f in [0.1, 0.27, 0.71, 0.93] {
                let omega = lo + (c as f64 + f) * step;
                let lm = jla.log_marginal(&jla.like.terms(omega));
                assert!(lm <= jla.log_env[c], "cell {c}: {lm} > {}", jla.log_env[c]);
            }
        }
    }

    #[test]
    fn prior_edges_are_far_below_the_mode_and_outside_stays_finite() {
        let jla = Jla::new().expect("jla");
        let mode = jla.log_prob_display(jla.posterior_mean()).0;
        let [[o0, o1], [h0, h1]] = PRIOR_BOX;
        for i in 0..=50 {
            let f = f64::from(i) / 50.0;
            for theta in [
                [o0, h0 + f * (h1 - h0)],
                [o1, h0 + f * (h1 - h0)],
                [o0 + f * (o1 - o0), h0],
                [o0 + f * (o1 - o0), h1],
            ] {
                let v = jla.log_prob_display(theta).0;
                assert!(v < mode - 25.0, "{theta:?}: {v} vs mode {mode}");
            }
        }
        for q in [[1e3, 0.0], [-1e3, 5e2], [0.0, -1e4]] {
            assert!(
                jla.log_prob(q).is_finite() && jla.grad_log_prob(q).iter().all(|g| g.is_finite())
            );
        }
    }
}
