//! The four energy functions of Rezende & Mohamed (2015), Table 1 (docs/TARGETS.md "Energy
//! functions"), as targets p ∝ e^{−U} on the box [−4, 4]².
//!
//! U₂–U₄ are not normalisable along z₁, so like the literature's plots we restrict all four to
//! the box and normalise there by Gauss–Legendre quadrature (so `normalized()` is true and
//! the density integrates to 1 over the box). U₁ has negligible mass outside the box anyway.
//! Outside the box `log_prob` still returns −U − ln Z (not −∞) so an optimiser sees finite
//! values; for U₂–U₄ that is not a density there. Sampling is by rejection from the box under
//! an analytic bound on e^{−U}.
//!
//! With w₁ = sin(2πz₁/4), w₂ = 3 exp(−½((z₁ − 1)/0.6)²), w₃ = 3 σ((z₁ − 1)/0.3):
//! U₁ = ½((‖z‖ − 2)/0.4)² − ln(e^{−½((z₁−2)/0.6)²} + e^{−½((z₁+2)/0.6)²}),
//! U₂ = ½((z₂ − w₁)/0.4)², U₃ = −ln(e^{−½((z₂−w₁)/0.35)²} + e^{−½((z₂−w₁+w₂)/0.35)²}),
//! U₄ = −ln(e^{−½((z₂−w₁)/0.4)²} + e^{−½((z₂−w₁+w₃)/0.35)²}).

use std::f64::consts::PI;

use super::quadrature::log_integrate_exp_box;
use super::sampling::rejection_in_box;
use super::special::{log_add_exp, sigmoid};
use super::{Bounds, DENSITY_FIRST, Objective, Target};
use crate::rng::Rng;

/// Which of the four energies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnergyKind {
    /// U₁: a ring with two lobes.
    U1,
    /// U₂: a sine-shaped ridge.
    U2,
    /// U₃: a sine ridge splitting in two.
    U3,
    /// U₄: a sine ridge with a step.
    U4,
}

/// One of the Rezende–Mohamed energies, normalised over [−4, 4]².
#[derive(Clone, Debug)]
pub struct Energy {
    kind: EnergyKind,
    log_z: f64,
}

/// w₁ and its first and second derivatives.
fn w1(z1: f64) -> (f64, f64, f64) {
    let a = PI * z1 / 2.0;
    let sin = libm::sin(a);
    (sin, PI / 2.0 * libm::cos(a), -(PI * PI / 4.0) * sin)
}

