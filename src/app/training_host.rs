//! Training away from the UI thread. While the playground trains continuously, the run can
//! live elsewhere — a Web Worker in the browser, a thread on the desktop — so that a frame only
//! draws. The session sends a [`TrainJob`] (its settings and a [`Checkpoint`]); the other side
//! runs it with a [`JobRunner`] and sends back a [`TrainReport`] after each time slice; the
//! session moves its own trainer onto the reported checkpoint. A checkpoint continues a run
//! bit for bit, so a run trained elsewhere equals the same run trained in the frame loop.
//!
//! The platform parts (posting messages, spawning) are in the entries; this file is the
//! protocol and the runner, with no platform code.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::nhf::trainer::{Checkpoint, CheckpointMeta};
use crate::nhf::{FlowConfig, TrainConfig, Trainer};
use crate::targets::Target;

use super::density_grid::{DensityGrid, GridCells, GridSpan};
use super::loaded_samples::LoadedSamples;
use super::settings::Settings;
use crate::targets::SampleSetSpec;

/// Milliseconds of training between reports: the session sees new parameters this often.
pub const TRAIN_SLICE_MS: f64 = 40.0;
/// Milliseconds of density-grid evaluation after each training slice, when the job
/// evaluates the grid: a sixth of the job's time, so a 40² grid completes about every
/// half second while training loses a sixth of its speed.
pub const GRID_SLICE_MS: f64 = 8.0;

/// Where training jobs run (implemented by the entries: a Web Worker, a thread).
pub trait TrainingHost {
    /// Runs `job` until stopped or until a step fails, replacing any job running.
    fn start(&mut self, job: TrainJob);
    /// Stops the running job; reports it sends after this are ignored by their job id.
    fn stop(&mut self);
    /// The reports that arrived since the last call, oldest first.
    fn poll(&mut self) -> Vec<TrainReport>;
    /// Why the host can no longer train (its worker or thread died), if so: the session
    /// then trains in the frame loop instead.
    fn failure(&self) -> Option<String> {
        None
    }
    /// Times `reps` training steps of the bench configuration `config` shared among
    /// `workers` workers where this host trains (replacing any job); the timing arrives
    /// through [`Self::bench_result`]. Only the browser's worker pool does this.
    fn bench(&mut self, _config: &str, _reps: usize, _workers: usize) -> Result<(), String> {
        Err(
            "only the browser's training worker times steps on several workers; the command \
             line's bench --threads does natively"
                .into(),
        )
    }
    /// The timing of the last [`Self::bench`], once it has arrived.
    fn bench_result(&mut self) -> Option<serde_json::Value> {
        None
    }
}

/// A message between the session and its host: a scalar header (sent as JSON), a
/// checkpoint's three vectors and the density-grid cells (sent raw).
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope<H> {
    /// The scalar part.
    pub header: H,
    /// The flow's parameters (empty when there is no checkpoint).
    pub params: Vec<f32>,
    /// Adam's first moments.
    pub m: Vec<f32>,
    /// Adam's second moments.
    pub v: Vec<f32>,
    /// Model log densities of the grid cells evaluated since the last report (reports only;
    /// which cells they are is in the header). Raw, not JSON: they may be −∞.
    pub cells: Vec<f64>,
    /// The user's samples x₀, y₀, x₁, y₁, … (jobs for the `samples` target only): up to a
    /// million rows cross as one raw array, not as JSON in the header.
    pub samples: Vec<f64>,
}

/// A run to continue elsewhere.
pub type TrainJob = Envelope<JobHeader>;

/// Progress of a job: where the run is now and the losses since the last report.
pub type TrainReport = Envelope<ReportHeader>;

