//! The opt-in fast kernels (fused multiply-adds, `nhf::lanes::set_fast_kernels`): where the CPU
//! has them they are taken, their bits differ from the exact kernels', and their gradients
//! track the f64 reference as closely as the exact ones do. And the exact kernels' AVX-512
//! clone gives the AVX clone's bits. In a file of its own because the
//! switch is process-wide: one test, so nothing else runs while it is on.

#[cfg(target_arch = "x86_64")]
use nhf_core::nhf::lanes::set_avx512_allowed;
use nhf_core::nhf::lanes::{fast_kernels_available, kernels_in_use, set_fast_kernels};
use nhf_core::nhf::objective::{Groups, Inputs, Workspace, loss_and_grad};
use nhf_core::nhf::{Flow, FlowConfig, Kinetic, Objective};
use nhf_core::rng::Rng;
use nhf_core::targets;

/// The relative distance |a − b| / |a| of two gradients.
fn relative(a: &[f64], b: &[f64]) -> f64 {
    let num: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    let den: f64 = a.iter().map(|x| x * x).sum();
    (num / den).sqrt()
}

/// The loss and gradient of `flow` at the 40 points, in f64 (the reference) and in f32 with
/// whichever kernels are switched on.
fn gradients(flow: &Flow, objective: Objective) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::seed_from_u64(3);
    let a: Vec<[f64; 2]> = (0..40).map(|_| [rng.normal(), rng.normal()]).collect();
    let b: Vec<[f64; 2]> = (0..40).map(|_| [rng.normal(), rng.normal()]).collect();
    let target = targets::by_id("banana").unwrap();
    let inputs = match objective {
        Objective::Samples => Inputs::Samples { data: &a, eps: &b },
        Objective::Density => Inputs::Density {
            q0: &a,
            p0: &b,
            target: target.as_ref(),
            beta: 1.0,
            groups: Groups::PLAIN,
        },
    };
    let p64: Vec<f64> = flow.params.iter().map(|&p| f64::from(p)).collect();
    let mut g64 = vec![0.0; p64.len()];
    let mut ws = Workspace::new(&flow.config);
    loss_and_grad(
        &p64,
        &flow.config,
        &flow.layout,
        &inputs,
        &mut ws,
        Some(&mut g64),
    );
    let mut g32 = vec![0.0f32; p64.len()];
    let mut ws = Workspace::new(&flow.config);
    loss_and_grad(
        &flow.params,
        &flow.config,
        &flow.layout,
        &inputs,
        &mut ws,
        Some(&mut g32),
    );
    (g64, g32.iter().map(|&g| f64::from(g)).collect())
}

#[test]
fn fast_kernels_are_taken_where_available_and_keep_the_gradients_accurate() {
    // Width 13 as well: the fast matrix–vector products take eight rows at a time, then four,
    // then one (8 + 4 + 1), and W̄₂ stays per lane (no block of columns divides 13).
    for (objective, kinetic, width) in [
        (Objective::Samples, Kinetic::Fixed, 32),
        (Objective::Samples, Kinetic::Learned, 32),
        (Objective::Density, Kinetic::Fixed, 32),
        (Objective::Density, Kinetic::Learned, 32),
        (Objective::Samples, Kinetic::Fixed, 13),
        // Width 24: W̄₂'s point sums take eight columns per register even in the AVX-512
        // clone (sixteen do not divide 24).
        (Objective::Density, Kinetic::Fixed, 24),
        (Objective::Density, Kinetic::Learned, 13),
    ] {
        let config = FlowConfig {
            objective,
            kinetic,
            width,
            blocks: 3,
            leapfrog_steps: 4,
            ..FlowConfig::default()
        };
        let mut flow = Flow::new(config, 5).unwrap();
        // Full-size weights, so the potentials are curved and every product matters.
        let mut rng = Rng::seed_from_u64(9);
        flow.params
            .iter_mut()
            .for_each(|p| *p = (0.3 * rng.normal()) as f32);
        set_fast_kernels(false);
        assert!(kernels_in_use().starts_with("exact"));
        let (g64, exact) = gradients(&flow, objective);
        // The exact kernels' AVX-512 clone (two rows or two hidden units per 512-bit register)
        // must give the bits of the AVX clone, which the kernels' own test holds to the
        // baseline lanes the browser runs.
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512vl") {
            assert_eq!(
                kernels_in_use(),
                "exact (AVX-512VL)",
                "this CPU has AVX-512VL"
            );
        }
        #[cfg(target_arch = "x86_64")]
        if kernels_in_use() == "exact (AVX-512VL)" {
            set_avx512_allowed(false);
            assert_eq!(kernels_in_use(), "exact (AVX)");
            let (_, exact256) = gradients(&flow, objective);
            set_avx512_allowed(true);
            let bits = |g: &[f64]| g.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&exact),
                bits(&exact256),
                "{objective:?}, {kinetic:?}, width {width}: AVX-512 clone"
            );
        }
        set_fast_kernels(true);
        let said = kernels_in_use();
        let what = format!("{objective:?}, {kinetic:?}, width {width}");
        let (_, fast) = gradients(&flow, objective);
        // Where the CPU has AVX-512VL the fast kernels take that clone; without it they
        // must keep the same accuracy (the AVX + FMA clone).
        #[cfg(target_arch = "x86_64")]
        if said.contains("AVX-512VL") {
            set_avx512_allowed(false);
            assert_eq!(kernels_in_use(), "fast (AVX + FMA)");
            let (_, fast256) = gradients(&flow, objective);
            set_avx512_allowed(true);
            let r = relative(&g64, &fast256);
            assert!(r < 1e-4, "{what}: AVX + FMA clone {r:.1e}");
        }
        set_fast_kernels(false);
        assert_eq!(
            said.starts_with("fast ("),
            fast_kernels_available(),
            "{said}"
        );
        let (e, f) = (relative(&g64, &exact), relative(&g64, &fast));
        eprintln!("{what}: exact {e:.1e}, fast {f:.1e} from the f64 gradient");
        assert!(e < 1e-4 && f < 1e-4, "{what}: exact {e:.1e}, fast {f:.1e}");
        if fast_kernels_available() {
            assert!(exact != fast, "{what}: the fast kernels were not taken");
        } else {
            assert_eq!(exact, fast, "{what}: no fast kernels, yet different bits");
        }
    }
}
