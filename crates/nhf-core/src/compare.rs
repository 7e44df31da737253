//! Several models of the story on one target's density, each at its defaults, measured the same
//! way: "same target, five methods" (docs/MATH.md §11). Used by `nhf-playground compare`.
//!
//! Every method ends with draws from what it learned or sampled, so one figure applies to all:
//! the binned KL(q̂ ‖ p̂) between the draws' histogram and the target's cell masses on a
//! [`KL_CELLS`]² grid over the target's box ([`binned_kl`]). The ESS is in percent of the draws
//! for all: importance sampling for the flows, the chains' autocorrelation for the samplers.

use std::sync::Arc;

use web_time::Instant;

use crate::chains::Chains;
use crate::classic_flows::{self, ClassicFlow, ClassicTrainer, LayerKind};
use crate::hmc::{Hmc, HmcConfig, effective_sample_size};
use crate::l2hmc::{L2hmc, L2hmcConfig};
use crate::nhf::eval::importance_report;
use crate::nhf::{FlowConfig, Kinetic, MomentumModel, TrainConfig, Trainer};
use crate::rng::Rng;
use crate::targets::{Objective, Target};

/// Cells per side of the grid the binned KL is measured on.
pub const KL_CELLS: usize = 32;
/// Draws taken from each flow for the binned KL and its importance ESS.
pub const FLOW_DRAWS: usize = 64_000;

/// One model the comparison can run; its name is what `--methods` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contender {
    /// The NHF, fixed kinetic energy, density objective at the command line's defaults.
    Nhf,
    /// The NHF with a learned kinetic energy (Toth et al.'s original).
    NhfLearned,
    /// A planar flow.
    Planar,
    /// A radial flow.
    Radial,
    /// Hamiltonian Monte Carlo.
    Hmc,
    /// L2HMC.
    L2hmc,
}

impl Contender {
    /// Every contender, in the story's order.
    pub const ALL: [Self; 6] = [
        Self::Planar,
        Self::Radial,
        Self::Hmc,
        Self::L2hmc,
        Self::Nhf,
        Self::NhfLearned,
    ];

    /// Its name on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            Self::Nhf => "nhf",
            Self::NhfLearned => "nhf-learned",
            Self::Planar => "planar",
            Self::Radial => "radial",
            Self::Hmc => "hmc",
            Self::L2hmc => "l2hmc",
        }
    }

    /// The contender called `name`, or an error listing the names.
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|c| c.name()).collect();
                format!("unknown method \"{name}\" (known: {})", names.join(", "))
            })
    }
}

/// How much each method may spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Training iterations of the flows (the NHF's, planar's and radial's).
    pub train_iters: usize,
    /// Layers of the planar and radial flows.
    pub layers: usize,
    /// Chains of the samplers.
    pub chains: usize,
    /// Draws kept per chain by the samplers (after HMC's warm-up or L2HMC's training).
    pub draws_per_chain: usize,
    /// L2HMC's training iterations.
    pub l2hmc_train_iters: usize,
    /// Seed of every method.
    pub seed: u64,
    /// The NHF's hidden width, blocks and momentum model when not the command line's density
    /// defaults (to compare models of similar size).
    pub nhf_size: Option<(usize, usize, MomentumModel)>,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            train_iters: 3000,
            layers: classic_flows::DEFAULT_LAYERS,
            chains: 32,
            draws_per_chain: 2000,
            l2hmc_train_iters: 1000,
            seed: 0,
            nhf_size: None,
        }
    }
}

/// What one method reached; `None` where a figure does not apply.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Outcome {
    /// The contender's name.
    pub method: &'static str,
    /// Learned parameters (none for HMC).
    pub params: Option<usize>,
    /// The binned KL(q̂ ‖ p̂) of its draws ([`binned_kl`]).
    pub kl: Option<f64>,
    /// Effective sample size in percent of its draws.
    pub ess: Option<f64>,
    /// The flows' reverse KL(q ‖ π) from 10,000 draws, E_q[log q − log π] (the KL itself on a
    /// normalised target, else up to log Z; for the NHF the joint one over (q, p), an upper
    /// bound on the marginal one).
    pub reverse_kl: Option<f64>,
    /// The samplers' acceptance rate after warm-up or training.
    pub acceptance: Option<f64>,
    /// Evaluations of ∇ log π spent (training, warm-up and sampling; L2HMC's training also
    /// evaluates the Hessian at each of them).
    pub grad_evals: u64,
    /// Wall time of training and sampling, in seconds (the measurements excluded).
    pub seconds: f64,
    /// Draws measured.
    pub draws: usize,
    /// The draws themselves (for pictures; not serialised).
    #[serde(skip)]
    pub points: Vec<[f64; 2]>,
}

/// Exact target draws that make the target's cell masses p̂ of [`binned_kl`].
pub const TARGET_DRAWS: usize = 1_000_000;

