//! The playground's views. Each reads the session and draws; none changes it.

pub mod colormap;
pub mod contours;
pub mod densities;
pub mod energy;
pub mod integrators;
pub mod interpretability;
pub mod phase;
pub mod position;
pub mod training;

pub use densities::DensitiesView;
pub use integrators::IntegratorView;
pub use interpretability::InterpretabilityView;
pub use position::PositionView;
