//! Chains of Hamiltonian Monte Carlo (Neal 2011, §5.3.2.1; docs/MATH.md §8). Each iteration,
//! for every chain: draw a momentum p ~ N(0, M); run L leapfrog steps of size ε on
//! H(q, p) = U(q) + ½ pᵀM⁻¹p with U = −log π; accept the end point with probability
//! min(1, e^{H(start) − H(end)}), else stay. The leapfrog is exactly reversible and preserves
//! volume, so this Metropolis test alone makes π the chains' stationary distribution. During
//! the warm-up the step size is tuned by [`DualAveraging`]; the draws after it are kept.

use super::dual_averaging::DualAveraging;
use crate::rng::Rng;
use crate::targets::Target;

/// How HMC runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct HmcConfig {
    /// Number of chains (the particles of the views).
    pub chains: usize,
    /// Leapfrog steps per proposal, L.
    pub leapfrog_steps: usize,
    /// The step size ε to start from (kept as is when there is no warm-up).
    pub step_size: f64,
    /// The diagonal of the mass matrix M (momenta are drawn from N(0, M)).
    pub mass: [f64; 2],
    /// Iterations of warm-up (step size adaptation; their draws are not kept).
    pub warmup_iters: usize,
    /// The mean acceptance probability the warm-up aims for.
    pub target_accept: f64,
    /// Seed of the starting points and every draw.
    pub seed: u64,
}

impl Default for HmcConfig {
    fn default() -> Self {
        Self {
            chains: 4,
            leapfrog_steps: 10,
            step_size: 0.1,
            mass: [1.0, 1.0],
            warmup_iters: 500,
            target_accept: 0.8,
            seed: 0,
        }
    }
}

impl HmcConfig {
    /// Checks every field, naming the first bad one.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if !(1..=10_000).contains(&self.chains) {
            return Err(format!("chains must be 1 to 10000, got {}", self.chains));
        }
        if !(1..=1000).contains(&self.leapfrog_steps) {
            return Err(format!(
                "leapfrog steps must be 1 to 1000, got {}",
                self.leapfrog_steps
            ));
        }
        if !positive(self.step_size) {
            return Err(format!(
                "the step size must be positive, got {}",
                self.step_size
            ));
        }
        if !self.mass.iter().all(|m| positive(*m)) {
            return Err(format!("the masses must be positive, got {:?}", self.mass));
        }
        if !(self.target_accept > 0.0 && self.target_accept < 1.0) {
            return Err(format!(
                "the target acceptance must be in (0, 1), got {}",
                self.target_accept
            ));
        }
        Ok(())
    }
}

/// One chain's proposal of the last iteration, as the views draw it: the leapfrog path in
/// phase space, H along it, and the Metropolis test's outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proposal {
    /// Positions at the start and after each leapfrog step (L + 1 of them).
    pub q: Vec<[f64; 2]>,
    /// Momenta at the same states.
    pub p: Vec<[f64; 2]>,
    /// H(q, p) at the same states (+∞ where U is not finite); for L2HMC, whose map changes
    /// volume, H minus the log-determinant so far: the test judges its change.
    pub energy: Vec<f64>,
    /// min(1, e^{H(start) − H(end)}).
    pub accept_prob: f64,
    /// Whether the chain moved to the end of the path.
    pub accepted: bool,
}

/// A set of HMC chains on one target.
#[derive(Clone, Debug)]
pub struct Hmc {
    /// The settings it runs with.
    pub config: HmcConfig,
    /// Each chain's current position.
    pub positions: Vec<[f64; 2]>,
    /// Each chain's draws after the warm-up.
    pub samples: Vec<Vec<[f64; 2]>>,
    /// Each chain's last proposal (reused from one iteration to the next).
    pub last: Vec<Proposal>,
    /// Iterations run, warm-up included.
    pub iteration: usize,
    /// The step size in use (the warm-up's current one, then its average).
    pub step_size: f64,
    /// Proposals accepted and made after the warm-up.
    pub accepted: u64,
    /// Proposals made after the warm-up.
    pub proposed: u64,
    /// Evaluations of ∇ log π, warm-up included.
    pub gradient_evaluations: u64,
    adaptation: DualAveraging,
    /// ∇U at each chain's position (so a proposal costs L gradients, not L + 1).
    gradients: Vec<[f64; 2]>,
    rng: Rng,
    /// Off only in a test that shows a sampler without its Metropolis test fails the checks.
    metropolis: bool,
}