/// The share of `points` in each cell of an n×n grid over `bounds` (cell (i, j) at j·n + i),
/// with `prior` added to every cell's count before normalising; points outside the box are
/// left out.
fn cell_shares(points: &[[f64; 2]], bounds: [[f64; 2]; 2], n: usize, prior: f64) -> Vec<f64> {
    let [[x0, x1], [y0, y1]] = bounds;
    let mut counts = vec![prior; n * n];
    for q in points {
        let i = ((q[0] - x0) / (x1 - x0) * n as f64).floor();
        let j = ((q[1] - y0) / (y1 - y0) * n as f64).floor();
        if (0.0..n as f64).contains(&i) && (0.0..n as f64).contains(&j) {
            counts[j as usize * n + i as usize] += 1.0;
        }
    }
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

/// KL(q̂ ‖ p̂) = Σ_c q̂_c log(q̂_c / p̂_c) over an n×n grid of the target's box: q̂ the share of
/// the method's draws inside the box in each cell, p̂ the share of [`TARGET_DRAWS`] exact
/// draws from the target (seeded, so every method meets the same p̂), each cell's count
/// raised by ½ so that no cell is empty. (The density at the cell centres would not do: a
/// target narrower than a cell, like the strongly correlated Gaussian's 0.1-wide ridge in
/// 1.8-wide cells, puts its mass between centres.) Draws outside the box are left out of q̂.
/// Binning biases it upward by about (cells − 1)/(2·draws) for independent draws: 0.008 nats
/// for 1024 cells and 64,000 draws; correlated draws add more, which is part of what it
/// measures for a sampler. Infinite when no draw falls in the box.
pub fn binned_kl(target: &dyn Target, points: &[[f64; 2]], n: usize) -> f64 {
    let bounds = target.bounds().0;
    let mut rng = Rng::seed_from_u64(0x6b1);
    let exact = target.sample(TARGET_DRAWS, &mut rng);
    let p = cell_shares(&exact, bounds, n, 0.5);
    let inside = cell_shares(points, bounds, n, 0.0);
    if inside.iter().any(|q| q.is_nan()) {
        return f64::INFINITY;
    }
    inside
        .iter()
        .zip(&p)
        .filter(|(q, _)| **q > 0.0)
        .map(|(q, p)| q * (libm::log(*q) - libm::log(*p)))
        .sum()
}

/// Runs `contender` on `target` within `budget` and measures it.
pub fn run(
    contender: Contender,
    target: &Arc<dyn Target>,
    budget: &Budget,
) -> Result<Outcome, String> {
    if !target.objectives().contains(&Objective::Density) {
        return Err(format!(
            "target '{}' has no density to compare methods on",
            target.id()
        ));
    }
    match contender {
        Contender::Nhf | Contender::NhfLearned => run_nhf(contender, target, budget),
        Contender::Planar | Contender::Radial => run_layers(contender, target.as_ref(), budget),
        Contender::Hmc | Contender::L2hmc => run_chains(contender, target.as_ref(), budget),
    }
}

fn run_nhf(
    contender: Contender,
    target: &Arc<dyn Target>,
    budget: &Budget,
) -> Result<Outcome, String> {
    let defaults = FlowConfig::for_objective(Objective::Density);
    let (width, blocks, momentum) =
        budget
            .nhf_size
            .unwrap_or((defaults.width, defaults.blocks, defaults.momentum));
    let config = FlowConfig {
        kinetic: if contender == Contender::NhfLearned {
            Kinetic::Learned
        } else {
            Kinetic::Fixed
        },
        width,
        blocks,
        momentum,
        ..defaults
    };
    let train = TrainConfig {
        schedule_iters: budget.train_iters,
        seed: budget.seed,
        ..TrainConfig::for_objective(Objective::Density)
    };
    let batch = train.batch as u64;
    let mut trainer = Trainer::new(config, train, target.clone()).map_err(|e| e.to_string())?;
    let start = Instant::now();
    while (trainer.step as usize) < budget.train_iters {
        if let Err(e) = trainer.step()
            && trainer.rejected > 100
        {
            return Err(format!(
                "{}: {} steps rejected ({})",
                contender.name(),
                trainer.rejected,
                e.advice()
            ));
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut rng = Rng::seed_from_u64(budget.seed.wrapping_add(1));
    let report = importance_report(&trainer.flow, target.as_ref(), 10_000, &mut rng);
    let points = trainer.flow.sample(FLOW_DRAWS, &mut rng);
    Ok(Outcome {
        method: contender.name(),
        params: Some(trainer.flow.param_count()),
        kl: Some(binned_kl(target.as_ref(), &points, KL_CELLS)),
        ess: Some(100.0 * report.ess_fraction),
        reverse_kl: Some(report.reverse_kl),
        acceptance: None,
        grad_evals: batch * (trainer.step + trainer.rejected),
        seconds,
        draws: points.len(),
        points,
    })
}

fn run_layers(
    contender: Contender,
    target: &dyn Target,
    budget: &Budget,
) -> Result<Outcome, String> {
    let kind = if contender == Contender::Planar {
        LayerKind::Planar
    } else {
        LayerKind::Radial
    };
    let flow = ClassicFlow::new(kind, budget.layers, budget.seed);
    let mut trainer = ClassicTrainer::new(
        flow,
        classic_flows::DEFAULT_BATCH,
        classic_flows::DEFAULT_LR,
        budget.seed,
    );
    let start = Instant::now();
    for _ in 0..budget.train_iters {
        trainer.train_step(target)?;
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut rng = Rng::seed_from_u64(budget.seed.wrapping_add(1));
    let ess = trainer.ess_percent(target, 10_000, &mut rng);
    let reverse_kl = (0..10_000)
        .map(|_| {
            let (zs, log_q) = trainer.flow.path([rng.normal(), rng.normal()]);
            log_q - target.log_prob(zs[trainer.flow.layers])
        })
        .sum::<f64>()
        / 10_000.0;
    let points: Vec<[f64; 2]> = (0..FLOW_DRAWS)
        .map(|_| {
            let (zs, _) = trainer.flow.path([rng.normal(), rng.normal()]);
            zs[trainer.flow.layers]
        })
        .collect();
    Ok(Outcome {
        method: contender.name(),
        params: Some(trainer.flow.params.len()),
        kl: Some(binned_kl(target, &points, KL_CELLS)),
        ess: Some(ess),
        reverse_kl: Some(reverse_kl),
        acceptance: None,
        grad_evals: (classic_flows::DEFAULT_BATCH * budget.train_iters) as u64,
        seconds,
        draws: points.len(),
        points,
    })
}

fn run_chains(
    contender: Contender,
    target: &dyn Target,
    budget: &Budget,
) -> Result<Outcome, String> {
    let (mut chains, warmup, params): (Box<dyn Chains>, usize, Option<usize>) =
        if contender == Contender::Hmc {
            let config = HmcConfig {
                chains: budget.chains,
                seed: budget.seed,
                ..HmcConfig::default()
            };
            let warmup = config.warmup_iters;
            (Box::new(Hmc::new(config, target)?), warmup, None)
        } else {
            let config = L2hmcConfig {
                chains: budget.chains,
                train_iters: budget.l2hmc_train_iters,
                seed: budget.seed,
                ..L2hmcConfig::default()
            };
            let model = L2hmc::new(config, target)?;
            let params = model.params.len();
            (Box::new(model), budget.l2hmc_train_iters, Some(params))
        };
    let start = Instant::now();
    for _ in 0..warmup + budget.draws_per_chain {
        // A training iteration whose loss is not finite is skipped (its update only): the
        // chains go on.
        let _ = chains.iterate(target);
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut ess = f64::INFINITY;
    for axis in 0..2 {
        let coordinate = chains.coordinate(axis);
        let refs: Vec<&[f64]> = coordinate.iter().map(Vec::as_slice).collect();
        ess = ess.min(effective_sample_size(&refs));
    }
    let points: Vec<[f64; 2]> = chains.samples().concat();
    Ok(Outcome {
        method: contender.name(),
        params,
        kl: Some(binned_kl(target, &points, KL_CELLS)),
        ess: ess
            .is_finite()
            .then(|| 100.0 * ess / points.len().max(1) as f64),
        reverse_kl: None,
        acceptance: Some(chains.acceptance_rate()).filter(|a| a.is_finite()),
        grad_evals: chains.gradient_evaluations(),
        seconds,
        draws: points.len(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact draws from a target have a binned KL near its binning bias; draws from a
    /// shifted copy have a large one.
    #[test]
    fn binned_kl_is_small_for_exact_draws_and_large_for_wrong_ones() {
        let target = crate::targets::by_id("8gaussians").unwrap();
        let mut rng = Rng::seed_from_u64(4);
        let draws = target.sample(64_000, &mut rng);
        let kl = binned_kl(target.as_ref(), &draws, KL_CELLS);
        assert!(kl < 0.05, "exact draws: {kl}");
        let shifted: Vec<[f64; 2]> = draws.iter().map(|q| [q[0] + 1.0, q[1]]).collect();
        let wrong = binned_kl(target.as_ref(), &shifted, KL_CELLS);
        assert!(wrong > 1.0, "shifted draws: {wrong}");
    }

    /// Every contender runs on a small budget and reports the figures that apply to it.
    #[test]
    fn every_contender_reports_its_figures() {
        let target: Arc<dyn Target> = Arc::from(crate::targets::by_id("u1").unwrap());
        let budget = Budget {
            train_iters: 30,
            layers: 2,
            chains: 4,
            draws_per_chain: 50,
            l2hmc_train_iters: 5,
            seed: 1,
            nhf_size: None,
        };
        for contender in Contender::ALL {
            let out = run(contender, &target, &budget).unwrap();
            assert_eq!(out.method, contender.name());
            assert!(out.kl.is_some_and(f64::is_finite), "{out:?}");
            assert!(out.grad_evals > 0);
            let sampler = matches!(contender, Contender::Hmc | Contender::L2hmc);
            assert_eq!(out.acceptance.is_some(), sampler, "{}", out.method);
            assert_eq!(out.params.is_none(), contender == Contender::Hmc);
            assert_eq!(Contender::parse(contender.name()), Ok(contender));
        }
        assert!(
            Contender::parse("nuts")
                .unwrap_err()
                .contains("nhf-learned")
        );
    }
}
