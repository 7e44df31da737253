//! The exact gradients (docs/MATH.md §3) checked against f64 central differences and against exact
//! forward-mode derivatives with dual numbers, for every parameter group, both objectives,
//! both kinetic energies, L ∈ {1, 2, 10} and K ∈ {1, 3} (docs/MATH.md §3c).

use num_dual::{Dual64, DualNum};

use super::config::{Activation, BaseKind, FlowConfig, Kinetic, MomentumModel, Objective};
use super::layout::Layout;
use super::objective::{Groups, Inputs, Workspace, loss_and_grad};
use super::real::Real;
use crate::rng::Rng;
use crate::targets::Target;
use test_banana::TestBanana;

impl Real for Dual64 {
    type V = crate::nhf::lanes::ArrayLanes<Dual64>;
    type AvxV = crate::nhf::lanes::ArrayLanes<Dual64>;
    type FmaV = crate::nhf::lanes::ArrayLanes<Dual64>;
    type Avx512V = crate::nhf::lanes::ArrayLanes<Dual64>;
    type Fma512V = crate::nhf::lanes::ArrayLanes<Dual64>;
    fn from_f64(x: f64) -> Self {
        Dual64::from_re(x)
    }
    fn to_f64(self) -> f64 {
        self.re
    }
    fn tanh(self) -> Self {
        DualNum::tanh(&self)
    }
    fn sin_cos(self) -> (Self, Self) {
        DualNum::sin_cos(&self)
    }
    fn exp(self) -> Self {
        DualNum::exp(&self)
    }
    fn ln(self) -> Self {
        DualNum::ln(&self)
    }
    fn is_finite(self) -> bool {
        self.re.is_finite() && self.eps.is_finite()
    }
}

#[derive(Clone)]
struct Case {
    config: FlowConfig,
    /// The density objective's annealing weight β.
    beta: f64,
    /// How the density objective scores its draws (group size S and mix α).
    groups: Groups,
    layout: Layout,
    params: Vec<f64>,
    a: Vec<[f64; 2]>,
    b: Vec<[f64; 2]>,
}

fn case(
    objective: Objective,
    kinetic: Kinetic,
    blocks: usize,
    steps: usize,
    act: Activation,
) -> Case {
    case_with(
        objective,
        kinetic,
        blocks,
        steps,
        act,
        BaseKind::Standard,
        1.0,
    )
}

fn case_with(
    objective: Objective,
    kinetic: Kinetic,
    blocks: usize,
    steps: usize,
    act: Activation,
    base: BaseKind,
    beta: f64,
) -> Case {
    let config = FlowConfig {
        blocks,
        leapfrog_steps: steps,
        dt: 0.15,
        width: 6,
        encoder_width: 5,
        activation: act,
        kinetic,
        objective,
        base,
        momentum: MomentumModel::Kinetic,
    };
    let layout = Layout::new(&config);
    let mut rng = Rng::seed_from_u64(42 + blocks as u64 * 7 + steps as u64);
    // Full-size random weights (not the small initial output layer) so the potentials are
    // genuinely curved and every term of the adjoint matters.
    let mut params: Vec<f64> = (0..layout.len()).map(|_| 0.6 * rng.normal()).collect();
    if let Some(i) = layout.kinetic_scale() {
        params[i] = 1.3;
    }
    // 13 points: one full tile and a partial one, so padding is exercised too.
    let a = (0..13)
        .map(|_| [1.5 * rng.normal(), 1.5 * rng.normal()])
        .collect();
    let b = (0..13).map(|_| [rng.normal(), rng.normal()]).collect();
    Case {
        config,
        beta,
        groups: Groups::PLAIN,
        layout,
        params,
        a,
        b,
    }
}

/// After a change to `c.config`: its layout again, and full-size random parameters for it
/// (seeded by `seed`), the kinetic scale at 1.3 as in [`case_with`].
fn relayout(c: &mut Case, seed: u64) {
    c.layout = Layout::new(&c.config);
    let mut rng = Rng::seed_from_u64(seed);
    c.params = (0..c.layout.len()).map(|_| 0.6 * rng.normal()).collect();
    if let Some(i) = c.layout.kinetic_scale() {
        c.params[i] = 1.3;
    }
}

fn loss<T: Real>(c: &Case, params: &[T], grad: Option<&mut [T]>) -> T {
    let mut ws = Workspace::<T>::new(&c.config);
    let inputs = match c.config.objective {
        Objective::Samples => Inputs::Samples {
            data: &c.a,
            eps: &c.b,
        },
        Objective::Density => Inputs::Density {
            q0: &c.a,
            p0: &c.b,
            target: &TestBanana,
            beta: c.beta,
            groups: c.groups,
        },
    };
    loss_and_grad(params, &c.config, &c.layout, &inputs, &mut ws, grad)
}

