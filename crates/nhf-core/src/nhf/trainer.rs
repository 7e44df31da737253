//! A training run: the flow, Adam, the random stream, and one step at a time with rollback —
//! a non-finite loss, gradient or parameter never reaches the model.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::adam::Adam;
use super::batch_pieces::{piece_count, pieces_loss_and_grad, pieces_of_worker, sum_pieces};
use super::config::{ConfigError, FlowConfig, Objective, TrainConfig};
use super::flow::Flow;
use super::objective::{Groups, Inputs, Workspace};
use crate::rng::Rng;
use crate::targets::Target;

/// A training run's state apart from its configuration and target: restoring it into a
/// trainer of the same configuration continues the run exactly, bit for bit (the same
/// batches, updates and losses as if it had never stopped). This is how training moves to a
/// Web Worker or a thread and back.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// The scalar part: steps, the optimiser's step count and the random stream.
    pub meta: CheckpointMeta,
    /// The flow's parameters.
    pub params: Vec<f32>,
    /// Adam's first moments.
    pub m: Vec<f32>,
    /// Adam's second moments.
    pub v: Vec<f32>,
}

/// The scalar part of a [`Checkpoint`] (small: sent as JSON beside the raw vectors).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// Steps accepted so far.
    pub step: u64,
    /// Steps rejected so far.
    pub rejected: u64,
    /// Adam's step count.
    pub adam_t: u64,
    /// The data stream.
    pub rng: Rng,
}

/// Why a training step was rejected (the model is unchanged).
#[derive(Clone, Debug, PartialEq)]
pub enum StepError {
    /// The loss was NaN or infinite.
    NonFiniteLoss,
    /// Some gradient component was NaN or infinite.
    NonFiniteGradient,
    /// The update produced a NaN or infinite parameter; the previous parameters were restored.
    NonFiniteParameters,
}

impl StepError {
    /// What the user can change to avoid it.
    pub fn advice(&self) -> &'static str {
        "the flow diverged: lower the learning rate or dt, or use fewer leapfrog steps"
    }
}

impl std::fmt::Display for StepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self {
            StepError::NonFiniteLoss => "the loss became non-finite",
            StepError::NonFiniteGradient => "the gradient became non-finite",
            StepError::NonFiniteParameters => "an update made the parameters non-finite",
        };
        write!(f, "{what}; the step was rolled back ({})", self.advice())
    }
}

impl std::error::Error for StepError {}

/// A training run of a flow on a target.
pub struct Trainer {
    /// The model being trained.
    pub flow: Flow,
    /// Optimiser settings.
    pub train: TrainConfig,
    /// The optimiser's state.
    pub adam: Adam,
    /// Steps accepted so far.
    pub step: u64,
    /// Steps rejected (rolled back) so far.
    pub rejected: u64,
    /// (step, loss) of every accepted step.
    pub history: Vec<(u64, f64)>,
    target: Arc<dyn Target>,
    rng: Rng,
    ws: Workspace<f32>,
    grad: Vec<f32>,
    batch_a: Vec<[f64; 2]>,
    batch_b: Vec<[f64; 2]>,
    backup_params: Vec<f32>,
    backup_adam: Adam,
    /// Buffers of the extra threads of a multi-threaded step (empty: one thread).
    thread_ws: Vec<Workspace<f32>>,
    /// Each piece's mean loss ([`super::batch_pieces`]).
    piece_losses: Vec<f32>,
    /// Each piece's gradient, one after another.
    piece_grads: Vec<f32>,
}

impl Trainer {
    /// A fresh run: parameters initialised from `train.seed`.
    pub fn new(
        config: FlowConfig,
        train: TrainConfig,
        target: Arc<dyn Target>,
    ) -> Result<Self, ConfigError> {
        let flow = Flow::new(config, train.seed)?;
        Self::resume(flow, train, target, Adam::default(), 0)
    }

    /// Continues a run from a flow, optimiser state and step count.
    pub fn resume(
        flow: Flow,
        train: TrainConfig,
        target: Arc<dyn Target>,
        adam: Adam,
        step: u64,
    ) -> Result<Self, ConfigError> {
        train.validate()?;
        if !target.objectives().contains(&flow.config.objective) {
            return Err(ConfigError {
                field: "objective",
                message: format!(
                    "target '{}' cannot be fitted with the {:?} objective",
                    target.id(),
                    flow.config.objective
                ),
            });
        }
        let n = flow.param_count();
        let adam = if adam.m.len() == n && adam.v.len() == n {
            adam
        } else {
            Adam::new(n)
        };
        // The data stream is seeded apart from the initialisation so that resuming with the
        // same seed does not replay the initial draws.
        let rng = Rng::seed_from_u64(train.seed ^ 0x9E37_79B9_7F4A_7C15 ^ step);
        let b = train.batch;
        Ok(Self {
            ws: Workspace::new(&flow.config),
            grad: vec![0.0; n],
            batch_a: vec![[0.0; 2]; b],
            batch_b: vec![[0.0; 2]; b],
            backup_params: flow.params.clone(),
            backup_adam: adam.clone(),
            thread_ws: Vec::new(),
            piece_losses: vec![0.0; piece_count(b)],
            piece_grads: vec![0.0; piece_count(b) * n],
            flow,
            train,
            adam,
            step,
            rejected: 0,
            history: Vec::with_capacity(4096),
            target,
            rng,
        })
    }