fn potential(target: &dyn Target, q: [f64; 2]) -> f64 {
    -target.log_prob(q)
}

fn potential_gradient(target: &dyn Target, q: [f64; 2]) -> [f64; 2] {
    let g = target.grad_log_prob(q);
    [-g[0], -g[1]]
}

impl Hmc {
    /// Chains started at independent uniform points of [−2, 2]² (Stan's default starting
    /// region), cut to the target's box. Starting anywhere in the box put some chains far out
    /// in banana's tails, where U is in the hundreds: their proposals were all refused, and
    /// the warm-up shrank every chain's step for them (R̂ 1.7 after 2000 draws).
    pub fn new(config: HmcConfig, target: &dyn Target) -> Result<Self, String> {
        config.validate()?;
        let mut rng = Rng::seed_from_u64(config.seed);
        let [[x0, x1], [y0, y1]] = target.bounds().0;
        let start = |lo: f64, hi: f64, rng: &mut Rng| {
            let (a, b) = (lo.max(-2.0), hi.min(2.0));
            if a < b {
                rng.uniform_in(a, b)
            } else {
                rng.uniform_in(lo, hi)
            }
        };
        let positions: Vec<[f64; 2]> = (0..config.chains)
            .map(|_| [start(x0, x1, &mut rng), start(y0, y1, &mut rng)])
            .collect();
        let gradients = positions
            .iter()
            .map(|q| potential_gradient(target, *q))
            .collect();
        let n = config.chains;
        Ok(Self {
            adaptation: DualAveraging::new(config.step_size, config.target_accept),
            step_size: config.step_size,
            positions,
            samples: vec![Vec::new(); n],
            last: vec![Proposal::default(); n],
            iteration: 0,
            accepted: 0,
            proposed: 0,
            gradient_evaluations: n as u64,
            gradients,
            rng,
            config,
            metropolis: true,
        })
    }

    /// Whether the warm-up is over.
    pub fn warmed_up(&self) -> bool {
        self.iteration >= self.config.warmup_iters
    }

    /// The acceptance rate after the warm-up (NaN before any proposal).
    pub fn acceptance_rate(&self) -> f64 {
        self.accepted as f64 / self.proposed as f64
    }

    /// One iteration: a proposal and a Metropolis test for every chain; during the warm-up,
    /// one step-size update from the chains' mean acceptance probability.
    pub fn iterate(&mut self, target: &dyn Target) {
        let (eps, l, mass) = (self.step_size, self.config.leapfrog_steps, self.config.mass);
        let kinetic = |p: [f64; 2]| 0.5 * (p[0] * p[0] / mass[0] + p[1] * p[1] / mass[1]);
        let mut accept_sum = 0.0;
        for c in 0..self.positions.len() {
            let path = &mut self.last[c];
            path.q.clear();
            path.p.clear();
            path.energy.clear();
            let mut q = self.positions[c];
            let mut g = self.gradients[c];
            let mut p = [
                mass[0].sqrt() * self.rng.normal(),
                mass[1].sqrt() * self.rng.normal(),
            ];
            let h0 = potential(target, q) + kinetic(p);
            path.q.push(q);
            path.p.push(p);
            path.energy.push(h0);
            for _ in 0..l {
                // Half kick, drift, half kick (the NHF's leapfrog, on the target's own U).
                p = [p[0] - 0.5 * eps * g[0], p[1] - 0.5 * eps * g[1]];
                q = [q[0] + eps * p[0] / mass[0], q[1] + eps * p[1] / mass[1]];
                g = potential_gradient(target, q);
                p = [p[0] - 0.5 * eps * g[0], p[1] - 0.5 * eps * g[1]];
                let h = potential(target, q) + kinetic(p);
                path.q.push(q);
                path.p.push(p);
                path.energy
                    .push(if h.is_finite() { h } else { f64::INFINITY });
            }
            self.gradient_evaluations += l as u64;
            let h1 = *path.energy.last().unwrap_or(&f64::INFINITY);
            let finite = h1.is_finite() && q.iter().chain(&g).all(|x| x.is_finite());
            let accept_prob = if finite {
                (h0 - h1).exp().min(1.0)
            } else {
                0.0
            };
            let accepted = finite && (self.rng.uniform() < accept_prob || !self.metropolis);
            path.accept_prob = accept_prob;
            path.accepted = accepted;
            if accepted {
                self.positions[c] = q;
                self.gradients[c] = g;
            }
            accept_sum += accept_prob;
        }
        if self.warmed_up() {
            self.proposed += self.positions.len() as u64;
            self.accepted += self.last.iter().filter(|p| p.accepted).count() as u64;
            for (chain, q) in self.samples.iter_mut().zip(&self.positions) {
                chain.push(*q);
            }
        } else {
            self.adaptation
                .update(accept_sum / self.positions.len() as f64);
            self.step_size = if self.iteration + 1 == self.config.warmup_iters {
                self.adaptation.final_step_size()
            } else {
                self.adaptation.step_size()
            };
        }
        self.iteration += 1;
    }

