//! The views of the playground: each a small struct holding only its own UI state, drawing
//! from the read-only [`super::session::Session`].

pub mod colormap;
pub mod position;

pub use position::PositionView;
