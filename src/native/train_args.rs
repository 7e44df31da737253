//! The options of `train` and the flow and training settings they make: every flag left out
//! takes the objective's measured default (docs/FITS.md, "Defaults").

use std::path::PathBuf;

use clap::Args;

use super::{KineticArg, ObjectiveArg};
use nhf_playground::nhf::adam::UpdateRule;
use nhf_playground::nhf::{
    Activation, BaseKind, Estimator, FlowConfig, Kinetic, MomentumModel, Objective, TrainConfig,
};

/// Options of `train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// A target identifier (see `targets`) or a custom mixture JSON file.
    #[arg(long, default_value = "8gaussians")]
    pub(super) target: String,
    /// A log-density in x and y to fit instead of `--target`, e.g. "-((sqrt(x^2+y^2)-2)/0.1)^2/2"
    /// (with + - * / ^, parentheses, pi, e, exp, log, sqrt, abs, sin, cos, tan, tanh, sigmoid,
    /// softplus, min, max, logsumexp); the objective is then the density one.
    #[arg(long, requires = "bounds", allow_hyphen_values = true)]
    pub(super) formula: Option<String>,
    /// The box XMIN,XMAX,YMIN,YMAX of `--formula` (required there), or of a file of samples
    /// given as `--target` (in place of its robust-quantile box).
    #[arg(
        long = "box",
        value_name = "XMIN,XMAX,YMIN,YMAX",
        allow_hyphen_values = true
    )]
    pub(super) bounds: Option<String>,
    /// The objective (default: the target's own).
    #[arg(long, value_enum)]
    pub(super) objective: Option<ObjectiveArg>,
    /// Fixed (½a²|p|²) or learned kinetic energy.
    #[arg(long, value_enum, default_value = "fixed")]
    pub(super) kinetic: KineticArg,
    /// K, the number of blocks (default: 12 for the samples objective, 4 for density).
    #[arg(long)]
    pub(super) blocks: Option<usize>,
    /// L, leapfrog steps per block (default: 2 samples, 5 density).
    #[arg(long)]
    pub(super) leapfrog_steps: Option<usize>,
    /// dt, the leapfrog step size (default: 0.3 samples, 0.2 density).
    #[arg(long)]
    pub(super) dt: Option<f64>,
    /// W, hidden width of the potentials.
    #[arg(long, default_value_t = FlowConfig::default().width)]
    pub(super) width: usize,
    /// Hidden units per layer of the momentum encoder (the samples objective's q(p | q) and the
    /// density objective's r(p | q)).
    #[arg(long, default_value_t = FlowConfig::default().encoder_width)]
    pub(super) encoder_width: usize,
    /// The potentials' hidden activation: tanh, softplus, or sine (sin in the first hidden
    /// layer, tanh in the second) (default: sine).
    #[arg(long, value_parser = parse_activation)]
    pub(super) activation: Option<Activation>,
    /// The base distribution: standard (N(0, I)) or learned (a trained diagonal Gaussian)
    /// (default: standard for the samples objective, learned for density).
    #[arg(long, value_parser = parse_base)]
    pub(super) base: Option<BaseKind>,
    /// Density objective: how the final momentum is scored: kinetic (r ∝ e^{−K}) or encoder
    /// (a learned Gaussian r_ψ(p | q); the density objective's default).
    #[arg(long, value_parser = parse_momentum)]
    pub(super) momentum: Option<MomentumModel>,
    /// Density objective: iterations over which the weight of log π̃ rises to 1 (0: none;
    /// default 1000 for the density objective).
    #[arg(long)]
    pub(super) anneal_iters: Option<usize>,
    /// Density objective: score each group of this many draws by the importance-weighted
    /// bound (1, 2, 4 or 8; 1: the plain reverse KL; default 2).
    #[arg(long)]
    pub(super) iw_draws: Option<usize>,
    /// Density objective: use the groups of --iw-draws over this many first iterations only,
    /// then single draws (0: throughout).
    #[arg(long, default_value_t = TrainConfig::default().iw_iters)]
    pub(super) iw_iters: usize,
    /// Density objective: the group score's share α of each group's loss (0 to 1; 1: alone).
    #[arg(long)]
    pub(super) iw_mix: Option<f64>,
    /// Density objective: how the gradient is estimated: standard, or dreg (the doubly
    /// reparameterised gradient: path derivatives only, weighted by the squared importance
    /// weights; needs --iw-mix 1).
    #[arg(long, value_parser = parse_estimator)]
    pub(super) estimator: Option<Estimator>,
    /// Points per training step (default: 640 samples, 512 density).
    #[arg(long)]
    pub(super) batch: Option<usize>,
    /// Training iterations.
    #[arg(long, default_value_t = 3000)]
    pub(super) iters: usize,
    /// Adam's peak learning rate, cosine decay over the run (default: 2e-2 samples, 3e-3
    /// density).
    #[arg(long)]
    pub(super) lr: Option<f64>,
    /// Iterations over which the learning rate rises linearly to its peak (0: none).
    #[arg(long, default_value_t = TrainConfig::default().warmup_iters)]
    pub(super) warmup_iters: usize,
    /// How Adam's moments become an update: adam or nadam (a research setting).
    #[arg(long, value_parser = parse_update_rule, default_value = "adam")]
    pub(super) update_rule: UpdateRule,
    /// Keep the learning rate constant instead of cosine decay.
    #[arg(long)]
    pub(super) constant_lr: bool,
    /// Seed of the initialisation and every draw.
    #[arg(long, default_value_t = 0)]
    pub(super) seed: u64,
    /// Save the trained model here.
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Importance draws S for the model density (grid KL, NLL); fewer overstate the KL.
    #[arg(long, default_value_t = nhf_playground::nhf::eval::EVAL_DRAWS)]
    pub(super) draws: usize,
    /// Grid cells per side for the KL.
    #[arg(long, default_value_t = 128)]
    pub(super) grid: usize,
    /// Write the target's density next to the model's (grid KL grid, one colour scale) as PNG.
    #[arg(long)]
    pub(super) png: Option<PathBuf>,
    /// Threads each step's batch is split across.
    #[arg(long, default_value_t = 1)]
    pub(super) threads: usize,
    /// Print a JSON result line last.
    #[arg(long)]
    pub(super) json: bool,
}

