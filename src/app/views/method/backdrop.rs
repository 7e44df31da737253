//! Position space under a method's particles: the target's density as a heatmap in a square,
//! and the map from the target's coordinates to the screen.

use egui::{
    Color32, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, emath::RectTransform, pos2, vec2,
};

use super::super::colormap::{density_image, density_image_scaled};
use crate::app::session::Session;
use crate::app::status::UiReport;
use crate::targets::Target;

/// A texture and the key of what it shows (it is remade when the key changes).
pub type Cached<K> = Option<(K, TextureHandle)>;

/// Cells per side of the target's heatmap.
const CELLS: usize = 128;

/// The target's heatmap, cached per target.
#[derive(Default)]
pub struct Backdrop {
    heatmap: Cached<(String, u64)>,
    /// The target's density on the small grid the methods' own densities use, as a texture,
    /// and the top of its colour scale.
    small: Option<((String, u64), TextureHandle, f64)>,
}

/// The square drawn into: its painter and the map from target coordinates to the screen.
pub struct Square {
    /// Paints inside the square.
    pub painter: egui::Painter,
    /// The square on the screen.
    pub rect: Rect,
    /// Target coordinates (y up) to screen points (y down).
    pub to_screen: RectTransform,
}

impl Square {
    /// A point of the target's plane on the screen (`None` when not finite).
    pub fn at(&self, q: [f64; 2]) -> Option<Pos2> {
        let p = self.to_screen.transform_pos(pos2(q[0] as f32, q[1] as f32));
        (p.x.is_finite() && p.y.is_finite()).then_some(p)
    }

    /// A label in the square's top-left corner on a dark band, wrapped to its width.
    pub fn legend(&self, text: String) {
        let side = self.rect.width();
        let font = egui::FontId::proportional(if side >= 300.0 { 13.0 } else { 11.0 });
        let galley = self
            .painter
            .layout(text, font, Color32::from_gray(235), side - 12.0);
        let at = self.rect.left_top() + vec2(6.0, 4.0);
        self.painter.rect_filled(
            Rect::from_min_size(at, galley.size()).expand(2.0),
            3.0,
            Color32::from_black_alpha(110),
        );
        self.painter.galley(at, galley, Color32::from_gray(235));
    }
}

/// The target's density on an n×n grid over its box (cell (i, j) at j·n + i, j upwards),
/// normalised so its cells sum to one over the cell area.
fn target_density(target: &dyn Target, n: usize) -> Vec<f64> {
    let bounds = target.bounds();
    let (log_p, max) = super::super::position::target_log_density(target, n);
    let mut density: Vec<f64> = log_p
        .iter()
        .map(|v| if v.is_finite() { (v - max).exp() } else { 0.0 })
        .collect();
    let [w, h] = bounds.size();
    let mass = density.iter().sum::<f64>() * w * h / (n * n) as f64;
    if mass > 0.0 {
        density.iter_mut().for_each(|d| *d /= mass);
    }
    density
}

impl Backdrop {
    /// Allocates a square of side `side` and paints the target's density; the square is
    /// position space for the test report.
    pub fn square(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        side: f32,
        report: &mut UiReport,
    ) -> Square {
        let (response, painter) = ui.allocate_painter(vec2(side, side), Sense::hover());
        let rect = Rect::from_center_size(response.rect.center(), vec2(side, side));
        report.position_square = Some([rect.min.x, rect.min.y, rect.width(), rect.height()]);
        let key = session.target_key();
        if self.heatmap.as_ref().is_none_or(|(k, _)| *k != key) {
            let density = target_density(session.target.as_ref(), CELLS);
            let texture = ui.ctx().load_texture(
                "method-target-density",
                density_image(&density, CELLS),
                egui::TextureOptions::LINEAR,
            );
            self.heatmap = Some((key, texture));
        }
        if let Some((_, texture)) = &self.heatmap {
            let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
            painter.image(texture.id(), rect, uv, Color32::WHITE);
        }
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Outside,
        );
        let b = session.target.bounds().0;
        // The target's plane has y upwards; the screen has y downwards.
        let data = Rect::from_min_max(
            pos2(b[0][0] as f32, b[1][1] as f32),
            pos2(b[0][1] as f32, b[1][0] as f32),
        );
        Square {
            // Particles and paths that leave the box are cut at its edge.
            painter: painter.with_clip_rect(rect),
            rect,
            to_screen: RectTransform::from_to(data, rect),
        }
    }
}

impl Backdrop {
    /// The target's density on an n×n grid as a texture (remade only when the target
    /// changes), and its largest cell: the top of the colour scale the method's own density
    /// is drawn on beside it.
    pub fn small_target(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        n: usize,
    ) -> (TextureHandle, f64) {
        let key = session.target_key();
        if self.small.as_ref().is_none_or(|(k, _, _)| *k != key) {
            let density = target_density(session.target.as_ref(), n);
            let max = density.iter().copied().fold(0.0, f64::max);
            let texture = ctx.load_texture(
                "method-target-small",
                density_image_scaled(&density, n, max),
                egui::TextureOptions::NEAREST,
            );
            self.small = Some((key, texture, max));
        }
        let (_, texture, max) = self.small.as_ref().expect("just made");
        (texture.clone(), *max)
    }
}

/// Two images side by side, the target's density and another on the same scale (the
/// square root of the density, magma), each `side` points square, with captions.
pub fn side_by_side(
    ui: &mut Ui,
    target: &TextureHandle,
    other: &TextureHandle,
    side: f32,
    captions: [&str; 2],
) {
    ui.horizontal(|ui| {
        for (texture, caption) in [target, other].into_iter().zip(captions) {
            ui.vertical(|ui| {
                ui.label(egui::RichText::new(caption).small());
                let (r, painter) = ui.allocate_painter(vec2(side, side), Sense::hover());
                let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
                painter.image(texture.id(), r.rect, uv, Color32::WHITE);
            });
        }
    });
}
