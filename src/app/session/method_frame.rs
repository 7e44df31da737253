//! A frame, and the run commands, of a method other than the NHF (HMC, L2HMC, the planar and
//! radial flows; see [`super::method_run`]): they run in the frame loop within the training budget.

use web_time::{Duration, Instant};

use super::method_run::{ChainsRun, LayersRun, MethodRun};
use super::{Command, Session};

impl Session {
    /// One frame's work of the method that runs instead of the NHF; false when the NHF runs.
    pub(super) fn tick_method(&mut self, start: Instant, dt: f64) -> bool {
        let budget_ms = self.settings.train_budget_ms.clamp(1.0, 100.0);
        let deadline = start + Duration::from_secs_f64(budget_ms / 1000.0);
        let target = self.target.clone();
        let target = target.as_ref();
        let steps = if self.anim.playing {
            dt.clamp(0.0, 0.25) * self.settings.anim_speed
        } else {
            0.0
        };
        let mut finished = None;
        match &mut self.method_run {
            MethodRun::Nhf => return false,
            MethodRun::Chains(run) => {
                if self.running {
                    if let Err(e) = run.advance(target, self.settings.hmc_rate, dt, deadline) {
                        self.running = false;
                        self.error = Some(format!(
                            "{e}; the update was skipped and the networks keep their last \
                             parameters: a smaller learning rate or step size may help"
                        ));
                    } else if run.draws() >= run.until_draws {
                        run.update_diagnostics(true);
                        finished = Some(chains_summary(run));
                    }
                }
                run.update_diagnostics(false);
                run.animate(steps);
            }
            MethodRun::Layers(run) => {
                if self.running {
                    loop {
                        if let Err(e) = run.trainer.train_step(target) {
                            self.running = false;
                            self.error = Some(format!(
                                "{e}; the flow keeps its last parameters: a smaller learning \
                                 rate or fewer layers may help"
                            ));
                            break;
                        }
                        if run.trainer.step >= run.until_step {
                            finished = Some(layers_summary(run));
                            break;
                        }
                        if Instant::now() >= deadline {
                            break;
                        }
                    }
                }
                run.update_ess(target);
                let layers = run.trainer.flow.layers as f64;
                run.position += steps;
                if run.position >= layers + 0.999 {
                    run.position = 0.0;
                }
                let at_start = run.position == 0.0 || !self.anim.playing;
                if at_start && run.recorded_at != run.trainer.step {
                    run.record(target);
                }
            }
        }
        if self.running {
            self.train_seconds += dt.clamp(0.0, 1.0);
        }
        if let Some(text) = finished {
            self.running = false;
            let text = format!(
                "{text} in {:.0} s. Train goes on for as many again.",
                self.train_seconds
            );
            self.message = Some(text.clone());
            self.finished = Some(text);
        }
        true
    }

    /// The run commands of a method other than the NHF (train, step, the animation's
    /// stepping); `None` when the NHF runs or the command is not one of these.
    pub(super) fn method_command(&mut self, command: &Command) -> Option<Result<String, String>> {
        let target = self.target.clone();
        let target = target.as_ref();
        let hmc_draws = self.settings.hmc_draws;
        let schedule = self.settings.train.schedule_iters as u64;
        let run = &mut self.method_run;
        if matches!(run, MethodRun::Nhf) {
            return None;
        }
        Some(match (command, run) {
            (Command::Train, run) => {
                if self.finished.take().is_some() {
                    match run {
                        MethodRun::Chains(r) => r.until_draws = r.draws() + hmc_draws,
                        MethodRun::Layers(r) => r.until_step = r.trainer.step + schedule,
                        MethodRun::Nhf => {}
                    }
                }
                self.running = true;
                Ok("running".into())
            }
            (Command::ContinueConstant(_), _) => {
                Err("only the NHF has a learning-rate schedule to continue".into())
            }
            (Command::Step, MethodRun::Chains(r)) => {
                self.running = false;
                let result = r.chains.iterate(target);
                r.position = 0.0;
                r.show_latest();
                result.map(|()| format!("iteration {}", r.chains.iteration()))
            }
            (Command::Step, MethodRun::Layers(r)) => {
                self.running = false;
                let result = r.trainer.train_step(target);
                r.record(target);
                result.map(|loss| format!("step {}, loss {loss:.3}", r.trainer.step))
            }
            (Command::AnimStep(delta), run) => {
                self.anim.playing = false;
                let (position, end) = animation_of(run)?;
                *position = (position.floor() + *delta as f64).clamp(0.0, end);
                Ok(format!("animation step {position}"))
            }
            (Command::Scrub(s), run) => {
                self.anim.playing = false;
                let (position, end) = animation_of(run)?;
                *position = (*s as f64).min(end);
                Ok(format!("animation step {position}"))
            }
            _ => return None,
        })
    }
}

/// The animation position of a method's run and its last state.
fn animation_of(run: &mut MethodRun) -> Option<(&mut f64, f64)> {
    match run {
        MethodRun::Nhf => None,
        MethodRun::Chains(r) => {
            let end = r.chains.leapfrog_steps() as f64 + super::method_run::TEST_PAUSE_STEPS;
            Some((&mut r.position, end))
        }
        MethodRun::Layers(r) => {
            let end = r.trainer.flow.layers as f64;
            Some((&mut r.position, end))
        }
    }
}

/// What an HMC or L2HMC run reached, for the message at its end.
fn chains_summary(run: &ChainsRun) -> String {
    let acceptance = run.chains.acceptance_rate() * 100.0;
    let diagnostics = run.diagnostics.map_or(String::new(), |d| {
        format!(", ESS {:.0}, split R-hat {:.3}", d.ess, d.r_hat)
    });
    format!(
        "sampling finished: {} draws per chain, acceptance {acceptance:.0}%{diagnostics}",
        run.draws()
    )
}

/// What a planar or radial flow reached, for the message at its end.
fn layers_summary(run: &LayersRun) -> String {
    let h = &run.trainer.history;
    let tail = &h[h.len().saturating_sub(100)..];
    let loss = tail.iter().map(|(_, l)| l).sum::<f64>() / tail.len().max(1) as f64;
    let ess = run
        .ess
        .map_or(String::new(), |(_, e)| format!(", ESS {e:.0}%"));
    format!(
        "training finished: {} steps, loss {loss:.3} (mean of the last {}){ess}",
        run.trainer.step,
        tail.len()
    )
}
