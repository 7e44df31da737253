//! The scan behind the HMC settings of the banana test (docs/MATH.md §8, whose table also
//! holds the first scan's rows, L = 10 to 80 with unit masses): for each leapfrog count L,
//! masses and target acceptance, 8 chains × 2000 draws after a 500-iteration warm-up on
//! banana, seeds 0–4; prints each run's largest |mean error| and |sd error| in units of the
//! exact sd, and the largest split R̂.
//!
//!     cargo run --release -p nhf-core --example hmc_banana_scan

use nhf_core::hmc::{Hmc, HmcConfig, split_r_hat};

/// Banana's exact moments (derived in the sampler's tests).
const MEAN: [f64; 2] = [0.0, -1.2];
const SD: [f64; 2] = [2.0, 2.317_326_044_446_185];

fn main() {
    let target = nhf_core::targets::by_id("banana").expect("built in");
    for (l, mass) in [
        (80, [1.0, 1.0]),
        (160, [1.0, 1.0]),
        (80, [0.25, 0.186]),
        (160, [0.25, 0.186]),
    ] {
        for accept in [0.9, 0.95] {
            let mut worst = (0.0f64, 0.0f64, 0.0f64);
            let mut eps = 0.0;
            for seed in 0..5 {
                let config = HmcConfig {
                    chains: 8,
                    leapfrog_steps: l,
                    warmup_iters: 500,
                    target_accept: accept,
                    mass,
                    seed,
                    ..HmcConfig::default()
                };
                let mut hmc = Hmc::new(config, target.as_ref()).expect("valid");
                for _ in 0..2500 {
                    hmc.iterate(target.as_ref());
                }
                eps = hmc.step_size;
                for axis in 0..2 {
                    let chains = hmc.coordinate(axis);
                    let all: Vec<f64> = chains.concat();
                    let m = all.iter().sum::<f64>() / all.len() as f64;
                    let sd = (all.iter().map(|x| (x - m) * (x - m)).sum::<f64>()
                        / all.len() as f64)
                        .sqrt();
                    let refs: Vec<&[f64]> = chains.iter().map(Vec::as_slice).collect();
                    worst.0 = worst.0.max((m - MEAN[axis]).abs() / SD[axis]);
                    worst.1 = worst.1.max((sd - SD[axis]).abs() / SD[axis]);
                    worst.2 = worst.2.max(split_r_hat(&refs));
                }
            }
            println!(
                "L {l:3} mass {mass:?} accept {accept:.2}: worst over 5 seeds: mean error {:.3} sd, sd error {:.3} sd, R-hat {:.3} (step of the last seed {eps:.3})",
                worst.0, worst.1, worst.2
            );
        }
    }
}
