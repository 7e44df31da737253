//! The running state of the playground that every view reads and every command changes: the
//! target, the training run, the animation and the user-facing messages. No UI code here.

use std::sync::Arc;

use web_time::Instant;

use super::canvas::Canvas;
use super::density_grid::DensityGrid;
use super::files::{self, FileOut};
use super::link::{self, Classroom, Link};
use super::presets::{self, Preset};
use super::settings::{SettingEffect, Settings};
use super::training_host::{TrainJob, TrainingHost};
use crate::nhf::flow::Trajectory;
use crate::nhf::model_file::ModelFile;
use crate::nhf::{Continuation, Direction, Flow, TrainConfig, Trainer};
use crate::rng::Rng;
use crate::targets::{self, CustomMixture, DrawnGrid, DrawnTarget, MixtureSpec, Target};

/// Something the user (or a test) asks the playground to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Start training; past the end of the schedule, continue with a new cosine schedule of
    /// the same length.
    Train,
    /// Continue past the end of the schedule at this constant learning rate.
    ContinueConstant(f64),
    /// Pause training.
    Pause,
    /// Train one iteration (and pause).
    Step,
    /// Fresh parameters from the seed; keeps the settings.
    Reset,
    /// Switch target (by identifier).
    Target(String),
    /// Move the animation by this many leapfrog steps.
    AnimStep(i64),
    /// Jump the animation to this state (0 ..= K·L).
    Scrub(usize),
    /// Play or pause the animation.
    AnimPlay(bool),
    /// Show or hide a view (by name, see [`super::view_set::ViewSet::NAMES`]).
    View(String, bool),
    /// Change one setting (by name, see [`Session::set`]); model settings restart training.
    Set(String, serde_json::Value),
    /// Which way the particles move.
    Direction(Direction),
    /// Paints (or erases) along a segment on the drawn target's canvas.
    Paint {
        /// Start of the segment, in flow coordinates.
        from: [f64; 2],
        /// End of the segment.
        to: [f64; 2],
        /// Brush radius, in flow coordinates.
        radius: f64,
        /// Erase rather than paint.
        erase: bool,
    },
    /// Erases the whole canvas (the target changes at the next commit).
    ClearCanvas,
    /// Makes the canvas the target; the flow keeps its parameters and adapts to it.
    CommitCanvas,
    /// Opens a link (a URL, its hash, or `key=value&…`): settings, views, classroom mode.
    Link(String),
    /// Applies a preset demo by identifier (see [`super::presets`]).
    Preset(String),
    /// Closes the preset's explanation.
    ClosePreset,
    /// Hides the error banner (the message stays in the status).
    DismissError,
    /// Offers the trained model as a file (see [`super::files::model_file`]).
    SaveModel,
    /// Offers this many model samples as CSV.
    ExportSamples(usize),
    /// Asks the platform for a model file to open (the browser's file picker).
    OpenModel,
    /// Loads a model file's text: settings, target and parameters; training can resume.
    LoadModel(String),
    /// Offers the views, as drawn, as a PNG (taken from the next frame's screenshot).
    ExportView,
}

/// The constant learning rates a run may continue at (the learning-rate slider's range).
pub const CONSTANT_LR_RANGE: (f64, f64) = (1e-5, 0.1);

/// Milliseconds per frame spent evaluating the density grid, at least.
const GRID_BUDGET_MS: f64 = 3.0;
/// Share of the time between frames given to the grid when frames are slow: at 60 fps the
/// minimum holds; at 5 fps a frame may spend up to 30 ms, so the grid KL still arrives every
/// few seconds instead of starving.
const GRID_SHARE: f64 = 0.15;
/// Milliseconds per frame spent evaluating the density grid, at most.
const GRID_BUDGET_MAX_MS: f64 = 30.0;

/// The animation of particles along their leapfrog trajectories.
#[derive(Clone, Debug, Default)]
pub struct Animation {
    /// The current state index, 0 ..= K·L (fractional while playing, for smooth motion).
    pub position: f64,
    /// Whether it advances by itself.
    pub playing: bool,
    /// Which way particles move.
    pub direction: Option<Direction>,
    /// The recorded trajectories of the particles under the current parameters.
    pub trajectory: Trajectory,
    /// Training step the trajectory was recorded at.
    pub recorded_at_step: u64,
}

