//! The AVX clones of the potential's kernels against the baseline lanes.
use super::*;
use crate::nhf::lanes;
use crate::nhf::layout::mlp_len;
use crate::rng::Rng;

/// The public kernels take the AVX clones on a CPU with AVX; the clones must give the bits
/// of the baseline lanes (the ones wasm runs), including −0 and infinities; a NaN where the
/// baseline has a NaN. (Not the NaN's own bits: wasm leaves a NaN's sign and payload to the
/// machine, and the compiler may move a negation across a product, −a·b to −(a·b), which
/// changes only a NaN's sign. A NaN stops training either way.)
#[test]
fn the_avx_clones_give_the_baseline_bits() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        assert!(
            lanes::cpu_has_avx(),
            "this CPU has AVX: the clones must be taken"
        );
    }
    type Base = <f32 as Real>::V;
    let bits = |l: &[Lane<f32>]| -> Vec<u32> {
        let bits = |x: &f32| {
            if x.is_nan() {
                f32::NAN.to_bits()
            } else {
                x.to_bits()
            }
        };
        l.iter().flatten().map(bits).collect()
    };
    let mut rng = Rng::seed_from_u64(5);
    for (width, act) in [
        (32, Activation::Tanh),
        (13, Activation::Tanh),
        (8, Activation::Softplus),
        (13, Activation::Sine),
    ] {
        let params: Vec<f32> = (0..mlp_len(width)).map(|_| rng.normal() as f32).collect();
        let mut w2t = vec![0.0; width * width];
        transpose_w2(&params, width, &mut w2t);
        let mlp = Mlp::new(&params, &w2t, width, act);
        for round in 0..20 {
            let mut lane = || -> Lane<f32> { std::array::from_fn(|_| (3.0 * rng.normal()) as f32) };
            let (mut qx, qy, ux, uy) = (lane(), lane(), lane(), lane());
            if round == 0 {
                qx[..4].copy_from_slice(&[-0.0, 0.0, f32::INFINITY, 1e30]);
                qx[4] = f32::NAN;
            }
            let (q, u) = ([&qx, &qy], [&ux, &uy]);
            let (mut c1, mut c2) = (ForceCache::new(width), ForceCache::new(width));
            let g1 = force(&mlp, q, &mut c1);
            let g2 = force_body::<f32, Base>(&mlp, q, &mut c2);
            assert_eq!(bits(&g1), bits(&g2), "force, width {width}, round {round}");
            let mut grad1 = vec![zeros(); params.len()];
            let mut grad2 = grad1.clone();
            let mut sums = vec![0.0; params.len()];
            let q1 = force_vjp(&mlp, q, u, &mut c1, &mut grad1, &mut sums, W2Products::Now);
            let now = W2Products::Now;
            let q2 = force_vjp_body::<f32, Base>(&mlp, q, u, &mut c2, &mut grad2, &mut sums, now);
            assert!(
                sums.iter().all(|&s| s == 0.0),
                "the exact kernels sum per lane"
            );
            assert_eq!(
                bits(&q1),
                bits(&q2),
                "force_vjp, width {width}, round {round}"
            );
            assert_eq!(
                bits(&grad1),
                bits(&grad2),
                "weight cotangents, width {width}"
            );
            let e1 = energy(&mlp, q, &mut c1);
            let e2 = energy_body::<f32, Base>(&mlp, q, &mut c2);
            assert_eq!(
                bits(&[e1]),
                bits(&[e2]),
                "energy, width {width}, round {round}"
            );
        }
    }
}