/// The scalar part of a [`TrainJob`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobHeader {
    /// Identifies the job; the session ignores reports of jobs it has stopped.
    pub id: u32,
    /// The settings, for the target (a drawn picture or a custom mixture travels in them).
    pub settings: Settings,
    /// The model's configuration.
    pub flow: FlowConfig,
    /// The optimiser's configuration.
    pub train: TrainConfig,
    /// Where the run is.
    pub meta: CheckpointMeta,
    /// Whether the job also evaluates the density grid between training slices.
    pub grid: bool,
    /// The user's file of samples without its rows (the name and box; the rows are the
    /// envelope's `samples`), when the target is theirs.
    pub samples: Option<SampleSetSpec>,
}

/// The scalar part of a [`TrainReport`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportHeader {
    /// The job reported on.
    pub job: u32,
    /// Where the run is (absent when the job could not start).
    pub meta: Option<CheckpointMeta>,
    /// (step, loss) of the steps accepted since the last report.
    pub losses: Vec<(u64, f64)>,
    /// Why the job stopped, when a step failed or the job could not start; the checkpoint
    /// is then the last good state.
    pub error: Option<String>,
    /// The grid cells in the envelope's `cells`, if any.
    pub grid: Option<GridSpan>,
}

impl TrainJob {
    /// A job continuing `trainer`'s run, evaluating the density grid too if `grid`.
    pub fn of(id: u32, settings: &Settings, trainer: &Trainer, grid: bool) -> Self {
        let Checkpoint { meta, params, m, v } = trainer.checkpoint();
        let own = settings
            .samples
            .as_ref()
            .filter(|_| settings.target == "samples");
        Self {
            header: JobHeader {
                id,
                settings: settings.clone(),
                flow: trainer.flow.config.clone(),
                train: trainer.train.clone(),
                meta,
                grid,
                samples: own.map(|s| SampleSetSpec {
                    name: s.spec.name.clone(),
                    rows: Vec::new(),
                    bounds: s.spec.bounds,
                }),
            },
            params,
            m,
            v,
            cells: Vec::new(),
            samples: own.map_or_else(Vec::new, |s| {
                s.spec.rows.iter().flatten().copied().collect()
            }),
        }
    }
}

impl TrainReport {
    /// The header, the reported checkpoint and grid cells, if there are (consumed: the
    /// vectors move).
    pub fn into_parts(self) -> (ReportHeader, Option<Checkpoint>, Option<GridCells>) {
        let Self {
            mut header,
            params,
            m,
            v,
            cells,
            samples: _,
        } = self;
        let checkpoint = header
            .meta
            .take()
            .map(|meta| Checkpoint { meta, params, m, v });
        let cells = header.grid.take().map(|span| GridCells {
            span,
            values: cells,
        });
        (header, checkpoint, cells)
    }

    /// A report that job `job` could not run.
    pub fn failed(job: u32, error: String) -> Self {
        Self {
            header: ReportHeader {
                job,
                meta: None,
                losses: Vec::new(),
                error: Some(error),
                grid: None,
            },
            params: Vec::new(),
            m: Vec::new(),
            v: Vec::new(),
            cells: Vec::new(),
            samples: Vec::new(),
        }
    }
}

/// Runs a job on the far side: a trainer rebuilt from the job, stepped for a time slice at a
/// time, and the density grid evaluated between slices.
pub struct JobRunner {
    id: u32,
    pub(super) trainer: Trainer,
    pub(super) failed: bool,
    /// Why the last step failed, until it is reported.
    pub(super) error: Option<String>,
    /// Which pieces of a shared step have arrived (see `shared_step`).
    pub(super) received: Vec<bool>,
    /// The job's `workers` setting (see `shared_step::resolve_workers`).
    pub(super) workers_setting: usize,
    /// The grid and its target, when the job evaluates it.
    grid: Option<(DensityGrid, Arc<dyn Target>)>,
}

