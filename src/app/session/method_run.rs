//! The models of the story other than the NHF, run in the frame loop: Hamiltonian Monte Carlo
//! and L2HMC on the target's own potential, and the planar and radial flows (docs/MATH.md §8,
//! §9, §10). Each iteration is cheap enough for the UI thread (a 2D target's gradient costs
//! well under a microsecond; an L2HMC training iteration of 16 chains about 3 ms natively), so
//! they need no training host; what the views animate is recorded here.

use web_time::Instant;

use crate::chains::Chains;
use crate::classic_flows::{self, ClassicFlow, ClassicTrainer};
use crate::hmc::{Hmc, effective_sample_size, split_r_hat};
use crate::l2hmc::L2hmc;
use crate::method::Method;
use crate::rng::Rng;
use crate::targets::Target;

use super::super::settings::Settings;

/// Base points pushed through a planar or radial flow for its densities after each layer.
pub const LAYER_DENSITY_DRAWS: usize = 20_000;
/// Cells per side of those densities' histograms.
pub const LAYER_DENSITY_CELLS: usize = 48;
/// Draws of a planar or radial flow's importance ESS.
const LAYER_ESS_DRAWS: usize = 2000;
/// Seconds between two re-estimates of the diagnostics while a run changes: they cost a few
/// milliseconds, a frame's budget.
const DIAGNOSTICS_EVERY_S: f64 = 0.5;

/// What runs instead of the NHF, if anything.
pub enum MethodRun {
    /// The NHF runs (the session's trainer).
    Nhf,
    /// HMC or L2HMC chains.
    Chains(Box<ChainsRun>),
    /// A planar or radial flow.
    Layers(Box<LayersRun>),
}

/// HMC's or L2HMC's chains and what the views show of them.
pub struct ChainsRun {
    /// The chains.
    pub chains: Box<dyn Chains>,
    /// The latest diagnostics of the kept draws, once there are enough.
    pub diagnostics: Option<ChainDiagnostics>,
    /// The iteration the diagnostics were computed at, and when.
    diagnosed: Option<(usize, Instant)>,
    /// Iterations owed to the rate limit (fractional: a frame may owe less than one).
    owed: f64,
    /// Where the animation is along the shown proposals: 0 ..= L leapfrog steps, then
    /// [`TEST_PAUSE_STEPS`] more at the Metropolis test.
    pub position: f64,
    /// The proposals the animation shows: the last iteration's when its pass began (the
    /// chains may run on meanwhile).
    pub shown: Vec<crate::hmc::Proposal>,
    /// The iteration whose proposals are shown.
    pub shown_iteration: usize,
    /// Sampling stops when every chain holds this many draws (Train raises it).
    pub until_draws: usize,
}

/// Leapfrog steps' worth of animation time spent at the Metropolis test, where the verdict
/// shows (an accepted end stays, a rejected one snaps back).
pub const TEST_PAUSE_STEPS: f64 = 4.0;

/// Convergence and efficiency of the kept draws (docs/MATH.md §8).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChainDiagnostics {
    /// The smaller effective sample size of the two coordinates.
    pub ess: f64,
    /// That ESS per gradient evaluation (HMC's warm-up and L2HMC's training included: they
    /// are what the draws cost).
    pub ess_per_grad: f64,
    /// The larger split R̂ of the two coordinates.
    pub r_hat: f64,
}

/// A planar or radial flow in training, and its particles' paths through the layers.
pub struct LayersRun {
    /// The trainer (its flow, Adam, loss history).
    pub trainer: ClassicTrainer,
    /// The animated particles' paths z₀ … z_K (one per particle), from fixed base draws.
    pub paths: Vec<Vec<[f64; 2]>>,
    /// The densities after each layer: normalised histograms on the target's box,
    /// [`LAYER_DENSITY_CELLS`]² cells, row-major from the box's bottom-left.
    pub densities: Vec<Vec<f64>>,
    /// The training step the paths and densities show.
    pub recorded_at: u64,
    /// Where the animation is: 0 ..= K layers.
    pub position: f64,
    /// The importance ESS in percent, and the step it was estimated at.
    pub ess: Option<(u64, f64)>,
    /// When the ESS was last estimated.
    ess_at: Option<Instant>,
    /// The base points of the animated particles.
    base: Vec<[f64; 2]>,
    /// Training stops at this step (Train raises it by the schedule's length).
    pub until_step: u64,
}

