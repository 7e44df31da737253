//! `classic`: a planar or radial flow (Rezende & Mohamed 2015) trained by the reverse KL on a
//! target's density, from the command line (docs/MATH.md §9).

use clap::{Args, ValueEnum};
use web_time::Instant;

use nhf_playground::classic_flows::{self, ClassicFlow, ClassicTrainer, LayerKind};
use nhf_playground::rng::Rng;
use nhf_playground::targets;

/// Layer names on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    /// z′ = z + û tanh(wᵀz + b).
    Planar,
    /// z′ = z + β (z − z₀)/(α + ‖z − z₀‖).
    Radial,
}

/// Options of `classic`.
#[derive(Args, Debug)]
pub struct ClassicArgs {
    /// A target identifier (see `targets`) or a custom mixture JSON file.
    #[arg(long, default_value = "u1")]
    target: String,
    /// The layer kind.
    #[arg(long, value_enum, default_value = "planar")]
    kind: KindArg,
    /// K, the number of layers (the paper's Figure 3 shows 2, 8 and 32).
    #[arg(long, default_value_t = classic_flows::DEFAULT_LAYERS)]
    layers: usize,
    /// Base points per step.
    #[arg(long, default_value_t = classic_flows::DEFAULT_BATCH)]
    batch: usize,
    /// Adam's learning rate.
    #[arg(long, default_value_t = classic_flows::DEFAULT_LR)]
    lr: f64,
    /// Training steps.
    #[arg(long, default_value_t = 3000)]
    iters: usize,
    /// Seed of the initial layers and every draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print a JSON line with every figure last.
    #[arg(long)]
    json: bool,
}

/// Trains and reports the loss (the free energy, KL − log Z) and the importance ESS.
pub fn run(args: &ClassicArgs) -> Result<(), String> {
    if !(1..=256).contains(&args.layers) {
        return Err(format!("layers must be 1 to 256, got {}", args.layers));
    }
    if !(args.lr.is_finite() && args.lr > 0.0) {
        return Err(format!(
            "the learning rate must be positive, got {}",
            args.lr
        ));
    }
    let target = targets::from_spec(&args.target).map_err(|e| e.to_string())?;
    let kind = match args.kind {
        KindArg::Planar => LayerKind::Planar,
        KindArg::Radial => LayerKind::Radial,
    };
    let flow = ClassicFlow::new(kind, args.layers, args.seed);
    let mut trainer = ClassicTrainer::new(flow, args.batch, args.lr, args.seed);
    let start = Instant::now();
    for _ in 0..args.iters {
        trainer.train_step(target.as_ref())?;
    }
    let seconds = start.elapsed().as_secs_f64();
    let h = &trainer.history;
    let tail = &h[h.len().saturating_sub(100)..];
    let loss = tail.iter().map(|(_, l)| l).sum::<f64>() / tail.len().max(1) as f64;
    let mut rng = Rng::seed_from_u64(args.seed.wrapping_add(1));
    let ess = trainer.ess_percent(target.as_ref(), 20_000, &mut rng);
    println!(
        "{} layers {:?} on {}: loss {loss:.4} (mean of the last {}), ESS {ess:.1} %, {} parameters, {seconds:.2} s",
        args.layers,
        kind,
        target.id(),
        tail.len(),
        trainer.flow.params.len()
    );
    if args.json {
        let line = serde_json::json!({
            "target": target.id(), "kind": kind, "layers": args.layers, "loss": loss,
            "ess": ess, "params": trainer.flow.params.len(), "iters": args.iters, "seconds": seconds,
        });
        println!("{line}");
    }
    Ok(())
}
