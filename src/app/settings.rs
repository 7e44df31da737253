//! Everything the user chooses: the target, the model and optimiser settings, and the
//! animation. It persists across reloads and (later) travels in links, so every field has a
//! default (`#[serde(default)]`): adding a field never breaks a saved state.

use serde::{Deserialize, Serialize};

use super::view_set::ViewSet;
use crate::nhf::{FlowConfig, TrainConfig};

/// The user's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The target's identifier.
    pub target: String,
    /// Model architecture and objective.
    pub flow: FlowConfig,
    /// Optimiser, batch and seed.
    pub train: TrainConfig,
    /// Particles animated in the views.
    pub particles: usize,
    /// Leapfrog steps shown per second while the animation plays.
    pub anim_speed: f64,
    /// Whether particles leave fading trails.
    pub trails: bool,
    /// Training time spent per frame, in milliseconds.
    pub train_budget_ms: f64,
    /// The views shown.
    pub views: ViewSet,
    /// Position space shows the current block's learned potential V_k (with the target's
    /// density as contours) rather than the target's density.
    pub potential_background: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            target: "8gaussians".into(),
            flow: FlowConfig::default(),
            // Batch 256 rather than the engine's 512: twice the iterations per frame, so the
            // animation keeps up while training in the browser.
            train: TrainConfig {
                schedule_iters: 3000,
                batch: 256,
                ..TrainConfig::default()
            },
            particles: 300,
            anim_speed: 12.0,
            trails: true,
            train_budget_ms: 10.0,
            views: ViewSet::default(),
            potential_background: true,
        }
    }
}