impl MethodRun {
    /// The run the settings ask for, on `target`; a setting the engine refuses is an error.
    pub fn new(settings: &Settings, target: &dyn Target) -> Result<Self, String> {
        let seed = settings.train.seed;
        Ok(match settings.method {
            Method::Nhf => Self::Nhf,
            Method::Hmc => {
                let config = crate::hmc::HmcConfig {
                    seed,
                    ..settings.hmc.clone()
                };
                let chains = Box::new(Hmc::new(config, target)?);
                Self::Chains(Box::new(ChainsRun::new(chains, settings.hmc_draws)))
            }
            Method::L2hmc => {
                let config = crate::l2hmc::L2hmcConfig {
                    seed,
                    ..settings.l2hmc.clone()
                };
                let chains = Box::new(L2hmc::new(config, target)?);
                Self::Chains(Box::new(ChainsRun::new(chains, settings.hmc_draws)))
            }
            Method::Planar | Method::Radial => {
                let kind = settings.method.layer_kind().ok_or("not a layered flow")?;
                let flow = ClassicFlow::new(kind, settings.layers, seed);
                let trainer = ClassicTrainer::new(
                    flow,
                    classic_flows::DEFAULT_BATCH,
                    classic_flows::DEFAULT_LR,
                    seed,
                );
                let mut rng = Rng::seed_from_u64(seed ^ 0xba5e);
                let base = (0..settings.particles)
                    .map(|_| [rng.normal(), rng.normal()])
                    .collect();
                let mut run = LayersRun {
                    trainer,
                    paths: Vec::new(),
                    densities: Vec::new(),
                    recorded_at: 0,
                    position: 0.0,
                    ess: None,
                    ess_at: None,
                    base,
                    until_step: settings.train.schedule_iters as u64,
                };
                run.record(target);
                Self::Layers(Box::new(run))
            }
        })
    }

    /// The method's iteration count (HMC or L2HMC iterations, or training steps).
    pub fn iteration(&self) -> Option<u64> {
        match self {
            Self::Nhf => None,
            Self::Chains(run) => Some(run.chains.iteration() as u64),
            Self::Layers(run) => Some(run.trainer.step),
        }
    }
}

impl ChainsRun {
    /// A run of `chains` that stops at `until_draws` draws per chain.
    pub fn new(chains: Box<dyn Chains>, until_draws: usize) -> Self {
        Self {
            chains,
            diagnostics: None,
            diagnosed: None,
            owed: 0.0,
            position: 0.0,
            shown: Vec::new(),
            shown_iteration: 0,
            until_draws,
        }
    }

    /// Draws each chain holds so far.
    pub fn draws(&self) -> usize {
        self.chains.samples().first().map_or(0, Vec::len)
    }

    /// Runs the iterations owed at `rate` per second over `dt` seconds, stopping early when
    /// `deadline` passes, the chains hold [`ChainsRun::until_draws`] draws, or an iteration
    /// fails (its error is returned).
    pub fn advance(
        &mut self,
        target: &dyn Target,
        rate: f64,
        dt: f64,
        deadline: Instant,
    ) -> Result<(), String> {
        self.owed = (self.owed + rate * dt.clamp(0.0, 0.25)).min(rate.max(1.0));
        while self.owed >= 1.0 && self.draws() < self.until_draws {
            self.owed -= 1.0;
            if let Err(e) = self.chains.iterate(target) {
                self.owed = 0.0;
                return Err(e);
            }
            if Instant::now() >= deadline {
                self.owed = 0.0;
                break;
            }
        }
        Ok(())
    }

    /// Moves the animation on by `steps` leapfrog steps; at the end of a pass it starts over
    /// with the latest proposals.
    pub fn animate(&mut self, steps: f64) {
        let end = self.chains.leapfrog_steps() as f64 + TEST_PAUSE_STEPS;
        self.position += steps;
        if self.position >= end || self.shown.is_empty() {
            self.position = if self.position >= end {
                0.0
            } else {
                self.position
            };
            self.show_latest();
        }
    }

    /// Shows the last iteration's proposals from their start.
    pub fn show_latest(&mut self) {
        if self.chains.iteration() > 0 {
            let last = self.chains.last();
            self.shown.resize_with(last.len(), Default::default);
            for (shown, proposal) in self.shown.iter_mut().zip(last) {
                shown.clone_from(proposal);
            }
            self.shown_iteration = self.chains.iteration();
        }
    }

    /// Recomputes the diagnostics if the draws changed and the last estimate is old enough,
    /// or (`now`) whenever the draws changed: a finished run reports its final figures.
    pub fn update_diagnostics(&mut self, now: bool) {
        let iteration = self.chains.iteration();
        let due = self.diagnosed.is_none_or(|(at, when)| {
            at != iteration && (now || when.elapsed().as_secs_f64() >= DIAGNOSTICS_EVERY_S)
        });
        if !due {
            return;
        }
        self.diagnosed = Some((iteration, Instant::now()));
        let mut ess = f64::INFINITY;
        let mut r_hat = f64::NEG_INFINITY;
        for axis in 0..2 {
            let draws = self.chains.coordinate(axis);
            let chains: Vec<&[f64]> = draws.iter().map(Vec::as_slice).collect();
            ess = ess.min(effective_sample_size(&chains));
            r_hat = r_hat.max(split_r_hat(&chains));
        }
        self.diagnostics = (ess.is_finite() && r_hat.is_finite()).then(|| ChainDiagnostics {
            ess,
            ess_per_grad: ess / self.chains.gradient_evaluations().max(1) as f64,
            r_hat,
        });
    }
}

