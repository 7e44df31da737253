//! The running state of the playground that every view reads and every command changes: the
//! target, the training run, the animation and the user-facing messages. No UI code here.
//!
//! Its jobs, one file each: [`command`] (what can be asked), [`dispatch`] (what each command
//! does), [`loading`] (links, files, the painted picture), [`animation`] (the particles'
//! trajectories), [`host_driver`] (training off the UI thread, and the end of a schedule),
//! [`live_ess`] (the density objective's ESS while training) and [`frame`] (the per-frame
//! scheduler).

mod animation;
mod command;
pub mod comparison;
mod dispatch;
mod frame;
mod frame_times;
mod host_driver;
mod live_quality;
mod loading;
mod method_frame;
mod method_loading;
pub mod method_run;

pub use animation::Animation;
pub use command::{CONSTANT_LR_RANGE, Command};
pub use comparison::ComparisonRun;
pub use frame_times::FrameTimes;
pub use method_run::MethodRun;

use std::sync::Arc;

use web_time::Instant;

use super::canvas::Canvas;
use super::density_grid::DensityGrid;
use super::file_host::FileHost;
use super::files::FileOut;
use super::link::{self, Classroom, Link};
use super::presets::Preset;
use super::settings::Settings;
use super::training_host::TrainingHost;
use crate::nhf::{Direction, Flow, Trainer};
use crate::targets::{self, Target};

/// The playground's state.
pub struct Session {
    /// The user's settings (what a link or a reload restores).
    pub settings: Settings,
    /// The target being fitted.
    pub target: Arc<dyn Target>,
    /// The training run.
    pub trainer: Trainer,
    /// Whether training advances each frame.
    pub running: bool,
    /// Frames drawn.
    pub frames: u64,
    /// Smoothed frames per second.
    pub fps: f64,
    /// Milliseconds of CPU the app spent on the last frame: training, evaluation, building
    /// the UI and tessellating it (eframe's `cpu_usage`), not the browser's rasterising.
    pub frame_ms: f64,
    /// The same over the last two seconds of frames (median and 90th percentile in the
    /// status).
    pub frame_times: FrameTimes,
    /// Milliseconds of the last frame's `tick` alone (training and grid evaluation).
    pub tick_ms: f64,
    /// Training iterations per second over the last second.
    pub iters_per_sec: f64,
    /// The density objective's importance ESS in percent, and the iteration it was estimated
    /// at (none under the samples objective).
    pub ess: Option<(u64, f64)>,
    /// The samples objective's held-out NLL in nats, and the iteration it was estimated at
    /// (none under the density objective).
    pub nll: Option<(u64, f64)>,
    /// When the ESS or the NLL was last estimated.
    ess_at: Option<Instant>,
    /// The last problem to show the user, if any.
    pub error: Option<String>,
    /// The animation.
    pub anim: Animation,
    /// The model density on a grid and the grid KL, computed across frames.
    pub grid: DensityGrid,
    /// The picture being painted, while the target is `drawn`.
    pub canvas: Option<Canvas>,
    /// Counts target changes (a new picture keeps the id), so views know to redraw.
    pub target_revision: u64,
    /// Hidden panels and text zoom, from a classroom link.
    pub classroom: Classroom,
    /// The preset demo whose explanation is shown, if any.
    pub preset: Option<&'static Preset>,
    /// The last message for the user (an error, or the outcome of a link, preset or file).
    pub message: Option<String>,
    /// The page's address without its hash (empty natively): "Copy link" prefixes it.
    pub base_url: String,
    /// Files offered while no [`FileHost`] is set (the tests read them here).
    pub outbox: Vec<FileOut>,
    /// Where files go to and come from (a download or a dialog), once the entry sets one.
    file_host: Option<Box<dyn FileHost>>,
    /// The user asked for a PNG of the views; the app takes a screenshot and clears this.
    pub wants_view_png: bool,
    last_frame: Option<Instant>,
    rate_window: (Instant, u64),
    /// Where continuous training runs when not in the frame loop (a Web Worker, a thread).
    host: Option<Box<dyn TrainingHost>>,
    /// What the run reached when its schedule ended (shown until training goes on).
    pub finished: Option<String>,
    /// The last timing of steps shared among workers (`bench` with `workers`), once it came.
    pub bench: Option<serde_json::Value>,
    /// Whether a timing of steps runs on the host now (the page then draws less often, so
    /// that its drawing does not take the cores being timed).
    pub bench_running: bool,
    /// Seconds spent training in this run (while `running`).
    pub train_seconds: f64,
    /// The job running on the host, if any.
    job: Option<u32>,
    /// Jobs started so far (the next job's id).
    jobs_started: u32,
    /// Whether the running job evaluates the density grid.
    job_grid: bool,
    /// The model that runs instead of the NHF, if the settings pick another.
    pub method_run: MethodRun,
    /// Several methods on the target, side by side, while the user compares them (shown in
    /// place of the views; training waits meanwhile).
    pub comparison: Option<ComparisonRun>,
    /// What each method of a comparison may spend (tests make it small); the seed is the
    /// settings'.
    pub compare_budget: crate::compare::Budget,
}

