//! A training step shared among workers (data parallelism in the browser). The runner of a
//! job ([`JobRunner`]) draws the batch and sends each helper a [`PieceOrder`]: the parameters
//! and the batch. Each helper ([`PieceHelper`], a copy of the flow in another Web Worker)
//! computes its run of the batch's fixed pieces (`nhf::batch_pieces`) and answers with a
//! [`PieceReply`]; the runner computes its own run meanwhile, takes the replies and sums the
//! pieces in order. The pieces do not depend on the number of workers, so the run is the same
//! bits with any number of them, and the same as the desktop's.
//!
//! Platform-free: the web entry carries the orders and replies between workers.

use std::sync::Arc;

use crate::nhf::batch_pieces::{pieces_loss_and_grad, pieces_of_worker};
use crate::nhf::objective::{Groups, Workspace};
use crate::nhf::trainer::batch_inputs;
use crate::nhf::{Flow, Objective};
use crate::targets::Target;

use super::settings::Settings;
use super::training_host::{JobHeader, JobRunner, TrainJob};
use crate::nhf::Trainer;
use crate::nhf::step_bench::BenchConfig;

/// The largest number of workers a step is shared among (the `workers` setting's range).
pub const MAX_WORKERS: usize = 16;

/// The number of workers for the `workers` setting on a computer with `cores` cores: the
/// setting itself, or for 0 all cores but one for the page (at least one); never more than
/// [`MAX_WORKERS`] or the step's pieces.
pub fn resolve_workers(setting: usize, cores: usize, pieces: usize) -> usize {
    let wanted = if setting == 0 {
        cores.saturating_sub(1)
    } else {
        setting
    };
    wanted.clamp(1, MAX_WORKERS.min(pieces.max(1)))
}

/// What a helper needs for one step: the parameters and the drawn batch.
#[derive(Clone, Debug, PartialEq)]
pub struct PieceOrder {
    /// The flow's parameters before the step.
    pub params: Vec<f32>,
    /// The batch's first point set, x₀, y₀, x₁, … (data, or ε_q for the density objective).
    pub a: Vec<f64>,
    /// The second (ε, or ε_p).
    pub b: Vec<f64>,
    /// The density objective's β.
    pub beta: f64,
    /// The density objective's importance-weighted group size at this step.
    pub draws: usize,
    /// The density objective's mix α of the group score at this step.
    pub mix: f64,
    /// Whether the density objective's gradient is the doubly reparameterised one.
    pub dreg: bool,
    /// How many workers share the step, this side included.
    pub workers: usize,
    /// Which of them the order is for (1 and up; 0 is the runner).
    pub worker: usize,
}

/// A helper's answer: its pieces' losses and gradients, in piece order.
#[derive(Clone, Debug, PartialEq)]
pub struct PieceReply {
    /// The first piece computed.
    pub first: usize,
    /// Each piece's mean loss.
    pub losses: Vec<f32>,
    /// Each piece's gradient, one after another.
    pub grads: Vec<f32>,
}

fn points(flat: &[f64]) -> Vec<[f64; 2]> {
    flat.chunks_exact(2).map(|r| [r[0], r[1]]).collect()
}

/// A helper: the job's flow and, for the density objective, its target (the samples objective
/// needs none: the batch carries the data).
pub struct PieceHelper {
    flow: Flow,
    /// The density objective's target; for the samples objective, which never reads it, any
    /// target stands in.
    target: Arc<dyn Target>,
    ws: Workspace<f32>,
}

impl PieceHelper {
    /// A helper for the job described by `header`; an error if its flow or target cannot be
    /// built here.
    pub fn new(header: &JobHeader) -> Result<Self, String> {
        let flow = Flow::new(header.flow.clone(), header.train.seed).map_err(|e| e.to_string())?;
        let target: Arc<dyn Target> = Arc::from(
            match header.flow.objective {
                Objective::Samples => crate::targets::by_id("8gaussians"),
                Objective::Density => header.settings.resolve_target(),
            }
            .map_err(|e| e.to_string())?,
        );
        Ok(Self {
            ws: Workspace::new(&flow.config),
            flow,
            target,
        })
    }

