//! `train`, `eval`, `sample` and `targets`: research runs without a window.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use web_time::Instant;

pub use super::train_args::TrainArgs;
use nhf_playground::nhf::eval::{GridEval, heldout_nll, importance_report, potential_correlation};
use nhf_playground::nhf::model_file::ModelFile;
use nhf_playground::nhf::{Flow, Kinetic, Objective, Trainer};
use nhf_playground::rng::Rng;
use nhf_playground::targets::{self, Target};

/// Options of `eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The model file.
    #[arg(long)]
    model: PathBuf,
    /// Evaluate against this target instead of the model's own.
    #[arg(long)]
    target: Option<String>,
    /// Importance draws S for the model density (grid KL, NLL); fewer overstate the KL.
    #[arg(long, default_value_t = nhf_playground::nhf::eval::EVAL_DRAWS)]
    draws: usize,
    /// Grid cells per side for the KL.
    #[arg(long, default_value_t = 128)]
    grid: usize,
    /// Seed of the evaluation's draws.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the target's density next to the model's (grid KL grid, one colour scale) as PNG.
    #[arg(long)]
    png: Option<PathBuf>,
    /// Print a JSON result line last.
    #[arg(long)]
    json: bool,
}

/// Options of `sample`.
#[derive(Args, Debug)]
pub struct SampleArgs {
    /// The model file.
    #[arg(long)]
    model: PathBuf,
    /// Number of samples.
    #[arg(short = 'n', long, default_value_t = 1000)]
    n: usize,
    /// Seed of the draws.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// A target and, for a custom mixture or a file of samples, its definition (kept in model
/// files); `bounds` is the `--box` of a file of samples (refused for any other target).
fn load_target(
    spec: &str,
    bounds: Option<&str>,
) -> Result<(Arc<dyn Target>, Option<serde_json::Value>), String> {
    if let Some(mut set) = targets::registry::sample_file_spec(spec).map_err(|e| e.to_string())? {
        set.bounds = bounds
            .map(|b| targets::FormulaSpec::parse_box(b).map_err(|e| format!("--box: {e}")))
            .transpose()?;
        let definition = targets::sample_set::definition(&set);
        let target = targets::SampleSetTarget::new(set).map_err(|e| e.to_string())?;
        return Ok((Arc::new(target), Some(definition)));
    }
    if bounds.is_some() {
        return Err("--box applies to --formula or to a file of samples given as --target".into());
    }
    let target: Arc<dyn Target> = Arc::from(targets::from_spec(spec).map_err(|e| e.to_string())?);
    let definition = if spec.ends_with(".json") {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{spec}: {e}"))?;
        Some(serde_json::from_str(&text).map_err(|e| format!("{spec}: {e}"))?)
    } else {
        None
    };
    Ok((target, definition))
}

/// The target `--formula F --box B` names, and its definition (kept in model files).
fn formula_target(
    formula: &str,
    bounds: &str,
) -> Result<(Arc<dyn Target>, Option<serde_json::Value>), String> {
    let edges = targets::FormulaSpec::parse_box(bounds).map_err(|e| format!("--box: {e}"))?;
    let spec = targets::FormulaSpec {
        formula: formula.into(),
        bounds: edges,
    };
    let definition = serde_json::to_value(&spec).map_err(|e| e.to_string())?;
    let target = targets::FormulaTarget::new(spec).map_err(|e| e.to_string())?;
    Ok((Arc::new(target), Some(definition)))
}

fn target_of_model(file: &ModelFile) -> Result<Arc<dyn Target>, String> {
    targets::resolve(&file.target, file.target_definition.as_ref())
        .map(Arc::from)
        .map_err(|e| e.to_string())
}

fn read_model(path: &PathBuf) -> Result<ModelFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    ModelFile::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every figure of an evaluation (null where one does not apply).
#[derive(serde::Serialize, Default)]
struct Metrics {
    kl: Option<f64>,
    nll: Option<f64>,
    ess: Option<f64>,
    reverse_kl: Option<f64>,
    correlation: Option<f64>,
    /// Shares of 20,000 model samples in the quadrants about the box's centre (x<, y<), (x≥,
    /// y<), (x<, y≥), (x≥, y≥): whether a fit covers every part of a target.
    quadrants: Option<[f64; 4]>,
}

/// Shares of `n` model samples in the four quadrants about the centre of `target`'s box.
fn quadrant_shares(flow: &Flow, target: &dyn Target, n: usize, rng: &mut Rng) -> [f64; 4] {
    let b = target.bounds().0;
    let centre = [0.5 * (b[0][0] + b[0][1]), 0.5 * (b[1][0] + b[1][1])];
    let mut counts = [0usize; 4];
    for q in flow.sample(n, rng) {
        counts[usize::from(q[0] >= centre[0]) + 2 * usize::from(q[1] >= centre[1])] += 1;
    }
    counts.map(|c| c as f64 / n as f64)
}

fn evaluate(
    flow: &Flow,
    target: &dyn Target,
    draws: usize,
    grid: usize,
    seed: u64,
    png: Option<&PathBuf>,
) -> Result<Metrics, String> {
    let mut rng = Rng::seed_from_u64(seed);
    let mut cells = GridEval::new(target, grid, draws, seed);
    cells.advance(flow, grid * grid);
    if let Some(path) = png {
        super::thumbnail::write_side_by_side(
            path,
            &cells.target_density,
            &cells.model_density(),
            grid,
        )?;
    }
    let mut m = Metrics {
        kl: cells.kl(),
        nll: target
            .normalized()
            .then(|| heldout_nll(flow, target, 2000, draws, &mut rng)),
        ..Metrics::default()
    };
    if flow.config.objective == Objective::Density {
        let report = importance_report(flow, target, 10_000, &mut rng);
        m.ess = Some(report.ess_fraction);
        m.reverse_kl = Some(report.reverse_kl);
        m.quadrants = Some(quadrant_shares(flow, target, 20_000, &mut rng));
    }
    if flow.config.kinetic == Kinetic::Fixed && flow.config.blocks == 1 {
        m.correlation = Some(potential_correlation(flow, target, 64));
    }
    Ok(m)
}

fn fmt(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{v:.4}"))
}

/// `train`.
pub fn train(args: &TrainArgs) -> Result<(), String> {
    let (target, definition) = match &args.formula {
        Some(formula) => {
            let bounds = args.bounds.as_deref().ok_or("--formula needs --box")?;
            formula_target(formula, bounds)?
        }
        None => load_target(&args.target, args.bounds.as_deref())?,
    };
    let (config, train) = args.configs(target.default_objective());
    if train.iw_draws == 1 && train.iw_mix != 1.0 {
        return Err(
            "--iw-mix weighs the score of groups of draws: it needs --iw-draws 2, 4 or 8".into(),
        );
    }
    let objective = config.objective;
    let mut trainer =
        Trainer::new(config, train.clone(), target.clone()).map_err(|e| e.to_string())?;
    trainer.set_threads(args.threads);
    let bar = indicatif::ProgressBar::new(args.iters as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} iterations, loss {msg} ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let start = Instant::now();
    let mut rejected_msgs = 0;
    while (trainer.step as usize) < args.iters {
        if let Err(e) = trainer.step() {
            rejected_msgs += 1;
            if rejected_msgs <= 3 {
                bar.println(format!("step {}: {e}", trainer.step + 1));
            }
            if trainer.rejected > 100 {
                bar.abandon();
                return Err(format!(
                    "training diverged: {} steps rejected ({})",
                    trainer.rejected,
                    e.advice()
                ));
            }
            continue;
        }
        if trainer.step % 25 == 0 {
            bar.set_position(trainer.step);
            bar.set_message(format!("{:.4}", trainer.last_loss().unwrap_or(f64::NAN)));
        }
    }
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let final_loss = {
        // The mean of the last 50 losses: one batch's loss is noisy.
        let h = &trainer.history;
        let tail = &h[h.len().saturating_sub(50)..];
        tail.iter().map(|(_, l)| l).sum::<f64>() / tail.len().max(1) as f64
    };
    let metrics = evaluate(
        &trainer.flow,
        target.as_ref(),
        args.draws,
        args.grid,
        args.seed.wrapping_add(1),
        args.png.as_ref(),
    )?;
    let params = trainer.flow.param_count();
    println!(
        "target {} ({:?} objective, {:?} kinetic), {params} parameters",
        target.id(),
        objective,
        trainer.flow.config.kinetic
    );
    println!(
        "{} iterations in {seconds:.1} s ({:.2} ms/iteration), {} rejected",
        trainer.step,
        1000.0 * seconds / trainer.step.max(1) as f64,
        trainer.rejected
    );
    println!(
        "loss {final_loss:.4} | grid KL {} (S={}, {}²) | held-out NLL {} | ESS {} | reverse KL {} | corr(V, −log p) {}",
        fmt(metrics.kl),
        args.draws,
        args.grid,
        fmt(metrics.nll),
        fmt(metrics.ess),
        fmt(metrics.reverse_kl),
        fmt(metrics.correlation)
    );
    if let Some(out) = &args.out {
        let file = ModelFile::new(
            &trainer.flow,
            &train,
            target.id(),
            definition,
            trainer.step,
            Some(trainer.adam.clone()),
        );
        std::fs::write(out, file.to_json()).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("saved {}", out.display());
    }
    if args.json {
        let line = serde_json::json!({
            "loss": final_loss, "kl": metrics.kl, "nll": metrics.nll, "ess": metrics.ess,
            "reverse_kl": metrics.reverse_kl, "correlation": metrics.correlation,
            "quadrants": metrics.quadrants, "base": trainer.flow.config.base,
            "momentum": trainer.flow.config.momentum,
            "anneal_iters": train.anneal_iters, "warmup_iters": train.warmup_iters,
            "iw_draws": train.iw_draws, "iw_iters": train.iw_iters, "iw_mix": train.iw_mix,
            "estimator": train.estimator,
            "batch": train.batch, "lr": train.lr, "update_rule": train.update_rule, "blocks": trainer.flow.config.blocks,
            "leapfrog_steps": trainer.flow.config.leapfrog_steps, "dt": trainer.flow.config.dt,
            "activation": trainer.flow.config.activation,
            "params": params, "iters": trainer.step, "seconds": seconds, "eval_draws": args.draws,
            "ms_per_iter": 1000.0 * seconds / trainer.step.max(1) as f64,
            "target": target.id(), "objective": objective, "kinetic": trainer.flow.config.kinetic,
        });
        println!("{line}");
    }
    Ok(())
}

/// `eval`.
pub fn eval(args: &EvalArgs) -> Result<(), String> {
    let file = read_model(&args.model)?;
    let flow = file.flow().map_err(|e| e.to_string())?;
    let target = match &args.target {
        Some(spec) => load_target(spec, None)?.0,
        None => target_of_model(&file)?,
    };
    let metrics = evaluate(
        &flow,
        target.as_ref(),
        args.draws,
        args.grid,
        args.seed,
        args.png.as_ref(),
    )?;
    println!(
        "{} on {}: grid KL {} (S={}, {}²) | held-out NLL {} | ESS {} | reverse KL {} | corr(V, −log p) {}",
        args.model.display(),
        target.id(),
        fmt(metrics.kl),
        args.draws,
        args.grid,
        fmt(metrics.nll),
        fmt(metrics.ess),
        fmt(metrics.reverse_kl),
        fmt(metrics.correlation)
    );
    if args.json {
        let mut v = serde_json::to_value(&metrics).map_err(|e| e.to_string())?;
        v["params"] = flow.param_count().into();
        v["step"] = file.step.into();
        v["eval_draws"] = args.draws.into();
        println!("{v}");
    }
    Ok(())
}

/// `sample`.
pub fn sample(args: &SampleArgs) -> Result<(), String> {
    let file = read_model(&args.model)?;
    let flow = file.flow().map_err(|e| e.to_string())?;
    let target = target_of_model(&file)?;
    let mut rng = Rng::seed_from_u64(args.seed);
    let axes = target.display_axes();
    let mut out = String::with_capacity(args.n * 24);
    out.push_str(&format!("{},{}\n", axes[0], axes[1]));
    for q in flow.sample(args.n, &mut rng) {
        let d = target.to_display(q);
        out.push_str(&format!("{},{}\n", d[0], d[1]));
    }
    // A closed pipe (`| head`) ends the output quietly rather than as an error.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(())
}

/// `targets`.
pub fn list_targets(json: bool) {
    let mut out = std::io::stdout().lock();
    for info in targets::catalog() {
        let written = if json {
            let line = serde_json::json!({"id": info.id, "name": info.name, "caption": info.caption, "objectives": info.objectives, "default_objective": info.default_objective});
            writeln!(out, "{line}")
        } else {
            writeln!(out, "{:14} {}", info.id, info.caption)
        };
        // A closed pipe (`| head`) ends the listing quietly.
        if written.is_err() {
            return;
        }
    }
}
