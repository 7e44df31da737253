//! L2HMC's chains: the training iterations (the ESJD loss on the chains and on fresh starts,
//! Adam), then sampling iterations that keep the draws. docs/MATH.md §10b.
//!
//! Each iteration, for every chain: draw a velocity v ~ N(0, I) and a direction d = ±1, run
//! the forward (d = +1) or backward (d = −1) operator for L steps and accept the end with
//! probability A = min(1, e^{H(x,v) − H(x″,v″) + log|det|}). Drawing d with probability ½ makes
//! the pair of operators an involution on (x, v, d), so this test keeps π exact whatever the
//! networks are.
//!
//! During training the loss (eq. 8) is, for each proposal from x to x″ with acceptance A,
//! ℓ = λ²/δ − δ/λ², δ = A‖x − x″‖² + 10⁻⁴, averaged over proposals from the chains' current
//! states and, with the same weight, from fresh starting points (the paper's burn-in term).

use super::dynamics::{Dynamics, Proposed};
use super::network::Network;
use super::tape::{Tape, Var};
use crate::hmc::Proposal;
use crate::nhf::adam::Adam;
use crate::rng::Rng;
use crate::targets::Target;

/// How L2HMC trains and runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct L2hmcConfig {
    /// Number of chains (the training batch and the particles of the views).
    pub chains: usize,
    /// Leapfrog steps per proposal, L.
    pub leapfrog_steps: usize,
    /// The step size ε to start from (ε is learned with the networks).
    pub step_size: f64,
    /// Units in each hidden layer of the two networks.
    pub hidden: usize,
    /// Training iterations before the draws are kept.
    pub train_iters: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// λ of the loss: the length scale of a good jump.
    pub scale: f64,
    /// Seed of the parameters, the masks, the starting points and every draw.
    pub seed: u64,
}

impl Default for L2hmcConfig {
    fn default() -> Self {
        Self {
            chains: 32,
            leapfrog_steps: 10,
            step_size: 0.1,
            hidden: 10,
            train_iters: 1000,
            lr: 1e-3,
            scale: 1.0,
            seed: 0,
        }
    }
}

impl L2hmcConfig {
    /// Checks every field, naming the first bad one.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if !(1..=10_000).contains(&self.chains) {
            return Err(format!("chains must be 1 to 10000, got {}", self.chains));
        }
        if !(1..=1000).contains(&self.leapfrog_steps) {
            return Err(format!(
                "leapfrog steps must be 1 to 1000, got {}",
                self.leapfrog_steps
            ));
        }
        if !(1..=super::network::MAX_HIDDEN).contains(&self.hidden) {
            return Err(format!(
                "hidden units must be 1 to {}, got {}",
                super::network::MAX_HIDDEN,
                self.hidden
            ));
        }
        for (name, x) in [
            ("the step size", self.step_size),
            ("the learning rate", self.lr),
            ("the loss scale", self.scale),
        ] {
            if !positive(x) {
                return Err(format!("{name} must be positive, got {x}"));
            }
        }
        Ok(())
    }
}

/// The loss's floor on δ (the paper's 10⁻⁴), so that a refused proposal costs a large but
/// finite λ²/δ.
const DELTA_FLOOR: f64 = 1e-4;

/// Trained L2HMC chains on one target.
#[derive(Clone, Debug)]
pub struct L2hmc {
    /// The settings it runs with.
    pub config: L2hmcConfig,
    /// The networks' parameters, then log ε.
    pub params: Vec<f64>,
    /// For each leapfrog step, the coordinate the first position update keeps.
    pub masks: Vec<usize>,
    /// Each chain's current position.
    pub positions: Vec<[f64; 2]>,
    /// Each chain's draws after training.
    pub samples: Vec<Vec<[f64; 2]>>,
    /// Each chain's last proposal.
    pub last: Vec<Proposal>,
    /// Iterations run, training included.
    pub iteration: usize,
    /// (iteration, loss) of every training iteration.
    pub history: Vec<(usize, f64)>,
    /// Proposals accepted and made after training.
    pub accepted: u64,
    /// Proposals made after training.
    pub proposed: u64,
    /// Evaluations of ∇U while sampling (after training).
    pub gradient_evaluations: u64,
    /// Evaluations of ∇U (and of its Hessian) during training.
    pub training_gradient_evaluations: u64,
    adam: Adam,
    params32: Vec<f32>,
    grad: Vec<f64>,
    grad32: Vec<f32>,
    tape: Tape,
    adjoints: Vec<f64>,
    /// The fresh starting points of a training iteration (reused).
    fresh: Vec<[f64; 2]>,
    rng: Rng,
}

