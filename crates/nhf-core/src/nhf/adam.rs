//! Adam with global-norm gradient clipping and an optional cosine learning-rate decay.

use serde::{Deserialize, Serialize};

/// Adam's moment estimates and step count: the optimiser state saved with a model.
#[derive(Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Adam {
    /// Steps taken.
    pub t: u64,
    /// First-moment estimate, one per parameter.
    pub m: Vec<f32>,
    /// Second-moment estimate, one per parameter.
    pub v: Vec<f32>,
}

// By hand for `clone_from`: the trainer backs the state up before every update, and the
// derived `clone_from` would allocate two fresh vectors each time instead of copying into the
// backup's.
impl Clone for Adam {
    fn clone(&self) -> Self {
        Self {
            t: self.t,
            m: self.m.clone(),
            v: self.v.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.t = source.t;
        self.m.clone_from(&source.m);
        self.v.clone_from(&source.v);
    }
}

/// β₁ of Adam.
pub const BETA1: f64 = 0.9;
/// β₂ of Adam.
pub const BETA2: f64 = 0.999;
/// ε of Adam.
pub const EPS: f64 = 1e-8;

/// How the moment estimates become an update (docs/MATH.md §2d).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateRule {
    /// Adam (Kingma & Ba 2015): the bias-corrected first moment over the root of the second.
    #[default]
    Adam,
    /// NAdam (Dozat 2016, in optax's form): the first moment looked one step ahead, β₁·m̂ₜ₊₁
    /// + (1 − β₁)·ĝₜ, over the same root.
    Nadam,
}

impl UpdateRule {
    /// Whether this is Adam (the default, left out of model files).
    pub fn is_adam(&self) -> bool {
        *self == Self::Adam
    }
}

/// The learning rate at step `t` (0-based) under cosine decay from `lr` to zero over
/// `horizon` steps; constant when `horizon` is 0, and zero past the horizon.
pub fn cosine_lr(lr: f64, t: u64, horizon: usize) -> f64 {
    if horizon == 0 {
        return lr;
    }
    let frac = (t as f64 / horizon as f64).min(1.0);
    0.5 * lr * (1.0 + libm::cos(std::f64::consts::PI * frac))
}

impl Adam {
    /// Fresh state for `n` parameters.
    pub fn new(n: usize) -> Self {
        Self {
            t: 0,
            m: vec![0.0; n],
            v: vec![0.0; n],
        }
    }

    /// One Adam update of `params` with gradient `grad` (scaled down first if its global norm
    /// exceeds `clip_norm`). Returns the gradient's norm before clipping.
    pub fn step(&mut self, params: &mut [f32], grad: &[f32], lr: f64, clip_norm: f64) -> f64 {
        self.step_with(UpdateRule::Adam, params, grad, lr, clip_norm)
    }

    /// One update by `rule`, otherwise as [`Adam::step`]. Both rules keep the same state.
    pub fn step_with(
        &mut self,
        rule: UpdateRule,
        params: &mut [f32],
        grad: &[f32],
        lr: f64,
        clip_norm: f64,
    ) -> f64 {
        let norm = grad
            .iter()
            .map(|g| f64::from(*g) * f64::from(*g))
            .sum::<f64>()
            .sqrt();
        let scale = if norm > clip_norm {
            (clip_norm / norm) as f32
        } else {
            1.0
        };
        self.t += 1;
        let bc1 = 1.0 - libm::pow(BETA1, self.t as f64);
        let bc2 = 1.0 - libm::pow(BETA2, self.t as f64);
        let inv_bc2 = (1.0 / bc2) as f32;
        let (b1, b2, eps) = (BETA1 as f32, BETA2 as f32, EPS as f32);
        // The update is (step_m·m + step_g·g) / (√v̂ + ε): Adam's step_m = lr/(1 − β₁ᵗ) and
        // step_g = 0; NAdam's weighs the new moment as if bias-corrected at t + 1 and adds the
        // gradient's own share (optax's `scale_by_adam(nesterov=True)`).
        let (step_m, step_g) = match rule {
            UpdateRule::Adam => ((lr / bc1) as f32, 0.0),
            UpdateRule::Nadam => {
                let bc1_next = 1.0 - libm::pow(BETA1, (self.t + 1) as f64);
                (
                    (lr * BETA1 / bc1_next) as f32,
                    (lr * (1.0 - BETA1) / bc1) as f32,
                )
            }
        };
        for (((p, g), m), v) in params
            .iter_mut()
            .zip(grad)
            .zip(&mut self.m)
            .zip(&mut self.v)
        {
            let g = g * scale;
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            let denom = (*v * inv_bc2).sqrt() + eps;
            *p -= match rule {
                UpdateRule::Adam => step_m * *m / denom,
                UpdateRule::Nadam => (step_m * *m + step_g * g) / denom,
            };
        }
        norm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adam_minimises_a_quadratic() {
        let mut p = vec![3.0f32, -2.0];
        let mut adam = Adam::new(2);
        for _ in 0..2000 {
            let g = vec![2.0 * p[0], 20.0 * p[1]];
            adam.step(&mut p, &g, 0.05, 1e9);
        }
        assert!(p[0].abs() < 1e-2 && p[1].abs() < 1e-2, "{p:?}");
    }

    #[test]
    fn clipping_bounds_the_first_step() {
        let mut p = vec![0.0f32];
        let mut adam = Adam::new(1);
        let norm = adam.step(&mut p, &[1e6], 0.1, 1.0);
        assert_eq!(norm, 1e6);
        // Adam's first step is lr·sign(g) regardless of scale; clipping must not break that.
        assert!((p[0] + 0.1).abs() < 1e-6);
    }

    /// NAdam against its formula written out in f64 for three steps of one parameter.
    #[test]
    fn nadam_follows_its_formula() {
        let grads = [0.5f64, -1.25, 2.0];
        let (lr, mut p, mut m, mut v) = (0.01f64, 1.0f64, 0.0f64, 0.0f64);
        let mut p32 = [1.0f32];
        let mut adam = Adam::new(1);
        for (t, g) in (1..).zip(grads) {
            m = BETA1 * m + (1.0 - BETA1) * g;
            v = BETA2 * v + (1.0 - BETA2) * g * g;
            let m_hat =
                BETA1 * m / (1.0 - BETA1.powi(t + 1)) + (1.0 - BETA1) * g / (1.0 - BETA1.powi(t));
            let v_hat = v / (1.0 - BETA2.powi(t));
            p -= lr * m_hat / (v_hat.sqrt() + EPS);
            adam.step_with(UpdateRule::Nadam, &mut p32, &[g as f32], lr, 1e9);
            assert!(
                (f64::from(p32[0]) - p).abs() < 1e-6,
                "step {t}: {} vs {p}",
                p32[0]
            );
        }
        // And it is not Adam: the same gradients move Adam elsewhere.
        let mut q32 = [1.0f32];
        let mut plain = Adam::new(1);
        for g in grads {
            plain.step(&mut q32, &[g as f32], lr, 1e9);
        }
        assert!((q32[0] - p32[0]).abs() > 1e-4, "{} {}", q32[0], p32[0]);
    }

    #[test]
    fn cosine_schedule_decays_to_zero() {
        assert_eq!(cosine_lr(1.0, 0, 100), 1.0);
        assert!((cosine_lr(1.0, 50, 100) - 0.5).abs() < 1e-12);
        assert!(cosine_lr(1.0, 100, 100).abs() < 1e-12);
        assert_eq!(cosine_lr(0.3, 500, 0), 0.3);
    }
}