    /// Computes the order's run of pieces.
    pub fn compute(&mut self, order: &PieceOrder) -> Result<PieceReply, String> {
        if order.params.len() != self.flow.params.len() || order.a.len() != order.b.len() {
            return Err("an order that does not fit this helper's flow".into());
        }
        self.flow.params.copy_from_slice(&order.params);
        let (a, b) = (points(&order.a), points(&order.b));
        let pieces = crate::nhf::batch_pieces::piece_count(a.len());
        let run = pieces_of_worker(pieces, order.workers, order.worker);
        let inputs = batch_inputs(
            self.flow.config.objective,
            &a,
            &b,
            self.target.as_ref(),
            order.beta,
            Groups {
                draws: order.draws,
                mix: order.mix,
                dreg: order.dreg,
            },
        );
        let n = self.flow.params.len();
        let mut reply = PieceReply {
            first: run.start,
            losses: vec![0.0; run.len()],
            grads: vec![0.0; run.len() * n],
        };
        pieces_loss_and_grad(
            &self.flow,
            &inputs,
            run.start,
            &mut self.ws,
            &mut reply.losses,
            &mut reply.grads,
        );
        Ok(reply)
    }
}

/// A job of the bench configuration `config` ("standard" or "small", as the command line's
/// `bench`) from fresh parameters, shared among `workers` workers: what the browser's `bench`
/// with workers times.
pub fn bench_job(config: &str, workers: usize) -> Result<TrainJob, String> {
    let (flow, train) = BenchConfig::by_name(config)?.configs();
    let settings = Settings {
        target: "8gaussians".into(),
        flow: flow.clone(),
        train: train.clone(),
        workers,
        ..Settings::default()
    };
    let target = settings.resolve_target().map_err(|e| e.to_string())?;
    let trainer = Trainer::new(flow, train, Arc::from(target)).map_err(|e| e.to_string())?;
    Ok(TrainJob::of(0, &settings, &trainer, false))
}

impl JobRunner {
    /// How many workers should share this job's steps on a computer with `cores` cores
    /// ([`resolve_workers`] of the job's `workers` setting).
    pub fn workers(&self, cores: usize) -> usize {
        resolve_workers(self.workers_setting, cores, self.trainer.pieces())
    }

    /// Shares each step among `threads` threads of this process (native).
    pub fn use_threads(&mut self, threads: usize) {
        self.trainer.set_threads(threads);
    }

    /// Draws the next step's batch, to be shared with [`Self::order_for`]; false (and nothing
    /// drawn) once the job has nothing to do.
    pub fn begin_shared_step(&mut self) -> bool {
        if !self.active() {
            return false;
        }
        self.trainer.draw_batch();
        self.received.clear();
        self.received.resize(self.trainer.pieces(), false);
        true
    }

    /// The order for helper `worker` of `workers` for the step begun.
    pub fn order_for(&self, worker: usize, workers: usize) -> PieceOrder {
        let (a, b, beta, groups) = self.trainer.batch();
        PieceOrder {
            params: self.trainer.flow.params.clone(),
            a: a.iter().flatten().copied().collect(),
            b: b.iter().flatten().copied().collect(),
            beta,
            draws: groups.draws,
            mix: groups.mix,
            dreg: groups.dreg,
            workers,
            worker,
        }
    }

    /// Computes this side's run of pieces (worker 0 of `workers`).
    pub fn compute_own_pieces(&mut self, workers: usize) {
        let run = pieces_of_worker(self.trainer.pieces(), workers, 0);
        self.trainer.compute_pieces(run.clone());
        self.received[run].iter_mut().for_each(|r| *r = true);
    }

    /// Takes a helper's reply; refuses one that does not fit the step.
    pub fn take_reply(&mut self, reply: &PieceReply) -> Result<(), String> {
        let n = self.trainer.flow.params.len();
        let end = reply.first + reply.losses.len();
        if end > self.received.len() || reply.grads.len() != reply.losses.len() * n {
            return Err("a helper's reply does not fit the step".into());
        }
        for (k, i) in (reply.first..end).enumerate() {
            let (loss, grad) = self.trainer.piece_slot(i);
            *loss = reply.losses[k];
            grad.copy_from_slice(&reply.grads[k * n..(k + 1) * n]);
            self.received[i] = true;
        }
        Ok(())
    }

