//! The per-frame scheduler: how a frame's time is shared between training, the density grid
//! and the animation.

use web_time::Instant;

use super::Session;

/// Milliseconds per frame spent evaluating the density grid, at least.
const GRID_BUDGET_MS: f64 = 3.0;
/// Share of the time between frames given to the grid when frames are slow: at 60 fps the
/// minimum holds; at 5 fps a frame may spend up to 30 ms, so the grid KL still arrives every
/// few seconds instead of starving.
const GRID_SHARE: f64 = 0.15;
/// Milliseconds per frame spent evaluating the density grid, at most.
const GRID_BUDGET_MAX_MS: f64 = 30.0;

impl Session {
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
        if let Some(run) = &mut self.comparison {
            // The comparison has the frame's training budget; the model behind it waits.
            let budget = self.settings.train_budget_ms.clamp(1.0, 100.0) / 1000.0;
            run.advance(&self.target, budget);
            self.tick_ms = start.elapsed().as_secs_f64() * 1000.0;
            return;
        }
        if self.tick_method(start, dt_seconds) {
            self.tick_ms = start.elapsed().as_secs_f64() * 1000.0;
            return;
        }
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
        self.update_live_ess();
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
