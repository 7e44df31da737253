//! The models the playground can run on a target, the chapters of the Hamiltonian-flow story:
//! the Neural Hamiltonian Flow, the planar and radial flows it grew out of, and Hamiltonian
//! Monte Carlo, whose leapfrog steps the NHF learns a potential for, and L2HMC, which learns
//! the leapfrog itself.

use serde::{Deserialize, Serialize};

use crate::classic_flows::LayerKind;

/// A model of the story; its serde spelling is the name links, commands and files use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The Neural Hamiltonian Flow (docs/MATH.md §1–§7).
    #[default]
    Nhf,
    /// K planar layers on a Gaussian base, trained by the reverse KL (docs/MATH.md §9).
    Planar,
    /// K radial layers on a Gaussian base, trained by the reverse KL (docs/MATH.md §9).
    Radial,
    /// Hamiltonian Monte Carlo on the target's own potential (docs/MATH.md §8).
    Hmc,
    /// L2HMC: a leapfrog augmented by trained networks, then exact MCMC (docs/MATH.md §10).
    L2hmc,
}

impl Method {
    /// The layer kind of a planar or radial flow; `None` for the other methods.
    pub fn layer_kind(self) -> Option<LayerKind> {
        match self {
            Self::Planar => Some(LayerKind::Planar),
            Self::Radial => Some(LayerKind::Radial),
            Self::Nhf | Self::Hmc | Self::L2hmc => None,
        }
    }
}