/// −U(z), its gradient and its Hessian (one place for each formula: callers wanting less
/// drop the rest; the extra products are negligible beside the exp and log calls).
fn neg_energy(kind: EnergyKind, z: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
    let [z1, z2] = z;
    match kind {
        EnergyKind::U1 => {
            let r = libm::hypot(z1, z2);
            let ring = -0.5 * ((r - 2.0) / 0.4).powi(2);
            // The ring term has a cone at the origin (not differentiable); take 0 there, for
            // its gradient and for its Hessian (which grows like 1/r towards the cone and has
            // no value there: any finite value will do at that single point).
            // Away from it ∇ring = d(r) z with d = −(r − 2)/(0.16 r) = −(1 − 2/r)/0.16, so
            // ∇²ring = d I + (d′(r)/r) z zᵀ with d′(r)/r = −2/(0.16 r³).
            let (d_ring, bend) = if r > 0.0 {
                (-(r - 2.0) / (0.16 * r), -2.0 / (0.16 * r * r * r))
            } else {
                (0.0, 0.0)
            };
            let (a, b) = (
                -0.5 * ((z1 - 2.0) / 0.6).powi(2),
                -0.5 * ((z1 + 2.0) / 0.6).powi(2),
            );
            let lobes = log_add_exp(a, b);
            let (pa, pb) = (libm::exp(a - lobes), libm::exp(b - lobes));
            let d_lobes = -(pa * (z1 - 2.0) + pb * (z1 + 2.0)) / 0.36;
            // Of a log-sum-exp of two exponents: Σ p a″ + pa pb (a′ − b′)², here with
            // a″ = b″ = −1/0.36 and a′ − b′ = 4/0.36.
            let dd_lobes = -1.0 / 0.36 + pa * pb * (4.0 / 0.36) * (4.0 / 0.36);
            let xy = bend * z1 * z2;
            (
                ring + lobes,
                [d_ring * z1 + d_lobes, d_ring * z2],
                [
                    [d_ring + bend * z1 * z1 + dd_lobes, xy],
                    [xy, d_ring + bend * z2 * z2],
                ],
            )
        }
        EnergyKind::U2 => {
            let (w, dw, ddw) = w1(z1);
            let u = (z2 - w) / 0.4;
            // ∂u/∂z = (−w₁′, 1)/0.4, ∂²u/∂z₁² = −w₁″/0.4.
            (
                -0.5 * u * u,
                [u / 0.4 * dw, -u / 0.4],
                [
                    [-dw * dw / 0.16 + u * ddw / 0.4, dw / 0.16],
                    [dw / 0.16, -1.0 / 0.16],
                ],
            )
        }
        EnergyKind::U3 | EnergyKind::U4 => {
            let (w, dw, ddw) = w1(z1);
            // Second branch: offset o(z₁) (w₂ or w₃) with its first two derivatives, and the
            // two widths.
            let (o, d_o, dd_o, sa, sb) = if kind == EnergyKind::U3 {
                let o = 3.0 * libm::exp(-0.5 * ((z1 - 1.0) / 0.6).powi(2));
                let x = (z1 - 1.0) / 0.36;
                // o″ = −o′ x − o/0.36 = o (x² − 1/0.36).
                (
                    o,
                    -o * (z1 - 1.0) / 0.36,
                    o * (x * x - 1.0 / 0.36),
                    0.35,
                    0.35,
                )
            } else {
                let s = sigmoid((z1 - 1.0) / 0.3);
                // σ′ = σ(1 − σ), σ″ = σ(1 − σ)(1 − 2σ), over 0.3 per derivative.
                (
                    3.0 * s,
                    3.0 * s * (1.0 - s) / 0.3,
                    3.0 * s * (1.0 - s) * (1.0 - 2.0 * s) / 0.09,
                    0.4,
                    0.35,
                )
            };
            let (a, b) = ((z2 - w) / sa, (z2 - w + o) / sb);
            let v = log_add_exp(-0.5 * a * a, -0.5 * b * b);
            let (pa, pb) = (libm::exp(-0.5 * a * a - v), libm::exp(-0.5 * b * b - v));
            // ∂a/∂z = (−w₁′, 1)/sa, ∂b/∂z = (−w₁′ + o′, 1)/sb.
            let (ga, gb) = ([-dw / sa, 1.0 / sa], [(-dw + d_o) / sb, 1.0 / sb]);
            let g1 = -pa * a * ga[0] - pb * b * gb[0];
            let g2 = -pa * a / sa - pb * b / sb;
            // Branch exponents α = −a²/2, β = −b²/2: ∇²α = −∇a∇aᵀ − a ∇²a with
            // ∇²a = [[−w₁″/sa, 0], [0, 0]], ∇²b = [[(−w₁″ + o″)/sb, 0], [0, 0]]; their
            // log-sum-exp has Hessian pa ∇²α + pb ∇²β + pa pb (∇α − ∇β)(∇α − ∇β)ᵀ.
            let gap = [-a * ga[0] + b * gb[0], -a * ga[1] + b * gb[1]];
            let mix = pa * pb;
            let h = |k: usize, l: usize| {
                -pa * ga[k] * ga[l] - pb * gb[k] * gb[l] + mix * gap[k] * gap[l]
            };
            let curv = -pa * a * (-ddw / sa) - pb * b * ((-ddw + dd_o) / sb);
            let xy = h(0, 1);
            (v, [g1, g2], [[h(0, 0) + curv, xy], [xy, h(1, 1)]])
        }
    }
}

impl Energy {
    /// The energy `kind`, normalised over the box by quadrature (64² panels of 4² nodes,
    /// panel side 0.125 against features of width ≥ 0.35: accurate to ~1e−10).
    pub fn new(kind: EnergyKind) -> Self {
        let log_z = log_integrate_exp_box(Bounds::square(4.0), 64, |z| neg_energy(kind, z).0);
        Self { kind, log_z }
    }

    /// ln of a bound on e^{−U} over the plane: e^{−U₁} ≤ 1 + e^{−4/0.72} (the ring factor is
    /// ≤ 1, and on either side of z₁ = 0 the far lobe's term is at most its value 2 away from
    /// its centre), e^{−U₂} ≤ 1, and e^{−U₃}, e^{−U₄} ≤ 2 (sums of two terms ≤ 1).
    fn log_bound(&self) -> f64 {
        match self.kind {
            EnergyKind::U1 => libm::log1p(libm::exp(-4.0 / 0.72)),
            EnergyKind::U2 => 0.0,
            EnergyKind::U3 | EnergyKind::U4 => libm::log(2.0),
        }
    }
}

