//! Iterations until the page's grid KL reaches 0.1 on 8gaussians, for seeds 0–4, with the
//! playground's default flow and a given batch, learning rate and cosine-decay length: the
//! sweep behind the playground's default batch and learning rate (docs/PERFORMANCE.md).
//!
//!   cargo run --release --example time_to_kl -- <batch> <lr> <schedule_iters>
//!   e.g. `… -- 192 5e-3 3000`

use std::sync::Arc;
use std::time::Instant;

use nhf_playground::app::density_grid::{GRID_CELLS, GRID_DRAWS, GRID_SEED};
use nhf_playground::app::settings::Settings;
use nhf_playground::nhf::Trainer;
use nhf_playground::nhf::eval::grid_kl;
use nhf_playground::targets::{self, Target};

/// Training stops here if KL 0.1 was not reached ("never").
const MAX_ITERS: u64 = 4000;
/// The KL is evaluated every this many iterations.
const KL_EVERY: u64 = 50;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [batch, lr, schedule] = args.as_slice() else {
        return Err("usage: time_to_kl <batch> <lr> <schedule_iters>".into());
    };
    let number = |s: &str| s.parse::<f64>().map_err(|e| format!("{s}: {e}"));
    let (batch, lr, schedule) = (
        number(batch)? as usize,
        number(lr)?,
        number(schedule)? as usize,
    );
    let target: Arc<dyn Target> =
        Arc::from(targets::from_spec("8gaussians").map_err(|e| e.to_string())?);
    let defaults = Settings::default();
    let (mut hits, mut ms_per_iter) = (Vec::new(), 0.0);
    for seed in 0..5 {
        let mut train = defaults.train.clone();
        (train.batch, train.lr, train.schedule_iters, train.seed) = (batch, lr, schedule, seed);
        let mut trainer = Trainer::new(defaults.flow.clone(), train, target.clone())
            .map_err(|e| e.to_string())?;
        let mut train_seconds = 0.0;
        let mut hit = None;
        while trainer.step < MAX_ITERS {
            let start = Instant::now();
            trainer.step().map_err(|e| e.to_string())?;
            train_seconds += start.elapsed().as_secs_f64();
            if trainer.step % KL_EVERY == 0
                && grid_kl(
                    &trainer.flow,
                    target.as_ref(),
                    GRID_CELLS,
                    GRID_DRAWS,
                    GRID_SEED,
                ) <= 0.1
            {
                hit = Some(trainer.step);
                break;
            }
        }
        ms_per_iter += 1000.0 * train_seconds / trainer.step as f64 / 5.0;
        hits.push(hit.map_or("never".to_string(), |h| h.to_string()));
    }
    println!(
        "batch {batch}, lr {lr}, cosine over {schedule}: KL 0.1 after {} iterations (seeds 0-4) | {ms_per_iter:.2} ms/iteration",
        hits.join(" ")
    );
    Ok(())
}
