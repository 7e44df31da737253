//! The hand-written backward passes against central differences, and training that fits.

use super::*;
use crate::targets::by_id;

/// ∂ℓ/∂p and ∂ℓ/∂z of one layer, ℓ = gᵀz′ − log|det|, against five-point central differences
/// of its forward pass, at random points, parameters and incoming gradients.
#[test]
fn layer_gradients_match_central_differences() {
    let mut rng = Rng::seed_from_u64(11);
    for kind in [LayerKind::Planar, LayerKind::Radial] {
        let n = kind.params();
        for trial in 0..40 {
            let p: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let z = [2.0 * rng.normal(), 2.0 * rng.normal()];
            let g = [rng.normal(), rng.normal()];
            let ell = |p: &[f64], z: [f64; 2]| {
                let (out, logdet) = kind.forward(p, z);
                g[0] * out[0] + g[1] * out[1] - logdet
            };
            let mut grad = vec![0.0; n];
            let dz = kind.backward(&p, z, g, &mut grad);
            let h = 1e-4;
            let fd = |f: &dyn Fn(f64) -> f64| {
                (-f(2.0 * h) + 8.0 * f(h) - 8.0 * f(-h) + f(-2.0 * h)) / (12.0 * h)
            };
            for i in 0..n {
                let num = fd(&|e| {
                    let mut q = p.clone();
                    q[i] += e;
                    ell(&q, z)
                });
                let tol = 1e-6 * (1.0 + num.abs());
                assert!(
                    (grad[i] - num).abs() < tol,
                    "{kind:?} trial {trial} p[{i}]: {} vs {num}",
                    grad[i]
                );
            }
            for i in 0..2 {
                let num = fd(&|e| {
                    let mut y = z;
                    y[i] += e;
                    ell(&p, y)
                });
                assert!(
                    (dz[i] - num).abs() < 1e-6 * (1.0 + num.abs()),
                    "{kind:?} trial {trial} z[{i}]"
                );
            }
        }
    }
}

/// The whole flow's per-point gradient (through K layers and the target) against central
/// differences of its per-point loss.
#[test]
fn flow_gradient_matches_central_differences() {
    let target = by_id("u2").unwrap();
    for kind in [LayerKind::Planar, LayerKind::Radial] {
        let mut flow = ClassicFlow::new(kind, 4, 3);
        let mut rng = Rng::seed_from_u64(5);
        flow.params
            .iter_mut()
            .for_each(|p| *p += 0.3 * rng.normal());
        let z0 = [0.4, -0.7];
        let mut grad = vec![0.0; flow.params.len()];
        flow.point_loss_and_grad(target.as_ref(), z0, &mut Vec::new(), &mut grad);
        for i in 0..flow.params.len() {
            let at = |e: f64| {
                let mut f = flow.clone();
                f.params[i] += e;
                let (zs, log_q) = f.path(z0);
                log_q - target.log_prob(zs[f.layers])
            };
            let h = 1e-5;
            let num = (at(h) - at(-h)) / (2.0 * h);
            assert!(
                (grad[i] - num).abs() < 1e-5 * (1.0 + num.abs()),
                "{kind:?} p[{i}]: {} vs {num}",
                grad[i]
            );
        }
    }
}

/// Planar layers are invertible whatever u is (wᵀû ≥ −1 keeps 1 + tanh′ ûᵀw > 0), and radial
/// ones whatever α̃, β̃ are (β ≥ −α): the log-determinant stays finite.
#[test]
fn the_constraints_keep_every_layer_invertible() {
    let mut rng = Rng::seed_from_u64(7);
    for _ in 0..2000 {
        let p: Vec<f64> = (0..5).map(|_| 5.0 * rng.normal()).collect();
        let z = [3.0 * rng.normal(), 3.0 * rng.normal()];
        let (_, logdet) = planar::forward(&p, z);
        assert!(logdet.is_finite(), "planar {p:?} at {z:?}");
        let (_, logdet) = radial::forward(&p[..4], z);
        assert!(logdet.is_finite(), "radial {p:?} at {z:?}");
    }
}

/// Training lowers the reverse-KL loss on u1 and raises the ESS, for both kinds; the same seed
/// repeats the run bit for bit.
#[test]
fn training_fits_u1() {
    let target = by_id("u1").unwrap();
    for kind in [LayerKind::Planar, LayerKind::Radial] {
        let mut t = ClassicTrainer::new(ClassicFlow::new(kind, 8, 1), 128, 1e-2, 1);
        let mut rng = Rng::seed_from_u64(2);
        let ess0 = t.ess_percent(target.as_ref(), 4000, &mut rng);
        let first = t.train_step(target.as_ref()).unwrap();
        for _ in 0..1500 {
            t.train_step(target.as_ref()).unwrap();
        }
        let tail = &t.history[t.history.len() - 100..];
        let last = tail.iter().map(|(_, l)| l).sum::<f64>() / 100.0;
        let ess = t.ess_percent(target.as_ref(), 4000, &mut rng);
        assert!(last < first - 0.5, "{kind:?}: loss {first} -> {last}");
        assert!(ess > ess0 && ess > 20.0, "{kind:?}: ESS {ess0} -> {ess}");
        let mut again = ClassicTrainer::new(ClassicFlow::new(kind, 8, 1), 128, 1e-2, 1);
        for _ in 0..1501 {
            again.train_step(target.as_ref()).unwrap();
        }
        assert_eq!(again.flow.params, t.flow.params);
    }
}