impl Target for Energy {
    fn id(&self) -> &str {
        match self.kind {
            EnergyKind::U1 => "u1",
            EnergyKind::U2 => "u2",
            EnergyKind::U3 => "u3",
            EnergyKind::U4 => "u4",
        }
    }
    fn name(&self) -> &str {
        match self.kind {
            EnergyKind::U1 => "Energy U₁ (ring)",
            EnergyKind::U2 => "Energy U₂ (wave)",
            EnergyKind::U3 => "Energy U₃ (split wave)",
            EnergyKind::U4 => "Energy U₄ (stepped wave)",
        }
    }
    fn caption(&self) -> &str {
        match self.kind {
            EnergyKind::U1 => {
                "Rezende & Mohamed (2015) energy U₁, a ring with two lobes; restricted to \
                 [−4, 4]² and normalised there by quadrature."
            }
            EnergyKind::U2 => {
                "Rezende & Mohamed (2015) energy U₂, a sine-shaped ridge; not normalisable, so \
                 restricted to [−4, 4]² and normalised there by quadrature."
            }
            EnergyKind::U3 => {
                "Rezende & Mohamed (2015) energy U₃, a ridge that splits in two; restricted to \
                 [−4, 4]² and normalised there by quadrature."
            }
            EnergyKind::U4 => {
                "Rezende & Mohamed (2015) energy U₄, a ridge with a step; restricted to \
                 [−4, 4]² and normalised there by quadrature."
            }
        }
    }
    fn bounds(&self) -> Bounds {
        Bounds::square(4.0)
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        neg_energy(self.kind, q).0 - self.log_z
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        neg_energy(self.kind, q).1
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        neg_energy(self.kind, q).2
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        let kind = self.kind;
        rejection_in_box(
            rng,
            self.bounds(),
            self.log_bound(),
            |z| neg_energy(kind, z).0,
            out,
        );
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        DENSITY_FIRST
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energies_match_the_table_formulas() {
        // The plain (overflow-prone) formulas of docs/TARGETS.md at moderate points.
        let w1 = |z1: f64| libm::sin(2.0 * PI * z1 / 4.0);
        let w2 = |z1: f64| 3.0 * libm::exp(-0.5 * ((z1 - 1.0) / 0.6).powi(2));
        let w3 = |z1: f64| 3.0 / (1.0 + libm::exp(-(z1 - 1.0) / 0.3));
        let e = |x: f64| libm::exp(x);
        for [z1, z2] in [[0.3, -1.2], [1.7, 0.4], [-2.5, 2.0]] {
            let r = libm::hypot(z1, z2);
            let u1 = 0.5 * ((r - 2.0) / 0.4).powi(2)
                - libm::log(
                    e(-0.5 * ((z1 - 2.0) / 0.6).powi(2)) + e(-0.5 * ((z1 + 2.0) / 0.6).powi(2)),
                );
            let u2 = 0.5 * ((z2 - w1(z1)) / 0.4).powi(2);
            let u3 = -libm::log(
                e(-0.5 * ((z2 - w1(z1)) / 0.35).powi(2))
                    + e(-0.5 * ((z2 - w1(z1) + w2(z1)) / 0.35).powi(2)),
            );
            let u4 = -libm::log(
                e(-0.5 * ((z2 - w1(z1)) / 0.4).powi(2))
                    + e(-0.5 * ((z2 - w1(z1) + w3(z1)) / 0.35).powi(2)),
            );
            for (kind, u) in [
                (EnergyKind::U1, u1),
                (EnergyKind::U2, u2),
                (EnergyKind::U3, u3),
                (EnergyKind::U4, u4),
            ] {
                let ours = neg_energy(kind, [z1, z2]).0;
                assert!(
                    (ours + u).abs() < 1e-12,
                    "{kind:?} at ({z1}, {z2}): {ours} vs {}",
                    -u
                );
            }
        }
    }

    #[test]
    fn bounds_hold_on_a_fine_grid() {
        for kind in [
            EnergyKind::U1,
            EnergyKind::U2,
            EnergyKind::U3,
            EnergyKind::U4,
        ] {
            let e = Energy::new(kind);
            for i in 0..=400 {
                for j in 0..=400 {
                    let z = [-4.0 + 0.02 * f64::from(i), -4.0 + 0.02 * f64::from(j)];
                    assert!(
                        neg_energy(kind, z).0 <= e.log_bound() + 1e-12,
                        "{kind:?} {z:?}"
                    );
                }
            }
        }
    }
}
