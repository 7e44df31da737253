//! Several models of the story on one target's density, each at its defaults, measured the same
//! way: "same target, five methods" (docs/MATH.md §11). Used by `nhf-playground compare`.
//!
//! Every method ends with draws from what it learned or sampled, so one figure applies to all:
//! the binned KL(q̂ ‖ p̂) between the draws' histogram and the target's cell masses on a
//! [`KL_CELLS`]² grid over the target's box ([`binned_kl`]). The ESS is in percent of the draws
//! for all: importance sampling for the flows, the chains' autocorrelation for the samplers.

mod binned_kl;
mod entrant;

use std::sync::Arc;

pub use binned_kl::{TARGET_DRAWS, binned_kl, binned_kl_against, target_cells};
pub use entrant::Entrant;

use crate::classic_flows;
use crate::nhf::MomentumModel;
use crate::targets::Target;

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
    /// Draws taken from each flow for its binned KL.
    pub flow_draws: usize,
    /// Exact target draws behind the binned KL's cell masses.
    pub target_draws: usize,
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
            flow_draws: FLOW_DRAWS,
            target_draws: TARGET_DRAWS,
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

/// Runs `contender` on `target` within `budget` and measures it.
pub fn run(
    contender: Contender,
    target: &Arc<dyn Target>,
    budget: &Budget,
) -> Result<Outcome, String> {
    let cells = target_cells(target.as_ref(), KL_CELLS, budget.target_draws);
    run_against(contender, target, budget, &cells)
}

/// [`run`] against the target's cell masses `cells` ([`target_cells`] with [`KL_CELLS`] per
/// side), made once for several contenders: they are a million exact draws.
pub fn run_against(
    contender: Contender,
    target: &Arc<dyn Target>,
    budget: &Budget,
    cells: &[f64],
) -> Result<Outcome, String> {
    let mut entrant = Entrant::new(contender, target, budget)?;
    while !entrant.is_done() {
        entrant.advance(target.as_ref(), f64::INFINITY)?;
    }
    Ok(entrant.measure(target.as_ref(), cells))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

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
            ..Budget::default()
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
