//! What the chains view's diagnostics cost: `effective_sample_size` on 16 chains of AR(1)
//! draws (mixing fast to very slowly), the size of the app's HMC run at its default 2000 draws.
//! `cargo run --release -p nhf-core --example ess_cost`

use nhf_core::hmc::effective_sample_size;
use nhf_core::rng::Rng;
use web_time::Instant;

fn main() {
    let mut rng = Rng::seed_from_u64(1);
    for n in [500, 2000] {
        for phi in [0.5, 0.9, 0.99, 0.999] {
            let chains: Vec<Vec<f64>> = (0..16)
                .map(|_| {
                    let mut x = rng.normal() / (1.0f64 - phi * phi).sqrt();
                    (0..n)
                        .map(|_| {
                            x = phi * x + rng.normal();
                            x
                        })
                        .collect()
                })
                .collect();
            let refs: Vec<&[f64]> = chains.iter().map(Vec::as_slice).collect();
            let start = Instant::now();
            let ess = effective_sample_size(&refs);
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            println!("16 chains x {n} draws, phi {phi}: ESS {ess:.0}, {ms:.2} ms");
        }
    }
}
