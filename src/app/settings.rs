//! Everything the user chooses: the target, the model and optimiser settings, and the
//! animation. It persists across reloads and (later) travels in links, so every field has a
//! default (`#[serde(default)]`): adding a field never breaks a saved state.

use serde::{Deserialize, Serialize};

use super::loaded_samples::LoadedSamples;
use super::view_set::ViewSet;
use crate::classic_flows;
use crate::hmc::HmcConfig;
use crate::l2hmc::L2hmcConfig;
use crate::method::Method;
use crate::nhf::{BaseKind, FlowConfig, MomentumModel, Objective, TrainConfig};
use crate::targets::{self, DrawnGrid, FormulaSpec, MixtureSpec, Target, TargetError};

/// The user's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The target's identifier.
    pub target: String,
    /// Model architecture and objective.
    pub flow: FlowConfig,
    /// Optimiser, batch and seed.
    pub train: TrainConfig,
    /// Particles animated in the views.
    pub particles: usize,
    /// How many workers share each training step (0: as many as the computer has cores, less
    /// one for the page). Any count trains the same bits (`nhf::batch_pieces`); only the
    /// speed differs.
    pub workers: usize,
    /// Leapfrog steps shown per second while the animation plays.
    pub anim_speed: f64,
    /// Whether particles leave fading trails.
    pub trails: bool,
    /// Training time spent per frame, in milliseconds.
    pub train_budget_ms: f64,
    /// The views shown.
    pub views: ViewSet,
    /// Position space shows the current block's learned potential V_k (with the target's
    /// density as contours) rather than the target's density.
    pub potential_background: bool,
    /// The user's picture for the `drawn` target (the built-in heart when absent).
    pub drawing: Option<DrawnGrid>,
    /// The user's Gaussian mixture for the `custom` target (loaded from a file).
    pub mixture: Option<MixtureSpec>,
    /// The user's typed log-density and its box for the `formula` target.
    pub formula: Option<FormulaSpec>,
    /// The user's file of samples for the `samples` target. Never serialised with the
    /// settings (a million rows do not belong in the browser's storage or the status); model
    /// files carry them, and a link names them by hash.
    #[serde(skip)]
    pub samples: Option<LoadedSamples>,
    /// Which model of the story runs: the NHF unless a link or the user picks another.
    pub method: Method,
    /// HMC's chains, leapfrog steps, step size and warm-up (its seed is `train.seed`).
    pub hmc: HmcConfig,
    /// L2HMC's chains, leapfrog steps, starting step size, networks and training (its seed
    /// is `train.seed`).
    pub l2hmc: L2hmcConfig,
    /// HMC or L2HMC iterations per second while it runs, slow enough to follow the chains.
    pub hmc_rate: f64,
    /// Draws per chain HMC or L2HMC keeps before it stops.
    pub hmc_draws: usize,
    /// Layers K of the planar or radial flow.
    pub layers: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            target: "8gaussians".into(),
            // Four leapfrog steps of 0.25 rather than the engine's five of 0.2: the same time
            // L·dt = 1 per block for a fifth fewer force evaluations. On 8gaussians (as below,
            // seeds 0-9) KL 0.1 came after 2075 iterations on average against 2050, and after
            // 2000 iterations of batch 192 the held-out NLL of eight targets moved by at most
            // 0.02 nats (banana; the others by under 0.005). The leapfrog's energy drift grows
            // as dt², by 1.56× (the energy view shows it: 1.35e-2 against 8.6e-3 in the
            // snapshot test's state).
            flow: FlowConfig {
                leapfrog_steps: 4,
                dt: 0.25,
                ..FlowConfig::default()
            },
            // Batch 192 rather than the engine's 512: a class watches the flow fit sooner.
            // On 8gaussians (native, seeds 0-4, grid KL on the page's 40² grid every 50
            // iterations) KL 0.1 came after 1850-2100 iterations at batch 192, 1700-2000 at
            // 256 and 2150 to never (in 4000) at 128 and 160: batch 192 needs the least
            // compute, and in headless Chromium reached it at 21.5 and 22.8 s against 26.7
            // and 26.8 s at 256. The smaller batch pays for a higher peak rate: at 3e-3, 2400
            // and never (in 3000) at batch 256 (seeds 0 and 1), against 1700 and 2000 at 5e-3.
            train: TrainConfig {
                lr: 5e-3,
                schedule_iters: 3000,
                batch: 192,
                ..TrainConfig::default()
            },
            particles: 300,
            workers: 0,
            anim_speed: 12.0,
            trails: true,
            train_budget_ms: 10.0,
            views: ViewSet::default(),
            potential_background: true,
            drawing: None,
            mixture: None,
            formula: None,
            samples: None,
            method: Method::Nhf,
            // Sixteen chains rather than the command line's four: the chains are the
            // particles a class watches.
            hmc: HmcConfig {
                chains: 16,
                ..HmcConfig::default()
            },
            // Sixteen chains as HMC's; each training iteration then averages the loss over 32
            // proposals (the chains' and as many fresh starts').
            l2hmc: L2hmcConfig {
                chains: 16,
                ..L2hmcConfig::default()
            },
            hmc_rate: 50.0,
            hmc_draws: 2000,
            layers: classic_flows::DEFAULT_LAYERS,
        }
    }
}

