//! Gaussian mixtures (docs/TARGETS.md "Gaussian mixtures"): the shared mixture arithmetic, and the
//! built-in `8gaussians`, `circle8` and `three-modes`. Exact densities and exact samplers.

use std::f64::consts::{FRAC_1_SQRT_2, PI, TAU};

use super::{Bounds, Objective, SAMPLES_FIRST, Target};
use crate::rng::Rng;

/// The most components a mixture may have (bounds the stack buffer of [`GaussianMixture`]).
pub const MAX_COMPONENTS: usize = 64;

/// One weighted 2D Gaussian, with everything evaluation needs precomputed.
#[derive(Clone, Debug)]
struct Component {
    /// ln of the normalised weight plus the Gaussian's log normaliser −ln(2π √det Σ).
    log_scale: f64,
    /// Normalised weight, for choosing a component when sampling.
    weight: f64,
    mean: [f64; 2],
    /// Σ⁻¹ as (a, b, c) for [[a, b], [b, c]].
    precision: [f64; 3],
    /// Cholesky factor of Σ as (l11, l21, l22).
    chol: [f64; 3],
}

/// A finite mixture of 2D Gaussians: log density, gradient and exact sampling.
#[derive(Clone, Debug)]
pub struct GaussianMixture {
    components: Vec<Component>,
}

impl GaussianMixture {
    /// Builds from (weight, mean, covariance (a, b, c) of [[a, b], [b, c]]) triples.
    ///
    /// The caller guarantees what [`super::custom`] validates: 1–64 components, weights > 0
    /// with a finite sum, covariances positive definite, everything finite.
    pub fn new(parts: &[(f64, [f64; 2], [f64; 3])]) -> Self {
        debug_assert!((1..=MAX_COMPONENTS).contains(&parts.len()));
        let total: f64 = parts.iter().map(|p| p.0).sum();
        let components = parts
            .iter()
            .map(|&(w, mean, [a, b, c])| {
                let det = a * c - b * b;
                let l11 = a.sqrt();
                let l21 = b / l11;
                let l22 = (c - l21 * l21).max(0.0).sqrt();
                Component {
                    log_scale: libm::log(w / total) - libm::log(2.0 * PI) - 0.5 * libm::log(det),
                    weight: w / total,
                    mean,
                    precision: [c / det, -b / det, a / det],
                    chol: [l11, l21, l22],
                }
            })
            .collect();
        Self { components }
    }

    /// Equal-weight isotropic components with standard deviation `sd` at `means`.
    pub fn isotropic(means: &[[f64; 2]], sd: f64) -> Self {
        let parts: Vec<_> = means
            .iter()
            .map(|&m| (1.0, m, [sd * sd, 0.0, sd * sd]))
            .collect();
        Self::new(&parts)
    }

    /// The exponent of each component at `q` (log weight + log Gaussian density), written
    /// into `out`, together with each component's gradient of that exponent.
    fn terms(&self, q: [f64; 2], out: &mut [(f64, [f64; 2]); MAX_COMPONENTS]) -> usize {
        for (slot, k) in out.iter_mut().zip(&self.components) {
            let d = [q[0] - k.mean[0], q[1] - k.mean[1]];
            let [a, b, c] = k.precision;
            let g = [-(a * d[0] + b * d[1]), -(b * d[0] + c * d[1])];
            *slot = (k.log_scale + 0.5 * (g[0] * d[0] + g[1] * d[1]), g);
        }
        self.components.len()
    }

    /// log p(q), normalised.
    pub fn log_prob(&self, q: [f64; 2]) -> f64 {
        let mut buf = [(0.0, [0.0; 2]); MAX_COMPONENTS];
        let n = self.terms(q, &mut buf);
        let top = buf[..n]
            .iter()
            .map(|t| t.0)
            .fold(f64::NEG_INFINITY, f64::max);
        if top == f64::NEG_INFINITY {
            return top;
        }
        top + libm::log(buf[..n].iter().map(|t| libm::exp(t.0 - top)).sum::<f64>())
    }

