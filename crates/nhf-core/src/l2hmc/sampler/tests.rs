use super::*;
use crate::hmc::{Hmc, HmcConfig, effective_sample_size};
use crate::targets::{Bounds, CustomMixture, Objective};

/// N(0, Σ) with Σ = [[1, 0.9], [0.9, 1]] as a custom mixture.
fn correlated() -> CustomMixture {
    CustomMixture::from_json(
        r#"{"components": [{"weight": 1, "mean": [0.5, -0.5], "cov": [[1, 0.9], [0.9, 1]]}]}"#,
    )
    .unwrap()
}

/// A model whose parameters are all drawn at scale `scale`, so that every network and head
/// matters (fresh heads are near zero and would hide errors in them).
fn busy_model(target: &dyn Target, scale: f64, seed: u64) -> L2hmc {
    let config = L2hmcConfig {
        chains: 4,
        leapfrog_steps: 3,
        hidden: 5,
        step_size: 0.2,
        seed,
        ..L2hmcConfig::default()
    };
    let mut model = L2hmc::new(config, target).unwrap();
    let mut rng = Rng::seed_from_u64(seed + 100);
    let n = model.params.len();
    for p in &mut model.params[..n - 1] {
        *p = scale * rng.normal();
    }
    model
}

/// The target with its Hessian replaced by zeros: what the training gradient would be if the
/// ∇U nodes were treated as constants.
struct WithoutHessian<'a>(&'a dyn Target);

impl Target for WithoutHessian<'_> {
    fn id(&self) -> &str {
        self.0.id()
    }
    fn name(&self) -> &str {
        self.0.name()
    }
    fn caption(&self) -> &str {
        self.0.caption()
    }
    fn bounds(&self) -> Bounds {
        self.0.bounds()
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.0.log_prob(q)
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.0.grad_log_prob(q)
    }
    fn hessian_log_prob(&self, _q: [f64; 2]) -> [[f64; 2]; 2] {
        [[0.0; 2]; 2]
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        self.0.sample_into(rng, out);
    }
    fn normalized(&self) -> bool {
        self.0.normalized()
    }
    fn objectives(&self) -> &'static [Objective] {
        self.0.objectives()
    }
}

/// The largest relative error of the tape's gradient against central differences over every
/// parameter, for proposals in both directions.
fn worst_gradient_error(model: &L2hmc, truth: &dyn Target, tested: &dyn Target) -> f64 {
    let proposals = [
        ([0.3, -0.2], [0.7, -1.1], true),
        ([-0.8, 0.4], [-0.3, 0.5], false),
        ([1.2, 0.9], [0.2, 0.1], true),
    ];
    let (_, grad) = model.loss_and_gradient(tested, &proposals);
    let mut worst: f64 = 0.0;
    let h = 1e-6;
    let mut shifted = model.clone();
    for i in 0..model.params.len() {
        shifted.params[i] = model.params[i] + h;
        let up = shifted.loss_and_gradient(truth, &proposals).0;
        shifted.params[i] = model.params[i] - h;
        let down = shifted.loss_and_gradient(truth, &proposals).0;
        shifted.params[i] = model.params[i];
        let fd = (up - down) / (2.0 * h);
        worst = worst.max((grad[i] - fd).abs() / (1e-3 + fd.abs()));
    }
    worst
}

/// The training gradient (through the networks, ε, the log-determinant, the acceptance and
/// ∇U inside the dynamics) agrees with central differences on three targets; with the
/// Hessian left out (∇U treated as a constant) it does not.
#[test]
fn training_gradient_matches_central_differences() {
    let mixture = correlated();
    let banana = crate::targets::by_id("banana").unwrap();
    let u3 = crate::targets::by_id("u3").unwrap();
    for (target, seed) in [
        (&mixture as &dyn Target, 1),
        (banana.as_ref(), 2),
        (u3.as_ref(), 3),
    ] {
        let model = busy_model(target, 0.3, seed);
        let worst = worst_gradient_error(&model, target, target);
        assert!(worst < 1e-5, "{}: relative error {worst}", target.id());
    }
    let model = busy_model(&mixture, 0.3, 1);
    let worst = worst_gradient_error(&model, &mixture, &WithoutHessian(&mixture));
    assert!(worst > 1e-2, "without the Hessian: relative error {worst}");
}

/// The recorded log-determinant is log|det| of the map (x, v) ↦ (x″, v″), whose Jacobian is
/// taken by central differences; and the backward operator undoes the forward one.
#[test]
fn log_determinant_is_exact_and_backward_inverts_forward() {
    let target = correlated();
    let model = busy_model(&target, 0.3, 5);
    let dynamics = model.dynamics(&target);
    let mut tape = Tape::new();
    let mut run = |x: [f64; 2], v: [f64; 2], forward: bool| {
        L2hmc::reset_tape(&mut tape, &model.params);
        let end = dynamics.propose(&mut tape, (x, v), forward, None);
        let out = [end.x[0], end.x[1], end.v[0], end.v[1]].map(|n| tape.value(n));
        (out, tape.value(end.log_det))
    };
    for forward in [true, false] {
        let (x, v) = ([0.4, -0.3], [0.8, 0.5]);
        let (end, log_det) = run(x, v, forward);
        let h = 1e-6;
        let mut jac = [[0.0; 4]; 4];
        for j in 0..4 {
            let mut s = [x[0], x[1], v[0], v[1]];
            s[j] += h;
            let up = run([s[0], s[1]], [s[2], s[3]], forward).0;
            s[j] -= 2.0 * h;
            let down = run([s[0], s[1]], [s[2], s[3]], forward).0;
            for i in 0..4 {
                jac[i][j] = (up[i] - down[i]) / (2.0 * h);
            }
        }
        let det = determinant4(jac);
        assert!(
            (det.abs().ln() - log_det).abs() < 1e-7,
            "forward {forward}: log|det| {} vs recorded {log_det}",
            det.abs().ln()
        );
        assert!(
            log_det.abs() > 1e-3,
            "the map is not volume-preserving here"
        );
        let (back, back_log_det) = run([end[0], end[1]], [end[2], end[3]], !forward);
        for (a, b) in back.iter().zip([x[0], x[1], v[0], v[1]]) {
            assert!((a - b).abs() < 1e-12, "{back:?} vs {x:?}, {v:?}");
        }
        assert!((back_log_det + log_det).abs() < 1e-12);
    }
}

