//! The playground's density grid: the model's density on a grid over the target's box and the
//! grid KL, evaluated a slice at a time for a snapshot of the flow while training goes on.
//! The session evaluates it itself while paused; while a training job runs elsewhere, the job
//! evaluates it between training slices and the session takes in the cells it reports
//! ([`GridCells`]), so a frame only draws.

use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::nhf::Flow;
use crate::nhf::eval::GridEval;
use crate::targets::Target;

/// Cells per side of the playground's density grid (the grid KL and the densities view).
pub const GRID_CELLS: usize = 40;
/// Importance draws per cell of that grid.
pub const GRID_DRAWS: usize = 8;
/// Seed of the grid's importance draws: every evaluation of a flow gives the same density.
pub const GRID_SEED: u64 = 7;
/// Cells per evaluation call between clock checks (two tiles of 8).
const CHUNK: usize = 16;

/// Which cells of which grid a piece of it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridSpan {
    /// The training step of the flow they belong to.
    pub step: u64,
    /// The index of the first cell.
    pub start: usize,
}

/// Cells of a grid evaluated on the far side of a training job, for the session's copy.
#[derive(Clone, Debug, PartialEq)]
pub struct GridCells {
    /// Where they belong.
    pub span: GridSpan,
    /// The model's log density in cells `span.start ..`.
    pub values: Vec<f64>,
}

/// The model density on a grid, evaluated a slice at a time for a snapshot of the flow.
pub struct DensityGrid {
    /// The evaluation in progress.
    pub eval: GridEval,
    /// The flow being evaluated (a snapshot: training goes on meanwhile); `None` when the
    /// cells come from elsewhere, so this side must not continue them.
    flow: Option<Flow>,
    /// The training step of that snapshot.
    pub step: u64,
    /// The last complete evaluation: (training step, model density, grid KL).
    pub done: Option<(u64, Vec<f64>, f64)>,
    /// Grid KL after each complete evaluation: (training step, KL).
    pub kl_history: Vec<(u64, f64)>,
    /// Cells already handed out by [`DensityGrid::take_cells`].
    reported: usize,
}

impl DensityGrid {
    /// A grid for `flow` at training step `step`, with nothing evaluated yet.
    pub fn new(target: &dyn Target, flow: &Flow, step: u64) -> Self {
        Self {
            eval: GridEval::new(target, GRID_CELLS, GRID_DRAWS, GRID_SEED),
            flow: Some(flow.clone()),
            step,
            done: None,
            kl_history: Vec::new(),
            reported: 0,
        }
    }

    fn restart(&mut self, target: &dyn Target, flow: Option<&Flow>, step: u64) {
        self.eval = GridEval::new(target, GRID_CELLS, GRID_DRAWS, GRID_SEED);
        self.flow = flow.cloned();
        self.step = step;
        self.reported = 0;
    }

    /// Records a complete evaluation (once per snapshot).
    fn record(&mut self) {
        if self.done.as_ref().is_some_and(|d| d.0 == self.step) {
            return;
        }
        let kl = self.eval.kl().unwrap_or(f64::NAN);
        self.done = Some((self.step, self.eval.model_density(), kl));
        if kl.is_finite() {
            self.kl_history.push((self.step, kl));
        }
    }

    /// Evaluates cells for about `budget_ms`. A complete grid is recorded and the call
    /// returns; the next call starts over on `flow` if training has moved on from the
    /// snapshot. At most one grid completes per call, so [`DensityGrid::take_cells`] after
    /// each call sees the cells of one snapshot.
    pub fn advance(&mut self, target: &dyn Target, flow: &Flow, step: u64, budget_ms: f64) {
        let start = Instant::now();
        let came_from_elsewhere = self.flow.is_none() && !self.eval.is_done();
        if self.eval.is_done() && step == self.step {
            return;
        }
        if self.eval.is_done() || came_from_elsewhere {
            self.restart(target, Some(flow), step);
        }
        let Some(snapshot) = &self.flow else { return };
        loop {
            if self.eval.advance(snapshot, CHUNK) {
                self.record();
                return;
            }
            if start.elapsed().as_secs_f64() * 1000.0 >= budget_ms {
                return;
            }
        }
    }