impl Settings {
    /// The defaults a link of format version 1 (one without a `v=` key, made before the
    /// learnable base and annealing existed) was made against: its missing keys mean these,
    /// so an old link keeps reproducing the run it showed.
    pub fn link_version_1() -> Self {
        Self {
            flow: FlowConfig {
                blocks: 4,
                leapfrog_steps: 4,
                dt: 0.25,
                width: 32,
                base: BaseKind::Standard,
                momentum: MomentumModel::Kinetic,
                ..FlowConfig::default()
            },
            train: TrainConfig {
                lr: 5e-3,
                schedule_iters: 3000,
                batch: 192,
                anneal_iters: 0,
                ..TrainConfig::default()
            },
            ..Self::default()
        }
    }
}

impl Settings {
    /// The user's own definition of the target, as model files keep it: the painted picture
    /// for `drawn`, the mixture for `custom`, the expression and box for `formula`, else
    /// `None`.
    pub fn target_definition(&self) -> Option<serde_json::Value> {
        match self.target.as_str() {
            "drawn" => self
                .drawing
                .as_ref()
                .and_then(|g| serde_json::to_value(g).ok()),
            "custom" => self
                .mixture
                .as_ref()
                .and_then(|m| serde_json::to_value(m).ok()),
            "formula" => self
                .formula
                .as_ref()
                .and_then(|f| serde_json::to_value(f).ok()),
            "samples" => self
                .samples
                .as_ref()
                .map(|s| targets::sample_set::definition(&s.spec)),
            _ => None,
        }
    }

    /// Makes `objective` the one trained, with the settings it fits best with on the page: for
    /// the density objective the command line's density levers (sine first layer, trained
    /// base, encoder momentum, annealing, groups of two draws: `FlowConfig::for_objective`,
    /// `TrainConfig::for_objective`), which at the page's own shape took banana's ESS from 22
    /// to 59 % and covered the whole donut on every seed (docs/FITS.md, "The playground's
    /// density targets"); for the samples objective the page's defaults of the same settings.
    /// The rest (blocks, batch, rate…) stays as it is, and nothing changes when the objective
    /// does not. Links and model files set each of these fields themselves (a link without
    /// `activation` or `iw_draws` means tanh and 1), so they open as they were made.
    pub fn switch_objective(&mut self, objective: Objective) {
        if self.flow.objective == objective {
            return;
        }
        let (flow, train) = match objective {
            Objective::Density => (
                FlowConfig::for_objective(objective),
                TrainConfig::for_objective(objective),
            ),
            Objective::Samples => {
                let page = Settings::default();
                (page.flow, page.train)
            }
        };
        self.flow.objective = objective;
        self.flow.activation = flow.activation;
        self.flow.base = flow.base;
        self.flow.momentum = flow.momentum;
        self.train.anneal_iters = train.anneal_iters;
        self.train.iw_draws = train.iw_draws;
        self.train.estimator = train.estimator;
    }

    /// The target these settings name ([`targets::resolve`] with the user's definition; the
    /// user's samples straight from their rows, which a definition may only name).
    pub fn resolve_target(&self) -> Result<Box<dyn Target>, TargetError> {
        if let (Some(samples), "samples") = (&self.samples, self.target.as_str()) {
            return Ok(Box::new(samples.target()?));
        }
        targets::resolve(&self.target, self.target_definition().as_ref())
    }
}
