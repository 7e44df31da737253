//! "Same target, several methods": the comparison the app runs between frames, one method after
//! the other on the session's target, each measured the way `nhf-playground compare` measures
//! it (the engine's [`crate::compare`], docs/MATH.md §11) but on a budget a class can wait for.

use std::sync::Arc;

use web_time::Instant;

use super::method_run::{LAYER_DENSITY_CELLS, histogram};
use crate::compare::{self, Budget, Contender, Entrant, KL_CELLS, Outcome};
use crate::targets::Target;

/// The methods a comparison runs unless told otherwise: the story's five chapters.
pub const DEFAULT_CONTENDERS: [Contender; 5] = [
    Contender::Planar,
    Contender::Radial,
    Contender::Hmc,
    Contender::L2hmc,
    Contender::Nhf,
];

/// The app's budget: a third of the command line's training and a quarter of its draws, so the
/// five methods finish in about half a minute in a browser (the command line's defaults are
/// what docs/MATH.md §11 reports).
pub fn app_budget(seed: u64) -> Budget {
    Budget {
        train_iters: 1000,
        chains: 16,
        draws_per_chain: 1000,
        l2hmc_train_iters: 300,
        seed,
        flow_draws: 16_000,
        target_draws: 200_000,
        ..Budget::default()
    }
}

/// One method's place in the comparison.
pub struct Lane {
    /// Which method.
    pub contender: Contender,
    /// What it is in: waiting, running, measured or failed.
    pub state: LaneState,
}

/// Where a method of the comparison is.
pub enum LaneState {
    /// Not started yet.
    Waiting,
    /// Training or sampling.
    Running(Box<Entrant>),
    /// Finished and measured; its draws as a density on the target's box
    /// ([`LAYER_DENSITY_CELLS`]² cells, as the planar and radial views draw them).
    Done {
        /// The figures (its draws dropped: the density keeps what the view shows).
        outcome: Outcome,
        /// The draws' density.
        density: Vec<f64>,
    },
    /// The method refused the target or diverged.
    Failed(String),
}

/// A comparison on the session's target.
pub struct ComparisonRun {
    /// The methods, in the order they run.
    pub lanes: Vec<Lane>,
    /// What each method may spend.
    pub budget: Budget,
    /// The target's cell masses for the binned KL, made before the first method runs.
    cells: Option<Vec<f64>>,
}

impl ComparisonRun {
    /// A comparison of `contenders`, nothing run yet. (A method that refuses the target, as
    /// every one refuses a target without a density, fails in its turn with the reason.)
    pub fn new(contenders: &[Contender], budget: Budget) -> Self {
        Self {
            lanes: contenders
                .iter()
                .map(|&contender| Lane {
                    contender,
                    state: LaneState::Waiting,
                })
                .collect(),
            budget,
            cells: None,
        }
    }

    /// The methods compared.
    pub fn contenders(&self) -> Vec<Contender> {
        self.lanes.iter().map(|l| l.contender).collect()
    }

    /// Whether every method has finished or failed.
    pub fn is_done(&self) -> bool {
        self.lanes
            .iter()
            .all(|l| matches!(l.state, LaneState::Done { .. } | LaneState::Failed(_)))
    }

    /// Spends about `seconds` on the comparison: the target's cells first, then the first
    /// method not finished (measured when its budget is spent).
    pub fn advance(&mut self, target: &Arc<dyn Target>, seconds: f64) {
        if self.is_done() {
            return;
        }
        let start = Instant::now();
        let Some(cells) = &self.cells else {
            self.cells = Some(compare::target_cells(
                target.as_ref(),
                KL_CELLS,
                self.budget.target_draws,
            ));
            return;
        };
        let Some(lane) = self
            .lanes
            .iter_mut()
            .find(|l| matches!(l.state, LaneState::Waiting | LaneState::Running(_)))
        else {
            return;
        };
        if matches!(lane.state, LaneState::Waiting) {
            lane.state = match Entrant::new(lane.contender, target, &self.budget) {
                Ok(entrant) => LaneState::Running(Box::new(entrant)),
                Err(e) => LaneState::Failed(e),
            };
        }
        let LaneState::Running(entrant) = &mut lane.state else {
            return;
        };
        let left = (seconds - start.elapsed().as_secs_f64()).max(0.0);
        if let Err(e) = entrant.advance(target.as_ref(), left) {
            lane.state = LaneState::Failed(e);
            return;
        }
        if entrant.is_done() {
            let mut outcome = entrant.measure(target.as_ref(), cells);
            let points = std::mem::take(&mut outcome.points);
            let density = histogram(points.iter(), target.bounds().0, LAYER_DENSITY_CELLS);
            lane.state = LaneState::Done { outcome, density };
        }
    }
    /// Each method: `{"method", "state", "progress"}`, and the figures of
    /// `nhf-playground compare --json` once it is measured (or `"error"` if it failed).
    pub fn status(&self) -> Vec<serde_json::Value> {
        use serde_json::json;
        self.lanes
            .iter()
            .map(|lane| {
                let method = lane.contender.name();
                match &lane.state {
                    LaneState::Waiting => {
                        json!({"method": method, "state": "waiting", "progress": 0.0})
                    }
                    LaneState::Running(e) => {
                        json!({"method": method, "state": "running", "progress": e.progress()})
                    }
                    LaneState::Failed(e) => {
                        json!({"method": method, "state": "failed", "error": e})
                    }
                    LaneState::Done { outcome, .. } => {
                        let mut v = serde_json::to_value(outcome).unwrap_or_default();
                        v["state"] = "done".into();
                        v["progress"] = 1.0.into();
                        v
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A comparison on a small budget runs every method to its figures, one after the other,
    /// a slice at a time.
    #[test]
    fn a_comparison_runs_each_method_in_turn() {
        let target: Arc<dyn Target> = Arc::from(crate::targets::by_id("u1").unwrap());
        let budget = Budget {
            train_iters: 20,
            layers: 2,
            chains: 4,
            draws_per_chain: 40,
            l2hmc_train_iters: 5,
            seed: 1,
            flow_draws: 500,
            target_draws: 5000,
            nhf_size: None,
        };
        let mut run = ComparisonRun::new(&[Contender::Planar, Contender::Hmc], budget);
        let mut slices = 0;
        while !run.is_done() {
            run.advance(&target, 0.001);
            slices += 1;
            assert!(slices < 10_000, "the comparison does not end");
        }
        assert!(slices > 2, "{slices} slices: the methods ran in one go");
        for lane in &run.lanes {
            let LaneState::Done { outcome, density } = &lane.state else {
                panic!("{} did not finish", lane.contender.name());
            };
            assert_eq!(outcome.method, lane.contender.name());
            assert!(outcome.kl.is_some_and(f64::is_finite));
            assert_eq!(density.len(), LAYER_DENSITY_CELLS * LAYER_DENSITY_CELLS);
            assert!(density.iter().any(|d| *d > 0.0));
        }
    }
}
