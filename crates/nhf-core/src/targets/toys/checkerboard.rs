//! `checkerboard` (FFJORD): x₁ = 4U − 2; x₂ = U′ − 2·randint{0, 1} + (⌊x₁⌋ mod 2); return
//! 2·(x₁, x₂). That is uniform on the eight 2×2 squares of [−4, 4]² with ⌊x₁/2⌋ + ⌊x₂/2⌋ even.
//!
//! The exact density is piecewise constant, so its gradient is zero almost everywhere and its
//! log is −∞ on the empty squares. We therefore use the board blurred by N(0, 0.1² I): the
//! density of the recipe plus 0.1 N(0, I) noise (the sampler adds that noise too, so the two
//! stay exactly consistent). Each square then contributes a product of two 1D terms
//! Φ((b − x)/s) − Φ((a − x)/s), evaluated in log space so empty squares stay finite. About 2%
//! of the blurred mass lies outside [−4, 4]².

use crate::rng::Rng;
use crate::targets::special::{
    log_add_exp, log_normal_interval, log_normal_interval_grad, log_normal_interval_hessian,
};
use crate::targets::{Bounds, Objective, SAMPLES_FIRST, Target};

/// Standard deviation of the blur.
pub const BLUR: f64 = 0.1;

/// The 2×2 squares along each axis: [−4, −2], [−2, 0], [0, 2], [2, 4].
const EDGES: [f64; 5] = [-4.0, -2.0, 0.0, 2.0, 4.0];

/// The blurred checkerboard: exact density and sampler.
#[derive(Clone, Copy, Debug, Default)]
pub struct Checkerboard;

impl Checkerboard {
    /// ln of the blurred indicator of each interval along one axis, and its first and second
    /// derivatives. a and b both move by −1/BLUR per unit of x, so d²l/dx² is
    /// (∂²l/∂a² + 2 ∂²l/∂a∂b + ∂²l/∂b²) / BLUR².
    fn axis_terms(x: f64) -> ([f64; 4], [f64; 4], [f64; 4]) {
        let (mut logs, mut grads, mut curvs) = ([0.0; 4], [0.0; 4], [0.0; 4]);
        for c in 0..4 {
            let (a, b) = ((EDGES[c] - x) / BLUR, (EDGES[c + 1] - x) / BLUR);
            let l = log_normal_interval(a, b);
            let (ga, gb) = log_normal_interval_grad(a, b, l);
            let (haa, hab, hbb) = log_normal_interval_hessian(a, b, (ga, gb));
            logs[c] = l;
            grads[c] = -(ga + gb) / BLUR;
            curvs[c] = (haa + 2.0 * hab + hbb) / (BLUR * BLUR);
        }
        (logs, grads, curvs)
    }

    /// log p, its gradient and its Hessian: a log-sum-exp over the eight black squares.
    ///
    /// Square (i, j) contributes the exponent lxᵢ + lyⱼ, with gradient Gᵢⱼ = (gxᵢ, gyⱼ) and
    /// Hessian diag(hxᵢ, hyⱼ); with weights wᵢⱼ the log-sum-exp has Hessian
    /// Σ w diag(hxᵢ, hyⱼ) + Σ w (G − ḡ)(G − ḡ)ᵀ (the centred form of Σ w G Gᵀ − ḡ ḡᵀ, which
    /// would cancel badly on a white square, where every G is large).
    fn eval(&self, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let (lx, gx, hx) = Self::axis_terms(q[0]);
        let (ly, gy, hy) = Self::axis_terms(q[1]);
        let black = || {
            (0..4)
                .flat_map(|i| (0..4).map(move |j| (i, j)))
                .filter(|(i, j)| (i + j) % 2 == 0)
        };
        let total = black().fold(f64::NEG_INFINITY, |acc, (i, j)| {
            log_add_exp(acc, lx[i] + ly[j])
        });
        let mut g = [0.0; 2];
        for (i, j) in black() {
            let w = libm::exp(lx[i] + ly[j] - total);
            g[0] += w * gx[i];
            g[1] += w * gy[j];
        }
        let mut h = [0.0; 3];
        for (i, j) in black() {
            let w = libm::exp(lx[i] + ly[j] - total);
            let d = [gx[i] - g[0], gy[j] - g[1]];
            h[0] += w * (hx[i] + d[0] * d[0]);
            h[1] += w * d[0] * d[1];
            h[2] += w * (hy[j] + d[1] * d[1]);
        }
        // Uniform density 1/32 on the black squares (total area 32).
        (total - libm::log(32.0), g, [[h[0], h[1]], [h[1], h[2]]])
    }
}

impl Target for Checkerboard {
    fn id(&self) -> &str {
        "checkerboard"
    }
    fn name(&self) -> &str {
        "Checkerboard"
    }
    fn caption(&self) -> &str {
        "Uniform on the black squares of a 4×4 board (FFJORD toy set), edges blurred by \
         N(0, 0.1²) so the density is smooth; exact density and sampler."
    }
    fn bounds(&self) -> Bounds {
        Bounds::square(4.0)
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.eval(q).0
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.eval(q).1
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.eval(q).2
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        for slot in out.iter_mut() {
            let x1 = 4.0 * rng.uniform() - 2.0;
            let x2 = rng.uniform() - 2.0 * rng.below(2) as f64 + x1.floor().rem_euclid(2.0);
            *slot = [
                2.0 * x1 + BLUR * rng.normal(),
                2.0 * x2 + BLUR * rng.normal(),
            ];
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
    fn density_is_flat_on_black_squares_and_tiny_on_white_ones() {
        let b = Checkerboard;
        // Centre of a black square: the blur's leakage is Φ(−10) per edge, nothing.
        assert!((b.log_prob([-3.0, -3.0]) + libm::log(32.0)).abs() < 1e-12);
        assert!((b.log_prob([1.0, 1.0]) + libm::log(32.0)).abs() < 1e-12);
        // Centre of a white square: 1 unit = 10 blur widths from any black square.
        let white = b.log_prob([-1.0, -3.0]);
        assert!(white < -40.0 && white.is_finite(), "{white}");
        assert!(b.log_prob([40.0, 0.0]).is_finite());
    }
}