impl TrainArgs {
    /// The flow and its training run as the flags ask, `default_objective` being the target's
    /// when `--objective` is left out.
    pub(super) fn configs(&self, default_objective: Objective) -> (FlowConfig, TrainConfig) {
        let objective = match self.objective {
            Some(ObjectiveArg::Samples) => Objective::Samples,
            Some(ObjectiveArg::Density) => Objective::Density,
            None => default_objective,
        };
        // Every flag left out takes the objective's measured default (docs/FITS.md, "Defaults").
        let flow_defaults = FlowConfig::for_objective(objective);
        let train_defaults = TrainConfig::for_objective(objective);
        let config = FlowConfig {
            blocks: self.blocks.unwrap_or(flow_defaults.blocks),
            leapfrog_steps: self.leapfrog_steps.unwrap_or(flow_defaults.leapfrog_steps),
            dt: self.dt.unwrap_or(flow_defaults.dt),
            width: self.width,
            encoder_width: self.encoder_width,
            activation: self.activation.unwrap_or(flow_defaults.activation),
            kinetic: match self.kinetic {
                KineticArg::Fixed => Kinetic::Fixed,
                KineticArg::Learned => Kinetic::Learned,
            },
            objective,
            base: self.base.unwrap_or(flow_defaults.base),
            momentum: self.momentum.unwrap_or(flow_defaults.momentum),
        };
        let train = TrainConfig {
            lr: self.lr.unwrap_or(train_defaults.lr),
            schedule_iters: if self.constant_lr { 0 } else { self.iters },
            batch: self.batch.unwrap_or(train_defaults.batch),
            seed: self.seed,
            anneal_iters: self.anneal_iters.unwrap_or(train_defaults.anneal_iters),
            warmup_iters: self.warmup_iters,
            iw_draws: self.iw_draws.unwrap_or(train_defaults.iw_draws),
            iw_iters: self.iw_iters,
            iw_mix: self.iw_mix.unwrap_or(train_defaults.iw_mix),
            estimator: self.estimator.unwrap_or(train_defaults.estimator),
            update_rule: self.update_rule,
            ..train_defaults
        };
        (config, train)
    }
}

