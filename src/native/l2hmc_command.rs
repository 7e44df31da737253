//! `l2hmc`: train L2HMC's augmented leapfrog on a target, then sample with it, from the command
//! line, with the same diagnostics as `hmc` (docs/MATH.md §10).

use std::path::PathBuf;

use clap::Args;
use web_time::Instant;

use super::chain_report::{ChainReport, write_draws};
use nhf_playground::l2hmc::{L2hmc, L2hmcConfig};
use nhf_playground::method::Method;
use nhf_playground::method_file::MethodFile;
use nhf_playground::targets::{self, Target};

/// Options of `l2hmc`.
#[derive(Args, Debug)]
pub struct L2hmcArgs {
    /// A target identifier (see `targets`) or a custom mixture JSON file.
    #[arg(long, default_value = "banana")]
    target: String,
    /// Number of chains (also the training batch).
    #[arg(long, default_value_t = L2hmcConfig::default().chains)]
    chains: usize,
    /// L, leapfrog steps per proposal.
    #[arg(long, default_value_t = L2hmcConfig::default().leapfrog_steps)]
    leapfrog_steps: usize,
    /// ε to start training from (it is learned).
    #[arg(long, default_value_t = L2hmcConfig::default().step_size)]
    step_size: f64,
    /// Units per hidden layer of the networks.
    #[arg(long, default_value_t = L2hmcConfig::default().hidden)]
    hidden: usize,
    /// Training iterations (their draws are not kept).
    #[arg(long, default_value_t = L2hmcConfig::default().train_iters)]
    train_iters: usize,
    /// Adam's learning rate.
    #[arg(long, default_value_t = L2hmcConfig::default().lr)]
    lr: f64,
    /// λ of the loss, the length scale of a good jump.
    #[arg(long, default_value_t = L2hmcConfig::default().scale)]
    scale: f64,
    /// Iterations kept after training.
    #[arg(long, default_value_t = 2000)]
    iters: usize,
    /// Seed of the networks, the starting points and every draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the kept draws here as CSV (chain, x, y; the target's display coordinates).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Save the trained sampler here (a method file the app opens too).
    #[arg(long)]
    save: Option<PathBuf>,
    /// Start from a saved sampler (its target and settings; no training if it was trained)
    /// instead of fresh networks.
    #[arg(long, conflicts_with_all = ["target", "chains", "leapfrog_steps", "step_size", "hidden", "train_iters", "lr", "scale", "seed"])]
    model: Option<PathBuf>,
    /// Print a JSON line with every figure last.
    #[arg(long)]
    json: bool,
}

/// Trains, samples and reports acceptance, the learned ε, ESS (per coordinate and per
/// gradient evaluation of the sampling) and split R̂.
pub fn run(args: &L2hmcArgs) -> Result<(), String> {
    // A custom mixture travels in the saved file as its own JSON.
    let mut definition: Option<serde_json::Value> = None;
    let (target, mut model): (Box<dyn Target>, L2hmc) = if let Some(path) = &args.model {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = MethodFile::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let target = match &file.target_definition {
            Some(def) if file.target == "custom" => Box::new(
                targets::CustomMixture::from_json(&def.to_string())
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            ) as Box<dyn Target>,
            _ => targets::by_id(&file.target).map_err(|e| e.to_string())?,
        };
        let model = file.l2hmc(target.as_ref())?;
        definition = file.target_definition;
        (target, model)
    } else {
        let target = targets::from_spec(&args.target).map_err(|e| e.to_string())?;
        if target.id() == "custom" {
            definition = std::fs::read_to_string(&args.target)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
        }
        let config = L2hmcConfig {
            chains: args.chains,
            leapfrog_steps: args.leapfrog_steps,
            step_size: args.step_size,
            hidden: args.hidden,
            train_iters: args.train_iters,
            lr: args.lr,
            scale: args.scale,
            seed: args.seed,
        };
        let model = L2hmc::new(config, target.as_ref())?;
        (target, model)
    };
    let start = Instant::now();
    while !model.trained() {
        // A non-finite step is skipped (the parameters stay); say so and go on.
        if let Err(e) = model.train_step(target.as_ref()) {
            eprintln!("warning: {e}");
        }
    }
    let train_seconds = start.elapsed().as_secs_f64();
    for _ in 0..args.iters {
        model.sample_step(target.as_ref());
    }
    let seconds = start.elapsed().as_secs_f64();
    let report = ChainReport::of(&model.samples);
    let per_gradient = report.ess_min() / model.gradient_evaluations as f64;
    let final_loss = model.history.last().map_or(f64::NAN, |h| h.1);
    println!(
        "{} with {} chains, L = {}, learned ε = {:.4} after {} training iterations (loss {:.4}, \
         {:.2} s): acceptance {:.3}, ESS {:.0} / {:.0} of {} draws ({:.2e} per gradient \
         evaluation), split R̂ {:.4} / {:.4}, {:.2} s",
        target.id(),
        model.config.chains,
        model.config.leapfrog_steps,
        model.step_size(),
        model.config.train_iters,
        final_loss,
        train_seconds,
        model.acceptance_rate(),
        report.ess[0],
        report.ess[1],
        model.config.chains * args.iters,
        per_gradient,
        report.r_hat[0],
        report.r_hat[1],
        seconds
    );
    if let Some(path) = &args.out {
        write_draws(path, target.as_ref(), &model.samples)?;
    }
    if let Some(path) = &args.save {
        let file = MethodFile::new(
            Method::L2hmc,
            target.id(),
            definition,
            MethodFile::of_l2hmc(&model),
        );
        std::fs::write(path, file.to_json()).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("saved {}", path.display());
    }
    if args.json {
        let line = serde_json::json!({
            "target": target.id(),
            "method": "l2hmc",
            "chains": model.config.chains,
            "leapfrog_steps": model.config.leapfrog_steps,
            "step_size": model.step_size(),
            "train_iters": model.config.train_iters,
            "final_loss": final_loss,
            "acceptance": model.acceptance_rate(),
            "ess": report.ess,
            "ess_per_gradient": per_gradient,
            "r_hat": report.r_hat,
            "mean": report.mean,
            "sampling_gradient_evaluations": model.gradient_evaluations,
            "training_gradient_evaluations": model.training_gradient_evaluations,
            "draws": model.config.chains * args.iters,
            "train_seconds": train_seconds,
            "seconds": seconds,
        });
        println!("{line}");
    }
    Ok(())
}
