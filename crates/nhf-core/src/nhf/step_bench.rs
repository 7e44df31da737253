//! Timing of the training step, shared by the CLI `bench` and the browser's `bench` test
//! command, so that native and wasm figures come from the same loop: a fresh trainer on
//! 8gaussians (samples objective, dt = 0.1, as the JAX reference's `bench_jax.py`), warm-up
//! steps, then the median of timed steps.

use std::sync::Arc;

use serde::Serialize;
use web_time::Instant;

use super::{Activation, FlowConfig, Objective, TrainConfig, Trainer};
use crate::targets;

/// The configuration timed: batch B, hidden width W, leapfrog steps L, blocks K, threads and
/// the activation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BenchConfig {
    /// Batch size B.
    pub batch: usize,
    /// Hidden width W.
    pub width: usize,
    /// Leapfrog steps per block L.
    pub leapfrog_steps: usize,
    /// Blocks K.
    pub blocks: usize,
    /// Threads the batch is split across (1 on the web).
    pub threads: usize,
    /// The potentials' hidden activation (tanh in the named configurations; the sine for the
    /// samples default's own step).
    pub activation: Activation,
}

impl BenchConfig {
    /// The standard configuration of docs/PERFORMANCE.md: B = 512, W = 32, L = 10, K = 4.
    pub const STANDARD: Self = Self {
        batch: 512,
        width: 32,
        leapfrog_steps: 10,
        blocks: 4,
        threads: 1,
        activation: Activation::Tanh,
    };
    /// The small configuration of docs/PERFORMANCE.md: B = 256, W = 16, L = 5, K = 2.
    pub const SMALL: Self = Self {
        batch: 256,
        width: 16,
        leapfrog_steps: 5,
        blocks: 2,
        threads: 1,
        activation: Activation::Tanh,
    };

    /// The configuration named `name` ("standard" or "small"), or a message saying which
    /// names there are.
    pub fn by_name(name: &str) -> Result<Self, String> {
        match name {
            "standard" => Ok(Self::STANDARD),
            "small" => Ok(Self::SMALL),
            other => Err(format!(
                "unknown bench config {other:?} (standard or small)"
            )),
        }
    }

    /// The flow and training configurations timed: the samples objective with dt = 0.1, as the
    /// JAX reference's `bench_jax.py`, on 8gaussians.
    pub fn configs(&self) -> (FlowConfig, TrainConfig) {
        let flow = FlowConfig {
            blocks: self.blocks,
            leapfrog_steps: self.leapfrog_steps,
            dt: 0.1,
            width: self.width,
            activation: self.activation,
            objective: Objective::Samples,
            ..FlowConfig::default()
        };
        let train = TrainConfig {
            batch: self.batch,
            ..TrainConfig::default()
        };
        (flow, train)
    }

    /// docs/MATH.md §4's cost model of one step: 16·B·K·(L+1)·W² floating-point operations.
    pub fn flops(&self) -> f64 {
        16.0 * (self.batch * self.blocks * (self.leapfrog_steps + 1) * self.width * self.width)
            as f64
    }
}

/// Milliseconds per training step: median, fastest and slowest, and GFLOP/s at the median.
#[derive(Clone, Debug, Serialize)]
pub struct StepTiming {
    /// What was timed.
    pub config: BenchConfig,
    /// Timed steps.
    pub reps: usize,
    /// Median milliseconds per step.
    pub median_ms: f64,
    /// Fastest step.
    pub min_ms: f64,
    /// Slowest step.
    pub max_ms: f64,
    /// [`BenchConfig::flops`] per second at the median, in GFLOP/s.
    pub gflops: f64,
}

/// Times `reps` training steps (after 5 warm-up steps) of `config`.
pub fn time_steps(config: BenchConfig, reps: usize) -> Result<StepTiming, String> {
    let (flow, train) = config.configs();
    let target = Arc::from(targets::by_id("8gaussians").map_err(|e| e.to_string())?);
    let mut trainer = Trainer::new(flow, train, target).map_err(|e| e.to_string())?;
    trainer.set_threads(config.threads);
    for _ in 0..5 {
        trainer.step().map_err(|e| e.to_string())?;
    }
    let reps = reps.max(1);
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        trainer.step().map_err(|e| e.to_string())?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median_ms = times[times.len() / 2];
    Ok(StepTiming {
        config,
        reps,
        median_ms,
        min_ms: times[0],
        max_ms: times[times.len() - 1],
        gflops: config.flops() / (median_ms / 1000.0) / 1e9,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_ordered_and_the_cost_model_is_the_documented_one() {
        assert_eq!(
            BenchConfig::STANDARD.flops(),
            16.0 * 512.0 * 4.0 * 11.0 * 1024.0
        );
        let t = time_steps(BenchConfig::SMALL, 3).unwrap();
        assert!(t.min_ms <= t.median_ms && t.median_ms <= t.max_ms && t.min_ms > 0.0);
        assert!(t.gflops.is_finite() && t.gflops > 0.0);
        let bad = BenchConfig {
            batch: 0,
            ..BenchConfig::SMALL
        };
        assert!(time_steps(bad, 1).is_err());
    }
}