impl Session {
    /// A session from settings; a bad target falls back to 8gaussians with a message.
    pub fn new(settings: Settings) -> Self {
        let mut error = None;
        let target: Arc<dyn Target> = match settings.resolve_target() {
            Ok(t) => Arc::from(t),
            Err(e) => {
                error = Some(format!("{e}; showing 8gaussians instead"));
                Arc::from(targets::by_id("8gaussians").expect("8gaussians is built in"))
            }
        };
        let mut settings = settings;
        settings.target = target.id().to_string();
        let (trainer, settings) = Self::make_trainer(settings, target.clone(), &mut error);
        let grid = DensityGrid::new(target.as_ref(), &trainer.flow, 0);
        let message = error.clone();
        let mut session = Self {
            settings,
            target,
            trainer,
            running: false,
            frames: 0,
            fps: 0.0,
            frame_ms: 0.0,
            frame_times: FrameTimes::default(),
            tick_ms: 0.0,
            iters_per_sec: 0.0,
            ess: None,
            nll: None,
            ess_at: None,
            finished: None,
            train_seconds: 0.0,
            error,
            anim: Animation {
                playing: true,
                direction: Some(Direction::Generate),
                ..Animation::default()
            },
            grid,
            canvas: None,
            target_revision: 0,
            classroom: Classroom::default(),
            preset: None,
            message,
            base_url: String::new(),
            outbox: Vec::new(),
            file_host: None,
            wants_view_png: false,
            last_frame: None,
            rate_window: (Instant::now(), 0),
            host: None,
            bench: None,
            bench_running: false,
            job: None,
            jobs_started: 0,
            job_grid: false,
            method_run: MethodRun::Nhf,
            comparison: None,
            compare_budget: comparison::app_budget(0),
        };
        session.build_method_run();
        session.sync_canvas();
        session.record_trajectory();
        session
    }

    /// Opens the canvas when the target is `drawn` (with the current picture), closes it
    /// otherwise.
    fn sync_canvas(&mut self) {
        self.canvas = (self.target.id() == "drawn").then(|| {
            self.settings
                .drawing
                .clone()
                .map_or_else(Canvas::heart, Canvas::from_grid)
        });
    }

    /// A key that changes whenever the target does (views cache per target).
    pub fn target_key(&self) -> (String, u64) {
        (self.target.id().to_string(), self.target_revision)
    }

    /// A trainer for the settings, repairing what is invalid (with a message) so the
    /// playground always has a working model.
    fn make_trainer(
        mut settings: Settings,
        target: Arc<dyn Target>,
        error: &mut Option<String>,
    ) -> (Trainer, Settings) {
        if !target.objectives().contains(&settings.flow.objective) {
            settings.switch_objective(target.default_objective());
        }
        match Trainer::new(
            settings.flow.clone(),
            settings.train.clone(),
            target.clone(),
        ) {
            Ok(t) => (t, settings),
            Err(e) => {
                *error = Some(format!("{e}; default settings restored"));
                let mut defaults = Settings {
                    target: settings.target.clone(),
                    ..Settings::default()
                };
                defaults.switch_objective(target.default_objective());
                let trainer = Trainer::new(defaults.flow.clone(), defaults.train.clone(), target)
                    .expect("default settings are valid");
                (trainer, defaults)
            }
        }
    }

    /// The flow as currently trained.
    pub fn flow(&self) -> &Flow {
        &self.trainer.flow
    }