/// A uniform point of [−2, 2]² cut to the target's box (as HMC's chains start).
fn starting_point(target: &dyn Target, rng: &mut Rng) -> [f64; 2] {
    let [[x0, x1], [y0, y1]] = target.bounds().0;
    let mut start = |lo: f64, hi: f64| {
        let (a, b) = (lo.max(-2.0), hi.min(2.0));
        if a < b {
            rng.uniform_in(a, b)
        } else {
            rng.uniform_in(lo, hi)
        }
    };
    [start(x0, x1), start(y0, y1)]
}

impl L2hmc {
    /// Fresh networks (an untrained L2HMC is close to HMC with step ε) and chains started as
    /// HMC's are.
    pub fn new(config: L2hmcConfig, target: &dyn Target) -> Result<Self, String> {
        config.validate()?;
        let mut rng = Rng::seed_from_u64(config.seed);
        let (velocity_net, position_net) = Self::networks(config.hidden);
        let n = Self::param_count(config.hidden);
        let mut params = vec![0.0; n];
        velocity_net.init(&mut params, 1.0, &mut rng);
        position_net.init(&mut params, 2.0, &mut rng);
        params[n - 1] = libm::log(config.step_size);
        let masks = (0..config.leapfrog_steps).map(|_| rng.below(2)).collect();
        let positions = (0..config.chains)
            .map(|_| starting_point(target, &mut rng))
            .collect();
        Ok(Self {
            params32: params.iter().map(|p| *p as f32).collect(),
            params,
            masks,
            positions,
            samples: vec![Vec::new(); config.chains],
            last: vec![Proposal::default(); config.chains],
            iteration: 0,
            // Reserved like the NHF trainer's, so that training allocates nothing for its
            // first 4096 iterations.
            history: Vec::with_capacity(4096),
            accepted: 0,
            proposed: 0,
            gradient_evaluations: 0,
            training_gradient_evaluations: 0,
            adam: Adam::new(n),
            grad: vec![0.0; n],
            grad32: vec![0.0; n],
            tape: Tape::new(),
            adjoints: Vec::new(),
            fresh: Vec::new(),
            rng,
            config,
        })
    }

    /// Parameters of a sampler whose networks have `hidden` units per layer (both networks,
    /// then log ε).
    pub fn param_count(hidden: usize) -> usize {
        2 * Network::params(hidden) + 1
    }

    /// Sets the iteration count of a sampler restored from a file: at or past its training
    /// iterations it samples from its next iteration on.
    pub fn resume_at(&mut self, iteration: usize) {
        self.iteration = iteration;
    }

    /// The velocity and position networks' places in the parameter vector.
    fn networks(hidden: usize) -> (Network, Network) {
        let len = Network::params(hidden);
        (
            Network { offset: 0, hidden },
            Network {
                offset: len,
                hidden,
            },
        )
    }

    /// The dynamics over the current parameters.
    pub fn dynamics<'a>(&'a self, target: &'a dyn Target) -> Dynamics<'a> {
        let (velocity_net, position_net) = Self::networks(self.config.hidden);
        Dynamics {
            target,
            velocity_net,
            position_net,
            log_step: self.params.len() - 1,
            masks: &self.masks,
        }
    }

    /// The learned step size ε.
    pub fn step_size(&self) -> f64 {
        libm::exp(self.params[self.params.len() - 1])
    }

    /// Whether training is over (the draws are being kept).
    pub fn trained(&self) -> bool {
        self.iteration >= self.config.train_iters
    }

    /// The acceptance rate after training (NaN before any proposal).
    pub fn acceptance_rate(&self) -> f64 {
        self.accepted as f64 / self.proposed as f64
    }

    /// One iteration: a training step while training, else a sampling step.
    pub fn iterate(&mut self, target: &dyn Target) -> Result<(), String> {
        if self.trained() {
            self.sample_step(target);
            Ok(())
        } else {
            self.train_step(target).map(|_| ())
        }
    }

    /// Starts a tape with the parameters as its first nodes.
    fn reset_tape(tape: &mut Tape, params: &[f64]) {
        tape.truncate(0);
        for p in params {
            tape.leaf(*p);
        }
    }

