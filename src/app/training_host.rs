//! Training away from the UI thread. While the playground trains continuously, the run can
//! live elsewhere — a Web Worker in the browser, a thread on the desktop — so that a frame only
//! draws. The session sends a [`TrainJob`] (its settings and a [`Checkpoint`]); the other side
//! runs it with a [`JobRunner`] and sends back a [`TrainReport`] after each time slice; the
//! session moves its own trainer onto the reported checkpoint. A checkpoint continues a run
//! bit for bit, so a run trained elsewhere equals the same run trained in the frame loop.
//!
//! The platform parts (posting messages, spawning) are in the entries; this file is the
//! protocol and the runner, with no platform code.

use serde::{Deserialize, Serialize};

use crate::nhf::trainer::{Checkpoint, CheckpointMeta};
use crate::nhf::{FlowConfig, TrainConfig, Trainer};

use super::session::target_for;
use super::settings::Settings;

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
}

/// A message between the session and its host: a scalar header (sent as JSON) and a
/// checkpoint's three vectors (sent raw).
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
}

impl TrainJob {
    /// A job continuing `trainer`'s run.
    pub fn of(id: u32, settings: &Settings, trainer: &Trainer) -> Self {
        let Checkpoint { meta, params, m, v } = trainer.checkpoint();
        Self {
            header: JobHeader {
                id,
                settings: settings.clone(),
                flow: trainer.flow.config.clone(),
                train: trainer.train.clone(),
                meta,
            },
            params,
            m,
            v,
        }
    }
}

impl TrainReport {
    /// The reported checkpoint, if there is one, and the header (consumed: the vectors move).
    pub fn into_checkpoint(self) -> (ReportHeader, Option<Checkpoint>) {
        let Self {
            mut header,
            params,
            m,
            v,
        } = self;
        let checkpoint = header
            .meta
            .take()
            .map(|meta| Checkpoint { meta, params, m, v });
        (header, checkpoint)
    }

    /// A report that job `job` could not run.
    pub fn failed(job: u32, error: String) -> Self {
        Self {
            header: ReportHeader {
                job,
                meta: None,
                losses: Vec::new(),
                error: Some(error),
            },
            params: Vec::new(),
            m: Vec::new(),
            v: Vec::new(),
        }
    }
}

/// Runs a job on the far side: a trainer rebuilt from the job, stepped for a time slice at a
/// time.
pub struct JobRunner {
    id: u32,
    trainer: Trainer,
    failed: bool,
}

impl JobRunner {
    /// The job's trainer, moved onto its checkpoint; an error if the job cannot run here.
    pub fn new(job: TrainJob) -> Result<Self, String> {
        let JobHeader {
            id,
            settings,
            flow,
            train,
            meta,
        } = job.header;
        let target = target_for(&settings).map_err(|e| e.to_string())?;
        let mut trainer =
            Trainer::new(flow, train, std::sync::Arc::from(target)).map_err(|e| e.to_string())?;
        trainer.restore(&Checkpoint {
            meta,
            params: job.params,
            m: job.m,
            v: job.v,
        })?;
        // The session keeps the history; this side only reports what is new.
        trainer.history.clear();
        Ok(Self {
            id,
            trainer,
            failed: false,
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

    /// Trains for about `budget_ms` (at least one step), then reports.
    pub fn run_slice(&mut self, budget_ms: f64) -> TrainReport {
        let start = web_time::Instant::now();
        let mut error = None;
        while !self.failed {
            if let Err(e) = self.trainer.step() {
                error = Some(e.to_string());
                self.failed = true;
            }
            if start.elapsed().as_secs_f64() * 1000.0 >= budget_ms {
                break;
            }
        }
        let Checkpoint { meta, params, m, v } = self.trainer.checkpoint();
        TrainReport {
            header: ReportHeader {
                job: self.id,
                meta: Some(meta),
                losses: std::mem::take(&mut self.trainer.history),
                error,
            },
            params,
            m,
            v,
        }
    }
}
