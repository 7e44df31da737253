//! Densities: the target's density next to the learned one (from the importance-weighted
//! bound, computed a slice per frame), the model's samples over it, and both marginals.

use egui::{Color32, Rect, Sense, TextureHandle, Ui, pos2, vec2};
use egui_plot::{Line, Plot, PlotPoints};

use super::colormap::density_image_scaled;
use crate::app::density_grid::{DensityGrid, GRID_CELLS};
use crate::app::session::Session;
use crate::nhf::Direction;

/// Textures of the two panels, remade when the target or the finished grid changes.
#[derive(Default)]
pub struct DensitiesView {
    key: Option<((String, u64), Option<u64>)>,
    textures: Option<(TextureHandle, Option<TextureHandle>)>,
    /// The first evaluation as far as it has got (progress, texture), shown until it ends.
    partial: Option<(f64, TextureHandle)>,
}

/// Grey of the cells the first evaluation has not reached yet.
const PENDING: Color32 = Color32::from_gray(48);

/// The model's density over the cells evaluated so far (the IW bound's log density is already
/// normalised, so it shares the target's colour scale), pending cells grey.
fn partial_image(log_density: &[f64], n: usize, max: f64) -> egui::ColorImage {
    let density: Vec<f64> = log_density.iter().map(|l| l.exp()).collect();
    let mut image = density_image_scaled(&density, n, max);
    for (cell, l) in log_density.iter().enumerate() {
        if !l.is_finite() {
            let (i, j) = (cell % n, cell / n);
            image.pixels[(n - 1 - j) * n + i] = PENDING;
        }
    }
    image
}

/// The marginal of an n×n grid density (cell (i, j) at j·n + i) along x (axis 0) or y.
fn marginal(density: &[f64], n: usize, axis: usize, cell: [f64; 2]) -> Vec<f64> {
    (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    let (i, j) = if axis == 0 { (a, b) } else { (b, a) };
                    density[j * n + i]
                })
                .sum::<f64>()
                * cell[1 - axis]
        })
        .collect()
}

impl DensitiesView {
    /// Draws the view in the given height.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        let n = GRID_CELLS;
        let grid = &session.grid;
        let key = (session.target_key(), grid.done.as_ref().map(|d| d.0));
        let max = grid.eval.target_density.iter().copied().fold(0.0, f64::max);
        if self.key.as_ref() != Some(&key) {
            let ctx = ui.ctx();
            let target = ctx.load_texture(
                "densities-target",
                density_image_scaled(&grid.eval.target_density, n, max),
                egui::TextureOptions::LINEAR,
            );
            let model = grid.done.as_ref().map(|d| {
                ctx.load_texture(
                    "densities-model",
                    density_image_scaled(&d.1, n, max),
                    egui::TextureOptions::LINEAR,
                )
            });
            self.textures = Some((target, model));
            self.key = Some(key);
            self.partial = None;
        }
        let progress = grid.eval.progress();
        let pending = grid.done.is_none() && progress > 0.0;
        if pending && self.partial.as_ref().is_none_or(|(p, _)| *p != progress) {
            let texture = ui.ctx().load_texture(
                "densities-partial",
                partial_image(&grid.eval.model_log_density, n, max),
                egui::TextureOptions::NEAREST,
            );
            self.partial = Some((progress, texture));
        }
        ui.horizontal(|ui| {
            ui.label("densities: target | learned | marginals");
            ui.colored_label(Color32::from_rgb(230, 120, 40), "target");
            ui.colored_label(Color32::from_rgb(40, 150, 220), "model");
        })
        .response
        .on_hover_text(
            "Left: the target density. Middle: the model's density, estimated with the \
             importance-weighted bound on a grid, on the same colour scale, with the model's \
             samples (dots, when the particles run in the generate direction). Right: the \
             marginal densities of q\u{2081} and q\u{2082}, target against model.",
        );
        let body = height - ui.spacing().interact_size.y - 4.0;
        let width = ui.available_width();
        let row_side = (body.min((width - 16.0) / 3.0)).max(40.0);
        let gap = ui.spacing().item_spacing;
        if body > 1.5 * row_side {
            // Shown alone the view is taller than a row of three: the two densities side by
            // side and larger, the marginals under them.
            let side = ((width - gap.x) / 2.0).min(body - 120.0 - gap.y).max(40.0);
            ui.horizontal(|ui| self.density_panels(ui, session, side, progress, pending));
            let plot_height = (body - side - gap.y).max(40.0);
            let plot_width = (width - gap.x) / 2.0;
            ui.horizontal(|ui| {
                for axis in 0..2 {
                    marginal_plot(ui, grid, axis, plot_width, plot_height);
                }
            });
        } else {
            ui.horizontal(|ui| {
                self.density_panels(ui, session, row_side, progress, pending);
                ui.vertical(|ui| {
                    for axis in 0..2 {
                        let plot_width = ui.available_width();
                        marginal_plot(ui, grid, axis, plot_width, row_side / 2.0 - 2.0);
                    }
                });
            });
        }
    }

    /// The target's density and the model's, `side` points square, with the model's samples.
    fn density_panels(
        &self,
        ui: &mut Ui,
        session: &Session,
        side: f32,
        progress: f64,
        pending: bool,
    ) {
        let Some((target, model)) = &self.textures else {
            return;
        };
        let (r, painter) = ui.allocate_painter(vec2(side, side), Sense::hover());
        let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        painter.image(target.id(), r.rect, uv, Color32::WHITE);
        let (r, painter) = ui.allocate_painter(vec2(side, side), Sense::hover());
        match model {
            Some(tex) => {
                painter.image(tex.id(), r.rect, uv, Color32::WHITE);
            }
            None => {
                // The first evaluation fills in row by row from the bottom.
                match &self.partial {
                    Some((_, tex)) if pending => {
                        painter.image(tex.id(), r.rect, uv, Color32::WHITE);
                    }
                    _ => {
                        painter.rect_filled(r.rect, 0.0, PENDING);
                    }
                }
                let label = format!("evaluating {:.0}%", 100.0 * progress);
                let at = r.rect.center_top() + vec2(0.0, 4.0);
                let galley = painter.layout_no_wrap(
                    label,
                    egui::FontId::proportional(13.0),
                    Color32::from_gray(230),
                );
                let back = egui::Align2::CENTER_TOP
                    .anchor_size(at, galley.size())
                    .expand(3.0);
                painter.rect_filled(back, 3.0, Color32::from_black_alpha(160));
                painter.galley(back.min + vec2(3.0, 3.0), galley, Color32::WHITE);
            }
        }
        let traj = &session.anim.trajectory;
        if session.anim.direction != Some(Direction::Normalize) && traj.states > 0 {
            let b = session.target.bounds().0;
            let last = traj.states - 1;
            for i in 0..traj.particles {
                let q = traj.q_at(last, i);
                let x = (q[0] - b[0][0]) / (b[0][1] - b[0][0]);
                let y = (q[1] - b[1][0]) / (b[1][1] - b[1][0]);
                if (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y) {
                    let p = r.rect.left_bottom() + vec2(x as f32 * side, -(y as f32) * side);
                    painter.circle_filled(p, 1.3, Color32::from_rgb(120, 220, 255));
                }
            }
        }
    }
}

