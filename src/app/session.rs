//! The running state of the playground that every view reads and every command changes: the
//! target, the training run, the animation and the user-facing messages. No UI code here.

use std::sync::Arc;

use web_time::Instant;

use super::settings::Settings;
use crate::nhf::eval::GridEval;
use crate::nhf::flow::Trajectory;
use crate::nhf::{Direction, Flow, Kinetic, Objective, Trainer};
use crate::rng::Rng;
use crate::targets::{self, Target};

/// Something the user (or a test) asks the playground to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Start training.
    Train,
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
}

/// Cells per side of the playground's density grid (the grid KL and the densities view).
pub const GRID_CELLS: usize = 40;
/// Importance draws per cell of that grid.
pub const GRID_DRAWS: usize = 8;
/// Milliseconds per frame spent evaluating the density grid.
const GRID_BUDGET_MS: f64 = 3.0;

/// The model density on a grid, evaluated a slice per frame for a snapshot of the flow.
pub struct DensityGrid {
    /// The evaluation in progress.
    pub eval: GridEval,
    /// The flow being evaluated (a snapshot: training goes on meanwhile).
    flow: Flow,
    /// The training step of that snapshot.
    pub step: u64,
    /// The last complete evaluation: (training step, model density, grid KL).
    pub done: Option<(u64, Vec<f64>, f64)>,
    /// Grid KL after each complete evaluation: (training step, KL).
    pub kl_history: Vec<(u64, f64)>,
}

impl DensityGrid {
    fn new(target: &dyn Target, flow: &Flow, step: u64) -> Self {
        Self {
            eval: GridEval::new(target, GRID_CELLS, GRID_DRAWS, 7),
            flow: flow.clone(),
            step,
            done: None,
            kl_history: Vec::new(),
        }
    }

    /// Evaluates cells for about `budget_ms`; when the grid completes, records it and starts
    /// over on the current flow if training has moved on.
    fn advance(&mut self, target: &dyn Target, flow: &Flow, step: u64, budget_ms: f64) {
        let start = Instant::now();
        while start.elapsed().as_secs_f64() * 1000.0 < budget_ms {
            if self.eval.advance(&self.flow, 16) {
                let kl = self.eval.kl().unwrap_or(f64::NAN);
                if self.done.as_ref().is_none_or(|d| d.0 != self.step) {
                    self.done = Some((self.step, self.eval.model_density(), kl));
                    if kl.is_finite() {
                        self.kl_history.push((self.step, kl));
                    }
                }
                if step == self.step {
                    return;
                }
                self.eval = GridEval::new(target, GRID_CELLS, GRID_DRAWS, 7);
                self.flow = flow.clone();
                self.step = step;
            }
        }
    }
}

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
    last_frame: Option<Instant>,
    rate_window: (Instant, u64),
}

