//! Shapes from the MCMC gallery (chi-feng's mcmc-demo; docs/TARGETS.md "Shapes from the MCMC
//! gallery"): `banana`, `donut`, `funnel`, `squiggle`. All four have closed-form normalised
//! densities and exact samplers; banana and squiggle are Gaussians pushed through a shear of
//! Jacobian 1.

use std::f64::consts::{PI, TAU};

use super::mixtures::GaussianMixture;
use super::special::HALF_LN_2PI;
use super::{Bounds, DENSITY_FIRST, Objective, Target, pull_back_hessian};
use crate::rng::Rng;

/// log density, its gradient and its Hessian, as each gallery target's `eval` returns them.
type Eval = (f64, [f64; 2], [[f64; 2]; 2]);

/// Shared boilerplate of the four gallery targets.
macro_rules! gallery_target {
    ($ty:ty, $id:literal, $name:literal, $caption:literal, $bounds:expr) => {
        impl Target for $ty {
            fn id(&self) -> &str {
                $id
            }
            fn name(&self) -> &str {
                $name
            }
            fn caption(&self) -> &str {
                $caption
            }
            fn bounds(&self) -> Bounds {
                $bounds
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
                    *slot = self.draw(rng);
                }
            }
            fn normalized(&self) -> bool {
                true
            }
            fn objectives(&self) -> &'static [Objective] {
                DENSITY_FIRST
            }
        }
    };
}

/// Banana: y = (z₁/2, 2z₂ + 0.8(z₁² + 4)) ~ N((0, 4), [[1, 0.5], [0.5, 1]]).
#[derive(Clone, Debug)]
pub struct Banana {
    y: GaussianMixture,
}

impl Default for Banana {
    fn default() -> Self {
        Self {
            y: GaussianMixture::new(&[(1.0, [0.0, 4.0], [1.0, 0.5, 1.0])]),
        }
    }
}

impl Banana {
    fn eval(&self, z: [f64; 2]) -> Eval {
        let y = [z[0] / 2.0, 2.0 * z[1] + 0.8 * (z[0] * z[0] + 4.0)];
        let g = self.y.grad_log_prob(y);
        // Chain rule through J = [[1/2, 0], [1.6 z₁, 2]] (det 1). Second order: Jᵀ H_y J plus
        // the curvature of the map, ∂log p/∂y₂ · ∇²y₂ with ∇²y₂ = [[1.6, 0], [0, 0]].
        let j = [[0.5, 0.0], [1.6 * z[0], 2.0]];
        let mut h = pull_back_hessian(j, self.y.hessian_log_prob(y));
        h[0][0] += 1.6 * g[1];
        (
            self.y.log_prob(y),
            [g[0] / 2.0 + 1.6 * z[0] * g[1], 2.0 * g[1]],
            h,
        )
    }

    fn draw(&self, rng: &mut Rng) -> [f64; 2] {
        let y = self.y.sample(rng);
        let z1 = 2.0 * y[0];
        [z1, (y[1] - 0.8 * (z1 * z1 + 4.0)) / 2.0]
    }
}

gallery_target!(
    Banana,
    "banana",
    "Banana",
    "A Gaussian bent into a banana (mcmc-demo); exact density and sampler. Long arms: the box \
     holds 99.95% of the mass.",
    Bounds([[-7.0, 7.0], [-22.0, 4.0]])
);

/// Donut: log p = −(‖z‖ − 2.6)² / 0.033 − ln Z.
#[derive(Clone, Debug)]
pub struct Donut {
    log_z: f64,
}

/// Ring radius and width parameter of the donut.
const DONUT_R: f64 = 2.6;
const DONUT_C: f64 = 0.033;

impl Default for Donut {
    fn default() -> Self {
        // Z = 2π ∫₀^∞ ρ e^{−(ρ−μ)²/c} dρ = 2π [c/2 e^{−μ²/c} + μ √(πc)/2 (1 + erf(μ/√c))].
        let (mu, c) = (DONUT_R, DONUT_C);
        let radial = 0.5 * c * libm::exp(-mu * mu / c)
            + 0.5 * mu * (PI * c).sqrt() * (1.0 + libm::erf(mu / c.sqrt()));
        Self {
            log_z: libm::log(TAU * radial),
        }
    }
}

impl Donut {
    fn eval(&self, z: [f64; 2]) -> Eval {
        let r = libm::hypot(z[0], z[1]);
        let d = r - DONUT_R;
        // A cone at the origin (the density's minimum): no gradient there; take 0. Its
        // Hessian grows like 1/r towards the cone and has no value there either; take 0 too,
        // the derivative of the gradient's choice (a finite value is all an optimiser needs
        // at a single point it almost surely never meets).
        if r == 0.0 {
            return (-d * d / DONUT_C - self.log_z, [0.0; 2], [[0.0; 2]; 2]);
        }
        // ∇ = s(r) z with s = −2(r − R)/(c r) = −(2/c)(1 − R/r), so
        // ∇² = s I + (s′(r)/r) z zᵀ with s′(r)/r = −2R/(c r³).
        let slope = -2.0 * d / (DONUT_C * r);
        let bend = -2.0 * DONUT_R / (DONUT_C * r * r * r);
        let xy = bend * z[0] * z[1];
        (
            -d * d / DONUT_C - self.log_z,
            [slope * z[0], slope * z[1]],
            [
                [slope + bend * z[0] * z[0], xy],
                [xy, slope + bend * z[1] * z[1]],
            ],
        )
    }