/// The marginal density along `axis`, the target's against the model's (once evaluated).
fn marginal_plot(ui: &mut Ui, grid: &DensityGrid, axis: usize, width: f32, height: f32) {
    let n = GRID_CELLS;
    let [w, h] = grid.eval.bounds.size();
    let cell = [w / n as f64, h / n as f64];
    let b = grid.eval.bounds.0;
    let xs = |k: usize| b[axis][0] + (k as f64 + 0.5) * cell[axis];
    let line = |d: &[f64]| -> PlotPoints<'static> {
        marginal(d, n, axis, cell)
            .into_iter()
            .enumerate()
            .map(|(k, v)| [xs(k), v])
            .collect::<Vec<_>>()
            .into()
    };
    let name = ["q\u{2081}", "q\u{2082}"][axis];
    let plot = Plot::new(("marginal", axis)).height(height).width(width);
    super::short_x_labels(plot, name, width)
        .show_axes([true, false])
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(
                Line::new(format!("target {name}"), line(&grid.eval.target_density))
                    .color(Color32::from_rgb(230, 120, 40)),
            );
            if let Some(d) = &grid.done {
                plot.line(
                    Line::new(format!("model {name}"), line(&d.1))
                        .color(Color32::from_rgb(40, 150, 220)),
                );
            }
        });
}

impl super::View for DensitiesView {
    fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        DensitiesView::ui(self, ui, session, height);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marginals_of_a_normalised_grid_integrate_to_one() {
        let n = 4;
        let cell = [0.5, 0.25];
        let mut d = vec![0.0; n * n];
        d[n + 2] = 1.0 / (cell[0] * cell[1]); // all mass in cell (2, 1)
        let mx = marginal(&d, n, 0, cell);
        let my = marginal(&d, n, 1, cell);
        assert!((mx.iter().sum::<f64>() * cell[0] - 1.0).abs() < 1e-12);
        assert!((my.iter().sum::<f64>() * cell[1] - 1.0).abs() < 1e-12);
        assert!(mx[2] > 0.0 && my[1] > 0.0 && mx[0] == 0.0 && my[0] == 0.0);
    }

    #[test]
    fn pending_cells_are_grey_and_evaluated_ones_use_the_colour_scale() {
        let n = 2;
        // Bottom row (j = 0) evaluated, top row pending.
        let log_density = [0.0, -1.0, f64::NEG_INFINITY, f64::NEG_INFINITY];
        let image = partial_image(&log_density, n, 1.0);
        // Image rows run top down: row 0 is j = 1.
        assert_eq!(image.pixels[0], PENDING);
        assert_eq!(image.pixels[1], PENDING);
        assert_ne!(image.pixels[2], PENDING);
        assert_ne!(
            image.pixels[2], image.pixels[3],
            "two densities, two colours"
        );
    }
}
