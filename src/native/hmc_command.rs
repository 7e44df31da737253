//! `hmc`: Hamiltonian Monte Carlo on a target's own density, from the command line, with the
//! diagnostics that say how good the chains are (docs/MATH.md §8).

use std::path::PathBuf;

use clap::Args;
use web_time::Instant;

use super::chain_report::{ChainReport, write_draws};
use nhf_playground::hmc::{Hmc, HmcConfig};
use nhf_playground::targets;

/// Options of `hmc`.
#[derive(Args, Debug)]
pub struct HmcArgs {
    /// A target identifier (see `targets`) or a custom mixture JSON file.
    #[arg(long, default_value = "banana")]
    target: String,
    /// Number of chains.
    #[arg(long, default_value_t = HmcConfig::default().chains)]
    chains: usize,
    /// L, leapfrog steps per proposal.
    #[arg(long, default_value_t = HmcConfig::default().leapfrog_steps)]
    leapfrog_steps: usize,
    /// ε, the step size to start the warm-up from (kept as is with --warmup 0).
    #[arg(long, default_value_t = HmcConfig::default().step_size)]
    step_size: f64,
    /// The diagonal of the mass matrix, as "m1,m2".
    #[arg(long, default_value = "1,1", value_parser = parse_mass)]
    mass: [f64; 2],
    /// Warm-up iterations (step size adaptation; their draws are not kept).
    #[arg(long, default_value_t = HmcConfig::default().warmup_iters)]
    warmup: usize,
    /// The mean acceptance probability the warm-up aims for.
    #[arg(long, default_value_t = HmcConfig::default().target_accept)]
    target_accept: f64,
    /// Iterations kept after the warm-up.
    #[arg(long, default_value_t = 2000)]
    iters: usize,
    /// Seed of the starting points and every draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the kept draws here as CSV (chain, x, y; the target's display coordinates).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print a JSON line with every figure last.
    #[arg(long)]
    json: bool,
}

fn parse_mass(text: &str) -> Result<[f64; 2], String> {
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("\"{text}\" is not two numbers \"m1,m2\""))?;
    <[f64; 2]>::try_from(parts).map_err(|_| format!("\"{text}\" is not two numbers \"m1,m2\""))
}

/// Runs the chains and reports acceptance, step size, ESS (per coordinate and per gradient
/// evaluation) and split R̂.
pub fn run(args: &HmcArgs) -> Result<(), String> {
    let target = targets::from_spec(&args.target).map_err(|e| e.to_string())?;
    let config = HmcConfig {
        chains: args.chains,
        leapfrog_steps: args.leapfrog_steps,
        step_size: args.step_size,
        mass: args.mass,
        warmup_iters: args.warmup,
        target_accept: args.target_accept,
        seed: args.seed,
    };
    let start = Instant::now();
    let mut hmc = Hmc::new(config, target.as_ref())?;
    for _ in 0..args.warmup + args.iters {
        hmc.iterate(target.as_ref());
    }
    let seconds = start.elapsed().as_secs_f64();
    let report = ChainReport::of(&hmc.samples);
    let (ess, r_hat, mean) = (report.ess, report.r_hat, report.mean);
    let ess_min = report.ess_min();
    let per_gradient = ess_min / hmc.gradient_evaluations as f64;
    println!(
        "{} with {} chains, L = {}, ε = {:.4} after {} warm-up iterations: acceptance {:.3}, \
         ESS {:.0} / {:.0} of {} draws ({:.2e} per gradient evaluation), split R̂ {:.4} / {:.4}, {:.2} s",
        target.id(),
        args.chains,
        args.leapfrog_steps,
        hmc.step_size,
        args.warmup,
        hmc.acceptance_rate(),
        ess[0],
        ess[1],
        args.chains * args.iters,
        per_gradient,
        r_hat[0],
        r_hat[1],
        seconds
    );
    if let Some(path) = &args.out {
        write_draws(path, target.as_ref(), &hmc.samples)?;
    }
    if args.json {
        let line = serde_json::json!({
            "target": target.id(),
            "chains": args.chains,
            "leapfrog_steps": args.leapfrog_steps,
            "step_size": hmc.step_size,
            "acceptance": hmc.acceptance_rate(),
            "ess": ess,
            "ess_per_gradient": per_gradient,
            "r_hat": r_hat,
            "mean": mean,
            "gradient_evaluations": hmc.gradient_evaluations,
            "sampling_gradient_evaluations": args.chains * args.leapfrog_steps * args.iters,
            "draws": args.chains * args.iters,
            "seconds": seconds,
        });
        println!("{line}");
    }
    Ok(())
}
