//! `bench`: median milliseconds per training step of the standard configuration (B = 512,
//! W = 32, L = 10, K = 4, samples objective on 8gaussians) and GFLOP/s by docs/MATH.md §4's cost
//! model, 16·B·K·(L+1)·W² FLOPs per step. `--threads N` splits the batch across N threads.

use clap::Args;

use super::train_args::parse_activation;
use nhf_playground::names::Named;
use nhf_playground::nhf::Activation;
use nhf_playground::nhf::step_bench::{BenchConfig, time_steps};

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
    /// The potentials' hidden activation: tanh (the standard configuration's), softplus, or
    /// sine (the samples default's).
    #[arg(long, default_value = "tanh", value_parser = parse_activation)]
    activation: Activation,
    /// Print a JSON result line last.
    #[arg(long)]
    json: bool,
}

/// Runs the benchmark.
pub fn run(args: &BenchArgs) -> Result<(), String> {
    let config = BenchConfig {
        batch: args.batch,
        width: args.width,
        leapfrog_steps: args.leapfrog_steps,
        blocks: args.blocks,
        threads: args.threads.max(1),
        activation: args.activation,
    };
    let t = time_steps(config, args.reps)?;
    let kernels = nhf_playground::nhf::lanes::kernels_in_use();
    println!(
        "B={} W={} L={} K={} {} ({} thread(s), {kernels} kernels): median {:.2} ms/step (min {:.2}, max {:.2}) | {:.1} GFLOP/s (model flops {:.3e})",
        args.batch,
        args.width,
        args.leapfrog_steps,
        args.blocks,
        args.activation.name(),
        config.threads,
        t.median_ms,
        t.min_ms,
        t.max_ms,
        t.gflops,
        config.flops()
    );
    if args.json {
        let line = serde_json::json!({
            "ms_per_step": t.median_ms, "gflops": t.gflops, "kernels": kernels,
            "config": {"batch": args.batch, "width": args.width, "leapfrog_steps": args.leapfrog_steps, "blocks": args.blocks, "threads": config.threads, "activation": args.activation.name()},
        });
        println!("{line}");
    }
    Ok(())
}