impl JobRunner {
    /// The job's trainer, moved onto its checkpoint; an error if the job cannot run here.
    pub fn new(job: TrainJob) -> Result<Self, String> {
        let JobHeader {
            id,
            mut settings,
            flow,
            train,
            meta,
            grid,
            samples,
        } = job.header;
        let workers_setting = settings.workers;
        // Across a worker the settings lose the rows (they are never serialised): put them
        // back from the envelope.
        if let (Some(spec), None) = (samples, &settings.samples) {
            let rows = job.samples.chunks_exact(2).map(|r| [r[0], r[1]]).collect();
            settings.samples = Some(LoadedSamples::new(SampleSetSpec { rows, ..spec }));
        }
        let target: Arc<dyn Target> = settings.resolve_target().map_err(|e| e.to_string())?.into();
        let mut trainer = Trainer::new(flow, train, target.clone()).map_err(|e| e.to_string())?;
        trainer.restore(&Checkpoint {
            meta,
            params: job.params,
            m: job.m,
            v: job.v,
        })?;
        // The session keeps the history; this side only reports what is new.
        trainer.history.clear();
        let grid = grid.then(|| {
            let first = DensityGrid::new(target.as_ref(), &trainer.flow, trainer.step);
            (first, target)
        });
        Ok(Self {
            id,
            trainer,
            failed: false,
            error: None,
            received: Vec::new(),
            workers_setting,
            grid,
        })
    }

    /// The job's id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Whether a step failed (the runner then does nothing more).
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Whether the runner has steps to take: none failed and the schedule has not ended.
    pub fn active(&self) -> bool {
        !self.failed && !self.trainer.schedule_done()
    }

    /// Trains for about `train_ms` (at least one step unless the schedule has ended), evaluates the density grid for about
    /// `grid_ms` if the job does, then reports.
    pub fn run_slice(&mut self, train_ms: f64, grid_ms: f64) -> TrainReport {
        let start = web_time::Instant::now();
        while self.active() {
            if let Err(e) = self.trainer.step() {
                self.error = Some(e.to_string());
                self.failed = true;
            }
            if start.elapsed().as_secs_f64() * 1000.0 >= train_ms {
                break;
            }
        }
        self.report(grid_ms)
    }

    /// Evaluates the density grid for about `grid_ms` if the job does, then reports the steps
    /// since the last report (the end of [`Self::run_slice`]; a shared step's runner calls it
    /// after its slice of steps).
    pub fn report(&mut self, grid_ms: f64) -> TrainReport {
        let error = self.error.take();
        let (grid, cells) = match &mut self.grid {
            Some((grid, target)) => {
                grid.advance(
                    target.as_ref(),
                    &self.trainer.flow,
                    self.trainer.step,
                    grid_ms,
                );
                grid.take_cells()
                    .map_or((None, Vec::new()), |c| (Some(c.span), c.values))
            }
            None => (None, Vec::new()),
        };
        let Checkpoint { meta, params, m, v } = self.trainer.checkpoint();
        TrainReport {
            header: ReportHeader {
                job: self.id,
                meta: Some(meta),
                losses: std::mem::take(&mut self.trainer.history),
                error,
                grid,
            },
            params,
            m,
            v,
            cells,
            samples: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_header_survives_json_bit_for_bit() {
        // A loss whose shortest decimal form serde_json's default float parser reads back one
        // unit in the last place off (seen in the browser: the worker's loss then differed
        // from the page's). Headers cross to the worker and back as JSON, so they must be exact.
        let loss = 13.904951095581055_f64;
        let header = ReportHeader {
            job: 3,
            meta: None,
            losses: vec![(12, loss), (13, 0.1 + 0.2), (14, 1e-300)],
            error: None,
            grid: Some(GridSpan {
                step: 12,
                start: 32,
            }),
        };
        let back: ReportHeader =
            serde_json::from_str(&serde_json::to_string(&header).unwrap()).unwrap();
        assert_eq!(back, header);
        for ((_, a), (_, b)) in back.losses.iter().zip(&header.losses) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }
}
