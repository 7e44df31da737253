//! Driving the training host (a Web Worker, a thread) or the frame loop's own training, and
//! stopping a run at the end of its schedule.

use super::Session;
use crate::app::training_host::{TrainJob, TrainingHost};

impl Session {
    /// Trains continuously on `host` from now on, instead of in the frame loop.
    pub fn set_training_host(&mut self, host: Box<dyn TrainingHost>) {
        self.halt_job();
        self.host = Some(host);
    }
    /// Whether something moves or runs, so the app should draw every frame: training or
    /// another method running, the animation playing, the density grid filling in, a
    /// comparison open. Otherwise a few frames a second are enough: an idle page then leaves
    /// the CPU to the training workers (and a phone's battery alone).
    pub fn wants_frames(&self) -> bool {
        self.running
            || self.anim.playing
            || self.grid.eval.progress() < 1.0
            || self.comparison.is_some()
    }

    /// Whether continuous training runs on a host rather than in the frame loop.
    pub fn trains_off_thread(&self) -> bool {
        self.host.is_some()
    }
    /// Whether a shown view needs the density grid.
    pub(super) fn wants_grid(&self) -> bool {
        self.settings.views.needs_grid()
    }
    /// Stops the host's job: the trainer stays at the last reported state.
    pub(super) fn halt_job(&mut self) {
        if self.job.take().is_some()
            && let Some(host) = &mut self.host
        {
            host.stop();
        }
    }
    /// Starts a job on the host when training is on and none runs, stops it when training
    /// is off, and moves the trainer onto the current job's reports.
    pub(super) fn drive_host(&mut self) {
        if let Some(why) = self.host.as_ref().and_then(|h| h.failure()) {
            // Nothing is lost: the trainer is at the last report; the frame loop goes on.
            log::warn!("training moves into the frame loop: {why}");
            self.host = None;
            self.job = None;
            if self.bench_running {
                // The timing will not come: say why, and draw every frame again.
                self.bench = Some(serde_json::json!({ "error": why }));
                self.bench_running = false;
            }
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
        if let Some(timing) = host.bench_result() {
            self.bench = Some(timing);
            self.bench_running = false;
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
    pub(super) fn finish_if_done(&mut self) {
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
    pub(super) fn train_once(&mut self) {
        match self.trainer.step() {
            Ok(_) => {}
            Err(e) => {
                self.running = false;
                self.error = Some(e.to_string());
            }
        }
    }

    /// Times `reps` steps of the bench configuration `config` shared among `workers` workers
    /// in the training worker (pausing training); the result becomes [`Session::bench`].
    pub fn start_worker_bench(
        &mut self,
        config: &str,
        reps: usize,
        workers: usize,
    ) -> Result<String, String> {
        let Some(host) = &mut self.host else {
            return Err("no training worker here: training runs in the frame loop".into());
        };
        host.bench(config, reps, workers)?;
        self.running = false;
        self.job = None;
        self.bench = None;
        self.bench_running = true;
        Ok(format!(
            "timing {reps} steps of the {config} configuration on {workers} worker(s); the \
             status's bench has the result"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::settings::Settings;
    use crate::app::training_host::TrainReport;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A host that accepts a timing, then dies before it reports.
    struct DyingHost(Rc<Cell<bool>>);

    impl TrainingHost for DyingHost {
        fn start(&mut self, _job: TrainJob) {}
        fn stop(&mut self) {}
        fn poll(&mut self) -> Vec<TrainReport> {
            Vec::new()
        }
        fn failure(&self) -> Option<String> {
            self.0.get().then(|| "the worker failed: gone".to_string())
        }
        fn bench(&mut self, _config: &str, _reps: usize, _workers: usize) -> Result<(), String> {
            Ok(())
        }
    }

    /// The page draws less while a timing runs; if the host dies first, the timing ends with
    /// the reason and the page draws normally again.
    #[test]
    fn a_timing_whose_host_dies_ends_with_its_reason() {
        let dead = Rc::new(Cell::new(false));
        let mut s = Session::new(Settings::default());
        s.set_training_host(Box::new(DyingHost(dead.clone())));
        s.start_worker_bench("standard", 5, 2).unwrap();
        assert!(s.bench_running && s.bench.is_none());
        s.drive_host();
        assert!(s.bench_running, "a live host's timing is still running");
        dead.set(true);
        s.drive_host();
        assert!(!s.bench_running);
        let error = s.bench.as_ref().and_then(|b| b["error"].as_str());
        assert_eq!(error, Some("the worker failed: gone"));
    }
}