    /// Finishes the step: computes here any piece no helper answered for (a helper that
    /// failed), sums the pieces in order and takes the optimiser step. A rejected step stops
    /// the job, as in [`JobRunner::run_slice`].
    pub fn finish_shared_step(&mut self) {
        for (i, got) in self.received.iter().enumerate() {
            if !got {
                self.trainer.compute_pieces(i..i + 1);
            }
        }
        if let Err(e) = self.trainer.finish_step() {
            self.error = Some(e.to_string());
            self.failed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nhf::{FlowConfig, TrainConfig};

    #[test]
    fn the_worker_count_follows_the_setting_and_the_cores() {
        // 0: all cores but one, at least one; never more than the pieces or MAX_WORKERS.
        assert_eq!(resolve_workers(0, 1, 6), 1);
        assert_eq!(resolve_workers(0, 2, 6), 1);
        assert_eq!(resolve_workers(0, 8, 6), 6);
        assert_eq!(resolve_workers(0, 64, 100), MAX_WORKERS);
        assert_eq!(resolve_workers(3, 2, 6), 3);
        assert_eq!(resolve_workers(5, 16, 2), 2);
    }

    /// A job's steps shared among helpers (each a `PieceHelper` built from the job's header,
    /// as in another Web Worker) are the steps of a plain trainer, bit for bit, for both
    /// objectives and any number of workers; a helper that never answers is covered by
    /// `finish_shared_step`.
    #[test]
    fn shared_steps_are_the_plain_steps_bit_for_bit() {
        for (target, objective) in [
            ("8gaussians", crate::nhf::Objective::Samples),
            ("banana", crate::nhf::Objective::Density),
        ] {
            let settings = Settings {
                target: target.into(),
                flow: FlowConfig {
                    objective,
                    blocks: 2,
                    leapfrog_steps: 3,
                    ..FlowConfig::default()
                },
                train: TrainConfig {
                    batch: 150,
                    ..TrainConfig::default()
                },
                ..Settings::default()
            };
            let make = || {
                let t = settings.resolve_target().unwrap();
                Trainer::new(settings.flow.clone(), settings.train.clone(), Arc::from(t)).unwrap()
            };
            let mut plain = make();
            let losses: Vec<u64> = (0..3).map(|_| plain.step().unwrap().to_bits()).collect();
            for workers in [1, 2, 3, 5] {
                let job = TrainJob::of(1, &settings, &make(), false);
                let mut helpers: Vec<PieceHelper> = (1..workers)
                    .map(|_| PieceHelper::new(&job.header).unwrap())
                    .collect();
                let mut runner = JobRunner::new(job).unwrap();
                for _ in 0..3 {
                    assert!(runner.begin_shared_step());
                    for (i, h) in helpers.iter_mut().enumerate() {
                        // The last helper "fails": its pieces are computed by the runner.
                        if workers > 2 && i + 2 == workers {
                            continue;
                        }
                        let reply = h.compute(&runner.order_for(i + 1, workers)).unwrap();
                        runner.take_reply(&reply).unwrap();
                    }
                    runner.compute_own_pieces(workers);
                    runner.finish_shared_step();
                }
                let report = runner.report(0.0);
                let theirs: Vec<u64> = report
                    .header
                    .losses
                    .iter()
                    .map(|(_, l)| l.to_bits())
                    .collect();
                assert_eq!(theirs, losses, "{target}, {workers} workers");
                assert!(
                    report.params == plain.flow.params,
                    "{target}, {workers} workers"
                );
            }
        }
    }

    #[test]
    fn a_reply_that_does_not_fit_is_refused() {
        let job = bench_job("small", 2).unwrap();
        let mut runner = JobRunner::new(job).unwrap();
        assert!(runner.begin_shared_step());
        let bad = PieceReply {
            first: 7,
            losses: vec![0.0; 3],
            grads: Vec::new(),
        };
        assert!(runner.take_reply(&bad).is_err());
        assert!(
            bench_job("huge", 2)
                .unwrap_err()
                .contains("standard or small")
        );
    }
}