    /// The block the animation is in (0-based): the views show this block's potential.
    pub fn anim_block(&self) -> usize {
        let traj = &self.anim.trajectory;
        let s = self
            .anim
            .step()
            .min(traj.block_of_state.len().saturating_sub(1));
        traj.block_of_state.get(s).copied().unwrap_or(0)
    }

    /// Applies a command; returns a short confirmation, or an error message for the user.
    /// The messages of failures, and of links, presets and pictures, are kept for the user
    /// ([`Session::message`]); a failure also shows as the error until something succeeds.
    pub fn apply(&mut self, command: Command) -> Result<String, String> {
        let leaves_training_alone = matches!(
            command,
            Command::Train
                | Command::AnimStep(_)
                | Command::Scrub(_)
                | Command::AnimPlay(_)
                | Command::View(..)
                | Command::Direction(_)
                | Command::Paint { .. }
                | Command::ClearCanvas
                | Command::ClosePreset
                | Command::DismissError
                | Command::SaveModel
                | Command::ExportSamples(_)
                | Command::OpenModel
                | Command::ExportView
        );
        if !leaves_training_alone {
            // The command acts on the trainer as last reported; training resumes from there
            // (with whatever changed) on the next frame, if it is still on.
            self.halt_job();
        }
        let notable = matches!(
            command,
            Command::Link(_)
                | Command::Preset(_)
                | Command::ClearCanvas
                | Command::CommitCanvas
                | Command::Target(_)
                | Command::Formula(_)
                | Command::Samples { .. }
                | Command::SamplesBox(_)
                | Command::Reset
                | Command::LoadModel(_)
        );
        let result = self.apply_quietly(command);
        match &result {
            Err(e) => {
                self.error = Some(e.clone());
                self.message = Some(e.clone());
            }
            Ok(m) if notable => {
                self.error = None;
                self.message = Some(m.clone());
            }
            Ok(_) => {}
        }
        result
    }

    /// Everything the current state would put in a link.
    pub fn link(&self) -> Link {
        Link {
            settings: self.settings.clone(),
            direction: self.anim.direction.unwrap_or(Direction::Generate),
            classroom: self.classroom.clone(),
            preset: self.preset.map(|p| p.id.to_string()),
            compare: self.comparison.as_ref().map(ComparisonRun::contenders),
            samples: None,
        }
    }

    /// The link's hash (with `#`) that reproduces the current state.
    pub fn link_hash(&self) -> String {
        link::encode(&self.link())
    }

    /// Rebuilds the training run from the settings (fresh parameters from the seed).
    pub fn rebuild(&mut self) {
        self.halt_job();
        self.running = false;
        let mut error = None;
        let (trainer, settings) =
            Self::make_trainer(self.settings.clone(), self.target.clone(), &mut error);
        self.trainer = trainer;
        self.settings = settings;
        self.error = error;
        self.anim.position = 0.0;
        self.grid = DensityGrid::new(self.target.as_ref(), &self.trainer.flow, 0);
        self.rate_window = (Instant::now(), 0);
        self.iters_per_sec = 0.0;
        self.ess = None;
        self.nll = None;
        self.ess_at = None;
        self.finished = None;
        self.train_seconds = 0.0;
        self.build_method_run();
        self.record_trajectory();
        if let Some(run) = &self.comparison {
            // The same methods again, on the target and seed as they are now.
            let contenders = run.contenders();
            self.start_comparison(&contenders);
        }
    }

    /// Starts comparing `contenders` on the target (none: ends the comparison).
    pub(super) fn start_comparison(&mut self, contenders: &[crate::compare::Contender]) {
        self.running = false;
        self.comparison = (!contenders.is_empty()).then(|| {
            let budget = crate::compare::Budget {
                seed: self.settings.train.seed,
                ..self.compare_budget
            };
            ComparisonRun::new(contenders, budget)
        });
    }

    /// Builds the run of the settings' method; a setting the engine refuses brings the NHF
    /// back, with the reason.
    fn build_method_run(&mut self) {
        match MethodRun::new(&self.settings, self.target.as_ref()) {
            Ok(run) => self.method_run = run,
            Err(e) => {
                let e = format!("{e}; the NHF runs instead");
                self.error = Some(e.clone());
                self.message = Some(e);
                self.settings.method = crate::method::Method::Nhf;
                self.method_run = MethodRun::Nhf;
            }
        }
    }
}
