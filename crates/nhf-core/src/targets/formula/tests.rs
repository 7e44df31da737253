use super::*;
use crate::targets::energies::{Energy, EnergyKind};

fn target(formula: &str, bounds: [f64; 4]) -> Result<FormulaTarget, TargetError> {
    FormulaTarget::new(FormulaSpec {
        formula: formula.into(),
        bounds,
    })
}

/// u1 written out: the ring term and the two lobes (docs/TARGETS.md).
const U1: &str =
    "-0.5*((sqrt(x^2+y^2)-2)/0.4)^2 + log(exp(-0.5*((x-2)/0.6)^2) + exp(-0.5*((x+2)/0.6)^2))";

#[test]
fn u1_typed_out_is_the_built_in_energy() {
    let typed = target(U1, [-4.0, 4.0, -4.0, 4.0]).unwrap();
    let built_in = Energy::new(EnergyKind::U1);
    assert_eq!(typed.bounds(), built_in.bounds());
    let points = typed.bounds().cell_centres(64);
    // The log-densities differ by one constant (here both are normalised the same way, so it
    // is zero up to rounding); the gradients agree to rounding.
    let offset = typed.log_prob(points[0]) - built_in.log_prob(points[0]);
    for q in points {
        let d = typed.log_prob(q) - built_in.log_prob(q) - offset;
        assert!(d.abs() <= 1e-9, "log p differs by {d} at {q:?}");
        let (a, b) = (typed.grad_log_prob(q), built_in.grad_log_prob(q));
        for k in 0..2 {
            let scale = b[k].abs().max(1.0);
            assert!(
                (a[k] - b[k]).abs() <= 1e-9 * scale,
                "∂{k} {} vs {} at {q:?}",
                a[k],
                b[k]
            );
        }
        let (ha, hb) = (typed.hessian_log_prob(q), built_in.hessian_log_prob(q));
        for (ra, rb) in ha.iter().zip(hb) {
            for (x, y) in ra.iter().zip(rb) {
                assert!(
                    (x - y).abs() <= 1e-8 * y.abs().max(1.0),
                    "Hessian {ha:?} vs {hb:?} at {q:?}"
                );
            }
        }
    }
    assert!(offset.abs() < 1e-9, "normalisers differ by {offset}");
}

#[test]
fn draws_lie_in_the_box_with_the_right_mean() {
    let t = target("-(x-1)^2/2 - y^2/2", [-5.0, 5.0, -5.0, 5.0]).unwrap();
    let mut rng = Rng::seed_from_u64(3);
    let draws = t.sample(20_000, &mut rng);
    assert!(draws.iter().all(|q| t.bounds().contains(*q)));
    let mean = |k: usize| draws.iter().map(|q| q[k]).sum::<f64>() / draws.len() as f64;
    assert!(
        (mean(0) - 1.0).abs() < 0.03 && mean(1).abs() < 0.03,
        "{} {}",
        mean(0),
        mean(1)
    );
}

#[test]
fn refusals_say_what_is_wrong() {
    let message = |f: &str, b: [f64; 4]| target(f, b).err().expect("refused").to_string();
    let m = message("log(x)", [-1.0, 1.0, -1.0, 1.0]);
    assert!(m.contains("not a number at"), "{m}");
    let m = message("-log(0*x)", [-1.0, 1.0, -1.0, 1.0]);
    assert!(m.contains("+∞"), "{m}");
    let m = message("log(0*x)", [-1.0, 1.0, -1.0, 1.0]);
    assert!(m.contains("everywhere"), "{m}");
    let m = message("x + * y", [-1.0, 1.0, -1.0, 1.0]);
    assert!(m.starts_with("formula: ") && m.contains("column 5"), "{m}");
    let m = message("foo(x) + bar", [-1.0, 1.0, -1.0, 1.0]);
    assert!(m.contains("foo") && m.contains("bar"), "{m}");
    let m = message("x", [1.0, -1.0, -1.0, 1.0]);
    assert!(m.starts_with("box: ") && m.contains("xmin < xmax"), "{m}");
    let m = message("x", [f64::NAN, 1.0, -1.0, 1.0]);
    assert!(m.starts_with("box: "), "{m}");
    let m = message("x", [-1e5, 1e5, -1.0, 1.0]);
    assert!(m.starts_with("box: "), "{m}");
}