/// Checks every parameter group along a random direction; returns the worst relative errors
/// (dual numbers, central differences).
fn check(c: &Case) -> (f64, f64) {
    let mut grad = vec![0.0; c.layout.len()];
    let l0 = loss(c, &c.params, Some(&mut grad));
    let l_plain: f64 = loss(c, &c.params, None);
    assert!(
        (l0 - l_plain).abs() <= 1e-12 * l0.abs().max(1.0),
        "loss with and without gradient differ"
    );
    check_against(
        c,
        &grad,
        |p: &[f64]| loss(c, p, None),
        |p: &[Dual64]| loss(c, p, None),
        9,
    )
}

/// Checks `grad` against the exact derivative (dual numbers) and the five-point difference of
/// `value` (its f64 and dual forms) along a random direction in every parameter group (seeded
/// by `seed`); returns the worst relative errors.
fn check_against(
    c: &Case,
    grad: &[f64],
    value: impl Fn(&[f64]) -> f64,
    value_dual: impl Fn(&[Dual64]) -> Dual64,
    seed: u64,
) -> (f64, f64) {
    let mut rng = Rng::seed_from_u64(seed);
    let (mut worst_dual, mut worst_fd) = (0.0f64, 0.0f64);
    for group in c.layout.groups() {
        let mut v = vec![0.0; c.layout.len()];
        for i in group.range.clone() {
            v[i] = rng.normal();
        }
        let analytic: f64 = grad.iter().zip(&v).map(|(g, v)| g * v).sum();
        let dual_params: Vec<Dual64> = c
            .params
            .iter()
            .zip(&v)
            .map(|(p, v)| Dual64::new(*p, *v))
            .collect();
        let exact = value_dual(&dual_params).eps;
        // Five-point central differences (truncation error O(h⁴)): the plain two-point
        // stencil's O(h²) error reaches 1e-6 on the long K = 3, L = 10 trajectories.
        let h = 1e-4;
        let at = |s: f64| -> f64 {
            let shifted: Vec<f64> = c
                .params
                .iter()
                .zip(&v)
                .map(|(p, v)| p + s * h * v)
                .collect();
            value(&shifted)
        };
        let fd = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h);
        let scale = exact.abs().max(1e-3);
        let e_dual = (analytic - exact).abs() / scale;
        let e_fd = (analytic - fd).abs() / scale;
        assert!(
            e_dual <= 1e-6 && e_fd <= 1e-6,
            "{} ({:?}, {:?}, K={}, L={}, S={}, {:?}, {:?}): analytic {analytic:.12e}, dual {exact:.12e}, fd {fd:.12e}",
            group.name,
            c.config.objective,
            c.config.kinetic,
            c.config.blocks,
            c.config.leapfrog_steps,
            c.groups.draws,
            c.config.base,
            c.config.momentum
        );
        worst_dual = worst_dual.max(e_dual);
        worst_fd = worst_fd.max(e_fd);
    }
    (worst_dual, worst_fd)
}

fn check_all(objective: Objective, kinetic: Kinetic) {
    for blocks in [1, 3] {
        for steps in [1, 2, 10] {
            let (d, f) = check(&case(objective, kinetic, blocks, steps, Activation::Tanh));
            eprintln!(
                "{objective:?} {kinetic:?} K={blocks} L={steps}: worst rel. error dual {d:.1e}, fd {f:.1e}"
            );
        }
    }
}

#[test]
fn gradient_matches_dual_numbers_and_differences_for_samples_fixed_kinetic() {
    check_all(Objective::Samples, Kinetic::Fixed);
}

#[test]
fn gradient_matches_dual_numbers_and_differences_for_samples_learned_kinetic() {
    check_all(Objective::Samples, Kinetic::Learned);
}

#[test]
fn gradient_matches_dual_numbers_and_differences_for_density_fixed_kinetic() {
    check_all(Objective::Density, Kinetic::Fixed);
}

#[test]
fn gradient_matches_dual_numbers_and_differences_for_density_learned_kinetic() {
    check_all(Objective::Density, Kinetic::Learned);
}

#[test]
fn gradient_matches_dual_numbers_with_softplus() {
    for objective in [Objective::Samples, Objective::Density] {
        for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
            check(&case(objective, kinetic, 3, 2, Activation::Softplus));
        }
    }
}

#[test]
fn gradient_matches_dual_numbers_with_a_sine_first_layer() {
    for objective in [Objective::Samples, Objective::Density] {
        for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
            check(&case(objective, kinetic, 3, 2, Activation::Sine));
        }
    }
}

#[test]
fn gradient_matches_dual_numbers_with_a_learnable_base_and_annealing() {
    // Every group, the base's m, ℓ_q and ℓ_p included (random, not their zero initial values),
    // for both objectives and kinetic energies; β < 1 on the density objective.
    for objective in [Objective::Samples, Objective::Density] {
        for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
            for (blocks, steps) in [(1, 1), (3, 2), (1, 10)] {
                let (d, f) = check(&case_with(
                    objective,
                    kinetic,
                    blocks,
                    steps,
                    Activation::Tanh,
                    BaseKind::Learned,
                    0.37,
                ));
                eprintln!(
                    "learned base {objective:?} {kinetic:?} K={blocks} L={steps}: dual {d:.1e}, fd {f:.1e}"
                );
            }
        }
    }
}

