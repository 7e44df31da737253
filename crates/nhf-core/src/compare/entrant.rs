//! One method of the comparison, run a slice at a time and then measured.

use std::sync::Arc;

use web_time::Instant;

use super::{Budget, Contender, KL_CELLS, Outcome, binned_kl_against};
use crate::chains::Chains;
use crate::classic_flows::{self, ClassicFlow, ClassicTrainer, LayerKind};
use crate::hmc::{Hmc, HmcConfig, effective_sample_size};
use crate::l2hmc::{L2hmc, L2hmcConfig};
use crate::nhf::eval::importance_report;
use crate::nhf::{FlowConfig, Kinetic, TrainConfig, Trainer};
use crate::rng::Rng;
use crate::targets::{Objective, Target};

/// One contender in training or sampling, advanced a slice at a time (the app runs it between
/// frames; [`run`] runs it to the end), then measured.
pub struct Entrant {
    /// Which method this is.
    pub contender: Contender,
    model: Model,
    /// Iterations done, of [`Self::total`].
    done: usize,
    /// Iterations the budget allows: the flows' training, or the samplers' warm-up (HMC) or
    /// training (L2HMC) and their kept draws.
    total: usize,
    /// Seconds spent iterating (the measurement excluded).
    seconds: f64,
    budget: Budget,
}

/// The model an [`Entrant`] trains or samples with.
enum Model {
    Nhf(Box<Trainer>),
    Layers(Box<ClassicTrainer>),
    Chains(Box<dyn Chains>),
}

impl Entrant {
    /// `contender` at its defaults on `target`, nothing run yet; an error when the target has
    /// no density or the method refuses it.
    pub fn new(
        contender: Contender,
        target: &Arc<dyn Target>,
        budget: &Budget,
    ) -> Result<Self, String> {
        if !target.objectives().contains(&Objective::Density) {
            return Err(format!(
                "target '{}' has no density to compare methods on",
                target.id()
            ));
        }
        let (model, total) = match contender {
            Contender::Nhf | Contender::NhfLearned => (
                Model::Nhf(Box::new(nhf_trainer(contender, target, budget)?)),
                budget.train_iters,
            ),
            Contender::Planar | Contender::Radial => {
                let kind = if contender == Contender::Planar {
                    LayerKind::Planar
                } else {
                    LayerKind::Radial
                };
                let trainer = ClassicTrainer::new(
                    ClassicFlow::new(kind, budget.layers, budget.seed),
                    classic_flows::DEFAULT_BATCH,
                    classic_flows::DEFAULT_LR,
                    budget.seed,
                );
                (Model::Layers(Box::new(trainer)), budget.train_iters)
            }
            Contender::Hmc => {
                let config = HmcConfig {
                    chains: budget.chains,
                    seed: budget.seed,
                    ..HmcConfig::default()
                };
                let warmup = config.warmup_iters;
                let hmc = Hmc::new(config, target.as_ref())?;
                (
                    Model::Chains(Box::new(hmc)),
                    warmup + budget.draws_per_chain,
                )
            }
            Contender::L2hmc => {
                let config = L2hmcConfig {
                    chains: budget.chains,
                    train_iters: budget.l2hmc_train_iters,
                    seed: budget.seed,
                    ..L2hmcConfig::default()
                };
                let model = L2hmc::new(config, target.as_ref())?;
                let total = budget.l2hmc_train_iters + budget.draws_per_chain;
                (Model::Chains(Box::new(model)), total)
            }
        };
        Ok(Self {
            contender,
            model,
            done: 0,
            total,
            seconds: 0.0,
            budget: *budget,
        })
    }

    /// Whether every iteration of the budget has run.
    pub fn is_done(&self) -> bool {
        self.done >= self.total
    }

    /// The share of the budget's iterations done, 0 to 1.
    pub fn progress(&self) -> f64 {
        self.done as f64 / self.total.max(1) as f64
    }

    /// Seconds spent iterating so far.
    pub fn seconds(&self) -> f64 {
        self.seconds
    }

