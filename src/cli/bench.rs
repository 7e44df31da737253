//! `bench`: median milliseconds per training step of the standard configuration (B = 512,
//! W = 32, L = 10, K = 4, samples objective on 8gaussians) and GFLOP/s by MATH.md §4's cost
//! model, 16·B·K·(L+1)·W² FLOPs per step. `--threads N` splits the batch across N threads.

use std::sync::Arc;

use clap::Args;
use web_time::Instant;

use nhf_playground::nhf::{FlowConfig, Objective, TrainConfig, Trainer};
use nhf_playground::targets;

/// Options of `bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Batch size B.
    #[arg(long, default_value_t = 512)]
    batch: usize,
    /// Hidden width W.
    #[arg(long, default_value_t = 32)]
    width: usize,
    /// Leapfrog steps per block L.
    #[arg(long, default_value_t = 10)]
    leapfrog_steps: usize,
    /// Blocks K.
    #[arg(long, default_value_t = 4)]
    blocks: usize,
    /// Timed steps (after 5 warm-up steps).
    #[arg(long, default_value_t = 40)]
    reps: usize,
    /// Threads the batch is split across (scoped threads over whole tiles).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Print a JSON result line last.
    #[arg(long)]
    json: bool,
}

/// Runs the benchmark.
pub fn run(args: &BenchArgs) -> Result<(), String> {
    let config = FlowConfig {
        blocks: args.blocks,
        leapfrog_steps: args.leapfrog_steps,
        dt: 0.1,
        width: args.width,
        objective: Objective::Samples,
        ..FlowConfig::default()
    };
    let train = TrainConfig {
        batch: args.batch,
        ..TrainConfig::default()
    };
    let target = Arc::from(targets::by_id("8gaussians").map_err(|e| e.to_string())?);
    let mut trainer = Trainer::new(config.clone(), train, target).map_err(|e| e.to_string())?;
    trainer.set_threads(args.threads);
    for _ in 0..5 {
        trainer.step().map_err(|e| e.to_string())?;
    }
    let mut times = Vec::with_capacity(args.reps);
    for _ in 0..args.reps.max(1) {
        let t = Instant::now();
        trainer.step().map_err(|e| e.to_string())?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let flops = 16.0
        * (args.batch * args.blocks * (args.leapfrog_steps + 1) * args.width * args.width) as f64;
    let gflops = flops / (median / 1000.0) / 1e9;
    println!(
        "B={} W={} L={} K={} ({} thread(s)): median {median:.2} ms/step (min {:.2}, max {:.2}) | {gflops:.1} GFLOP/s (model flops {:.3e})",
        args.batch,
        args.width,
        args.leapfrog_steps,
        args.blocks,
        args.threads.max(1),
        times[0],
        times[times.len() - 1],
        flops
    );
    if args.json {
        let line = serde_json::json!({
            "ms_per_step": median, "gflops": gflops,
            "config": {"batch": args.batch, "width": args.width, "leapfrog_steps": args.leapfrog_steps, "blocks": args.blocks, "threads": args.threads.max(1)},
        });
        println!("{line}");
    }
    Ok(())
}
