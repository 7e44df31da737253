//! What the UI tells the tests and the status line about the last frame.

use serde::Serialize;

/// What the last frame's UI knows and the session does not: screen rectangles of key widgets,
/// `[x, y, w, h]` in points from the canvas's top-left, so an end-to-end test can click them
/// with the real mouse, and readings the views computed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct UiReport {
    /// The Train / Pause button.
    pub train_button: Option<[f32; 4]>,
    /// The Reset button.
    pub reset_button: Option<[f32; 4]>,
    /// The Save model button.
    pub save_button: Option<[f32; 4]>,
    /// The Load file button.
    pub load_button: Option<[f32; 4]>,
    /// The button that opens or closes the comparison of methods.
    pub compare_button: Option<[f32; 4]>,
    /// The position view's square (the target's box on screen), for painting by mouse.
    pub position_square: Option<[f32; 4]>,
    /// The position view's magnification (1 = the whole box; pinch or scroll to zoom).
    pub position_zoom: Option<f32>,
    /// The point of the target's box at the centre of the position view (its coordinates).
    pub position_center: Option<[f32; 2]>,
    /// The button that shows the whole box again, while the position view is zoomed in.
    pub position_reset: Option<[f32; 4]>,
    /// The interpretability view's p-weighted correlation of V and −log p (when shown).
    pub potential_correlation: Option<f64>,
    /// Milliseconds each shown view's code took in the last frames (smoothed; layout and
    /// shapes only — tessellating and painting them come after, in `frame_ms`).
    pub view_ms: std::collections::BTreeMap<&'static str, f64>,
    /// Where each view the user sees was drawn this frame, `[x, y, w, h]` in points (CSS
    /// pixels in the browser at zoom 1): the NHF's views by name, or `method` or `compare`.
    pub views: std::collections::BTreeMap<&'static str, [f32; 4]>,
    /// The controls panel (or the drawer) when shown.
    pub panel: Option<[f32; 4]>,
    /// The button that opens and closes the controls on a phone or tablet.
    pub panel_button: Option<[f32; 4]>,
    /// The arrangement of the window: `wide`, `compact` or `stacked`.
    pub screen: &'static str,
}

impl UiReport {
    /// Forgets the position view's rectangles (a frame that does not draw it).
    pub fn forget_position(&mut self) {
        self.position_square = None;
        self.position_zoom = None;
        self.position_center = None;
        self.position_reset = None;
    }

    /// Records where view `name` was drawn this frame.
    pub fn view(&mut self, name: &'static str, rect: egui::Rect) {
        self.views
            .insert(name, [rect.min.x, rect.min.y, rect.width(), rect.height()]);
    }

    /// Adds a view's time this frame, since `start`, to its smoothed figure.
    pub fn time_view(&mut self, name: &'static str, start: web_time::Instant) {
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let smoothed = self.view_ms.entry(name).or_insert(ms);
        *smoothed = 0.8 * *smoothed + 0.2 * ms;
    }
}