#[test]
fn gradient_matches_dual_numbers_with_the_reverse_momentum_model() {
    // Density objective with r_ψ(p_T | q_T): the encoder's weights, and the q_T path through
    // it into the flow's adjoint, for both kinetic energies, with and without the learnable
    // base, and with annealing.
    for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
        for (blocks, steps, base, beta) in [
            (1, 1, BaseKind::Standard, 1.0),
            (3, 2, BaseKind::Learned, 0.37),
            (1, 10, BaseKind::Standard, 0.8),
        ] {
            let mut c = case_with(
                Objective::Density,
                kinetic,
                blocks,
                steps,
                Activation::Tanh,
                base,
                beta,
            );
            c.config.momentum = MomentumModel::Encoder;
            relayout(&mut c, 77);
            assert!(c.layout.encoder().is_some());
            let (d, f) = check(&c);
            eprintln!("reverse model {kinetic:?} K={blocks} L={steps}: dual {d:.1e}, fd {f:.1e}");
        }
    }
}

#[test]
fn gradient_matches_dual_numbers_with_the_importance_weighted_bound() {
    // Density objective scored by groups of S draws (§2b): 13 points make full groups and a
    // short last one. Both kinetic energies, with and without the reverse model, the
    // learnable base, annealing and a mix α with the plain loss.
    for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
        for (draws, mix, blocks, steps, base, beta, momentum) in [
            (
                2,
                1.0,
                1,
                1,
                BaseKind::Standard,
                1.0,
                MomentumModel::Kinetic,
            ),
            (
                4,
                1.0,
                3,
                2,
                BaseKind::Learned,
                0.37,
                MomentumModel::Encoder,
            ),
            (
                8,
                1.0,
                1,
                10,
                BaseKind::Standard,
                0.8,
                MomentumModel::Encoder,
            ),
            (4, 1.0, 1, 2, BaseKind::Learned, 1.0, MomentumModel::Kinetic),
            (
                4,
                0.5,
                3,
                2,
                BaseKind::Learned,
                0.37,
                MomentumModel::Encoder,
            ),
            (
                8,
                0.2,
                1,
                3,
                BaseKind::Standard,
                1.0,
                MomentumModel::Kinetic,
            ),
        ] {
            let mut c = case_with(
                Objective::Density,
                kinetic,
                blocks,
                steps,
                Activation::Tanh,
                base,
                beta,
            );
            c.groups = Groups {
                draws,
                mix,
                dreg: false,
            };
            c.config.momentum = momentum;
            relayout(&mut c, 78);
            let (d, f) = check(&c);
            eprintln!(
                "IW S={draws} α={mix} {kinetic:?} K={blocks} L={steps}: dual {d:.1e}, fd {f:.1e}"
            );
        }
    }
}

#[test]
fn test_banana_hessian_matches_differences_of_its_gradient() {
    // The gradient is a cubic in q₀ (its largest third derivative, (4/3) · 1.28 · 6 ≈ 10, from
    // gy₁ · 1.6 q₀), so central differences are off by h² · 10 / 6 ≈ 2e−10 plus rounding
    // ~1e−16 |g| / h ≈ 1e−10.
    let h = 1e-5;
    for q in [[0.3, -0.7], [-1.9, 2.2], [2.5, 0.4]] {
        let hess = TestBanana.hessian_log_prob(q);
        for k in 0..2 {
            let (mut a, mut b) = (q, q);
            a[k] += h;
            b[k] -= h;
            let (ga, gb) = (TestBanana.grad_log_prob(a), TestBanana.grad_log_prob(b));
            for m in 0..2 {
                let fd = (ga[m] - gb[m]) / (2.0 * h);
                assert!(
                    (hess[m][k] - fd).abs() < 1e-7 * (1.0 + fd.abs()),
                    "{q:?} [{m}][{k}]: {} vs {fd}",
                    hess[m][k]
                );
            }
        }
    }
}

#[test]
fn f32_gradient_agrees_with_f64_reference() {
    // The training path runs the same code in f32; it must track the f64 reference to f32
    // accuracy (accumulated rounding over 13 points × 3·10 steps: ~1e-4 relative).
    let c = case(Objective::Samples, Kinetic::Fixed, 3, 10, Activation::Tanh);
    let mut g64 = vec![0.0; c.layout.len()];
    loss(&c, &c.params, Some(&mut g64));
    let p32: Vec<f32> = c.params.iter().map(|&p| p as f32).collect();
    let mut g32 = vec![0.0f32; c.layout.len()];
    loss(&c, &p32, Some(&mut g32));
    let num: f64 = g64
        .iter()
        .zip(&g32)
        .map(|(a, b)| (a - f64::from(*b)).powi(2))
        .sum::<f64>()
        .sqrt();
    let den: f64 = g64.iter().map(|a| a * a).sum::<f64>().sqrt();
    assert!(num / den < 1e-4, "relative error {}", num / den);
}

mod dreg;
mod test_banana;
