//! The views the playground has ([`VIEWS`]: names, descriptions, defaults) and which are shown
//! ([`ViewSet`], one flag per row). Part of the settings, so it persists and travels in links;
//! the views themselves are drawn by `views/`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What the playground knows about one view.
pub struct ViewInfo {
    /// The name links, commands and the test interface use.
    pub name: &'static str,
    /// What it shows, for the view bar's tooltip.
    pub description: &'static str,
    /// Whether it is shown unless a link or the user says otherwise.
    pub shown_by_default: bool,
    /// Whether it shows the model density on a grid (which the session then computes).
    pub needs_grid: bool,
}

/// Every view, in display order.
pub const VIEWS: [ViewInfo; 7] = [
    ViewInfo {
        name: "position",
        description: "Particles in position space over the target density",
        shown_by_default: true,
        needs_grid: false,
    },
    ViewInfo {
        name: "phase",
        description: "(q₁, p₁) and (q₂, p₂) of the same particles",
        shown_by_default: true,
        needs_grid: false,
    },
    ViewInfo {
        name: "densities",
        description: "Target and learned density side by side, with marginals",
        shown_by_default: true,
        needs_grid: true,
    },
    ViewInfo {
        name: "training",
        description: "Loss and grid KL over training",
        shown_by_default: true,
        needs_grid: true,
    },
    ViewInfo {
        name: "energy",
        description: "H along each trajectory and its drift",
        shown_by_default: true,
        needs_grid: false,
    },
    ViewInfo {
        name: "integrators",
        description: "Explicit Euler against leapfrog: energy error and phase-space area",
        shown_by_default: false,
        needs_grid: false,
    },
    ViewInfo {
        name: "interpretability",
        description: "The learned potential next to −log p of the target, and their correlation",
        shown_by_default: false,
        needs_grid: false,
    },
];

/// The views the playground can show, each on or off, in [`VIEWS`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewSet {
    shown: [bool; VIEWS.len()],
}

impl Default for ViewSet {
    fn default() -> Self {
        let mut shown = [false; VIEWS.len()];
        for (flag, view) in shown.iter_mut().zip(&VIEWS) {
            *flag = view.shown_by_default;
        }
        Self { shown }
    }
}

impl ViewSet {
    /// The views' names, in display order (as links and the test interface spell them).
    pub const NAMES: [&'static str; VIEWS.len()] = {
        let mut names = [""; VIEWS.len()];
        let mut i = 0;
        while i < VIEWS.len() {
            names[i] = VIEWS[i].name;
            i += 1;
        }
        names
    };

    /// No view shown (a link's `views=` list starts from this).
    pub fn none() -> Self {
        Self {
            shown: [false; VIEWS.len()],
        }
    }

    /// The flag of a view by name.
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        let i = Self::NAMES.iter().position(|n| *n == name)?;
        Some(&mut self.shown[i])
    }

    /// Whether a view is shown (false for unknown names).
    pub fn is_visible(&self, name: &str) -> bool {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .is_some_and(|i| self.shown[i])
    }

    /// The names of the views shown.
    pub fn visible(&self) -> Vec<&'static str> {
        self.shown_views().map(|v| v.name).collect()
    }

    /// The views shown, in display order.
    pub fn shown_views(&self) -> impl Iterator<Item = &'static ViewInfo> + '_ {
        VIEWS
            .iter()
            .zip(self.shown)
            .filter_map(|(v, s)| s.then_some(v))
    }

    /// Whether a shown view needs the model density on a grid.
    pub fn needs_grid(&self) -> bool {
        self.shown_views().any(|v| v.needs_grid)
    }
}

// Stored as `{"position": true, "phase": false, …}`, the form saved states have always had: a
// view missing from a saved state takes its default, an unknown name is ignored.
impl Serialize for ViewSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let map: BTreeMap<&str, bool> = Self::NAMES.into_iter().zip(self.shown).collect();
        map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ViewSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, bool>::deserialize(deserializer)?;
        let mut set = Self::default();
        for (name, shown) in map {
            if let Some(flag) = set.flag_mut(&name) {
                *flag = shown;
            }
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Saved states keep their form: a map of every view's flag, and an old state with fewer
    /// views (or a view since removed) reads with defaults for the rest.
    #[test]
    fn saved_states_read_as_before() {
        let mut set = ViewSet::default();
        *set.flag_mut("integrators").unwrap() = true;
        let json = serde_json::to_value(&set).unwrap();
        assert_eq!(json["integrators"], true);
        assert_eq!(json["position"], true);
        assert_eq!(serde_json::from_value::<ViewSet>(json).unwrap(), set);
        let old: ViewSet = serde_json::from_str(r#"{"position": false, "gone": true}"#).unwrap();
        assert!(!old.is_visible("position"));
        assert!(old.is_visible("phase"), "a missing view takes its default");
        assert_eq!(ViewSet::NAMES.len(), VIEWS.len());
        for view in &VIEWS {
            assert_eq!(
                crate::app::views::make(view.name).is_some(),
                view.name != "position",
                "{} needs an arm in views::make",
                view.name
            );
        }
    }
}
