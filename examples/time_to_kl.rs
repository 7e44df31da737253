//! Iterations until the page's grid KL reaches 0.1 on 8gaussians, for seeds 0–4, with the
//! playground's default flow and a given batch, learning rate and cosine-decay length: the
//! sweep behind the playground's default batch and learning rate (docs/PERFORMANCE.md).
//!
//!   cargo run --release --example time_to_kl -- <batch> <lr> <schedule_iters> [width] [leapfrog_steps] [dt] [blocks] [activation]
//!   e.g. `… -- 192 5e-3 3000`, or `… -- 192 5e-3 3000 24 4 0.25` for another flow

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
    let usage = "usage: time_to_kl <batch> <lr> <schedule_iters> [width] [leapfrog_steps] [dt] [blocks] [activation]";
    let (Some(batch), Some(lr), Some(schedule)) = (args.first(), args.get(1), args.get(2)) else {
        return Err(usage.into());
    };
    let number = |s: &str| s.parse::<f64>().map_err(|e| format!("{s}: {e}"));
    let (batch, lr, schedule) = (
        number(batch)? as usize,
        number(lr)?,
        number(schedule)? as usize,
    );
    let target: Arc<dyn Target> =
        Arc::from(targets::from_spec("8gaussians").map_err(|e| e.to_string())?);
    let mut defaults = Settings::default();
    let flow = &mut defaults.flow;
    if let Some(w) = args.get(3) {
        flow.width = number(w)? as usize;
    }
    if let Some(l) = args.get(4) {
        flow.leapfrog_steps = number(l)? as usize;
    }
    if let Some(dt) = args.get(5) {
        flow.dt = number(dt)?;
    }
    if let Some(k) = args.get(6) {
        flow.blocks = number(k)? as usize;
    }
    if let Some(name) = args.get(7) {
        use nhf_playground::names::Named;
        flow.activation = nhf_playground::nhf::Activation::parse(name)?;
    }
    let (mut hits, mut ms_per_iter) = (Vec::new(), 0.0);
    // TIME_TO_KL_FIRST_SEED=5 runs seeds 5-9 instead.
    let first: u64 = std::env::var("TIME_TO_KL_FIRST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for seed in first..first + 5 {
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
        "batch {batch}, lr {lr}, cosine over {schedule}, K {}, width {}, L {}, dt {}, {:?}: KL 0.1 after {} iterations (seeds {first}-{}) | {ms_per_iter:.2} ms/iteration",
        defaults.flow.blocks,
        defaults.flow.width,
        defaults.flow.leapfrog_steps,
        defaults.flow.dt,
        defaults.flow.activation,
        hits.join(" "),
        first + 4
    );
    Ok(())
}