/// A value of a settings enum by its serde name (the spelling of model files and links), or a
/// message naming `what` it should be and the choices.
fn by_serde_name<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.into()))
        .map_err(|_| format!("\"{text}\" is not {what}"))
}

/// A base kind by its serde name.
fn parse_base(text: &str) -> Result<BaseKind, String> {
    by_serde_name(text, "a base: standard or learned")
}

/// A momentum model by its serde name.
fn parse_momentum(text: &str) -> Result<MomentumModel, String> {
    by_serde_name(text, "a momentum model: kinetic or encoder")
}

/// An update rule by its serde name.
fn parse_update_rule(text: &str) -> Result<UpdateRule, String> {
    by_serde_name(text, "an update rule: adam or nadam")
}

/// A gradient estimator by its serde name (the message lists them all).
fn parse_estimator(text: &str) -> Result<Estimator, String> {
    use nhf_playground::names::Named;
    Estimator::parse(text)
}

/// An activation by its serde name (the message lists them all).
pub(super) fn parse_activation(text: &str) -> Result<Activation, String> {
    use nhf_playground::names::Named;
    Activation::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `train`'s options alone, as the command line parses them.
    #[derive(Parser)]
    struct Only {
        #[command(flatten)]
        args: TrainArgs,
    }

    fn configs(flags: &[&str], objective: Objective) -> (FlowConfig, TrainConfig) {
        let argv = std::iter::once("train").chain(flags.iter().copied());
        Only::try_parse_from(argv).unwrap().args.configs(objective)
    }

    #[test]
    fn flags_left_out_take_the_objectives_defaults() {
        for objective in [Objective::Samples, Objective::Density] {
            let (flow, train) = configs(&[], objective);
            let expected = TrainConfig::for_objective(objective);
            assert_eq!(train.batch, expected.batch);
            assert_eq!(train.lr, expected.lr);
            let flow_expected = FlowConfig::for_objective(objective);
            assert_eq!(flow.blocks, flow_expected.blocks);
            assert_eq!(flow.dt, flow_expected.dt);
            assert_eq!(flow.activation, flow_expected.activation);
            assert_eq!(flow.base, flow_expected.base);
            assert_eq!(train.iw_draws, expected.iw_draws);
        }
        // The samples objective's batch differs from the density one's (docs/FITS.md,
        // "The allowance against the issue day's binary"), so the test above tells them apart.
        assert_ne!(
            TrainConfig::for_objective(Objective::Samples).batch,
            TrainConfig::for_objective(Objective::Density).batch
        );
        assert_ne!(
            FlowConfig::for_objective(Objective::Samples).base,
            FlowConfig::for_objective(Objective::Density).base
        );
        assert_ne!(
            TrainConfig::for_objective(Objective::Samples).iw_draws,
            TrainConfig::for_objective(Objective::Density).iw_draws
        );
        let (flow, train) = configs(
            &["--batch", "96", "--lr", "1e-3", "--activation", "tanh"],
            Objective::Samples,
        );
        assert_eq!((train.batch, train.lr), (96, 1e-3));
        assert_eq!(flow.activation, Activation::Tanh);
        // The density default's levers each turn off with their own flag.
        let (flow, train) = configs(
            &[
                "--base",
                "standard",
                "--iw-draws",
                "1",
                "--activation",
                "tanh",
            ],
            Objective::Density,
        );
        assert_eq!(
            (flow.base, train.iw_draws, flow.activation),
            (BaseKind::Standard, 1, Activation::Tanh)
        );
    }
}
