//! The running state of the playground that every view reads and every command changes: the
//! target, the training run, the animation and the user-facing messages. No UI code here.

use std::sync::Arc;

use web_time::Instant;

use super::settings::Settings;
use crate::nhf::flow::Trajectory;
use crate::nhf::{Direction, Flow, Trainer};
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
    /// Milliseconds the app spent in the last frame (training included).
    pub frame_ms: f64,
    /// Training iterations per second over the last second.
    pub iters_per_sec: f64,
    /// The last problem to show the user, if any.
    pub error: Option<String>,
    /// The animation.
    pub anim: Animation,
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
        let mut session = Self {
            settings,
            target,
            trainer,
            running: false,
            frames: 0,
            fps: 0.0,
            frame_ms: 0.0,
            iters_per_sec: 0.0,
            error,
            anim: Animation {
                playing: true,
                direction: Some(Direction::Generate),
                ..Animation::default()
            },
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
        }
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
        let window = self.rate_window.0.elapsed().as_secs_f64();
        if window >= 1.0 {
            self.iters_per_sec = (self.trainer.step - self.rate_window.1) as f64 / window;
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
        self.frame_ms = start.elapsed().as_secs_f64() * 1000.0;
    }
}