    /// The target being fitted.
    pub fn target(&self) -> &Arc<dyn Target> {
        &self.target
    }

    /// Fits a new target from here on, keeping the parameters and the optimiser's state (for
    /// a target that changes while the class watches, such as a picture being painted). The
    /// objective must be one the new target supports; otherwise nothing changes.
    pub fn set_target(&mut self, target: Arc<dyn Target>) -> bool {
        if !target.objectives().contains(&self.flow.config.objective) {
            return false;
        }
        self.target = target;
        true
    }

    /// The learning rate the next step will use.
    pub fn current_lr(&self) -> f64 {
        self.train.lr_at(self.step)
    }

    /// Whether the schedule has reached its end (its rate is zero from here on): the
    /// playground stops there until the user chooses how to continue.
    pub fn schedule_done(&self) -> bool {
        self.train
            .schedule_end()
            .is_some_and(|end| self.step >= end)
    }

    /// The state to continue this run elsewhere (see [`Checkpoint`]).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            meta: CheckpointMeta {
                step: self.step,
                rejected: self.rejected,
                adam_t: self.adam.t,
                rng: self.rng.clone(),
            },
            params: self.flow.params.clone(),
            m: self.adam.m.clone(),
            v: self.adam.v.clone(),
        }
    }

    /// Continues from a checkpoint of a run with this configuration; refuses one whose
    /// vectors do not fit this flow (the trainer is unchanged then). History is not part of
    /// a checkpoint: the caller appends the losses it was sent.
    pub fn restore(&mut self, c: &Checkpoint) -> Result<(), String> {
        let n = self.flow.param_count();
        if c.params.len() != n || c.m.len() != n || c.v.len() != n {
            return Err(format!(
                "a checkpoint of {} parameters does not fit a flow of {n}",
                c.params.len()
            ));
        }
        self.flow.params.copy_from_slice(&c.params);
        self.adam.m.copy_from_slice(&c.m);
        self.adam.v.copy_from_slice(&c.v);
        self.adam.t = c.meta.adam_t;
        self.step = c.meta.step;
        self.rejected = c.meta.rejected;
        self.rng.clone_from(&c.meta.rng);
        Ok(())
    }

    /// The most recent accepted loss.
    pub fn last_loss(&self) -> Option<f64> {
        self.history.last().map(|&(_, l)| l)
    }

    /// Shares each step's pieces ([`super::batch_pieces`]) among `threads` threads (1 = this
    /// thread only; more than the pieces are not used). Needs platform threads: native only.
    /// The step is the same bits for every count.
    pub fn set_threads(&mut self, threads: usize) {
        let extra = threads.clamp(1, self.piece_losses.len()) - 1;
        self.thread_ws = (0..extra)
            .map(|_| Workspace::new(&self.flow.config))
            .collect();
    }

    /// Draws the next step's batch from the random stream (the first part of [`Self::step`],
    /// for a step whose pieces are computed elsewhere too): then compute every piece with
    /// [`Self::compute_pieces`] or [`Self::piece_slot`], and finish with
    /// [`Self::finish_step`].
    pub fn draw_batch(&mut self) {
        match self.flow.config.objective {
            Objective::Samples => {
                self.target.sample_into(&mut self.rng, &mut self.batch_a);
                for e in &mut self.batch_b {
                    *e = [self.rng.normal(), self.rng.normal()];
                }
            }
            Objective::Density => {
                for (q, p) in self.batch_a.iter_mut().zip(&mut self.batch_b) {
                    *q = [self.rng.normal(), self.rng.normal()];
                    *p = [self.rng.normal(), self.rng.normal()];
                }
            }
        }
    }

    /// The drawn batch's two point sets (data and ε for the samples objective; ε_q and ε_p
    /// for the density objective), the density objective's β and its importance-weighted
    /// group size: what a worker computing some pieces needs besides the parameters and the
    /// target.
    pub fn batch(&self) -> (&[[f64; 2]], &[[f64; 2]], f64, Groups) {
        (
            &self.batch_a,
            &self.batch_b,
            self.train.anneal_beta(self.step),
            self.train.iw_groups_at(self.step),
        )
    }

    /// The number of pieces of a step ([`super::batch_pieces::piece_count`] of the batch).
    pub fn pieces(&self) -> usize {
        self.piece_losses.len()
    }

    /// Where piece `i`'s mean loss and gradient go, for a piece computed elsewhere.
    pub fn piece_slot(&mut self, i: usize) -> (&mut f32, &mut [f32]) {
        let n = self.grad.len();
        (
            &mut self.piece_losses[i],
            &mut self.piece_grads[i * n..(i + 1) * n],
        )
    }

    /// Computes the pieces `range` of the drawn batch here, shared among this trainer's
    /// threads ([`Self::set_threads`]).
    pub fn compute_pieces(&mut self, range: std::ops::Range<usize>) {
        let (a, b, beta) = (
            &self.batch_a,
            &self.batch_b,
            self.train.anneal_beta(self.step),
        );
        let inputs = batch_inputs(
            self.flow.config.objective,
            a,
            b,
            self.target.as_ref(),
            beta,
            self.train.iw_groups_at(self.step),
        );
        let n = self.grad.len();
        let losses = &mut self.piece_losses[range.clone()];
        let grads = &mut self.piece_grads[range.start * n..range.end * n];
        let (flow, first) = (&self.flow, range.start);
        let run = |ws: &mut Workspace<f32>, at: usize, losses: &mut [f32], grads: &mut [f32]| {
            pieces_loss_and_grad(flow, &inputs, at, ws, losses, grads);
        };
        let threads = self.thread_ws.len() + 1;
        if threads == 1 {
            run(&mut self.ws, first, losses, grads);
            return;
        }
        let count = range.len();
        std::thread::scope(|scope| {
            let (mut losses, mut grads) = (losses, grads);
            let mut mine = None;
            for (t, ws) in std::iter::once(&mut self.ws)
                .chain(&mut self.thread_ws)
                .enumerate()
            {
                let own = pieces_of_worker(count, threads, t);
                let (l, rest_l) = std::mem::take(&mut losses).split_at_mut(own.len());
                let (g, rest_g) = std::mem::take(&mut grads).split_at_mut(own.len() * n);
                (losses, grads) = (rest_l, rest_g);
                let at = first + own.start;
                if t == 0 {
                    mine = Some((ws, at, l, g));
                } else {
                    scope.spawn(move || run(ws, at, l, g));
                }
            }
            if let Some((ws, at, l, g)) = mine {
                run(ws, at, l, g);
            }
        });
    }

    /// Sums the pieces in order and takes the optimiser step (the last part of
    /// [`Self::step`]); returns the loss, or why the step was rejected (in which case
    /// parameters and optimiser state are exactly as before).
    pub fn finish_step(&mut self) -> Result<f64, StepError> {
        let loss = sum_pieces(
            self.train.batch,
            &self.piece_losses,
            &self.piece_grads,
            &mut self.grad,
        );
        self.apply(loss)
    }

    /// One training step on a fresh batch; returns the loss, or why the step was rejected
    /// (in which case parameters and optimiser state are exactly as before).
    pub fn step(&mut self) -> Result<f64, StepError> {
        self.draw_batch();
        self.compute_pieces(0..self.pieces());
        self.finish_step()
    }

    /// Adam on the summed gradient, with the finiteness checks and rollback.
    fn apply(&mut self, loss: f32) -> Result<f64, StepError> {
        if !loss.is_finite() {
            self.rejected += 1;
            return Err(StepError::NonFiniteLoss);
        }
        if self.grad.iter().any(|g| !g.is_finite()) {
            self.rejected += 1;
            return Err(StepError::NonFiniteGradient);
        }
        self.backup_params.copy_from_slice(&self.flow.params);
        self.backup_adam.clone_from(&self.adam);
        let lr = self.current_lr();
        self.adam.step_with(
            self.train.update_rule,
            &mut self.flow.params,
            &self.grad,
            lr,
            self.train.clip_norm,
        );
        if self.flow.params.iter().any(|p| !p.is_finite()) {
            self.flow.params.copy_from_slice(&self.backup_params);
            self.adam.clone_from(&self.backup_adam);
            self.rejected += 1;
            return Err(StepError::NonFiniteParameters);
        }
        self.step += 1;
        let loss = f64::from(loss);
        self.history.push((self.step, loss));
        Ok(loss)
    }
}

/// The inputs of a step from its drawn point sets (see [`Trainer::batch`]).
pub fn batch_inputs<'a>(
    objective: Objective,
    a: &'a [[f64; 2]],
    b: &'a [[f64; 2]],
    target: &'a dyn Target,
    beta: f64,
    groups: Groups,
) -> Inputs<'a> {
    match objective {
        Objective::Samples => Inputs::Samples { data: a, eps: b },
        Objective::Density => Inputs::Density {
            q0: a,
            p0: b,
            target,
            beta,
            groups,
        },
    }
}
