//! The three hot kernels of a training step (`force`, `force_vjp`, `add_w2_products`) timed
//! alone on caches that stay in L1, at the samples default's width (32, the sine first layer)
//! and block shape (three kicks per block): what they cost when no memory traffic stands in
//! their way, to set against their share of the whole step (docs/FITS.md). `force_vjp` is the
//! time of a force and its VJP less the force's alone, so a round that the machine disturbed
//! in one loop and not the other shows nonsense (even a negative time): read the fastest
//! rounds.
//! `taskset -c 0 cargo run --release -p nhf-core --example kernel_hot`

use nhf_core::nhf::config::Activation;
use nhf_core::nhf::layout::mlp_len;
use nhf_core::nhf::mlp::{
    ForceCache, Lane, Mlp, W2Products, add_w2_products, force, force_vjp, transpose_w2, zeros,
};
use nhf_core::rng::Rng;
use std::hint::black_box;
use web_time::Instant;

fn main() {
    let width = 32;
    let kicks = 3;
    let mut rng = Rng::seed_from_u64(1);
    let params: Vec<f32> = (0..mlp_len(width))
        .map(|_| (0.3 * rng.normal()) as f32)
        .collect();
    let mut w2t = vec![0.0; width * width];
    transpose_w2(&params, width, &mut w2t);
    let mlp = Mlp::new(&params, &w2t, width, Activation::Sine);
    let mut lane = || -> Lane<f32> { std::array::from_fn(|_| rng.normal() as f32) };
    let (qx, qy, ux, uy) = (lane(), lane(), lane(), lane());
    let (q, u) = ([&qx, &qy], [&ux, &uy]);
    let mut caches = vec![ForceCache::new(width); kicks];
    let mut grad = vec![zeros(); params.len()];
    let mut sums = vec![0.0f32; params.len()];
    let reps = 200_000;
    for round in 0..10 {
        let start = Instant::now();
        for _ in 0..reps {
            black_box(force(&mlp, q, &mut caches[0]));
        }
        let t_force = start.elapsed().as_secs_f64() * 1e9 / reps as f64;
        let start = Instant::now();
        for _ in 0..reps {
            force(&mlp, q, &mut caches[0]);
            black_box(force_vjp(
                &mlp,
                q,
                u,
                &mut caches[0],
                &mut grad,
                &mut sums,
                W2Products::Later,
            ));
        }
        let t_both = start.elapsed().as_secs_f64() * 1e9 / reps as f64;
        let start = Instant::now();
        for _ in 0..reps / kicks {
            add_w2_products(width, &caches, &mut grad, &mut sums);
        }
        let t_w2 = start.elapsed().as_secs_f64() * 1e9 / (reps / kicks * kicks) as f64;
        black_box(&grad);
        println!(
            "round {round}: force {t_force:.0} ns, force_vjp {:.0} ns, W2 products per kick {t_w2:.0} ns",
            t_both - t_force
        );
    }
}
