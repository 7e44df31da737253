//! The dispatcher: what each [`Command`] does to the session.

use std::sync::Arc;

use super::{CONSTANT_LR_RANGE, Command, Session};
use crate::app::files;
use crate::app::link;
use crate::app::presets;
use crate::app::setting_table::SettingEffect;
use crate::app::settings::Settings;
use crate::nhf::Continuation;

impl Session {
    pub(super) fn apply_quietly(&mut self, command: Command) -> Result<String, String> {
        if let Some(result) = self.method_command(&command) {
            return result;
        }
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
            Command::FastKernels(on) => {
                use crate::nhf::lanes;
                if on && !lanes::fast_kernels_available() {
                    return Err(format!(
                        "the fast kernels need a desktop CPU with AVX and FMA; {} stay",
                        lanes::kernels_in_use()
                    ));
                }
                lanes::set_fast_kernels(on);
                Ok(format!("{} kernels", lanes::kernels_in_use()))
            }
            Command::DismissError => {
                self.error = None;
                Ok("dismissed".into())
            }
            Command::SaveModel => {
                let file = self
                    .method_file()
                    .unwrap_or_else(|| files::model_file(&self.settings, &self.trainer));
                Ok(self.offer(file, "model"))
            }
            Command::ExportSamples(n) => Ok(self.offer(
                files::samples_csv(&self.trainer, self.target.as_ref(), n),
                "samples",
            )),
            Command::Compare(contenders) => {
                self.start_comparison(&contenders);
                Ok(if contenders.is_empty() {
                    "comparison closed".into()
                } else {
                    format!("comparing {} methods", contenders.len())
                })
            }
            Command::ExportView => {
                self.wants_view_png = true;
                Ok("exporting the views as PNG".into())
            }
            Command::OpenModel => self.pick_file(),
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
                    target: name,
                    ..self.settings.clone()
                };
                self.switch_target(next)
            }
            Command::Formula(spec) => {
                let next = Settings {
                    target: "formula".into(),
                    formula: Some(spec),
                    ..self.settings.clone()
                };
                self.switch_target(next)
            }
            Command::Samples { name, bytes } => self
                .load_samples(name, &bytes)
                .map_err(|e| format!("{e}; the current target and model stay")),
            Command::SamplesBox(bounds) => {
                let loaded = match (&self.settings.samples, self.settings.target.as_str()) {
                    (Some(s), "samples") => s.with_box(bounds),
                    _ => {
                        return Err(
                            "the box is for your own samples: open a file of samples first".into(),
                        );
                    }
                };
                let next = Settings {
                    samples: Some(loaded),
                    ..self.settings.clone()
                };
                self.switch_target(next)?;
                let [[x0, x1], [y0, y1]] = self.target.bounds().0;
                Ok(format!(
                    "the box is [{x0:.3}, {x1:.3}] × [{y0:.3}, {y1:.3}]"
                ))
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
                        crate::app::view_set::ViewSet::NAMES.join(", ")
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
        // Another objective comes with its own settings (`Settings::switch_objective`).
        if next.flow.objective != self.settings.flow.objective {
            let objective = next.flow.objective;
            next.flow.objective = self.settings.flow.objective;
            next.switch_objective(objective);
        }
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
}

impl Session {
    /// Makes `next`'s target the one fitted (its settings otherwise as now), with the
    /// target's own objective and fresh parameters; refused, changing nothing, when the target
    /// cannot be built.
    pub(super) fn switch_target(&mut self, next: Settings) -> Result<String, String> {
        let target = next.resolve_target().map_err(|e| e.to_string())?;
        self.target = Arc::from(target);
        self.target_revision += 1;
        self.settings.target = next.target;
        self.settings.formula = next.formula;
        self.settings.samples = next.samples;
        self.settings
            .switch_objective(self.target.default_objective());
        self.sync_canvas();
        self.rebuild();
        Ok(format!("target {}", self.settings.target))
    }
}
