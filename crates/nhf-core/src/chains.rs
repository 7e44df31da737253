//! What the playground needs of a sampler that moves chains by proposals and a Metropolis test,
//! whichever it is: Hamiltonian Monte Carlo (docs/MATH.md §8) and L2HMC (§10). The views, the
//! diagnostics and the status read a run through this trait only.

use crate::hmc::{Hmc, Proposal};
use crate::l2hmc::L2hmc;
use crate::method_file::{MethodFile, MethodState};
use crate::targets::Target;

/// Chains of an MCMC sampler on one target.
pub trait Chains: Send {
    /// One iteration: a proposal and a Metropolis test per chain (HMC's warm-up adapts its
    /// step; L2HMC's training iterations also update its networks). An error leaves the
    /// chains as they were and says why.
    fn iterate(&mut self, target: &dyn Target) -> Result<(), String>;
    /// Iterations run, warm-up or training included.
    fn iteration(&self) -> usize;
    /// Leapfrog steps per proposal, L.
    fn leapfrog_steps(&self) -> usize;
    /// Each chain's current position.
    fn positions(&self) -> &[[f64; 2]];
    /// Each chain's kept draws.
    fn samples(&self) -> &[Vec<[f64; 2]>];
    /// Each chain's last proposal, its path recorded.
    fn last(&self) -> &[Proposal];
    /// The step size ε in use.
    fn step_size(&self) -> f64;
    /// Proposals made while keeping draws.
    fn proposed(&self) -> u64;
    /// The acceptance rate while keeping draws (NaN before any proposal).
    fn acceptance_rate(&self) -> f64;
    /// What the kept draws cost: evaluations of ∇U, the warm-up's or the training's included.
    fn gradient_evaluations(&self) -> u64;
    /// Whether the draws are being kept (the warm-up or training is over).
    fn keeping_draws(&self) -> bool;
    /// What a method file keeps of it (HMC: its settings; L2HMC: its networks too).
    fn state(&self) -> MethodState;
    /// (iteration, loss) of each training iteration, for samplers that train (L2HMC); empty
    /// for the others.
    fn losses(&self) -> &[(usize, f64)] {
        &[]
    }
    /// Learned parameters, for samplers that learn (L2HMC's networks); `None` for HMC.
    fn param_count(&self) -> Option<usize> {
        None
    }
    /// Coordinate `axis` of every chain's kept draws (for the diagnostics).
    fn coordinate(&self, axis: usize) -> Vec<Vec<f64>> {
        self.samples()
            .iter()
            .map(|c| c.iter().map(|q| q[axis]).collect())
            .collect()
    }
}

impl Chains for Hmc {
    fn iterate(&mut self, target: &dyn Target) -> Result<(), String> {
        Hmc::iterate(self, target);
        Ok(())
    }
    fn iteration(&self) -> usize {
        self.iteration
    }
    fn leapfrog_steps(&self) -> usize {
        self.config.leapfrog_steps
    }
    fn positions(&self) -> &[[f64; 2]] {
        &self.positions
    }
    fn samples(&self) -> &[Vec<[f64; 2]>] {
        &self.samples
    }
    fn last(&self) -> &[Proposal] {
        &self.last
    }
    fn step_size(&self) -> f64 {
        self.step_size
    }
    fn proposed(&self) -> u64 {
        self.proposed
    }
    fn acceptance_rate(&self) -> f64 {
        Hmc::acceptance_rate(self)
    }
    fn gradient_evaluations(&self) -> u64 {
        self.gradient_evaluations
    }
    fn keeping_draws(&self) -> bool {
        self.warmed_up()
    }
    fn state(&self) -> MethodState {
        MethodState::Hmc {
            config: self.config.clone(),
        }
    }
}

impl Chains for L2hmc {
    fn iterate(&mut self, target: &dyn Target) -> Result<(), String> {
        L2hmc::iterate(self, target)
    }
    fn iteration(&self) -> usize {
        self.iteration
    }
    fn leapfrog_steps(&self) -> usize {
        self.config.leapfrog_steps
    }
    fn positions(&self) -> &[[f64; 2]] {
        &self.positions
    }
    fn samples(&self) -> &[Vec<[f64; 2]>] {
        &self.samples
    }
    fn last(&self) -> &[Proposal] {
        &self.last
    }
    fn step_size(&self) -> f64 {
        L2hmc::step_size(self)
    }
    fn proposed(&self) -> u64 {
        self.proposed
    }
    fn acceptance_rate(&self) -> f64 {
        L2hmc::acceptance_rate(self)
    }
    fn gradient_evaluations(&self) -> u64 {
        self.gradient_evaluations + self.training_gradient_evaluations
    }
    fn keeping_draws(&self) -> bool {
        self.trained()
    }
    fn losses(&self) -> &[(usize, f64)] {
        &self.history
    }
    fn param_count(&self) -> Option<usize> {
        Some(self.params.len())
    }
    fn state(&self) -> MethodState {
        MethodFile::of_l2hmc(self)
    }
}
