//! The step size's warm-up by dual averaging (Hoffman & Gelman 2014, Algorithm 5 and §3.2.1):
//! each iteration nudges log ε so that the mean acceptance probability approaches a target δ;
//! the averaged iterate ε̄ is the step size used after the warm-up. docs/MATH.md §8.

/// Dual averaging of log ε toward a target acceptance rate.
#[derive(Clone, Debug, PartialEq)]
pub struct DualAveraging {
    /// The target mean acceptance probability δ (0.65 is the paper's choice for HMC; 0.8 is
    /// Stan's default).
    pub target: f64,
    /// log(10 ε₀): the point log ε is shrunk toward.
    mu: f64,
    /// Iterations adapted so far, m.
    m: u64,
    /// The running average of δ − α, H̄.
    h_bar: f64,
    /// The averaged log step size, log ε̄.
    log_eps_bar: f64,
    /// The current log step size, log ε.
    log_eps: f64,
}

/// Shrinkage γ, offset t₀ and decay κ: the paper's values.
const GAMMA: f64 = 0.05;
const T0: f64 = 10.0;
const KAPPA: f64 = 0.75;

impl DualAveraging {
    /// Starts from step size `eps0` toward mean acceptance `target`.
    pub fn new(eps0: f64, target: f64) -> Self {
        Self {
            target,
            mu: (10.0 * eps0).ln(),
            m: 0,
            h_bar: 0.0,
            log_eps_bar: 0.0,
            log_eps: eps0.ln(),
        }
    }

    /// The step size to use next, ε = e^{log ε}.
    pub fn step_size(&self) -> f64 {
        self.log_eps.exp()
    }

    /// The averaged step size ε̄, the one kept after the warm-up (ε₀ before any update).
    pub fn final_step_size(&self) -> f64 {
        if self.m == 0 {
            self.step_size()
        } else {
            self.log_eps_bar.exp()
        }
    }

    /// One update with the iteration's mean acceptance probability `accept` (in [0, 1]):
    /// H̄ ← (1 − 1/(m + t₀)) H̄ + (δ − α)/(m + t₀); log ε ← μ − √m H̄ / γ;
    /// log ε̄ ← m^{−κ} log ε + (1 − m^{−κ}) log ε̄.
    pub fn update(&mut self, accept: f64) {
        let accept = if accept.is_finite() {
            accept.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.m += 1;
        let m = self.m as f64;
        let w = 1.0 / (m + T0);
        self.h_bar = (1.0 - w) * self.h_bar + w * (self.target - accept);
        self.log_eps = self.mu - m.sqrt() / GAMMA * self.h_bar;
        let eta = m.powf(-KAPPA);
        self.log_eps_bar = eta * self.log_eps + (1.0 - eta) * self.log_eps_bar;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With an acceptance rate that falls as the step grows (α = e^{−ε}), the averaged step
    /// settles where α equals the target: ε = −ln δ.
    #[test]
    fn the_step_size_settles_where_the_acceptance_is_the_target() {
        for (target, eps0) in [(0.65, 1.0), (0.8, 0.01), (0.9, 5.0)] {
            let mut da = DualAveraging::new(eps0, target);
            for _ in 0..4000 {
                let eps = da.step_size();
                da.update((-eps).exp());
            }
            let want = -f64::ln(target);
            let got = da.final_step_size();
            assert!(
                (got - want).abs() < 0.05 * want,
                "δ {target}: ε̄ {got}, want {want}"
            );
        }
    }

    /// Acceptance above the target grows the step, below it shrinks it.
    #[test]
    fn acceptance_moves_the_step_the_right_way() {
        let mut up = DualAveraging::new(0.1, 0.65);
        let mut down = DualAveraging::new(0.1, 0.65);
        for _ in 0..20 {
            up.update(1.0);
            down.update(0.0);
        }
        assert!(up.step_size() > 0.1 && down.step_size() < 0.1);
        up.update(f64::NAN);
        assert!(up.step_size().is_finite());
    }
}
