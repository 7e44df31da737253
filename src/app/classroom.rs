//! Classroom mode: what a link can change about the page itself — panels hidden, and text and
//! widgets scaled up for a projector.

/// Panels a classroom link can hide (see [`Classroom::hide`]).
pub const PANELS: [&str; 8] = [
    "controls",
    "method",
    "model",
    "training",
    "animation",
    "files",
    "views",
    "status",
];
/// Allowed text zoom.
pub const ZOOM_RANGE: (f32, f32) = (0.5, 3.0);

/// What a classroom link changes about the page: hidden panels and bigger text.
#[derive(Clone, Debug, PartialEq)]
pub struct Classroom {
    /// Panels hidden (names from [`PANELS`]).
    pub hide: Vec<String>,
    /// Text and widget scale (1 is normal).
    pub zoom: f32,
}

impl Default for Classroom {
    fn default() -> Self {
        Self {
            hide: Vec::new(),
            zoom: 1.0,
        }
    }
}

impl Classroom {
    /// Whether a panel is hidden.
    pub fn hides(&self, panel: &str) -> bool {
        self.hide.iter().any(|h| h == panel)
    }

    /// Whether the link changes anything about the page.
    pub fn is_active(&self) -> bool {
        !self.hide.is_empty() || self.zoom != 1.0
    }
}