impl Animation {
    /// The current whole state index.
    pub fn step(&self) -> usize {
        self.position.floor().max(0.0) as usize
    }
}

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
    /// Milliseconds of the last frame's `tick` alone (training and grid evaluation).
    pub tick_ms: f64,
    /// Training iterations per second over the last second.
    pub iters_per_sec: f64,
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
    /// Files waiting for the entry to deliver (download or write).
    pub outbox: Vec<FileOut>,
    /// The user asked to pick a model file; the entry opens its picker and clears this.
    pub wants_model_file: bool,
    /// The user asked for a PNG of the views; the app takes a screenshot and clears this.
    pub wants_view_png: bool,
    last_frame: Option<Instant>,
    rate_window: (Instant, u64),
    /// Where continuous training runs when not in the frame loop (a Web Worker, a thread).
    host: Option<Box<dyn TrainingHost>>,
    /// What the run reached when its schedule ended (shown until training goes on).
    pub finished: Option<String>,
    /// Seconds spent training in this run (while `running`).
    pub train_seconds: f64,
    /// The job running on the host, if any.
    job: Option<u32>,
    /// Jobs started so far (the next job's id).
    jobs_started: u32,
    /// Whether the running job evaluates the density grid.
    job_grid: bool,
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
            tick_ms: 0.0,
            iters_per_sec: 0.0,
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
            wants_model_file: false,
            wants_view_png: false,
            last_frame: None,
            rate_window: (Instant::now(), 0),
            host: None,
            job: None,
            jobs_started: 0,
            job_grid: false,
        };
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
            settings.flow.objective = target.default_objective();
        }
        match Trainer::new(
            settings.flow.clone(),
            settings.train.clone(),
            target.clone(),
        ) {
            Ok(t) => (t, settings),
            Err(e) => {
                *error = Some(format!("{e}; default settings restored"));
                let defaults = Settings {
                    target: settings.target.clone(),
                    ..Settings::default()
                };
                let mut flow = defaults.flow.clone();
                flow.objective = target.default_objective();
                let trainer = Trainer::new(flow.clone(), defaults.train.clone(), target)
                    .expect("default settings are valid");
                (trainer, Settings { flow, ..defaults })
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
        }
    }

    /// The link's hash (with `#`) that reproduces the current state.
    pub fn link_hash(&self) -> String {
        link::encode(&self.link())
    }

    /// Opens a parsed link: replaces settings, target, direction, classroom mode and preset,
    /// and restarts training. A link to the drawn target without a picture keeps the user's.
    fn open_link(&mut self, link: Link) -> Result<(), String> {
        let mut settings = link.settings;
        if settings.drawing.is_none() {
            settings.drawing = self.settings.drawing.clone();
        }
        let target = settings.resolve_target().map_err(|e| e.to_string())?;
        self.target = Arc::from(target);
        self.target_revision += 1;
        self.settings = settings;
        self.anim.direction = Some(link.direction);
        self.classroom = link.classroom;
        self.preset = link.preset.as_deref().and_then(presets::by_id);
        self.sync_canvas();
        self.rebuild();
        Ok(())
    }

    fn apply_quietly(&mut self, command: Command) -> Result<String, String> {
        match command {
            Command::Link(text) => {
                let parsed = link::parse(&text).map_err(|e| {
                    format!("This link cannot be opened ({e}); nothing was changed.")
                })?;
                self.open_link(parsed)?;
                Ok("link opened".into())
            }
            Command::Preset(id) => {
                let preset =
                    presets::by_id(&id).ok_or_else(|| format!("unknown preset \"{id}\""))?;
                let mut parsed = link::parse(preset.link)?;
                parsed.preset = Some(preset.id.into());
                parsed.classroom = self.classroom.clone();
                self.open_link(parsed)?;
                Ok(format!("preset: {}", preset.title))
            }
            Command::ClosePreset => {
                self.preset = None;
                Ok("preset closed".into())
            }
            Command::DismissError => {
                self.error = None;
                Ok("dismissed".into())
            }
            Command::SaveModel => Ok(self.offer(files::model_file(self), "model")),
            Command::ExportSamples(n) => Ok(self.offer(files::samples_csv(self, n), "samples")),
            Command::ExportView => {
                self.wants_view_png = true;
                Ok("exporting the views as PNG".into())
            }
            Command::OpenModel => {
                self.wants_model_file = true;
                Ok("choose a model file".into())
            }
            Command::LoadModel(text) => self
                .load_file(&text)
                .map_err(|e| format!("{e}; the current model and settings are kept")),
            Command::Train => {
                if self.trainer.schedule_done() {
                    self.trainer.train.continuation = Some(Continuation::Cosine {
                        from: self.trainer.step,
                    });
                }
                self.finished = None;
                self.running = true;
                Ok("training".into())
            }
            Command::ContinueConstant(lr) => {
                let (lo, hi) = CONSTANT_LR_RANGE;
                if !(lr.is_finite() && (lo..=hi).contains(&lr)) {
                    return Err(format!(
                        "a constant learning rate must be between {lo} and {hi}, got {lr}"
                    ));
                }
                self.halt_job();
                self.trainer.train.continuation = Some(Continuation::Constant { lr });
                self.finished = None;
                self.running = true;
                Ok(format!("training on at a constant learning rate of {lr}"))
            }
            Command::Pause => {
                self.running = false;
                Ok("paused".into())
            }
            Command::Step => {
                self.running = false;
                if self.trainer.schedule_done() {
                    // A step at rate zero would change nothing the user can see.
                    self.trainer.train.continuation = Some(Continuation::Cosine {
                        from: self.trainer.step,
                    });
                    self.finished = None;
                }
                self.train_once();
                Ok(format!("step {}", self.trainer.step))
            }
            Command::Reset => {
                self.rebuild();
                Ok("reset".into())
            }
            Command::Target(name) => {
                let next = Settings {
                    target: name.clone(),
                    ..self.settings.clone()
                };
                let target = next.resolve_target().map_err(|e| e.to_string())?;
                self.target = Arc::from(target);
                self.target_revision += 1;
                self.settings.target = name;
                self.settings.flow.objective = self.target.default_objective();
                self.sync_canvas();
                self.rebuild();
                Ok(format!("target {}", self.settings.target))
            }
            Command::Paint {
                from,
                to,
                radius,
                erase,
            } => {
                let canvas = self
                    .canvas
                    .as_mut()
                    .ok_or("painting needs the drawn target: pick \"Drawn\" first")?;
                canvas.stroke(from, to, radius, erase);
                Ok("painted".into())
            }
            Command::ClearCanvas => {
                let canvas = self
                    .canvas
                    .as_mut()
                    .ok_or("there is no canvas: pick the drawn target first")?;
                canvas.clear();
                Ok("canvas cleared: paint something, it becomes the target".into())
            }
            Command::CommitCanvas => self.commit_canvas(),
            Command::AnimStep(delta) => {
                self.anim.playing = false;
                let max = self.anim.trajectory.states.saturating_sub(1) as i64;
                let s = (self.anim.step() as i64 + delta).clamp(0, max);
                self.anim.position = s as f64;
                Ok(format!("animation step {s}"))
            }
            Command::Scrub(s) => {
                self.anim.playing = false;
                let max = self.anim.trajectory.states.saturating_sub(1);
                self.anim.position = s.min(max) as f64;
                Ok(format!("animation step {}", self.anim.step()))
            }
            Command::AnimPlay(play) => {
                self.anim.playing = play;
                Ok(if play {
                    "animation playing"
                } else {
                    "animation paused"
                }
                .into())
            }
            Command::View(name, visible) => {
                let flag = self.settings.views.flag_mut(&name).ok_or_else(|| {
                    format!(
                        "unknown view \"{name}\" (known: {})",
                        super::view_set::ViewSet::NAMES.join(", ")
                    )
                })?;
                *flag = visible;
                Ok(format!(
                    "{name} {}",
                    if visible { "shown" } else { "hidden" }
                ))
            }
            Command::Set(key, value) => self.set(&key, &value),
            Command::Direction(direction) => {
                self.anim.direction = Some(direction);
                self.anim.position = 0.0;
                self.record_trajectory();
                Ok(format!("direction {direction:?}").to_lowercase())
            }
        }
    }

    /// Changes one setting by name after checking its range (see [`Settings::set_field`]);
    /// model and optimiser settings restart training from fresh parameters. A bad value
    /// changes nothing and says why.
    pub fn set(&mut self, key: &str, value: &serde_json::Value) -> Result<String, String> {
        self.halt_job();
        let mut next = self.settings.clone();
        let effect = next.set_field(key, value)?;
        if !self.target.objectives().contains(&next.flow.objective) {
            return Err(format!(
                "{} cannot be fitted with the {:?} objective",
                self.target.name(),
                next.flow.objective
            ));
        }
        let particles_changed = next.particles != self.settings.particles;
        self.settings = next;
        match effect {
            SettingEffect::Restart => self.rebuild(),
            SettingEffect::Display if particles_changed => self.record_trajectory(),
            SettingEffect::Display => {}
        }
        Ok(format!("{key} = {value}"))
    }

    /// Puts a file in the outbox for the entry to deliver; says so.
    fn offer(&mut self, file: FileOut, what: &str) -> String {
        let message = format!("{what} saved as {}", file.name);
        self.outbox.push(file);
        message
    }

    /// Checks that `settings` would survive a link (the playground's ranges), so that a
    /// loaded file never puts the app in a state its own link cannot reopen.
    fn shareable(&self, settings: &Settings) -> Result<(), String> {
        let check = Link {
            settings: settings.clone(),
            ..self.link()
        };
        link::parse(&link::encode(&check)).map(|_| ())
    }

    /// Opens a file the user picked or dropped: a saved model (it has a `format` field) or a
    /// custom Gaussian mixture (it has `components`), which becomes the `custom` target.
    fn load_file(&mut self, text: &str) -> Result<String, String> {
        let head: Option<serde_json::Value> = serde_json::from_str(text).ok();
        let is_mixture = head
            .as_ref()
            .is_some_and(|v| v.get("components").is_some() && v.get("format").is_none());
        if !is_mixture {
            return self.load_model(text);
        }
        if text.len() > files::MAX_MODEL_BYTES {
            return Err("the mixture file is too large".into());
        }
        let mixture = CustomMixture::from_json(text).map_err(|e| format!("mixture file: {e}"))?;
        let mut next = self.settings.clone();
        next.target = "custom".into();
        next.mixture = Some(mixture.spec().clone());
        next.flow.objective = mixture.default_objective();
        self.shareable(&next)
            .map_err(|e| format!("mixture file: it cannot travel in a link ({e})"))?;
        self.settings = next;
        self.target = Arc::new(mixture);
        self.target_revision += 1;
        self.sync_canvas();
        self.rebuild();
        Ok(format!("custom mixture loaded: {}", self.target.name()))
    }

    /// Replaces the model, settings and target with a saved model's. Everything is checked
    /// before anything changes: the file's format, the target, and that its settings are within
    /// the playground's ranges (so the state stays shareable as a link).
    fn load_model(&mut self, text: &str) -> Result<String, String> {
        if text.len() > files::MAX_MODEL_BYTES {
            return Err(format!(
                "the file is {} bytes; a model file is at most {}",
                text.len(),
                files::MAX_MODEL_BYTES
            ));
        }
        let file = ModelFile::from_json(text).map_err(|e| e.to_string())?;
        let mut settings = self.settings.clone();
        settings.target = file.target.clone();
        settings.flow = file.config.clone();
        // The continuation is the file's run history, not a setting a link would carry.
        settings.train = TrainConfig {
            continuation: None,
            ..file.train.clone()
        };
        if file.target == "drawn" {
            if let Some(def) = &file.target_definition {
                let grid: DrawnGrid = serde_json::from_value(def.clone())
                    .map_err(|e| format!("model file: the drawing is malformed ({e})"))?;
                settings.drawing = Some(grid);
            }
        } else if file.target == "custom" {
            let def = file
                .target_definition
                .as_ref()
                .ok_or("model file: a custom target without its mixture")?;
            let spec: MixtureSpec = serde_json::from_value(def.clone())
                .map_err(|e| format!("model file: the mixture is malformed ({e})"))?;
            settings.mixture = Some(spec);
        } else if !targets::TARGET_IDS.contains(&file.target.as_str()) {
            return Err(format!(
                "model file: target \"{}\" is not one of the playground's",
                file.target
            ));
        }
        self.shareable(&settings).map_err(|e| {
            format!("model file: its settings are outside the playground's ranges ({e})")
        })?;
        let target: Arc<dyn Target> =
            Arc::from(settings.resolve_target().map_err(|e| e.to_string())?);
        let flow = file.flow().map_err(|e| e.to_string())?;
        let trainer = Trainer::resume(
            flow,
            file.train.clone(),
            target.clone(),
            file.adam.clone().unwrap_or_default(),
            file.step,
        )
        .map_err(|e| format!("model file: {e}"))?;
        self.running = false;
        self.target = target;
        self.target_revision += 1;
        self.settings = settings;
        self.trainer = trainer;
        self.sync_canvas();
        self.anim.position = 0.0;
        self.grid = DensityGrid::new(self.target.as_ref(), &self.trainer.flow, file.step);
        self.record_trajectory();
        Ok(format!(
            "model loaded: {} at iteration {}",
            self.target.name(),
            file.step
        ))
    }

    /// Makes the painted picture the target. The flow keeps its parameters and optimiser
    /// state, so the class watches it adapt to the new picture; an empty canvas is refused and
    /// the previous target stays.
    fn commit_canvas(&mut self) -> Result<String, String> {
        let canvas = self
            .canvas
            .as_mut()
            .ok_or("there is no canvas: pick the drawn target first")?;
        let target = DrawnTarget::from_drawn_grid(&canvas.grid)
            .map_err(|e| format!("{e}; the previous picture stays the target"))?;
        canvas.dirty = false;
        self.settings.drawing = Some(canvas.grid.clone());
        self.target = Arc::new(target);
        self.target_revision += 1;
        if !self.trainer.set_target(self.target.clone()) {
            self.rebuild();
        }
        self.grid = DensityGrid::new(self.target.as_ref(), &self.trainer.flow, self.trainer.step);
        self.record_trajectory();
        Ok("the picture is the new target".into())
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
        self.finished = None;
        self.train_seconds = 0.0;
        self.record_trajectory();
    }

    /// Trains continuously on `host` from now on, instead of in the frame loop.
    pub fn set_training_host(&mut self, host: Box<dyn TrainingHost>) {
        self.halt_job();
        self.host = Some(host);
    }

    /// Whether continuous training runs on a host rather than in the frame loop.
    pub fn trains_off_thread(&self) -> bool {
        self.host.is_some()
    }

    /// Whether a shown view needs the density grid.
    fn wants_grid(&self) -> bool {
        self.settings.views.densities || self.settings.views.training
    }

    /// Stops the host's job: the trainer stays at the last reported state.
    fn halt_job(&mut self) {
        if self.job.take().is_some()
            && let Some(host) = &mut self.host
        {
            host.stop();
        }
    }

    /// Starts a job on the host when training is on and none runs, stops it when training
    /// is off, and moves the trainer onto the current job's reports.
    fn drive_host(&mut self) {
        if let Some(why) = self.host.as_ref().and_then(|h| h.failure()) {
            // Nothing is lost: the trainer is at the last report; the frame loop goes on.
            log::warn!("training moves into the frame loop: {why}");
            self.host = None;
            self.job = None;
            return;
        }
        let wants_grid = self.wants_grid();
        if self.job.is_some() && self.job_grid != wants_grid {
            // A view showing the grid was opened or closed: the job picks that up anew.
            self.halt_job();
        }
        let Some(host) = &mut self.host else { return };
        if self.running && self.job.is_none() && !self.trainer.schedule_done() {
            self.jobs_started = self.jobs_started.wrapping_add(1);
            let id = self.jobs_started;
            host.start(TrainJob::of(id, &self.settings, &self.trainer, wants_grid));
            self.job = Some(id);
            self.job_grid = wants_grid;
        }
        for report in host.poll() {
            if Some(report.header.job) != self.job {
                continue;
            }
            let (header, checkpoint, cells) = report.into_parts();
            if let Some(cells) = cells {
                self.grid.receive(self.target.as_ref(), &cells);
            }
            if let Some(c) = checkpoint
                && let Err(e) = self.trainer.restore(&c)
            {
                self.error = Some(format!("training in the background failed: {e}"));
                self.running = false;
            }
            self.trainer.history.extend(header.losses);
            if let Some(e) = header.error {
                self.error = Some(e);
                self.running = false;
            }
        }
        if !self.running {
            self.halt_job();
        }
    }

    /// At the end of the schedule the run stops by itself and says what it reached.
    fn finish_if_done(&mut self) {
        if !(self.running && self.trainer.schedule_done()) {
            return;
        }
        self.running = false;
        self.halt_job();
        let h = &self.trainer.history;
        let tail = &h[h.len().saturating_sub(100)..];
        let loss = tail.iter().map(|(_, l)| l).sum::<f64>() / tail.len().max(1) as f64;
        let kl = self
            .grid
            .kl_history
            .last()
            .map_or(String::new(), |(_, kl)| format!(", grid KL {kl:.3}"));
        let text = format!(
            "schedule finished: {} iterations in {:.0} s, loss {loss:.3} (mean of the last {}){kl}. \
             Train goes on with a new schedule, or continue at a constant rate.",
            self.trainer.step,
            self.train_seconds,
            tail.len()
        );
        self.message = Some(text.clone());
        self.finished = Some(text);
    }

    fn train_once(&mut self) {
        match self.trainer.step() {
            Ok(_) => {}
            Err(e) => {
                self.running = false;
                self.error = Some(e.to_string());
            }
        }
    }

    /// Records the particles' trajectories under the current parameters, from a fixed seed so
    /// the same particles move each time (only the flow changes).
    pub fn record_trajectory(&mut self) {
        let n = self.settings.particles.clamp(1, 5000);
        let direction = self.anim.direction.unwrap_or(Direction::Generate);
        let mut rng = Rng::seed_from_u64(self.settings.train.seed.wrapping_add(17));
        let (q0, p0): (Vec<[f64; 2]>, Vec<[f64; 2]>) = match direction {
            Direction::Generate => {
                let base = self.trainer.flow.base();
                (0..n)
                    .map(|_| {
                        base.from_noise([rng.normal(), rng.normal()], [rng.normal(), rng.normal()])
                    })
                    .unzip()
            }
            Direction::Normalize => {
                let q = self.target.sample(n, &mut rng);
                let p = (0..n).map(|_| [rng.normal(), rng.normal()]).collect();
                (q, p)
            }
        };
        self.anim.trajectory = self.trainer.flow.trajectory(&q0, &p0, direction);
        self.anim.recorded_at_step = self.trainer.step;
    }

    /// One frame's work: training for at most the time budget, then the animation.
    pub fn tick(&mut self, dt_seconds: f64) {
        let start = Instant::now();
        self.frames += 1;
        if let Some(last) = self.last_frame {
            let dt = start.duration_since(last).as_secs_f64();
            if dt > 0.0 {
                let inst = 1.0 / dt;
                self.fps = if self.fps == 0.0 {
                    inst
                } else {
                    0.9 * self.fps + 0.1 * inst
                };
            }
        }
        self.last_frame = Some(start);
        self.drive_host();
        if self.running && self.host.is_none() {
            let budget = self.settings.train_budget_ms.clamp(1.0, 100.0) / 1000.0;
            // At least one step per frame, then as many as fit in the budget.
            loop {
                if self.trainer.schedule_done() {
                    break;
                }
                self.train_once();
                if !self.running || start.elapsed().as_secs_f64() >= budget {
                    break;
                }
            }
        }
        if self.running {
            self.train_seconds += dt_seconds.clamp(0.0, 1.0);
        }
        self.finish_if_done();
        // While a job runs, it evaluates the grid and its reports bring the cells.
        if self.wants_grid() && self.job.is_none() {
            let target = self.target.clone();
            let interval_ms = if self.fps > 0.0 {
                1000.0 / self.fps
            } else {
                0.0
            };
            let budget = (GRID_SHARE * interval_ms).clamp(GRID_BUDGET_MS, GRID_BUDGET_MAX_MS);
            self.grid.advance(
                target.as_ref(),
                &self.trainer.flow,
                self.trainer.step,
                budget,
            );
        }
        let window = self.rate_window.0.elapsed().as_secs_f64();
        if window >= 1.0 {
            // saturating: a reset in the window puts the step below the window's start.
            self.iters_per_sec =
                self.trainer.step.saturating_sub(self.rate_window.1) as f64 / window;
            self.rate_window = (Instant::now(), self.trainer.step);
        }
        let states = self.anim.trajectory.states.max(1);
        if self.anim.playing {
            self.anim.position += dt_seconds.clamp(0.0, 0.25) * self.settings.anim_speed;
            if self.anim.position >= (states - 1) as f64 + 0.999 {
                // Loop, and pick up the latest parameters at the start of each pass.
                self.anim.position = 0.0;
                if self.anim.recorded_at_step != self.trainer.step {
                    self.record_trajectory();
                }
            }
        } else if self.anim.recorded_at_step != self.trainer.step && !self.running {
            self.record_trajectory();
        }
        self.tick_ms = start.elapsed().as_secs_f64() * 1000.0;
    }
}