    /// ∇ log p(q): the responsibility-weighted component gradients.
    pub fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        let mut buf = [(0.0, [0.0; 2]); MAX_COMPONENTS];
        let n = self.terms(q, &mut buf);
        let top = buf[..n]
            .iter()
            .map(|t| t.0)
            .fold(f64::NEG_INFINITY, f64::max);
        let (mut sum, mut g) = (0.0, [0.0; 2]);
        for (value, grad) in &buf[..n] {
            let r = libm::exp(value - top);
            sum += r;
            g[0] += r * grad[0];
            g[1] += r * grad[1];
        }
        [g[0] / sum, g[1] / sum]
    }

    /// ∇² log p(q). With component exponent gradients gₖ = −Pₖ (q − μₖ) and
    /// responsibilities rₖ, H = Σ rₖ (−Pₖ + gₖ gₖᵀ) − ḡ ḡᵀ, ḡ = Σ rₖ gₖ. It is evaluated in
    /// the equal, centred form Σ rₖ (−Pₖ + (gₖ − ḡ)(gₖ − ḡ)ᵀ): far from a single component
    /// the gₖ gₖᵀ and ḡ ḡᵀ terms are huge and equal, and subtracting them would lose −P.
    pub fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        let mut buf = [(0.0, [0.0; 2]); MAX_COMPONENTS];
        let n = self.terms(q, &mut buf);
        let top = buf[..n]
            .iter()
            .map(|t| t.0)
            .fold(f64::NEG_INFINITY, f64::max);
        let (mut sum, mut g) = (0.0, [0.0; 2]);
        for (value, grad) in &buf[..n] {
            let r = libm::exp(value - top);
            sum += r;
            g[0] += r * grad[0];
            g[1] += r * grad[1];
        }
        let mean = [g[0] / sum, g[1] / sum];
        // (xx, xy, yy) of Σ rₖ (−Pₖ + (gₖ − ḡ)(gₖ − ḡ)ᵀ), normalised at the end.
        let mut h = [0.0; 3];
        for ((value, grad), k) in buf[..n].iter().zip(&self.components) {
            let r = libm::exp(value - top);
            let d = [grad[0] - mean[0], grad[1] - mean[1]];
            let [a, b, c] = k.precision;
            h[0] += r * (d[0] * d[0] - a);
            h[1] += r * (d[0] * d[1] - b);
            h[2] += r * (d[1] * d[1] - c);
        }
        let [xx, xy, yy] = h.map(|v| v / sum);
        [[xx, xy], [xy, yy]]
    }

    /// One exact draw: a component by weight, then its Gaussian.
    pub fn sample(&self, rng: &mut Rng) -> [f64; 2] {
        let mut u = rng.uniform();
        let mut chosen = &self.components[self.components.len() - 1];
        for k in &self.components {
            if u < k.weight {
                chosen = k;
                break;
            }
            u -= k.weight;
        }
        let (z0, z1) = (rng.normal(), rng.normal());
        let [l11, l21, l22] = chosen.chol;
        [
            chosen.mean[0] + l11 * z0,
            chosen.mean[1] + l21 * z0 + l22 * z1,
        ]
    }
}

/// A built-in mixture target: a fixed mixture with its name, caption and box.
#[derive(Clone, Debug)]
pub struct MixtureTarget {
    id: &'static str,
    name: &'static str,
    caption: &'static str,
    bounds: Bounds,
    mixture: GaussianMixture,
}

impl MixtureTarget {
    /// `8gaussians` (FFJORD): centres 4·(unit circle at multiples of 45°), sd 0.5, all
    /// divided by 1.414 — so centres at radius 4/1.414 and sd 0.5/1.414.
    pub fn eight_gaussians() -> Self {
        let s = FRAC_1_SQRT_2;
        let unit = [
            [1.0, 0.0],
            [-1.0, 0.0],
            [0.0, 1.0],
            [0.0, -1.0],
            [s, s],
            [s, -s],
            [-s, s],
            [-s, -s],
        ];
        let means: Vec<_> = unit
            .iter()
            .map(|c| [4.0 * c[0] / 1.414, 4.0 * c[1] / 1.414])
            .collect();
        Self {
            id: "8gaussians",
            name: "8 Gaussians",
            caption: "Eight Gaussians on a circle (FFJORD toy set); exact density and sampler.",
            bounds: Bounds::square(4.0),
            mixture: GaussianMixture::isotropic(&means, 0.5 / 1.414),
        }
    }