    /// Runs iterations until the budget is spent or `seconds` have passed (at least one
    /// iteration when any is left). An NHF whose steps keep being rejected is an error.
    pub fn advance(&mut self, target: &dyn Target, seconds: f64) -> Result<(), String> {
        let start = Instant::now();
        while !self.is_done() {
            match &mut self.model {
                Model::Nhf(trainer) => {
                    if let Err(e) = trainer.step()
                        && trainer.rejected > 100
                    {
                        return Err(format!(
                            "{}: {} steps rejected ({})",
                            self.contender.name(),
                            trainer.rejected,
                            e.advice()
                        ));
                    }
                    self.done = trainer.step as usize;
                }
                Model::Layers(trainer) => {
                    trainer.train_step(target)?;
                    self.done += 1;
                }
                Model::Chains(chains) => {
                    // A training iteration whose loss is not finite is skipped (its update
                    // only): the chains go on.
                    let _ = chains.iterate(target);
                    self.done += 1;
                }
            }
            if start.elapsed().as_secs_f64() >= seconds {
                break;
            }
        }
        self.seconds += start.elapsed().as_secs_f64();
        Ok(())
    }

    /// What the method reached, measured against the target's cell masses `cells` (from
    /// [`target_cells`] with [`KL_CELLS`] per side): draws, binned KL, ESS, reverse KL,
    /// acceptance. Meant for a finished entrant; an unfinished one is measured as it is.
    pub fn measure(&self, target: &dyn Target, cells: &[f64]) -> Outcome {
        let budget = &self.budget;
        let mut rng = Rng::seed_from_u64(budget.seed.wrapping_add(1));
        let (params, ess, reverse_kl, acceptance, grad_evals, points) = match &self.model {
            Model::Nhf(trainer) => {
                let report = importance_report(&trainer.flow, target, 10_000, &mut rng);
                let points = trainer.flow.sample(budget.flow_draws, &mut rng);
                let batch = trainer.train.batch as u64;
                (
                    Some(trainer.flow.param_count()),
                    Some(100.0 * report.ess_fraction),
                    Some(report.reverse_kl),
                    None,
                    batch * (trainer.step + trainer.rejected),
                    points,
                )
            }
            Model::Layers(trainer) => {
                let ess = trainer.ess_percent(target, 10_000, &mut rng);
                let layers = trainer.flow.layers;
                let reverse_kl = (0..10_000)
                    .map(|_| {
                        let (zs, log_q) = trainer.flow.path([rng.normal(), rng.normal()]);
                        log_q - target.log_prob(zs[layers])
                    })
                    .sum::<f64>()
                    / 10_000.0;
                let points: Vec<[f64; 2]> = (0..budget.flow_draws)
                    .map(|_| trainer.flow.path([rng.normal(), rng.normal()]).0[layers])
                    .collect();
                (
                    Some(trainer.flow.params.len()),
                    Some(ess),
                    Some(reverse_kl),
                    None,
                    classic_flows::DEFAULT_BATCH as u64 * trainer.step,
                    points,
                )
            }
            Model::Chains(chains) => {
                let mut ess = f64::INFINITY;
                for axis in 0..2 {
                    let coordinate = chains.coordinate(axis);
                    let refs: Vec<&[f64]> = coordinate.iter().map(Vec::as_slice).collect();
                    ess = ess.min(effective_sample_size(&refs));
                }
                let points: Vec<[f64; 2]> = chains.samples().concat();
                let n = points.len().max(1) as f64;
                (
                    chains.param_count(),
                    ess.is_finite().then(|| 100.0 * ess / n),
                    None,
                    Some(chains.acceptance_rate()).filter(|a| a.is_finite()),
                    chains.gradient_evaluations(),
                    points,
                )
            }
        };
        let bounds = target.bounds().0;
        Outcome {
            method: self.contender.name(),
            params,
            kl: Some(binned_kl_against(cells, &points, bounds, KL_CELLS)),
            ess,
            reverse_kl,
            acceptance,
            grad_evals,
            seconds: self.seconds,
            draws: points.len(),
            points,
        }
    }
}

/// The NHF's trainer for the comparison: the density defaults, or the budget's size.
fn nhf_trainer(
    contender: Contender,
    target: &Arc<dyn Target>,
    budget: &Budget,
) -> Result<Trainer, String> {
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
    Trainer::new(config, train, target.clone()).map_err(|e| e.to_string())
}