impl Session {
    /// A session from settings; a bad target falls back to 8gaussians with a message.
    pub fn new(settings: Settings) -> Self {
        let mut error = None;
        let target: Arc<dyn Target> = match targets::by_id(&settings.target) {
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
            error,
            anim: Animation {
                playing: true,
                direction: Some(Direction::Generate),
                ..Animation::default()
            },
            grid,
            last_frame: None,
            rate_window: (Instant::now(), 0),
        };
        session.record_trajectory();
        session
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

    /// Applies a command; returns a short confirmation, or an error message for the user.
    pub fn apply(&mut self, command: Command) -> Result<String, String> {
        match command {
            Command::Train => {
                self.running = true;
                Ok("training".into())
            }
            Command::Pause => {
                self.running = false;
                Ok("paused".into())
            }
            Command::Step => {
                self.running = false;
                self.train_once();
                Ok(format!("step {}", self.trainer.step))
            }
            Command::Reset => {
                self.rebuild();
                Ok("reset".into())
            }
            Command::Target(name) => {
                let target = targets::by_id(&name).map_err(|e| e.to_string())?;
                self.target = Arc::from(target);
                self.settings.target = name;
                self.settings.flow.objective = self.target.default_objective();
                self.rebuild();
                Ok(format!("target {}", self.settings.target))
            }
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

    /// Changes one setting by name after checking its range; model and optimiser settings
    /// restart training from fresh parameters. A bad value changes nothing and says why.
    pub fn set(&mut self, key: &str, value: &serde_json::Value) -> Result<String, String> {
        let num = |lo: f64, hi: f64| -> Result<f64, String> {
            let v = value
                .as_f64()
                .ok_or_else(|| format!("{key} needs a number, got {value}"))?;
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(v)
            } else {
                Err(format!("{key} must be between {lo} and {hi}, got {v}"))
            }
        };
        let int = |lo: usize, hi: usize| -> Result<usize, String> {
            let v = num(lo as f64, hi as f64)?;
            if v.fract() == 0.0 {
                Ok(v as usize)
            } else {
                Err(format!("{key} must be a whole number, got {v}"))
            }
        };
        let mut next = self.settings.clone();
        let mut restart = true;
        match key {
            "blocks" => next.flow.blocks = int(1, 8)?,
            "leapfrog_steps" => next.flow.leapfrog_steps = int(1, 40)?,
            "dt" => next.flow.dt = num(0.001, 1.0)?,
            "width" => next.flow.width = int(2, 128)?,
            "lr" => next.train.lr = num(1e-5, 0.1)?,
            "batch" => next.train.batch = int(8, 4096)?,
            "seed" => next.train.seed = int(0, u32::MAX as usize)? as u64,
            "kinetic" => {
                next.flow.kinetic = match value.as_str() {
                    Some("fixed") => Kinetic::Fixed,
                    Some("learned") => Kinetic::Learned,
                    _ => return Err(format!("kinetic is \"fixed\" or \"learned\", got {value}")),
                }
            }
            "objective" => {
                let objective = match value.as_str() {
                    Some("samples") => Objective::Samples,
                    Some("density") => Objective::Density,
                    _ => {
                        return Err(format!(
                            "objective is \"samples\" or \"density\", got {value}"
                        ));
                    }
                };
                if !self.target.objectives().contains(&objective) {
                    return Err(format!(
                        "{} cannot be fitted with the {objective:?} objective",
                        self.target.name()
                    ));
                }
                next.flow.objective = objective;
            }
            "particles" => {
                next.particles = int(1, 5000)?;
                restart = false;
            }
            "anim_speed" => {
                next.anim_speed = num(1.0, 60.0)?;
                restart = false;
            }
            "trails" => {
                next.trails = value
                    .as_bool()
                    .ok_or_else(|| format!("trails needs true or false, got {value}"))?;
                restart = false;
            }
            _ => {
                return Err(format!(
                    "unknown setting \"{key}\" (known: blocks, leapfrog_steps, dt, width, lr, batch, seed, kinetic, objective, particles, anim_speed, trails)"
                ));
            }
        }
        if restart {
            next.flow.validate().map_err(|e| e.to_string())?;
            next.train.validate().map_err(|e| e.to_string())?;
        }
        let particles_changed = next.particles != self.settings.particles;
        self.settings = next;
        if restart {
            self.rebuild();
        } else if particles_changed {
            self.record_trajectory();
        }
        Ok(format!("{key} = {value}"))
    }

    /// Rebuilds the training run from the settings (fresh parameters from the seed).
    pub fn rebuild(&mut self) {
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
        self.record_trajectory();
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
            Direction::Generate => (0..n)
                .map(|_| ([rng.normal(), rng.normal()], [rng.normal(), rng.normal()]))
                .unzip(),
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
        if self.running {
            let budget = self.settings.train_budget_ms.clamp(1.0, 100.0) / 1000.0;
            // At least one step per frame, then as many as fit in the budget.
            loop {
                self.train_once();
                if !self.running || start.elapsed().as_secs_f64() >= budget {
                    break;
                }
            }
        }
        if self.settings.views.densities || self.settings.views.training {
            let target = self.target.clone();
            self.grid.advance(
                target.as_ref(),
                &self.trainer.flow,
                self.trainer.step,
                GRID_BUDGET_MS,
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