    /// The proposal from `x` with velocity `v` in direction `forward`, recorded on `tape`, and
    /// the node of its acceptance probability A = min(1, e^{log ratio}) (0 when not finite).
    fn propose_on(
        dynamics: &Dynamics,
        tape: &mut Tape,
        x: [f64; 2],
        v: [f64; 2],
        forward: bool,
        path: Option<&mut Proposal>,
    ) -> (Proposed, Var) {
        let end = dynamics.propose(tape, (x, v), forward, path);
        let log_ratio = dynamics.log_accept_ratio(tape, (x, v), &end);
        let r = tape.value(log_ratio);
        let end_finite = [end.x[0], end.x[1], end.v[0], end.v[1]]
            .iter()
            .all(|n| tape.value(*n).is_finite());
        let accept = if !(r.is_finite() && end_finite) {
            tape.leaf(0.0)
        } else if r >= 0.0 {
            tape.leaf(1.0)
        } else {
            tape.exp(log_ratio)
        };
        (end, accept)
    }

    /// The loss ℓ = λ²/δ − δ/λ², δ = A‖x − x″‖² + 10⁻⁴, of one proposal, on the tape.
    fn esjd_loss(tape: &mut Tape, x: [f64; 2], end: &Proposed, accept: Var, scale: f64) -> Var {
        let d0 = tape.add_const(end.x[0], -x[0]);
        let d1 = tape.add_const(end.x[1], -x[1]);
        let s0 = tape.mul(d0, d0);
        let s1 = tape.mul(d1, d1);
        let jump = tape.add(s0, s1);
        let delta = tape.mul(accept, jump);
        let delta = tape.add_const(delta, DELTA_FLOOR);
        let inv = tape.recip(delta);
        let a = tape.scale(inv, scale * scale);
        let b = tape.scale(delta, 1.0 / (scale * scale));
        tape.sub(a, b)
    }

    /// The mean loss over proposals from `starts` (velocities and directions drawn from `rng`)
    /// and its gradient added to `grad` with weight `weight` per proposal. When `chains` is
    /// given the starts are the chains: each proposal's path is recorded there and each chain
    /// takes its Metropolis step. The tape holds one proposal at a time.
    #[allow(clippy::too_many_arguments)]
    fn loss_over(
        dynamics: &Dynamics,
        tape: &mut Tape,
        adjoints: &mut Vec<f64>,
        params: &[f64],
        starts: &mut [[f64; 2]],
        scale: f64,
        weight: f64,
        mut chains: Option<&mut [Proposal]>,
        grad: &mut [f64],
        rng: &mut Rng,
    ) -> f64 {
        let mut total = 0.0;
        for (i, x) in starts.iter_mut().enumerate() {
            Self::reset_tape(tape, params);
            let v = [rng.normal(), rng.normal()];
            let forward = rng.uniform() < 0.5;
            let path = chains.as_deref_mut().map(|paths| &mut paths[i]);
            let (end, accept) = Self::propose_on(dynamics, tape, *x, v, forward, path);
            let loss = Self::esjd_loss(tape, *x, &end, accept, scale);
            total += tape.value(loss);
            tape.backward(loss, adjoints);
            for (g, a) in grad.iter_mut().zip(adjoints.iter()) {
                *g += weight * a;
            }
            if let Some(paths) = chains.as_deref_mut() {
                let a = tape.value(accept);
                let accepted = rng.uniform() < a;
                (paths[i].accept_prob, paths[i].accepted) = (a, accepted);
                if accepted {
                    *x = [tape.value(end.x[0]), tape.value(end.x[1])];
                }
            }
        }
        total * weight
    }

