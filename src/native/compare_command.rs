//! `compare`: several models of the story on one target's density, each at its defaults, one
//! JSON line per method (docs/MATH.md §11).

use std::sync::Arc;

use clap::Args;

use nhf_playground::compare::{self, Budget, Contender};
use nhf_playground::names::Named as _;
use nhf_playground::nhf::MomentumModel;
use nhf_playground::targets::{self, Target};

/// Options of `compare`.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// A target identifier (see `targets`) or a custom mixture JSON file.
    #[arg(long, default_value = "banana")]
    target: String,
    /// Comma list of methods: nhf, nhf-learned, planar, radial, hmc, l2hmc.
    #[arg(long, default_value = "planar,radial,hmc,l2hmc,nhf,nhf-learned")]
    methods: String,
    /// Training iterations of the flows (NHF, planar, radial).
    #[arg(long, default_value_t = Budget::default().train_iters)]
    iters: usize,
    /// Layers of the planar and radial flows.
    #[arg(long, default_value_t = Budget::default().layers)]
    layers: usize,
    /// Chains of HMC and L2HMC.
    #[arg(long, default_value_t = Budget::default().chains)]
    chains: usize,
    /// Draws kept per chain by HMC and L2HMC.
    #[arg(long, default_value_t = Budget::default().draws_per_chain)]
    draws: usize,
    /// L2HMC's training iterations.
    #[arg(long, default_value_t = Budget::default().l2hmc_train_iters)]
    l2hmc_train_iters: usize,
    /// Seed of every method.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The NHF's hidden width, blocks and momentum model, as "W,K,kinetic|encoder" (default:
    /// the `train` command's density defaults), to compare models of similar size.
    #[arg(long, value_parser = parse_nhf_size)]
    nhf_size: Option<(usize, usize, MomentumModel)>,
    /// One JSON line per method (else a table).
    #[arg(long)]
    json: bool,
}

fn parse_nhf_size(text: &str) -> Result<(usize, usize, MomentumModel), String> {
    let bad = || format!("\"{text}\" is not \"W,K,kinetic\" or \"W,K,encoder\"");
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let [w, k, m] = parts.as_slice() else {
        return Err(bad());
    };
    Ok((
        w.parse().map_err(|_| bad())?,
        k.parse().map_err(|_| bad())?,
        MomentumModel::parse(m)?,
    ))
}

/// Runs each method in turn and prints what it reached.
pub fn run(args: &CompareArgs) -> Result<(), String> {
    let target: Arc<dyn Target> =
        Arc::from(targets::from_spec(&args.target).map_err(|e| e.to_string())?);
    let methods: Vec<Contender> = args
        .methods
        .split(',')
        .map(|m| Contender::parse(m.trim()))
        .collect::<Result<_, _>>()?;
    if !(1..=256).contains(&args.layers) {
        return Err(format!("layers must be 1 to 256, got {}", args.layers));
    }
    let budget = Budget {
        train_iters: args.iters,
        layers: args.layers,
        chains: args.chains,
        draws_per_chain: args.draws,
        l2hmc_train_iters: args.l2hmc_train_iters,
        seed: args.seed,
        nhf_size: args.nhf_size,
        ..Budget::default()
    };
    if !args.json {
        println!(
            "{:<12} {:>8} {:>9} {:>8} {:>10} {:>12} {:>9}",
            "method", "params", "KL", "ESS %", "acceptance", "gradients", "seconds"
        );
    }
    let show = |x: Option<f64>, digits: usize| x.map_or("—".into(), |v| format!("{v:.digits$}"));
    // The target's cell masses, made once for every method (seeded: each method meets the
    // same ones).
    let cells = compare::target_cells(target.as_ref(), compare::KL_CELLS, budget.target_draws);
    for contender in methods {
        let out = compare::run_against(contender, &target, &budget, &cells)?;
        if args.json {
            let mut line = serde_json::to_value(&out).map_err(|e| e.to_string())?;
            line["target"] = target.id().into();
            line["seed"] = args.seed.into();
            println!("{line}");
        } else {
            println!(
                "{:<12} {:>8} {:>9} {:>8} {:>10} {:>12} {:>9.1}",
                out.method,
                out.params.map_or("—".into(), |p| p.to_string()),
                show(out.kl, 4),
                show(out.ess, 1),
                show(out.acceptance, 3),
                out.grad_evals,
                out.seconds
            );
        }
    }
    Ok(())
}