/// Determinant of a 4×4 matrix by Gaussian elimination with partial pivoting.
fn determinant4(mut m: [[f64; 4]; 4]) -> f64 {
    let mut det = 1.0;
    for c in 0..4 {
        let p = (c..4)
            .max_by(|a, b| m[*a][c].abs().total_cmp(&m[*b][c].abs()))
            .unwrap();
        if p != c {
            m.swap(p, c);
            det = -det;
        }
        det *= m[c][c];
        for r in c + 1..4 {
            let f = m[r][c] / m[c][c];
            for k in c..4 {
                m[r][k] -= f * m[c][k];
            }
        }
    }
    det
}

/// With all heads zero (S = Q = T = 0) a forward proposal is HMC's leapfrog, state for state.
#[test]
fn zero_heads_are_the_leapfrog() {
    let target = crate::targets::by_id("banana").unwrap();
    let mut model = busy_model(target.as_ref(), 0.3, 7);
    let (v_net, x_net) = L2hmc::networks(model.config.hidden);
    for net in [v_net, x_net] {
        let heads = net.offset + net.len() - 3 * (2 * net.hidden + 2) - 4;
        model.params[heads..net.offset + net.len()]
            .iter_mut()
            .for_each(|p| *p = 0.0);
    }
    let eps = model.step_size();
    let dynamics = model.dynamics(target.as_ref());
    let mut tape = Tape::new();
    L2hmc::reset_tape(&mut tape, &model.params);
    let mut path = Proposal::default();
    let (mut q, mut p) = ([0.5, -1.0], [0.3, -0.7]);
    let end = dynamics.propose(&mut tape, (q, p), true, Some(&mut path));
    for k in 1..=model.config.leapfrog_steps {
        let g = target.grad_log_prob(q);
        p = [p[0] + 0.5 * eps * g[0], p[1] + 0.5 * eps * g[1]];
        q = [q[0] + eps * p[0], q[1] + eps * p[1]];
        let g = target.grad_log_prob(q);
        p = [p[0] + 0.5 * eps * g[0], p[1] + 0.5 * eps * g[1]];
        for i in 0..2 {
            assert!((path.q[k][i] - q[i]).abs() < 1e-12, "step {k}");
            assert!((path.p[k][i] - p[i]).abs() < 1e-12, "step {k}");
        }
    }
    assert_eq!(tape.value(end.log_det), 0.0);
}

/// Trained briefly, the chains sample the correlated Gaussian: its means and variances within
/// Monte Carlo error. The Metropolis test with the log-determinant keeps π exact.
#[test]
fn trained_chains_sample_a_correlated_gaussian() {
    let target = correlated();
    let config = L2hmcConfig {
        chains: 16,
        leapfrog_steps: 4,
        train_iters: 150,
        lr: 1e-2,
        seed: 11,
        ..L2hmcConfig::default()
    };
    let mut model = L2hmc::new(config, &target).unwrap();
    for _ in 0..150 + 600 {
        model.iterate(&target).unwrap();
    }
    assert!(model.acceptance_rate() > 0.5, "{}", model.acceptance_rate());
    for (axis, mean) in [0.5, -0.5].into_iter().enumerate() {
        let chains = model.coordinate(axis);
        let all: Vec<f64> = chains.concat();
        let m = all.iter().sum::<f64>() / all.len() as f64;
        let var = all.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / all.len() as f64;
        let refs: Vec<&[f64]> = chains.iter().map(Vec::as_slice).collect();
        let ess = effective_sample_size(&refs);
        assert!(
            (m - mean).abs() < 4.0 / ess.sqrt(),
            "axis {axis}: mean {m}, ESS {ess}"
        );
        assert!((var - 1.0).abs() < 0.15, "axis {axis}: variance {var}");
    }
}

/// Same seed, same parameters and draws; bad settings are refused.
#[test]
fn runs_repeat_and_bad_settings_are_refused() {
    let target = correlated();
    let config = L2hmcConfig {
        chains: 4,
        train_iters: 3,
        ..L2hmcConfig::default()
    };
    let run = || {
        let mut m = L2hmc::new(config.clone(), &target).unwrap();
        for _ in 0..6 {
            m.iterate(&target).unwrap();
        }
        m
    };
    let (a, b) = (run(), run());
    assert_eq!(a.params, b.params);
    assert_eq!(a.positions, b.positions);
    for bad in [
        L2hmcConfig {
            chains: 0,
            ..config.clone()
        },
        L2hmcConfig {
            hidden: 1000,
            ..config.clone()
        },
        L2hmcConfig {
            step_size: f64::NAN,
            ..config.clone()
        },
    ] {
        assert!(L2hmc::new(bad, &target).is_err());
    }
    let _ = Hmc::new(HmcConfig::default(), &target).unwrap();
}