    /// Radius by rejection from the envelope (μ + |t|) e^{−t²/c}, t = ρ − μ, which bounds
    /// ρ e^{−t²/c} for ρ > 0: a mixture of a Gaussian (weight μ√(πc)) and a two-sided
    /// Rayleigh (weight c); accept with probability ρ / (μ + |t|).
    fn draw(&self, rng: &mut Rng) -> [f64; 2] {
        let (mu, c) = (DONUT_R, DONUT_C);
        let gauss_weight = mu * (PI * c).sqrt();
        let rho = loop {
            let t = if rng.uniform() * (gauss_weight + c) < gauss_weight {
                (0.5 * c).sqrt() * rng.normal()
            } else {
                let m = (-c * libm::log(rng.uniform_open0())).sqrt();
                if rng.uniform() < 0.5 { m } else { -m }
            };
            let rho = mu + t;
            if rho > 0.0 && rng.uniform() * (mu + t.abs()) < rho {
                break rho;
            }
        };
        let a = TAU * rng.uniform();
        [rho * libm::cos(a), rho * libm::sin(a)]
    }
}

gallery_target!(
    Donut,
    "donut",
    "Donut",
    "A thin ring of radius 2.6 (mcmc-demo); exact density and sampler.",
    Bounds::square(4.0)
);

/// Neal's funnel: a = z₂ − 2 ~ N(0, 3²), z₁ | a ~ N(0, (e^{a/2})²).
#[derive(Clone, Copy, Debug, Default)]
pub struct Funnel;

impl Funnel {
    fn eval(&self, z: [f64; 2]) -> Eval {
        let a = z[1] - 2.0;
        let inv_var = libm::exp(-a);
        let log_p = -a * a / 18.0
            - libm::log(3.0)
            - HALF_LN_2PI
            - 0.5 * z[0] * z[0] * inv_var
            - 0.5 * a
            - HALF_LN_2PI;
        (
            log_p,
            [
                -z[0] * inv_var,
                -a / 9.0 - 0.5 + 0.5 * z[0] * z[0] * inv_var,
            ],
            // ∂/∂z₂ of e^{−a} is −e^{−a}.
            [
                [-inv_var, z[0] * inv_var],
                [z[0] * inv_var, -1.0 / 9.0 - 0.5 * z[0] * z[0] * inv_var],
            ],
        )
    }

    fn draw(&self, rng: &mut Rng) -> [f64; 2] {
        let a = 3.0 * rng.normal();
        [libm::exp(0.5 * a) * rng.normal(), a + 2.0]
    }
}

gallery_target!(
    Funnel,
    "funnel",
    "Neal's funnel",
    "Neal's funnel: a narrow neck opening into a wide mouth (mcmc-demo); exact density and \
     sampler. Heavy-tailed: the box holds about 94% of the mass.",
    Bounds([[-10.0, 10.0], [-6.0, 8.0]])
);

/// Squiggle: y = (z₁, z₂ + sin 5z₁) ~ N(0, [[2, 0.25], [0.25, 0.5]]).
#[derive(Clone, Debug)]
pub struct Squiggle {
    y: GaussianMixture,
}

impl Default for Squiggle {
    fn default() -> Self {
        Self {
            y: GaussianMixture::new(&[(1.0, [0.0, 0.0], [2.0, 0.25, 0.5])]),
        }
    }
}

impl Squiggle {
    fn eval(&self, z: [f64; 2]) -> Eval {
        let sin = libm::sin(5.0 * z[0]);
        let cos = libm::cos(5.0 * z[0]);
        let y = [z[0], z[1] + sin];
        let g = self.y.grad_log_prob(y);
        // Chain rule through J = [[1, 0], [5 cos 5z₁, 1]] (det 1). Second order: Jᵀ H_y J plus
        // the curvature of the map, ∂log p/∂y₂ · ∇²y₂ with ∇²y₂ = [[−25 sin 5z₁, 0], [0, 0]].
        let mut h = pull_back_hessian([[1.0, 0.0], [5.0 * cos, 1.0]], self.y.hessian_log_prob(y));
        h[0][0] -= 25.0 * sin * g[1];
        (self.y.log_prob(y), [g[0] + 5.0 * cos * g[1], g[1]], h)
    }

    fn draw(&self, rng: &mut Rng) -> [f64; 2] {
        let y = self.y.sample(rng);
        [y[0], y[1] - libm::sin(5.0 * y[0])]
    }
}

gallery_target!(
    Squiggle,
    "squiggle",
    "Squiggle",
    "A Gaussian with a sine wiggle (mcmc-demo); exact density and sampler.",
    Bounds([[-5.0, 5.0], [-4.0, 4.0]])
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banana_matches_the_formula() {
        // log N(y; (0, 4), Σ) written out with Σ⁻¹ = (4/3)[[1, −½], [−½, 1]], det Σ = ¾.
        let b = Banana::default();
        for z in [[0.5, -1.0], [-3.0, -6.0]] {
            let y = [z[0] / 2.0, 2.0 * z[1] + 0.8 * (z[0] * z[0] + 4.0) - 4.0];
            let quad = 4.0 / 3.0 * (y[0] * y[0] - y[0] * y[1] + y[1] * y[1]);
            let expect = -0.5 * quad - libm::log(2.0 * PI) - 0.5 * libm::log(0.75);
            assert!((b.log_prob(z) - expect).abs() < 1e-12);
        }
    }

    #[test]
    fn funnel_density_factorises_as_stated() {
        let f = Funnel;
        let n = |x: f64, sd: f64| -0.5 * (x / sd).powi(2) - libm::log(sd) - HALF_LN_2PI;
        for z in [[0.3, 1.0], [-4.0, 6.5], [0.01, -5.0]] {
            let a = z[1] - 2.0;
            let expect = n(a, 3.0) + n(z[0], libm::exp(a / 2.0));
            assert!((f.log_prob(z) - expect).abs() < 1e-12);
        }
    }
}
