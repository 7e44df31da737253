//! The doubly reparameterised gradient (docs/MATH.md §3d) checked three ways: the tangent pass
//! against central differences of the flow, the flow's symplecticity (which turns J⁻ᵀ into a
//! tangent), and the whole estimate against the exact derivative of its surrogate loss, written
//! out here separately from the engine's loss (dual numbers and f64 central differences).

use num_dual::Dual64;

use super::super::base::Base;
use super::super::encoder::{Encoder, EncoderCache};
use super::super::leapfrog::{self, Direction, FlowParams, TileWork};
use super::super::mlp::{Lane, TILE, zeros};
use super::super::objective::LN_2PI;
use super::super::workspace::load;
use super::*;

/// The flow's tape and transposed weights for `params`, run forward on the first tile of `c`'s
/// points from the base; returns (q₀, p₀, q_T, p_T).
type State = [Lane<f64>; 2];

fn run_tile(c: &Case, w2t: &[f64], work: &mut TileWork<f64>) -> (State, State, State, State) {
    let fp = FlowParams {
        params: &c.params,
        w2t,
        layout: &c.layout,
        config: &c.config,
    };
    let (x0, p0) = (load::<f64>(&c.a, 0), load::<f64>(&c.b, 0));
    let (mut x, mut p) = (x0, p0);
    leapfrog::forward(
        &fp,
        Direction::Generate,
        &mut x,
        &mut p,
        work,
        |_, _, _, _| {},
    );
    (x0, p0, x, p)
}

fn transposed(c: &Case) -> Vec<f64> {
    let w = c.config.width;
    let mut w2t = vec![0.0; leapfrog::mlp_count(&c.config) * w * w];
    leapfrog::transpose_all(&c.params, &c.layout, &mut w2t);
    w2t
}

/// J·v for every point of the first tile, by the tangent pass.
fn jvp(c: &Case, v: (State, State)) -> (State, State) {
    let w2t = transposed(c);
    let mut work = TileWork::new(&c.config);
    run_tile(c, &w2t, &mut work);
    let fp = FlowParams {
        params: &c.params,
        w2t: &w2t,
        layout: &c.layout,
        config: &c.config,
    };
    let (mut dx, mut dp) = v;
    leapfrog::tangent(&fp, Direction::Generate, &mut dx, &mut dp, &mut work);
    (dx, dp)
}

fn flow_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
        for (blocks, steps, act) in [
            (1, 1, Activation::Tanh),
            (3, 2, Activation::Sine),
            (2, 10, Activation::Softplus),
        ] {
            out.push(case(Objective::Density, kinetic, blocks, steps, act));
        }
    }
    out
}

/// The unit vector along coordinate `i` of (q, p) for every point.
fn unit(i: usize) -> (State, State) {
    let (mut dx, mut dp) = ([zeros(); 2], [zeros(); 2]);
    for t in 0..TILE {
        if i < 2 {
            dx[i][t] = 1.0;
        } else {
            dp[i - 2][t] = 1.0;
        }
    }
    (dx, dp)
}

