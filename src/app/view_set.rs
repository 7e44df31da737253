//! Which views are shown. Part of the settings, so it persists and (later) travels in links.

use serde::{Deserialize, Serialize};

/// The views the playground can show, each on or off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSet {
    /// Particles in position space over the target density.
    pub position: bool,
    /// (q₁, p₁) and (q₂, p₂) of the same particles.
    pub phase: bool,
    /// Target and learned density side by side, with marginals.
    pub densities: bool,
    /// Loss and grid KL over training.
    pub training: bool,
    /// H along each trajectory and its drift.
    pub energy: bool,
    /// Explicit Euler against leapfrog: energy error and phase-space area.
    pub integrators: bool,
    /// The learned potential next to −log p of the target, and their correlation.
    pub interpretability: bool,
}

impl Default for ViewSet {
    fn default() -> Self {
        Self {
            position: true,
            phase: true,
            densities: true,
            training: true,
            energy: true,
            integrators: false,
            interpretability: false,
        }
    }
}

impl ViewSet {
    /// The views' names, in display order (as the test interface spells them).
    pub const NAMES: [&'static str; 7] = [
        "position",
        "phase",
        "densities",
        "training",
        "energy",
        "integrators",
        "interpretability",
    ];

    /// The flag of a view by name.
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "position" => &mut self.position,
            "phase" => &mut self.phase,
            "densities" => &mut self.densities,
            "training" => &mut self.training,
            "energy" => &mut self.energy,
            "integrators" => &mut self.integrators,
            "interpretability" => &mut self.interpretability,
            _ => return None,
        })
    }

    /// Whether a view is shown (false for unknown names).
    pub fn is_visible(&self, name: &str) -> bool {
        self.clone().flag_mut(name).is_some_and(|f| *f)
    }

    /// The names of the views shown.
    pub fn visible(&self) -> Vec<&'static str> {
        Self::NAMES
            .into_iter()
            .filter(|n| self.is_visible(n))
            .collect()
    }
}
