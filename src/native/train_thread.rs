//! The desktop's training host: jobs run on a thread of their own, so the window's frames only
//! draw (the browser's counterpart is a Web Worker, in `web.rs`).

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use nhf_playground::app::training_host::{
    GRID_SLICE_MS, JobRunner, TRAIN_SLICE_MS, TrainJob, TrainReport, TrainingHost,
};

enum Order {
    Start(Box<TrainJob>),
    Stop,
}

/// A training thread, fed jobs over a channel; it ends when this is dropped.
pub struct ThreadHost {
    orders: Sender<Order>,
    reports: Receiver<TrainReport>,
    gone: bool,
}

impl ThreadHost {
    /// Spawns the thread.
    pub fn spawn() -> std::io::Result<Self> {
        let (orders, inbox) = channel();
        let (outbox, reports) = channel();
        std::thread::Builder::new()
            .name("nhf-training".into())
            .spawn(move || serve(&inbox, &outbox))?;
        Ok(Self {
            orders,
            reports,
            gone: false,
        })
    }
}

/// The thread's loop: wait for a job, then train in slices, checking for orders between them.
fn serve(inbox: &Receiver<Order>, outbox: &Sender<TrainReport>) {
    let mut runner: Option<JobRunner> = None;
    loop {
        let order = if runner.as_ref().is_some_and(|r| r.active()) {
            match inbox.try_recv() {
                Ok(order) => Some(order),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match inbox.recv() {
                Ok(order) => Some(order),
                Err(_) => return,
            }
        };
        match order {
            Some(Order::Start(job)) => {
                let id = job.header.id;
                runner = match JobRunner::new(*job) {
                    Ok(mut r) => {
                        // The same pieces as the browser's workers: the same bits for any count.
                        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                        r.use_threads(r.workers(cores));
                        Some(r)
                    }
                    Err(e) => {
                        if outbox.send(TrainReport::failed(id, e)).is_err() {
                            return;
                        }
                        None
                    }
                };
                continue;
            }
            Some(Order::Stop) => {
                runner = None;
                continue;
            }
            None => {}
        }
        if let Some(r) = &mut runner
            && outbox
                .send(r.run_slice(TRAIN_SLICE_MS, GRID_SLICE_MS))
                .is_err()
        {
            return;
        }
    }
}

impl TrainingHost for ThreadHost {
    fn start(&mut self, job: TrainJob) {
        // A send fails only if the thread is gone; the session then sees no reports.
        let _ = self.orders.send(Order::Start(Box::new(job)));
    }

    fn stop(&mut self) {
        let _ = self.orders.send(Order::Stop);
    }

    fn poll(&mut self) -> Vec<TrainReport> {
        let mut out = Vec::new();
        loop {
            match self.reports.try_recv() {
                Ok(report) => out.push(report),
                Err(TryRecvError::Empty) => return out,
                Err(TryRecvError::Disconnected) => {
                    self.gone = true;
                    return out;
                }
            }
        }
    }

    fn failure(&self) -> Option<String> {
        self.gone.then(|| "the training thread stopped".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nhf_playground::app::density_grid::{GRID_CELLS, GRID_DRAWS, GRID_SEED};
    use nhf_playground::app::session::{Command, Session};
    use nhf_playground::app::settings::Settings;
    use nhf_playground::nhf::eval::grid_kl;

    fn settings() -> Settings {
        let mut s = Settings::default();
        s.train.batch = 64;
        s.flow.blocks = 2;
        s.flow.leapfrog_steps = 3;
        s
    }

    #[test]
    fn a_run_on_the_thread_equals_the_same_run_in_the_frame_loop() {
        let mut away = Session::new(settings());
        away.set_training_host(Box::new(ThreadHost::spawn().unwrap()));
        assert!(away.trains_off_thread());
        away.apply(Command::Train).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        // Until 6 steps are taken and the thread has evaluated a density grid.
        while away.trainer.step < 6 || away.grid.kl_history.is_empty() {
            assert!(std::time::Instant::now() < deadline, "no progress");
            away.tick(0.016);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        away.apply(Command::Pause).unwrap();
        let steps = away.trainer.step;
        // Reports of the stopped job that arrive late change nothing.
        std::thread::sleep(std::time::Duration::from_millis(100));
        away.tick(0.016);
        assert_eq!(away.trainer.step, steps);
        assert_eq!(away.trainer.history.len() as u64, steps);

        let mut here = Session::new(settings());
        for _ in 0..steps {
            here.apply(Command::Step).unwrap();
        }
        assert_eq!(here.trainer.step, steps);
        assert_eq!(here.trainer.flow.params, away.trainer.flow.params);
        assert_eq!(here.trainer.adam, away.trainer.adam);
        assert_eq!(here.trainer.history, away.trainer.history);

        // The job's first grid is of the flow it started from, and arrived whole and exact.
        let fresh = Session::new(settings());
        let kl = grid_kl(
            &fresh.trainer.flow,
            fresh.target.as_ref(),
            GRID_CELLS,
            GRID_DRAWS,
            GRID_SEED,
        );
        assert_eq!(away.grid.kl_history[0].0, 0);
        assert_eq!(away.grid.kl_history[0].1.to_bits(), kl.to_bits());

        // Training resumes on the thread from where it stopped.
        away.apply(Command::Train).unwrap();
        while away.trainer.step <= steps {
            assert!(
                std::time::Instant::now() < deadline,
                "no progress after resuming"
            );
            away.tick(0.016);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn a_job_that_cannot_run_stops_training_with_its_reason() {
        let mut host = ThreadHost::spawn().unwrap();
        let session = Session::new(settings());
        let mut job = TrainJob::of(7, &session.settings, &session.trainer, true);
        job.params.pop();
        host.start(job);
        let report = host.reports.recv().unwrap();
        assert_eq!(report.header.job, 7);
        assert!(report.header.error.unwrap().contains("parameters"));
    }
}