    /// Coordinate `axis` of every chain's kept draws (for the diagnostics).
    pub fn coordinate(&self, axis: usize) -> Vec<Vec<f64>> {
        self.samples
            .iter()
            .map(|c| c.iter().map(|q| q[axis]).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hmc::diagnostics::{effective_sample_size, split_r_hat};
    use crate::targets::{Bounds, CustomMixture};

    /// N((1, −2), diag(1, 4)) as a one-component custom mixture.
    fn gaussian() -> CustomMixture {
        CustomMixture::from_json(
            r#"{"components": [{"weight": 1, "mean": [1, -2], "cov": [[1, 0], [0, 4]]}]}"#,
        )
        .unwrap()
    }

    fn run(config: HmcConfig, target: &dyn Target, iters: usize) -> Hmc {
        let mut hmc = Hmc::new(config, target).unwrap();
        for _ in 0..iters {
            hmc.iterate(target);
        }
        hmc
    }

    /// The chains sample the target: its mean and variances within Monte Carlo error, the
    /// warm-up reaches the acceptance it aims at, R̂ is near 1 and the draws are worth a good
    /// share of their number.
    #[test]
    fn chains_sample_a_gaussian_with_the_tuned_acceptance() {
        let target = gaussian();
        // The mass matrix is the covariance's inverse, so both coordinates oscillate with the
        // same period; 3 steps then travel about 0.7 of it. (With unit masses and 8 steps the
        // wide coordinate's path comes back almost to its start each time: ESS 157 of 6000.)
        let config = HmcConfig {
            chains: 4,
            leapfrog_steps: 3,
            step_size: 0.05,
            mass: [1.0, 0.25],
            ..HmcConfig::default()
        };
        let hmc = run(config, &target, 500 + 1500);
        let rate = hmc.acceptance_rate();
        assert!((rate - 0.8).abs() < 0.1, "acceptance {rate}");
        for (axis, (mean, var)) in [(1.0, 1.0), (-2.0, 4.0)].into_iter().enumerate() {
            let chains = hmc.coordinate(axis);
            let all: Vec<f64> = chains.concat();
            let m = all.iter().sum::<f64>() / all.len() as f64;
            let v = all.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / all.len() as f64;
            let refs: Vec<&[f64]> = chains.iter().map(Vec::as_slice).collect();
            let ess = effective_sample_size(&refs);
            assert!(
                (m - mean).abs() < 4.0 * (var / ess).sqrt(),
                "axis {axis}: mean {m}, ESS {ess}"
            );
            assert!((v / var - 1.0).abs() < 0.15, "axis {axis}: variance {v}");
            assert!(ess > 500.0, "axis {axis}: ESS {ess}");
            assert!((split_r_hat(&refs) - 1.0).abs() < 0.02);
        }
        assert_eq!(hmc.gradient_evaluations, 4 + 4 * 3 * 2000);
    }

    /// Banana's exact moments. With y = (z₁/2, 2z₂ + 0.8(z₁² + 4)) ~ N((0, 4), Σ), Σ = [[1, ½],
    /// [½, 1]]: z₁ = 2y₁ has mean 0 and sd 2; z₂ = (y₂ − 3.2y₁² − 3.2)/2 has mean
    /// (4 − 3.2 − 3.2)/2 = −1.2 and, as E[(y₂ − 4)y₁²] = ½E[y₁³] = 0, variance
    /// (Var y₂ + 3.2²·Var y₁²)/4 = (1 + 10.24·2)/4 = 5.37.
    const BANANA_MEAN: [f64; 2] = [0.0, -1.2];
    const BANANA_SD: [f64; 2] = [2.0, 2.317_326_044_446_185];

    /// Whether HMC's draws on banana (8 chains, 2000 draws each after the warm-up) have the
    /// exact means and standard deviations within 5% of the sd, and R̂ below 1.05; the
    /// failures, if any.
    fn banana_failures(metropolis: bool) -> Vec<String> {
        let target = crate::targets::by_id("banana").unwrap();
        // Long trajectories, a high target acceptance and the inverse marginal variances as
        // the masses: the setting that passed on all of seeds 0-4 in the scan of
        // `examples/hmc_banana_scan.rs` (worst errors 0.021 and 0.042 sd, R-hat 1.002). With
        // the defaults (L = 10, acceptance 0.8, unit masses) the arms were not explored
        // (sd error up to 0.84 sd, R-hat up to 2.5).
        let config = HmcConfig {
            chains: 8,
            leapfrog_steps: 160,
            mass: [0.25, 1.0 / 5.37],
            warmup_iters: 500,
            target_accept: 0.95,
            seed: 3,
            ..HmcConfig::default()
        };
        let mut hmc = Hmc::new(config, target.as_ref()).unwrap();
        hmc.metropolis = metropolis;
        for _ in 0..500 + 2000 {
            hmc.iterate(target.as_ref());
        }
        let mut failures = Vec::new();
        for axis in 0..2 {
            let chains = hmc.coordinate(axis);
            let all: Vec<f64> = chains.concat();
            let m = all.iter().sum::<f64>() / all.len() as f64;
            let sd = (all.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / all.len() as f64).sqrt();
            let refs: Vec<&[f64]> = chains.iter().map(Vec::as_slice).collect();
            let r_hat = split_r_hat(&refs);
            let tolerance = 0.05 * BANANA_SD[axis];
            if (m - BANANA_MEAN[axis]).abs() > tolerance {
                failures.push(format!("axis {axis}: mean {m}"));
            }
            if (sd - BANANA_SD[axis]).abs() > tolerance {
                failures.push(format!("axis {axis}: sd {sd}"));
            }
            if r_hat.is_nan() || r_hat >= 1.05 {
                failures.push(format!("axis {axis}: R-hat {r_hat}"));
            }
        }
        failures
    }

    /// HMC samples banana: its exact moments and R̂ < 1.05 (issue #19's bar). The same run
    /// with every proposal accepted (no Metropolis test) fails the same checks.
    #[test]
    fn chains_sample_banana_and_without_the_metropolis_test_they_do_not() {
        assert_eq!(banana_failures(true), Vec::<String>::new());
        assert!(!banana_failures(false).is_empty());
    }

    /// A tiny step keeps H almost constant along the path and every proposal is accepted;
    /// a huge one is refused and leaves the chains where they were, finite.
    #[test]
    fn small_steps_conserve_energy_and_huge_ones_are_refused() {
        let target = gaussian();
        let config = HmcConfig {
            step_size: 1e-3,
            warmup_iters: 0,
            ..HmcConfig::default()
        };
        let hmc = run(config, &target, 20);
        for path in &hmc.last {
            let drift = path
                .energy
                .iter()
                .map(|h| (h - path.energy[0]).abs())
                .fold(0.0, f64::max);
            assert!(drift < 1e-5, "energy drift {drift}");
            assert_eq!(path.q.len(), 11);
        }
        assert!(hmc.acceptance_rate() > 0.99);
        let config = HmcConfig {
            step_size: 1e3,
            warmup_iters: 0,
            ..HmcConfig::default()
        };
        let start = Hmc::new(config.clone(), &target).unwrap().positions;
        let hmc = run(config, &target, 10);
        assert_eq!(hmc.accepted, 0);
        assert_eq!(hmc.positions, start);
        assert!(
            Hmc::new(
                HmcConfig {
                    chains: 0,
                    ..HmcConfig::default()
                },
                &target
            )
            .is_err()
        );
        assert!(
            Hmc::new(
                HmcConfig {
                    step_size: f64::NAN,
                    ..HmcConfig::default()
                },
                &target
            )
            .is_err()
        );
    }

    /// The same seed gives the same draws, bit for bit; another seed does not.
    #[test]
    fn runs_repeat_from_their_seed() {
        let target = gaussian();
        let a = run(HmcConfig::default(), &target, 50);
        let b = run(HmcConfig::default(), &target, 50);
        assert_eq!(a.positions, b.positions);
        assert_eq!(a.step_size.to_bits(), b.step_size.to_bits());
        let c = run(
            HmcConfig {
                seed: 1,
                ..HmcConfig::default()
            },
            &target,
            50,
        );
        assert_ne!(a.positions, c.positions);
        let _ = Bounds::square(1.0);
    }
}
