//! The fit's quality readouts while training, the figures the CLI reports at the end of a run,
//! estimated about once a second from a few hundred points:
//! - density objective: the importance-sampling effective sample size of the flow's samples
//!   for the target (docs/MATH.md §5);
//! - samples objective: the held-out NLL, the model's negative log-density on target samples
//!   it never trained on (a file's held-out tenth, else fresh draws).

use web_time::Instant;

use super::Session;
use crate::nhf::Objective;
use crate::nhf::eval::{heldout_nll, importance_report};
use crate::rng::Rng;

/// Draws per estimate: a rough figure (a few percent either way) for a few milliseconds of a
/// frame, once a second.
const ESS_DRAWS: usize = 256;
/// Seconds between estimates while the model changes.
const ESS_INTERVAL_S: f64 = 1.0;
/// Held-out points per NLL estimate: the same points each time, so the figure moves only
/// because the flow does (its standard error is about 0.1 nats on the gallery's targets).
const NLL_POINTS: usize = 256;
/// Momentum draws per point of the NLL's importance-weighted estimate (docs/MATH.md §2a).
const NLL_DRAWS: usize = 4;

impl Session {
    /// Re-estimates the ESS when the flow (density objective) has trained since the last
    /// estimate and a second has passed; forgets it under the samples objective.
    pub(super) fn update_live_ess(&mut self) {
        if self.trainer.flow.config.objective != Objective::Density {
            self.ess = None;
            return self.update_live_nll();
        }
        self.nll = None;
        if !self.estimate_due(self.ess) {
            return;
        }
        // The same draws every time, so the figure moves only because the flow does.
        let mut rng = Rng::seed_from_u64(self.settings.train.seed.wrapping_add(29));
        let report = importance_report(
            &self.trainer.flow,
            self.target.as_ref(),
            ESS_DRAWS,
            &mut rng,
        );
        let percent = 100.0 * report.ess_fraction;
        self.ess = percent.is_finite().then_some((self.trainer.step, percent));
        self.ess_at = Some(Instant::now());
    }
}

impl Session {
    /// Re-estimates the held-out NLL (samples objective) when the flow has trained since the
    /// last estimate and a second has passed.
    fn update_live_nll(&mut self) {
        if !self.estimate_due(self.nll) {
            return;
        }
        let mut rng = Rng::seed_from_u64(self.settings.train.seed.wrapping_add(31));
        let nll = heldout_nll(
            &self.trainer.flow,
            self.target.as_ref(),
            NLL_POINTS,
            NLL_DRAWS,
            &mut rng,
        );
        self.nll = nll.is_finite().then_some((self.trainer.step, nll));
        self.ess_at = Some(Instant::now());
    }
}

impl Session {
    /// Whether a readout estimated as `last` (iteration, value) is due again: the flow has
    /// trained since, and a second has passed since the last estimate of either readout.
    fn estimate_due(&self, last: Option<(u64, f64)>) -> bool {
        let stale = last.is_none_or(|(step, _)| step != self.trainer.step);
        let due = self
            .ess_at
            .is_none_or(|t| t.elapsed().as_secs_f64() >= ESS_INTERVAL_S);
        stale && due
    }
}