    /// `circle8` (normflows CircularGaussianMixture, n = 8): radius 2, s = (2/3) sin(π/8).
    pub fn circle8() -> Self {
        let n = 8;
        let s = 2.0 / 3.0 * libm::sin(PI / f64::from(n));
        let means: Vec<_> = (0..n)
            .map(|i| {
                let a = TAU * f64::from(i) / f64::from(n);
                [2.0 * libm::sin(a), 2.0 * libm::cos(a)]
            })
            .collect();
        Self {
            id: "circle8",
            name: "Circle of 8",
            caption: "Eight narrow Gaussians on a circle of radius 2 (normflows \
                      CircularGaussianMixture); exact density and sampler.",
            bounds: Bounds::square(3.5),
            mixture: GaussianMixture::isotropic(&means, s),
        }
    }

    /// `three-modes` (mcmc-demo "multimodal"): equal weights, covariances 0.8 I, 0.8 I, 0.5 I.
    pub fn three_modes() -> Self {
        Self {
            id: "three-modes",
            name: "Three modes",
            caption: "Three unequal Gaussian modes (mcmc-demo \"multimodal\"); exact density \
                      and sampler.",
            bounds: Bounds::square(5.0),
            mixture: GaussianMixture::new(&[
                (1.0, [-1.5, -1.5], [0.8, 0.0, 0.8]),
                (1.0, [1.5, 1.5], [0.8, 0.0, 0.8]),
                (1.0, [-2.0, 2.0], [0.5, 0.0, 0.5]),
            ]),
        }
    }
}

impl Target for MixtureTarget {
    fn id(&self) -> &str {
        self.id
    }
    fn name(&self) -> &str {
        self.name
    }
    fn caption(&self) -> &str {
        self.caption
    }
    fn bounds(&self) -> Bounds {
        self.bounds
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.mixture.log_prob(q)
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.mixture.grad_log_prob(q)
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.mixture.hessian_log_prob(q)
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        for slot in out.iter_mut() {
            *slot = self.mixture.sample(rng);
        }
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        SAMPLES_FIRST
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circle8_matches_the_normflows_formula() {
        // log p = −ln(2π s² n) + logsumexp_i(−‖z − μ_i‖² / (2 s²)), written out independently.
        let t = MixtureTarget::circle8();
        let n = 8.0;
        let s = 2.0 / 3.0 * libm::sin(PI / n);
        for q in [[0.3, -1.2], [2.0, 0.1], [-3.0, 3.0]] {
            let terms: Vec<f64> = (0..8)
                .map(|i| {
                    let a = TAU * f64::from(i) / n;
                    let d = [q[0] - 2.0 * libm::sin(a), q[1] - 2.0 * libm::cos(a)];
                    -(d[0] * d[0] + d[1] * d[1]) / (2.0 * s * s)
                })
                .collect();
            let m = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = m + libm::log(terms.iter().map(|v| libm::exp(v - m)).sum::<f64>());
            let expect = -libm::log(2.0 * PI * s * s * n) + lse;
            assert!((t.log_prob(q) - expect).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn correlated_component_samples_have_its_covariance() {
        let m = GaussianMixture::new(&[(2.0, [1.0, -1.0], [2.0, 0.6, 0.5])]);
        let mut rng = Rng::seed_from_u64(5);
        let n = 100_000;
        let (mut sxy, mut sy) = (0.0, 0.0);
        for _ in 0..n {
            let [x, y] = m.sample(&mut rng);
            sxy += (x - 1.0) * (y + 1.0);
            sy += (y + 1.0) * (y + 1.0);
        }
        // Standard errors ≈ √(Var)/√n ≈ 0.004 and 0.002: 0.02 is a 5σ margin.
        assert!((sxy / f64::from(n) - 0.6).abs() < 0.02);
        assert!((sy / f64::from(n) - 0.5).abs() < 0.02);
    }
}
