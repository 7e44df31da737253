//! The fast kernels against the reading copy (see the parent module).

use super::*;
use crate::nhf::config::{BaseKind, MomentumModel, Objective};
use crate::nhf::flow::{Flow, map_points};
use crate::nhf::leapfrog::{self, Direction, FlowParams, TileWork};
use crate::nhf::mlp::{self, ForceCache, Mlp};
use crate::nhf::objective::{Groups, Inputs, Workspace, loss_and_grad};
use crate::rng::Rng;

/// Tolerances: relative to max(|reference|, 1), for the f64 and the f32 fast paths.
const TOL64: f64 = 1e-12;
const TOL32: f64 = 1e-5;

/// The largest error seen, relative to max(|reference|, 1), and the check against a bound.
#[derive(Default)]
struct Worst(f64);

impl Worst {
    fn see(&mut self, got: f64, want: f64, tol: f64, what: &str) {
        let err = (got - want).abs() / want.abs().max(1.0);
        assert!(
            err <= tol,
            "{what}: {got} vs reference {want} (error {err:.1e} > {tol:.0e})"
        );
        self.0 = self.0.max(err);
    }
}

/// Normal points times `scale`, rounded to f32, so that both precisions start from the same
/// values.
fn points(rng: &mut Rng, n: usize, scale: f64) -> Vec<Vec2> {
    let mut r = || f64::from((scale * rng.normal()) as f32);
    (0..n).map(|_| [r(), r()]).collect()
}

/// Weights 0.6·N(0, 1) so the potentials really curve, a = 1.3, a learnable base away from
/// N(0, I); all exactly representable in f32.
fn random_params(layout: &Layout, rng: &mut Rng) -> Vec<f64> {
    let mut p: Vec<f64> = points(rng, layout.len(), 0.6)
        .into_iter()
        .map(|x| x[0])
        .collect();
    p[layout.kinetic_scale().unwrap()] = 1.3;
    p
}

fn config(
    width: usize,
    blocks: usize,
    steps: usize,
    act: Activation,
    base: BaseKind,
) -> FlowConfig {
    FlowConfig {
        blocks,
        leapfrog_steps: steps,
        dt: 0.3,
        width,
        activation: act,
        encoder_width: 5,
        base,
        ..FlowConfig::default()
    }
}

fn close(a: Vec2, b: Vec2, tol: f64) -> bool {
    (a[0] - b[0]).abs() <= tol && (a[1] - b[1]).abs() <= tol
}

#[test]
fn reference_with_zero_parameters_is_the_free_drift() {
    let cfg = config(8, 3, 4, Activation::Tanh, BaseKind::Standard);
    let layout = Layout::new(&cfg);
    let mut params = vec![0.0; layout.len()];
    params[layout.kinetic_scale().unwrap()] = 1.3;
    let flow = ReferenceFlow::new(&cfg, &params);
    // τ = K·L·dt = 3.6, a² = 1.69: q_T = q + τa²p, p_T = p.
    let (q, p) = ([0.7, -1.1], [0.4, 2.0]);
    let want = [0.7 + 3.6 * 1.69 * 0.4, -1.1 + 3.6 * 1.69 * 2.0];
    let (qt, pt) = flow.generate(q, p);
    assert!(
        close(qt, want, 1e-14) && pt == p,
        "{qt:?}, {pt:?} vs {want:?}, {p:?}"
    );
    assert_eq!(
        (flow.potential(1, q), flow.grad_potential(1, q)),
        (0.0, [0.0; 2])
    );
    assert!((flow.energy(2, q, p) - 0.5 * 1.69 * (0.16 + 4.0)).abs() < 1e-15);
    assert!(close(flow.normalize(qt, pt).0, q, 1e-14));
    // The fast f64 path draws the same straight line.
    let (mut qs, mut ps) = (vec![q], vec![p]);
    map_points(
        &params,
        &cfg,
        &layout,
        Direction::Generate,
        &mut qs,
        &mut ps,
        &mut Workspace::new(&cfg),
    );
    assert!(close(qs[0], want, 1e-14));
}

#[test]
fn reference_force_is_the_derivative_of_the_potential_and_the_maps_invert() {
    let mut rng = Rng::seed_from_u64(11);
    for act in [Activation::Tanh, Activation::Softplus, Activation::Sine] {
        let cfg = config(13, 2, 3, act, BaseKind::Learned);
        let params = random_params(&Layout::new(&cfg), &mut rng);
        let flow = ReferenceFlow::new(&cfg, &params);
        for q in points(&mut rng, 20, 1.5) {
            let g = flow.grad_potential(1, q);
            for d in 0..2 {
                let (mut lo, mut hi) = (q, q);
                (lo[d], hi[d]) = (q[d] - 1e-5, q[d] + 1e-5);
                let fd = (flow.potential(1, hi) - flow.potential(1, lo)) / 2e-5;
                assert!(
                    (fd - g[d]).abs() < 1e-7 * g[d].abs().max(1.0),
                    "{act:?}: ∂V/∂q{d} {fd} vs {}",
                    g[d]
                );
            }
            let p = [q[1], -q[0]];
            let (qt, pt) = flow.generate(q, p);
            let (q0, p0) = flow.normalize(qt, pt);
            assert!(
                close(q0, q, 1e-12) && close(p0, p, 1e-12),
                "G⁻¹∘G: {q0:?} {p0:?} vs {q:?} {p:?}"
            );
        }
    }
}

