//! Position space: the target's density as a heatmap, and particles moving along their
//! leapfrog trajectories step by step, with fading trails.

use egui::{
    Color32, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, emath::RectTransform, pos2, vec2,
};

use super::colormap::density_image;
use crate::app::session::Session;

/// Grid resolution of the target heatmap.
const HEATMAP_CELLS: usize = 128;
/// States a trail reaches back.
const TRAIL_STATES: usize = 6;

/// The position-space view.
#[derive(Default)]
pub struct PositionView {
    heatmap: Option<(String, TextureHandle)>,
}

impl PositionView {
    /// Draws the view into the available space.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session) {
        let available = ui.available_size();
        let side = available.x.min(available.y).max(64.0);
        let (response, painter) = ui.allocate_painter(vec2(available.x, side), Sense::hover());
        let square = Rect::from_center_size(response.rect.center(), vec2(side, side));
        let target = &session.target;
        let b = target.bounds().0;
        // Model space has y upwards; the screen has y downwards.
        let data = Rect::from_min_max(
            pos2(b[0][0] as f32, b[1][1] as f32),
            pos2(b[0][1] as f32, b[1][0] as f32),
        );
        let to_screen = RectTransform::from_to(data, square);

        let key = target.id().to_string();
        if self.heatmap.as_ref().is_none_or(|(k, _)| *k != key) {
            let bounds = target.bounds();
            let n = HEATMAP_CELLS;
            let log_p: Vec<f64> = (0..n * n)
                .map(|c| target.log_prob(bounds.cell_centre(n, c % n, c / n)))
                .collect();
            let max = log_p
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            let density: Vec<f64> = log_p
                .iter()
                .map(|v| if v.is_finite() { (v - max).exp() } else { 0.0 })
                .collect();
            let texture = ui.ctx().load_texture(
                "target-density",
                density_image(&density, n),
                egui::TextureOptions::LINEAR,
            );
            self.heatmap = Some((key, texture));
        }
        if let Some((_, texture)) = &self.heatmap {
            painter.image(
                texture.id(),
                square,
                Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                Color32::WHITE,
            );
        }
        painter.rect_stroke(
            square,
            0.0,
            Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Outside,
        );

        let traj = &session.anim.trajectory;
        if traj.states == 0 {
            return;
        }
        let s_float = session.anim.position.clamp(0.0, (traj.states - 1) as f64);
        let s0 = s_float.floor() as usize;
        let s1 = (s0 + 1).min(traj.states - 1);
        let frac = (s_float - s0 as f64) as f32;
        let screen = |q: [f64; 2]| -> Option<Pos2> {
            let p = to_screen.transform_pos(pos2(q[0] as f32, q[1] as f32));
            (p.x.is_finite() && p.y.is_finite()).then_some(p)
        };
        let particle = Color32::from_rgb(120, 220, 255);
        for i in 0..traj.particles {
            let (Some(a), Some(b)) = (screen(traj.q_at(s0, i)), screen(traj.q_at(s1, i))) else {
                continue;
            };
            let here = a + (b - a) * frac;
            if !square.expand(4.0).contains(here) {
                continue;
            }
            if session.settings.trails {
                let mut prev = here;
                for back in 0..TRAIL_STATES.min(s0 + 1) {
                    let Some(p) = screen(traj.q_at(s0 - back, i)) else {
                        break;
                    };
                    let alpha = (150.0 * (1.0 - back as f32 / TRAIL_STATES as f32)) as u8;
                    painter.line_segment(
                        [prev, p],
                        Stroke::new(1.0, Color32::from_rgba_unmultiplied(120, 220, 255, alpha)),
                    );
                    prev = p;
                }
            }
            if !session.anim.playing {
                // Momentum arrows while stepping by hand: the direction the drift will take.
                let (p0, p1) = (traj.p_at(s0, i), traj.p_at(s1, i));
                let p = [
                    p0[0] + (p1[0] - p0[0]) * f64::from(frac),
                    p0[1] + (p1[1] - p0[1]) * f64::from(frac),
                ];
                let tip = here + vec2(p[0] as f32, -p[1] as f32) * (side / 40.0);
                if tip.x.is_finite() && tip.y.is_finite() {
                    painter.arrow(
                        here,
                        tip - here,
                        Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 200, 120, 170)),
                    );
                }
            }
            painter.circle_filled(here, 2.2, particle);
        }
        let label = format!("state {} / {}", s0, traj.states - 1);
        painter.text(
            square.left_top() + vec2(8.0, 6.0),
            egui::Align2::LEFT_TOP,
            label,
            egui::FontId::proportional(13.0),
            Color32::from_gray(230),
        );
    }
}