#[test]
fn where_the_expression_is_not_finite_it_falls_off_finitely() {
    // log(x) on [0, 1]²: fine at every grid centre, −∞ on the left edge and NaN beyond it.
    let t = target("log(x) - y^2", [0.0, 1.0, 0.0, 1.0]).unwrap();
    for q in [[0.0, 0.5], [-1.0, 0.5], [-3.0, 4.0]] {
        let (v, g, h) = (t.log_prob(q), t.grad_log_prob(q), t.hessian_log_prob(q));
        assert!(
            v.is_finite() && g.iter().chain(h.iter().flatten()).all(|x| x.is_finite()),
            "{q:?}"
        );
    }
    // Further out is less likely, and the gradient points back.
    assert!(t.log_prob([-2.0, 0.5]) < t.log_prob([-1.0, 0.5]));
    assert!(t.grad_log_prob([-2.0, 0.5])[0] > 0.0);
}

#[test]
fn a_spec_round_trips_through_json_and_the_registry() {
    let spec = FormulaSpec {
        formula: "-(x^2 + y^2)/2".into(),
        bounds: [-3.0, 3.0, -2.0, 2.0],
    };
    let value = serde_json::to_value(&spec).unwrap();
    assert_eq!(value["box"][3], 2.0);
    let t = crate::targets::resolve("formula", Some(&value)).unwrap();
    assert_eq!(t.id(), "formula");
    assert_eq!(t.bounds(), Bounds([[-3.0, 3.0], [-2.0, 2.0]]));
    assert!(crate::targets::resolve("formula", None).is_err());
}

#[test]
fn u1_typed_out_trains_to_the_built_in_figures_for_the_same_seed() {
    use crate::nhf::eval::importance_report;
    use crate::nhf::{FlowConfig, Objective, TrainConfig, Trainer};
    use std::sync::Arc;
    let run = |t: Arc<dyn Target>| {
        let flow = FlowConfig::for_objective(Objective::Density);
        let train = TrainConfig {
            batch: 64,
            seed: 3,
            ..TrainConfig::for_objective(Objective::Density)
        };
        let mut trainer = Trainer::new(flow, train, t.clone()).unwrap();
        for _ in 0..40 {
            trainer.step().unwrap();
        }
        let mut rng = crate::rng::Rng::seed_from_u64(9);
        let report = importance_report(&trainer.flow, t.as_ref(), 2000, &mut rng);
        (
            trainer.last_loss().unwrap(),
            trainer.flow.params.clone(),
            report,
        )
    };
    let typed = run(Arc::new(target(U1, [-4.0, 4.0, -4.0, 4.0]).unwrap()));
    let built_in = run(Arc::new(Energy::new(EnergyKind::U1)));
    // The two targets differ by rounding (1e-9 above), so the runs agree to rounding too.
    assert!(
        (typed.0 - built_in.0).abs() <= 1e-5,
        "loss {} vs {}",
        typed.0,
        built_in.0
    );
    let worst = typed
        .1
        .iter()
        .zip(&built_in.1)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0_f32, f32::max);
    assert!(worst <= 1e-4, "parameters differ by up to {worst}");
    let (a, b) = (typed.2, built_in.2);
    assert!(
        (a.ess_fraction - b.ess_fraction).abs() <= 1e-4
            && (a.reverse_kl - b.reverse_kl).abs() <= 1e-4,
        "ESS {} vs {}, reverse KL {} vs {}",
        a.ess_fraction,
        b.ess_fraction,
        a.reverse_kl,
        b.reverse_kl
    );
}