impl LayersRun {
    /// Records the particles' paths and the densities after each layer for the current
    /// parameters.
    pub fn record(&mut self, target: &dyn Target) {
        let flow = &self.trainer.flow;
        self.paths = self.base.iter().map(|z| flow.path(*z).0).collect();
        let n = LAYER_DENSITY_CELLS;
        let bounds = target.bounds().0;
        let [[x0, x1], [y0, y1]] = bounds;
        let mut counts = vec![vec![0.0; n * n]; flow.layers + 1];
        // The same draws every time, so the densities change only where the flow does.
        let mut rng = Rng::seed_from_u64(0xde_05e7);
        let mut zs = Vec::with_capacity(flow.layers + 1);
        for _ in 0..LAYER_DENSITY_DRAWS {
            flow.path_into([rng.normal(), rng.normal()], &mut zs);
            for (grid, z) in counts.iter_mut().zip(&zs) {
                if let Some(cell) = cell_of(*z, bounds, n) {
                    grid[cell] += 1.0;
                }
            }
        }
        let cell_area = (x1 - x0) * (y1 - y0) / (n * n) as f64;
        for grid in &mut counts {
            grid.iter_mut()
                .for_each(|c| *c /= LAYER_DENSITY_DRAWS as f64 * cell_area);
        }
        self.densities = counts;
        self.recorded_at = self.trainer.step;
    }

    /// Re-estimates the importance ESS if the flow changed and the last estimate is old enough.
    pub fn update_ess(&mut self, target: &dyn Target) {
        let step = self.trainer.step;
        let due = self.ess.is_none_or(|(at, _)| at != step)
            && self
                .ess_at
                .is_none_or(|t| t.elapsed().as_secs_f64() >= DIAGNOSTICS_EVERY_S);
        if !due {
            return;
        }
        let mut rng = Rng::seed_from_u64(0xe55);
        let ess = self.trainer.ess_percent(target, LAYER_ESS_DRAWS, &mut rng);
        self.ess = Some((step, ess));
        self.ess_at = Some(Instant::now());
    }
}

/// The cell of an n×n grid over `bounds` (cell (i, j) at j·n + i, j upwards) that holds `q`;
/// `None` outside the box.
pub fn cell_of(q: [f64; 2], bounds: [[f64; 2]; 2], n: usize) -> Option<usize> {
    let [[x0, x1], [y0, y1]] = bounds;
    let i = ((q[0] - x0) / (x1 - x0) * n as f64).floor();
    let j = ((q[1] - y0) / (y1 - y0) * n as f64).floor();
    ((0.0..n as f64).contains(&i) && (0.0..n as f64).contains(&j))
        .then(|| j as usize * n + i as usize)
}

/// Points as a density on an n×n grid over `bounds` ([`cell_of`]'s cells): each cell's share
/// of all the points over its area, so a point outside the box counts in the total but in no
/// cell.
pub fn histogram<'a>(
    points: impl Iterator<Item = &'a [f64; 2]>,
    bounds: [[f64; 2]; 2],
    n: usize,
) -> Vec<f64> {
    let mut counts = vec![0.0; n * n];
    let mut total = 0.0;
    for q in points {
        total += 1.0;
        if let Some(cell) = cell_of(*q, bounds, n) {
            counts[cell] += 1.0;
        }
    }
    let [[x0, x1], [y0, y1]] = bounds;
    if total > 0.0 {
        let cell_area = (x1 - x0) * (y1 - y0) / (n * n) as f64;
        counts.iter_mut().for_each(|c| *c /= total * cell_area);
    }
    counts
}

#[cfg(test)]
mod tests {
    /// A histogram is a density over the box: its cells integrate to the share of the points
    /// inside, and a point outside is counted in the total but in no cell.
    #[test]
    fn a_histogram_integrates_to_the_share_of_points_inside() {
        let points = [[0.1, 0.1], [0.9, 0.9], [0.6, 0.2], [5.0, 0.0]];
        let h = super::histogram(points.iter(), [[0.0, 1.0], [0.0, 1.0]], 4);
        let mass: f64 = h.iter().sum::<f64>() / 16.0;
        assert!((mass - 0.75).abs() < 1e-12, "{mass}");
        assert_eq!(h[0], 0.25 * 16.0);
        assert_eq!(h[15], 0.25 * 16.0);
        assert_eq!(h[2], 0.25 * 16.0);
        assert_eq!(
            super::cell_of([1.0, 0.5], [[0.0, 1.0], [0.0, 1.0]], 4),
            None
        );
    }
}