/// The fast f64 path (maps, every leapfrog state, V_k and ∇V_k, both losses) must match the
/// reference to TOL64, the f32 path (the maps, the trajectory's energies, both losses) to
/// TOL32. Prints the worst errors seen (`-- --nocapture`).
#[test]
fn fast_kernels_agree_with_the_reference() {
    let (mut w64, mut w32) = (Worst::default(), Worst::default());
    let target = crate::targets::by_id("banana").unwrap();
    let cases = [
        (8, 1, 1, Activation::Tanh, BaseKind::Standard),
        (13, 3, 2, Activation::Tanh, BaseKind::Standard),
        (8, 2, 4, Activation::Softplus, BaseKind::Standard),
        (13, 1, 3, Activation::Softplus, BaseKind::Learned),
        (8, 3, 1, Activation::Tanh, BaseKind::Learned),
        (13, 2, 2, Activation::Sine, BaseKind::Standard),
    ];
    for (seed, (width, blocks, steps, act, base)) in cases.into_iter().enumerate() {
        let mut rng = Rng::seed_from_u64(seed as u64);
        let mut cfg = config(width, blocks, steps, act, base);
        let layout = Layout::new(&cfg);
        let params = random_params(&layout, &mut rng);
        let p32: Vec<f32> = params.iter().map(|&x| x as f32).collect();
        let fast32 = Flow::from_params(cfg.clone(), p32).unwrap();
        let flow = ReferenceFlow::new(&cfg, &params);
        let (q0, p0) = (points(&mut rng, 13, 1.0), points(&mut rng, 13, 1.0));
        // The maps in both directions, in f64 and in f32, for a full and a padded tile.
        for dir in [Direction::Generate, Direction::Normalize] {
            let (mut q64, mut m64, mut q32, mut m32) =
                (q0.clone(), p0.clone(), q0.clone(), p0.clone());
            map_points(
                &params,
                &cfg,
                &layout,
                dir,
                &mut q64,
                &mut m64,
                &mut Workspace::new(&cfg),
            );
            fast32.map(dir, &mut q32, &mut m32);
            for i in 0..q0.len() {
                let (q, p) = match dir {
                    Direction::Generate => flow.generate(q0[i], p0[i]),
                    Direction::Normalize => flow.normalize(q0[i], p0[i]),
                };
                for d in 0..2 {
                    w64.see(q64[i][d], q[d], TOL64, "q_T");
                    w64.see(m64[i][d], p[d], TOL64, "p_T");
                    w32.see(q32[i][d], q[d], TOL32, "f32 q_T");
                    w32.see(m32[i][d], p[d], TOL32, "f32 p_T");
                }
            }
        }
        // The potentials really bend the paths: G is far from the free drift q + τa²p.
        let tau_a2 = (blocks * steps) as f64 * cfg.dt * 1.69;
        let bend = |(q, p): (&Vec2, &Vec2)| {
            let q_t = flow.generate(*q, *p).0;
            (q_t[0] - q[0] - tau_a2 * p[0]).abs() + (q_t[1] - q[1] - tau_a2 * p[1]).abs()
        };
        let bend = q0.iter().zip(&p0).map(bend).fold(0.0, f64::max);
        assert!(bend > 0.1, "case {seed}: G is nearly the free drift");
        // Every leapfrog state of the f64 kernel, against reference steps one at a time.
        let mut w2t = vec![0.0; blocks * width * width];
        leapfrog::transpose_all(&params, &layout, &mut w2t);
        let fp = FlowParams {
            params: &params,
            w2t: &w2t,
            layout: &layout,
            config: &cfg,
        };
        let (mut x, mut m) = ([[0.0; 8]; 2], [[0.0; 8]; 2]);
        for t in 0..8 {
            (x[0][t], x[1][t], m[0][t], m[1][t]) = (q0[t][0], q0[t][1], p0[t][0], p0[t][1]);
        }
        let mut states: Vec<(Vec2, Vec2)> =
            q0.iter().copied().zip(p0.iter().copied()).take(8).collect();
        leapfrog::forward(
            &fp,
            Direction::Generate,
            &mut x,
            &mut m,
            &mut TileWork::new(&cfg),
            |k, _, xs, ms| {
                for (t, (q, p)) in states.iter_mut().enumerate() {
                    (*q, *p) = flow.leapfrog_step(k, cfg.dt, *q, *p);
                    for d in 0..2 {
                        w64.see(xs[d][t], q[d], TOL64, "leapfrog q");
                        w64.see(ms[d][t], p[d], TOL64, "leapfrog p");
                    }
                }
            },
        );
        // V_k and its force by the f64 kernels, at the tile's final positions.
        for k in 0..blocks {
            let ww = width * width;
            let mlp = Mlp::new(
                &params[layout.potential(k)],
                &w2t[k * ww..(k + 1) * ww],
                width,
                act,
            );
            let mut cache = ForceCache::new(width);
            let v = mlp::energy(&mlp, [&x[0], &x[1]], &mut cache);
            let g = mlp::force(&mlp, [&x[0], &x[1]], &mut cache);
            for t in 0..8 {
                let q = [x[0][t], x[1][t]];
                let want = flow.grad_potential(k, q);
                w64.see(v[t], flow.potential(k, q), TOL64, "V");
                w64.see(g[0][t], want[0], TOL64, "∂V/∂q₁");
                w64.see(g[1][t], want[1], TOL64, "∂V/∂q₂");
            }
        }
        // H = ½a²|p|² + V_k(q) along the f32 trajectory, the reference reading its states.
        let traj = fast32.trajectory(&q0, &p0, Direction::Generate);
        for s in 0..traj.states {
            for i in 0..traj.particles {
                let h = flow.energy(traj.block_of_state[s], traj.q_at(s, i), traj.p_at(s, i));
                w32.see(traj.energy_at(s, i), h, TOL32, "f32 energy");
            }
        }
        // The losses: the kernels' batch mean against the mean of the per-point losses.
        let samples = Inputs::Samples {
            data: &q0,
            eps: &p0,
        };
        let want = q0
            .iter()
            .zip(&p0)
            .map(|(q, e)| flow.samples_loss(*q, *e))
            .sum::<f64>()
            / 13.0;
        check_loss(
            &cfg,
            &params,
            &samples,
            want,
            [&mut w64, &mut w32],
            "samples loss",
        );
        for momentum in [MomentumModel::Kinetic, MomentumModel::Encoder] {
            (cfg.objective, cfg.momentum) = (Objective::Density, momentum);
            let params = random_params(&Layout::new(&cfg), &mut rng);
            let flow = ReferenceFlow::new(&cfg, &params);
            let beta = 0.37;
            let loss = |(q, p): (&Vec2, &Vec2)| flow.density_loss(*q, *p, target.as_ref(), beta);
            let losses: Vec<f64> = q0.iter().zip(&p0).map(loss).collect();
            // The importance-weighted bound (docs/MATH.md §2b), written out plainly: 13 draws
            // make groups of every size up to S and a short last one.
            // With a mix α < 1, each group adds (1 − α) times its plain losses.
            for (draws, mix) in [(1, 1.0), (2, 1.0), (4, 1.0), (8, 1.0), (4, 0.3), (8, 0.75)] {
                let inputs = Inputs::Density {
                    q0: &q0,
                    p0: &p0,
                    target: target.as_ref(),
                    beta,
                    groups: Groups {
                        draws,
                        mix,
                        dreg: false,
                    },
                };
                let mut want = 0.0;
                for tile in losses.chunks(8) {
                    for group in tile.chunks(draws) {
                        // −log mean e^{−ℓ}, shifted by the smallest ℓ: random weights
                        // give losses of ±hundreds, whose exponentials overflow.
                        let n = group.len() as f64;
                        let low = group.iter().copied().fold(f64::INFINITY, f64::min);
                        let mean = group.iter().map(|l| (low - l).exp()).sum::<f64>() / n;
                        let plain: f64 = group.iter().sum();
                        want += mix * n * (low - mean.ln()) + (1.0 - mix) * plain;
                    }
                }
                check_loss(
                    &cfg,
                    &params,
                    &inputs,
                    want / 13.0,
                    [&mut w64, &mut w32],
                    "density loss",
                );
            }
        }
    }
    eprintln!(
        "worst error against the reference: f64 path {:.1e}, f32 path {:.1e}",
        w64.0, w32.0
    );
}

/// `loss_and_grad` in f64 and in f32 against the reference's mean loss `want`.
fn check_loss(
    cfg: &FlowConfig,
    params: &[f64],
    inputs: &Inputs,
    want: f64,
    worst: [&mut Worst; 2],
    what: &str,
) {
    let layout = Layout::new(cfg);
    let got64 = loss_and_grad(params, cfg, &layout, inputs, &mut Workspace::new(cfg), None);
    let p32: Vec<f32> = params.iter().map(|&x| x as f32).collect();
    let got32 = loss_and_grad(&p32, cfg, &layout, inputs, &mut Workspace::new(cfg), None);
    let [w64, w32] = worst;
    w64.see(got64, want, TOL64, what);
    w32.see(f64::from(got32), want, TOL32, what);
}