    /// One training iteration: the loss over a proposal from every chain (which then takes a
    /// Metropolis step) and from as many fresh starts, then an Adam step. A loss or gradient
    /// that is not finite skips the update and is reported.
    pub fn train_step(&mut self, target: &dyn Target) -> Result<f64, String> {
        self.grad.iter_mut().for_each(|g| *g = 0.0);
        let n = self.positions.len();
        let weight = 1.0 / n as f64;
        let mut fresh = std::mem::take(&mut self.fresh);
        fresh.clear();
        for _ in 0..n {
            fresh.push(starting_point(target, &mut self.rng));
        }
        let (mut tape, mut adjoints) = (
            std::mem::take(&mut self.tape),
            std::mem::take(&mut self.adjoints),
        );
        let mut positions = std::mem::take(&mut self.positions);
        let mut last = std::mem::take(&mut self.last);
        let mut grad = std::mem::take(&mut self.grad);
        let (scale, params) = (self.config.scale, &self.params);
        let dynamics = self.dynamics(target);
        let mut rng = self.rng.clone();
        let chain_loss = Self::loss_over(
            &dynamics,
            &mut tape,
            &mut adjoints,
            params,
            &mut positions,
            scale,
            weight,
            Some(&mut last),
            &mut grad,
            &mut rng,
        );
        let fresh_loss = Self::loss_over(
            &dynamics,
            &mut tape,
            &mut adjoints,
            params,
            &mut fresh,
            scale,
            weight,
            None,
            &mut grad,
            &mut rng,
        );
        (
            self.tape,
            self.adjoints,
            self.positions,
            self.grad,
            self.rng,
            self.fresh,
        ) = (tape, adjoints, positions, grad, rng, fresh);
        self.last = last;
        self.training_gradient_evaluations += 2 * (n * (self.config.leapfrog_steps + 1)) as u64;
        let loss = chain_loss + fresh_loss;
        self.iteration += 1;
        if !loss.is_finite() || self.grad.iter().any(|g| !g.is_finite()) {
            return Err(format!(
                "iteration {}: the loss or its gradient is not finite",
                self.iteration
            ));
        }
        for (g32, g) in self.grad32.iter_mut().zip(&self.grad) {
            *g32 = *g as f32;
        }
        self.adam
            .step(&mut self.params32, &self.grad32, self.config.lr, 100.0);
        for (p, p32) in self.params.iter_mut().zip(&self.params32) {
            *p = f64::from(*p32);
        }
        self.history.push((self.iteration, loss));
        Ok(loss)
    }

    /// One sampling iteration: a proposal and a Metropolis–Hastings test for every chain,
    /// each proposal's path kept in [`L2hmc::last`], the positions kept as draws.
    pub fn sample_step(&mut self, target: &dyn Target) {
        let mut tape = std::mem::take(&mut self.tape);
        let mut last = std::mem::take(&mut self.last);
        let mut positions = std::mem::take(&mut self.positions);
        let dynamics = self.dynamics(target);
        let mut rng = self.rng.clone();
        for (x, path) in positions.iter_mut().zip(last.iter_mut()) {
            Self::reset_tape(&mut tape, &self.params);
            let v = [rng.normal(), rng.normal()];
            let forward = rng.uniform() < 0.5;
            let (end, accept) = Self::propose_on(&dynamics, &mut tape, *x, v, forward, Some(path));
            let a = tape.value(accept);
            path.accept_prob = a;
            path.accepted = rng.uniform() < a;
            if path.accepted {
                *x = [tape.value(end.x[0]), tape.value(end.x[1])];
            }
        }
        let n = positions.len() as u64;
        self.accepted += last.iter().filter(|p| p.accepted).count() as u64;
        (self.tape, self.last, self.positions, self.rng) = (tape, last, positions, rng);
        self.gradient_evaluations += n * (self.config.leapfrog_steps as u64 + 1);
        self.proposed += n;
        for (chain, q) in self.samples.iter_mut().zip(&self.positions) {
            chain.push(*q);
        }
        self.iteration += 1;
    }

    /// Coordinate `axis` of every chain's kept draws (for the diagnostics).
    pub fn coordinate(&self, axis: usize) -> Vec<Vec<f64>> {
        self.samples
            .iter()
            .map(|c| c.iter().map(|q| q[axis]).collect())
            .collect()
    }

    /// The training loss of the current parameters over proposals from `starts` with the
    /// given velocities and directions, and its gradient (for the gradient checks).
    pub fn loss_and_gradient(
        &self,
        target: &dyn Target,
        proposals: &[([f64; 2], [f64; 2], bool)],
    ) -> (f64, Vec<f64>) {
        let dynamics = self.dynamics(target);
        let mut tape = Tape::new();
        let mut adjoints = Vec::new();
        let mut grad = vec![0.0; self.params.len()];
        let mut total = 0.0;
        for &(x, v, forward) in proposals {
            Self::reset_tape(&mut tape, &self.params);
            let (end, accept) = Self::propose_on(&dynamics, &mut tape, x, v, forward, None);
            let loss = Self::esjd_loss(&mut tape, x, &end, accept, self.config.scale);
            total += tape.value(loss);
            tape.backward(loss, &mut adjoints);
            for (g, a) in grad.iter_mut().zip(&adjoints) {
                *g += a;
            }
        }
        (total, grad)
    }
}

#[cfg(test)]
mod tests;
