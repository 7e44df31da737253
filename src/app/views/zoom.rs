//! Zoom and pan of the position view: which part of the target's box the square shows.
//!
//! The visible part is kept in *unit* coordinates of the box (0..1 across, 0..1 down, the
//! same as the textures' uv), so the heatmaps are drawn from a uv sub-rectangle and every
//! point goes through one transform. A pinch (or ctrl + scroll, or a trackpad pinch) zooms
//! about the fingers, two fingers (or a mouse drag when zoomed in and not painting) pan, and
//! a double tap or the reset button shows the whole box again.

use egui::{Pos2, Rect, Vec2, emath::RectTransform, vec2};

/// How far in the view zooms: a 16th of the box across (the heatmaps are 64–128 cells, so
/// further in shows only their pixels).
pub const MAX_SCALE: f32 = 16.0;

/// The part of the box the square shows: magnification and centre (unit coordinates).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoomPan {
    /// 1 shows the whole box, 2 half of it across, …
    pub scale: f32,
    /// The centre of the visible part, in unit coordinates of the box.
    pub center: Vec2,
}

impl Default for ZoomPan {
    fn default() -> Self {
        Self {
            scale: 1.0,
            center: vec2(0.5, 0.5),
        }
    }
}

impl ZoomPan {
    /// True when the whole box is shown.
    pub fn is_whole(&self) -> bool {
        self.scale <= 1.0
    }

    /// The visible part in unit coordinates (also the textures' uv rectangle).
    pub fn unit_rect(&self) -> Rect {
        Rect::from_center_size(self.center.to_pos2(), Vec2::splat(1.0 / self.scale))
    }

    /// The visible part of `data` (the box in data coordinates, y flipped or not).
    pub fn visible(&self, data: Rect) -> Rect {
        let u = self.unit_rect();
        Rect::from_min_max(
            data.lerp_inside(u.min.to_vec2()),
            data.lerp_inside(u.max.to_vec2()),
        )
    }

    /// The transform from data coordinates to the screen's `square`.
    pub fn to_screen(&self, data: Rect, square: Rect) -> RectTransform {
        RectTransform::from_to(self.visible(data), square)
    }

    /// Multiplies the magnification by `factor` keeping the point under `focus` (a screen
    /// point in `square`) where it is, within 1..=[`MAX_SCALE`].
    pub fn zoom_about(&mut self, factor: f32, focus: Pos2, square: Rect) {
        if !(factor.is_finite() && factor > 0.0) || square.width() <= 0.0 {
            return;
        }
        let along = (focus - square.min) / square.size();
        let u = self.unit_rect();
        let fixed = u.min + along * u.size();
        self.scale = (self.scale * factor).clamp(1.0, MAX_SCALE);
        let size = 1.0 / self.scale;
        self.center = (fixed - along * size).to_vec2() + Vec2::splat(size / 2.0);
        self.keep_inside();
    }

    /// Moves the picture by `delta` screen points (the content follows the fingers).
    pub fn pan(&mut self, delta: Vec2, square: Rect) {
        if square.width() <= 0.0 || !delta.is_finite() {
            return;
        }
        self.center -= delta / square.size() / self.scale;
        self.keep_inside();
    }

    /// Applies this frame's gestures over the view (`response`, drawn in `square`): a pinch
    /// or two-finger pan, ctrl + scroll or a trackpad pinch under the pointer, a mouse drag
    /// when zoomed in and not `painting`, a double tap or click to see the whole box again.
    /// Returns true while two fingers are down, so the caller does not paint with them.
    pub fn respond(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        square: Rect,
        painting: bool,
    ) -> bool {
        let (fingers, zoom, pointer) =
            ui.input(|i| (i.multi_touch(), i.zoom_delta(), i.pointer.hover_pos()));
        if let Some(touch) = fingers {
            if square.contains(touch.center_pos) {
                self.zoom_about(touch.zoom_delta, touch.center_pos, square);
                self.pan(touch.translation_delta, square);
            }
            return true;
        }
        if let Some(at) = pointer.filter(|p| square.contains(*p))
            && zoom != 1.0
        {
            self.zoom_about(zoom, at, square);
        }
        if !painting && !self.is_whole() && response.dragged() {
            self.pan(response.drag_delta(), square);
        }
        if response.double_clicked() {
            *self = Self::default();
        }
        false
    }

    /// Keeps the visible part inside the box.
    fn keep_inside(&mut self) {
        let half = 0.5 / self.scale;
        self.center = vec2(
            self.center.x.clamp(half, 1.0 - half),
            self.center.y.clamp(half, 1.0 - half),
        );
    }
}

/// The reset button's rectangle: in the square's bottom-right corner (under a right thumb,
/// away from the legend at the top-left).
pub fn reset_button_rect(square: Rect, size: Vec2) -> Rect {
    Rect::from_min_size(square.max - size - vec2(4.0, 4.0), size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    fn square() -> Rect {
        Rect::from_min_size(pos2(10.0, 20.0), vec2(200.0, 200.0))
    }

    #[test]
    fn whole_box_is_the_identity_of_the_box() {
        let data = Rect::from_min_max(pos2(-4.0, 4.0), pos2(4.0, -4.0));
        let z = ZoomPan::default();
        assert_eq!(z.visible(data), data);
        let t = z.to_screen(data, square());
        assert_eq!(t.transform_pos(pos2(-4.0, 4.0)), square().min);
    }

    #[test]
    fn zooming_keeps_the_point_under_the_fingers() {
        let data = Rect::from_min_max(pos2(-4.0, 4.0), pos2(4.0, -4.0));
        let mut z = ZoomPan::default();
        let focus = pos2(60.0, 170.0);
        let before = z.to_screen(data, square()).inverse().transform_pos(focus);
        z.zoom_about(2.5, focus, square());
        assert!((z.scale - 2.5).abs() < 1e-6);
        let after = z.to_screen(data, square()).inverse().transform_pos(focus);
        assert!(
            (before - after).length() < 1e-4,
            "{before:?} moved to {after:?}"
        );
    }

    #[test]
    fn the_view_stays_inside_the_box_and_within_its_scale_range() {
        let mut z = ZoomPan::default();
        z.zoom_about(0.5, square().center(), square());
        assert_eq!(
            z,
            ZoomPan::default(),
            "zooming out of the whole box changes nothing"
        );
        z.zoom_about(1000.0, square().min, square());
        assert_eq!(z.scale, MAX_SCALE);
        z.pan(vec2(-1e6, -1e6), square());
        let u = z.unit_rect();
        assert!(
            u.max.x <= 1.0 + 1e-6 && u.max.y <= 1.0 + 1e-6 && u.min.x >= 0.0,
            "{u:?}"
        );
        z.zoom_about(f32::NAN, square().center(), square());
        z.pan(vec2(f32::INFINITY, 0.0), square());
        assert!(z.center.is_finite() && z.scale.is_finite());
    }

    #[test]
    fn panning_moves_the_content_with_the_fingers() {
        let data = Rect::from_min_max(pos2(-4.0, 4.0), pos2(4.0, -4.0));
        let mut z = ZoomPan::default();
        z.zoom_about(4.0, square().center(), square());
        let point = pos2(0.5, -0.25);
        let before = z.to_screen(data, square()).transform_pos(point);
        z.pan(vec2(12.0, -7.0), square());
        let after = z.to_screen(data, square()).transform_pos(point);
        assert!(
            (after - before - vec2(12.0, -7.0)).length() < 1e-3,
            "{before:?} → {after:?}"
        );
    }
}
