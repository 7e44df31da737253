//! The density objective's quality readout while training: the importance-sampling effective
//! sample size of the flow's samples for the target (docs/MATH.md §5), the figure the CLI
//! reports at the end of a run, estimated from a few hundred draws about once a second.

use web_time::Instant;

use super::Session;
use crate::nhf::Objective;
use crate::nhf::eval::importance_report;
use crate::rng::Rng;

/// Draws per estimate: a rough figure (a few percent either way) for a few milliseconds of a
/// frame, once a second.
const ESS_DRAWS: usize = 256;
/// Seconds between estimates while the model changes.
const ESS_INTERVAL_S: f64 = 1.0;

impl Session {
    /// Re-estimates the ESS when the flow (density objective) has trained since the last
    /// estimate and a second has passed; forgets it under the samples objective.
    pub(super) fn update_live_ess(&mut self) {
        if self.trainer.flow.config.objective != Objective::Density {
            self.ess = None;
            return;
        }
        let stale = self.ess.is_none_or(|(step, _)| step != self.trainer.step);
        let due = self
            .ess_at
            .is_none_or(|t| t.elapsed().as_secs_f64() >= ESS_INTERVAL_S);
        if !(stale && due) {
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