#[test]
fn the_tangent_pass_matches_differences_of_the_flow() {
    for c in flow_cases() {
        let w2t = transposed(&c);
        let mut work = TileWork::new(&c.config);
        let h = 1e-5;
        for i in 0..4 {
            let (dx, dp) = jvp(&c, unit(i));
            // Central differences of the end state along coordinate i of the start.
            let mut shifted = |s: f64| {
                let mut c2 = c.clone();
                let points = if i < 2 { &mut c2.a } else { &mut c2.b };
                for pt in &mut points[..TILE] {
                    pt[i % 2] += s * h;
                }
                run_tile(&c2, &w2t, &mut work)
            };
            let (_, _, xa, pa) = shifted(1.0);
            let (_, _, xb, pb) = shifted(-1.0);
            for t in 0..TILE {
                for d in 0..2 {
                    for (got, a, b) in [
                        (dx[d][t], xa[d][t], xb[d][t]),
                        (dp[d][t], pa[d][t], pb[d][t]),
                    ] {
                        let fd = (a - b) / (2.0 * h);
                        assert!(
                            (got - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
                            "{:?} {:?} K={} L={}: column {i}, point {t}: tangent {got}, fd {fd}",
                            c.config.kinetic,
                            c.config.activation,
                            c.config.blocks,
                            c.config.leapfrog_steps
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_flow_is_symplectic_so_its_inverse_transpose_is_a_tangent() {
    // JᵀΩJ = Ω at every point, J from the tangent pass: the identity J⁻ᵀ = ΩJΩᵀ the estimate
    // rests on (§3d), for both kinetic energies and every activation.
    for c in flow_cases() {
        let cols: Vec<(State, State)> = (0..4).map(|i| jvp(&c, unit(i))).collect();
        for t in 0..TILE {
            let col = |i: usize| {
                let (dx, dp) = &cols[i];
                [dx[0][t], dx[1][t], dp[0][t], dp[1][t]]
            };
            for i in 0..4 {
                for j in 0..4 {
                    // (JᵀΩJ)ᵢⱼ = colᵢ · Ω colⱼ, Ω(a, b) = (b, −a).
                    let (u, v) = (col(i), col(j));
                    let got = u[0] * v[2] + u[1] * v[3] - u[2] * v[0] - u[3] * v[1];
                    let want = match (i, j) {
                        (0, 2) | (1, 3) => 1.0,
                        (2, 0) | (3, 1) => -1.0,
                        _ => 0.0,
                    };
                    assert!(
                        (got - want).abs() < 1e-10,
                        "{:?} {:?}: (JᵀΩJ)[{i}][{j}] = {got} at point {t}",
                        c.config.kinetic,
                        c.config.activation
                    );
                }
            }
        }
    }
}

/// log r(p_T | q_T) of the flow in `params`, on a tile: the reverse model, or the kinetic
/// Gaussian (docs/MATH.md §2b).
fn log_r<T: Real>(c: &Case, params: &[T], x: &State2<T>, p: &State2<T>) -> Lane<T> {
    let ln_2pi = T::from_f64(LN_2PI);
    let half = T::from_f64(0.5);
    let mut out = [T::zero(); TILE];
    if let Some(r) = c.layout.encoder() {
        let mut cache = EncoderCache::new(c.config.encoder_width);
        let g =
            Encoder::new(&params[r], c.config.encoder_width).forward([&x[0], &x[1]], &mut cache);
        for t in 0..TILE {
            out[t] = -ln_2pi;
            for d in 0..2 {
                let u = (p[d][t] - g.mu[d][t]) * (-g.log_sigma[d][t]).exp();
                out[t] -= half * u * u + g.log_sigma[d][t];
            }
        }
        return out;
    }
    for t in 0..TILE {
        let p2 = p[0][t] * p[0][t] + p[1][t] * p[1][t];
        out[t] = match c.layout.kinetic_scale() {
            Some(i) => -half * params[i] * params[i] * p2 + (params[i] * params[i]).ln() - ln_2pi,
            None => -half * p2 - ln_2pi,
        };
    }
    out
}

type State2<T> = [Lane<T>; 2];

/// The surrogate whose gradient at `params` = `frozen` is the doubly reparameterised estimate:
/// Σₛ (wₛ²|g|/B)·[−β log π̃(z) − log r_ψ̄(z) + log q_θ̄(z)] + Σₛ (wₛ|g|/B)·[−log r_ψ(z̄)], with
/// z = G_θ(base_φ(ε)), the barred quantities and the weights wₛ frozen at `frozen`, and
/// log q_θ̄(z) = log π₀(G⁻¹_θ̄(z)) computed by running the frozen flow backwards.
fn surrogate<T: Real>(c: &Case, frozen: &[f64], params: &[T]) -> T {
    let fro: Vec<T> = frozen.iter().map(|&v| T::from_f64(v)).collect();
    let w = c.config.width;
    let mut w2t = vec![T::zero(); leapfrog::mlp_count(&c.config) * w * w];
    let mut w2t_f = w2t.clone();
    leapfrog::transpose_all(params, &c.layout, &mut w2t);
    leapfrog::transpose_all(&fro, &c.layout, &mut w2t_f);
    let fp = FlowParams {
        params,
        w2t: &w2t,
        layout: &c.layout,
        config: &c.config,
    };
    let fp_f = FlowParams {
        params: &fro,
        w2t: &w2t_f,
        layout: &c.layout,
        config: &c.config,
    };
    let (base, base_f) = (Base::of(params, &c.layout), Base::of(&fro, &c.layout));
    let mut work = TileWork::new(&c.config);
    let n = c.a.len();
    let inv_b = 1.0 / n as f64;
    let beta = T::from_f64(c.beta);
    let mut total = T::zero();
    for start in (0..n).step_by(TILE) {
        let live = (n - start).min(TILE);
        let (eq, ep) = (load::<T>(&c.a, start), load::<T>(&c.b, start));
        let from_base = |b: &Base<T>| {
            let (mut x, mut p) = ([[T::zero(); TILE]; 2], [[T::zero(); TILE]; 2]);
            for t in 0..TILE {
                let (q, m) = b.from_noise([eq[0][t], eq[1][t]], [ep[0][t], ep[1][t]]);
                (x[0][t], x[1][t], p[0][t], p[1][t]) = (q[0], q[1], m[0], m[1]);
            }
            (x, p)
        };
        // The live flow's end state z, and the frozen flow's z̄ (its losses give the weights).
        let (mut x, mut p) = from_base(&base);
        leapfrog::forward(
            &fp,
            Direction::Generate,
            &mut x,
            &mut p,
            &mut work,
            |_, _, _, _| {},
        );
        let (x0f, p0f) = from_base(&base_f);
        let (mut xf, mut pf) = (x0f, p0f);
        leapfrog::forward(
            &fp_f,
            Direction::Generate,
            &mut xf,
            &mut pf,
            &mut work,
            |_, _, _, _| {},
        );
        // log q_θ̄(z): back through the frozen flow, then the frozen base's log density.
        let (mut xi, mut pi) = (x, p);
        leapfrog::forward(
            &fp_f,
            Direction::Normalize,
            &mut xi,
            &mut pi,
            &mut work,
            |_, _, _, _| {},
        );
        let (r_path, r_direct, r_frozen) = (
            log_r(c, &fro, &x, &p),
            log_r(c, params, &xf, &pf),
            log_r(c, &fro, &xf, &pf),
        );
        let log_target = |x: &State2<T>, t: usize| {
            let q = [x[0][t].to_f64(), x[1][t].to_f64()];
            let g = TestBanana.grad_log_prob(q);
            // Exact to first order in the dual part: value + ∇ · (x − x̄).
            T::from_f64(TestBanana.log_prob(q))
                + T::from_f64(g[0]) * (x[0][t] - T::from_f64(q[0]))
                + T::from_f64(g[1]) * (x[1][t] - T::from_f64(q[1]))
        };
        let mut losses = [0.0; TILE];
        for (t, l) in losses.iter_mut().enumerate().take(live) {
            let lp0 = base_f.log_prob([x0f[0][t], x0f[1][t]], [p0f[0][t], p0f[1][t]]);
            *l = (lp0 - beta * log_target(&xf, t) - r_frozen[t]).to_f64();
        }
        let draws = c.groups.draws;
        for group in (0..live).step_by(draws) {
            let g = group..(group + draws).min(live);
            let low = losses[g.clone()]
                .iter()
                .cloned()
                .fold(f64::INFINITY, f64::min);
            let sum: f64 = losses[g.clone()].iter().map(|l| (low - l).exp()).sum();
            for t in g.clone() {
                let ws = (low - losses[t]).exp() / sum;
                let size = g.len() as f64;
                let log_q = base_f.log_prob([xi[0][t], xi[1][t]], [pi[0][t], pi[1][t]]);
                let path = -beta * log_target(&x, t) - r_path[t] + log_q;
                total += T::from_f64(size * ws * ws * inv_b) * path
                    - T::from_f64(size * ws * inv_b) * r_direct[t];
            }
        }
    }
    total
}

#[test]
fn the_doubly_reparameterised_gradient_is_its_surrogates_exact_derivative() {
    // Every parameter group, both kinetic energies, the kinetic Gaussian and the reverse
    // model, the standard and the learnable base, annealing, single draws (the "sticking the
    // landing" gradient) and groups with a short last one (13 draws).
    for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
        for (draws, blocks, steps, base, beta, momentum, act) in [
            (
                1,
                1,
                2,
                BaseKind::Learned,
                1.0,
                MomentumModel::Encoder,
                Activation::Tanh,
            ),
            (
                4,
                3,
                2,
                BaseKind::Learned,
                0.37,
                MomentumModel::Encoder,
                Activation::Sine,
            ),
            (
                2,
                1,
                10,
                BaseKind::Standard,
                0.8,
                MomentumModel::Kinetic,
                Activation::Tanh,
            ),
            (
                8,
                2,
                1,
                BaseKind::Standard,
                1.0,
                MomentumModel::Encoder,
                Activation::Tanh,
            ),
            (
                4,
                1,
                3,
                BaseKind::Learned,
                1.0,
                MomentumModel::Kinetic,
                Activation::Tanh,
            ),
        ] {
            let mut c = case_with(Objective::Density, kinetic, blocks, steps, act, base, beta);
            c.groups = Groups {
                draws,
                mix: 1.0,
                dreg: true,
            };
            c.config.momentum = momentum;
            relayout(&mut c, 79);
            // Smaller weights than the other checks: random full-size weights spread the 13
            // draws' losses by hundreds, so one draw per group would carry all the weight and
            // the squared weights would equal the plain ones, testing nothing that differs.
            for v in &mut c.params {
                *v *= 0.5;
            }
            if let Some(i) = c.layout.kinetic_scale() {
                c.params[i] = 1.3;
            }
            let mut grad = vec![0.0; c.layout.len()];
            loss(&c, &c.params, Some(&mut grad));
            check_against(
                &c,
                &grad,
                |p: &[f64]| surrogate(&c, &c.params, p),
                |p: &[Dual64]| surrogate(&c, &c.params, p),
                11,
            );
        }
    }
}

#[test]
fn the_doubly_reparameterised_gradient_differs_from_the_standard_one_and_keeps_the_loss() {
    // Per draw the two estimates differ (the score term is left out, the weights squared):
    // were the flag ignored, the surrogate check above could pass only by coincidence, and this
    // one fails. The loss itself is the same number.
    let mut c = case_with(
        Objective::Density,
        Kinetic::Fixed,
        2,
        2,
        Activation::Tanh,
        BaseKind::Learned,
        1.0,
    );
    c.config.momentum = MomentumModel::Encoder;
    relayout(&mut c, 80);
    let mut standard = vec![0.0; c.layout.len()];
    c.groups = Groups {
        draws: 4,
        mix: 1.0,
        dreg: false,
    };
    let l_standard = loss(&c, &c.params, Some(&mut standard));
    c.groups.dreg = true;
    let mut dreg = vec![0.0; c.layout.len()];
    let l_dreg = loss(&c, &c.params, Some(&mut dreg));
    assert_eq!(l_standard, l_dreg);
    let diff: f64 = standard.iter().zip(&dreg).map(|(a, b)| (a - b).abs()).sum();
    let norm: f64 = standard.iter().map(|a| a.abs()).sum();
    assert!(diff > 1e-3 * norm, "estimates differ by {diff} of {norm}");
}