    /// The cells evaluated since the last call, for the session's copy of this grid.
    pub fn take_cells(&mut self) -> Option<GridCells> {
        let end = self.eval.evaluated();
        if end == self.reported {
            return None;
        }
        let cells = GridCells {
            span: GridSpan {
                step: self.step,
                start: self.reported,
            },
            values: self.eval.model_log_density[self.reported..end].to_vec(),
        };
        self.reported = end;
        Some(cells)
    }

    /// Takes cells evaluated elsewhere. Cells of another snapshot start a new grid when they
    /// are its first; cells that do not continue the grid in progress are dropped.
    pub fn receive(&mut self, target: &dyn Target, cells: &GridCells) {
        let GridSpan { step, start } = cells.span;
        if step != self.step || start != self.eval.evaluated() {
            if start != 0 {
                return;
            }
            self.restart(target, None, step);
        }
        // From here on this side cannot continue the grid: its flow is not the snapshot's.
        self.flow = None;
        if self.eval.accept(start, &cells.values) && self.eval.is_done() {
            self.record();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nhf::FlowConfig;
    use crate::nhf::eval::grid_kl;

    #[test]
    fn a_grid_received_in_pieces_equals_one_evaluated_here() {
        let target = crate::targets::by_id("8gaussians").unwrap();
        let flows: Vec<Flow> = (0..2)
            .map(|seed| Flow::new(FlowConfig::default(), seed).unwrap())
            .collect();
        let mut far = DensityGrid::new(target.as_ref(), &flows[0], 10);
        let mut near = DensityGrid::new(target.as_ref(), &flows[1], 0);
        // Two snapshots: step 10, then step 20 once the first is complete.
        let mut slices = 0;
        while near.kl_history.len() < 2 {
            let (flow, step) = if far.done.is_some() {
                (&flows[1], 20)
            } else {
                (&flows[0], 10)
            };
            far.advance(target.as_ref(), flow, step, 0.0);
            if let Some(cells) = far.take_cells() {
                near.receive(target.as_ref(), &cells);
            }
            slices += 1;
            assert!(slices < 1000, "the grid never completed");
        }
        assert!(
            far.take_cells().is_none(),
            "nothing new after the last slice"
        );
        for (i, (step, flow)) in [(10, &flows[0]), (20, &flows[1])].into_iter().enumerate() {
            let kl = grid_kl(flow, target.as_ref(), GRID_CELLS, GRID_DRAWS, GRID_SEED);
            assert_eq!(near.kl_history[i].0, step);
            assert_eq!(near.kl_history[i].1.to_bits(), kl.to_bits());
        }
        assert_eq!(far.kl_history, near.kl_history);
        assert_eq!(far.done, near.done);
    }

    #[test]
    fn cells_out_of_order_are_dropped_and_a_received_grid_is_not_continued_here() {
        let target = crate::targets::by_id("8gaussians").unwrap();
        let flow = Flow::new(FlowConfig::default(), 0).unwrap();
        let mut near = DensityGrid::new(target.as_ref(), &flow, 0);
        let stray = GridCells {
            span: GridSpan { step: 5, start: 32 },
            values: vec![0.0; 16],
        };
        near.receive(target.as_ref(), &stray);
        assert_eq!((near.step, near.eval.evaluated()), (0, 0));
        near.receive(
            target.as_ref(),
            &GridCells {
                span: GridSpan { step: 5, start: 0 },
                values: vec![-1.0; 16],
            },
        );
        assert_eq!((near.step, near.eval.evaluated()), (5, 16));
        // Evaluating here afterwards starts over on the flow given, from the first cell.
        near.advance(target.as_ref(), &flow, 6, 0.0);
        assert_eq!(near.step, 6);
        assert_eq!(near.eval.evaluated(), CHUNK);
    }
}
