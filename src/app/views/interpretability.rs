//! Interpretability: with a fixed kinetic energy the learned potential V_k should look like
//! −log p_target (Souveton et al. 2023). The current block's V next to −log p on the same
//! grid, and a scatter of one against the other with their p-weighted correlation.

use egui::{Color32, Rect, Sense, TextureHandle, Ui, pos2, vec2};
use egui_plot::{Line, Plot, PlotPoints, Points};

use super::colormap::low_bright_image;
use crate::app::session::Session;
use crate::nhf::Kinetic;
use crate::nhf::eval::{weighted_correlation, weighted_fit};

/// Cells per side of the comparison grid.
const CELLS: usize = 48;
/// Cells whose target density is below this fraction of the peak are left out of the
/// scatter (they carry no weight and would only stretch its axes).
const SCATTER_FLOOR: f64 = 1e-4;

/// One comparison: for (training step, block, target).
struct Comparison {
    key: (u64, usize, (String, u64)),
    potential: TextureHandle,
    neg_log_p: TextureHandle,
    /// (−log p, V) of the cells in the target's support, shifted so both start at 0.
    scatter: Vec<[f64; 2]>,
    correlation: f64,
    slope: f64,
    intercept: f64,
}

/// The interpretability view.
#[derive(Default)]
pub struct InterpretabilityView {
    current: Option<Comparison>,
}

fn compare(session: &Session, block: usize, ctx: &egui::Context) -> Comparison {
    let n = CELLS;
    let bounds = session.target.bounds();
    let cells = bounds.cell_centres(n);
    let v = session.flow().potential(block, &cells);
    let log_p: Vec<f64> = cells.iter().map(|&q| session.target.log_prob(q)).collect();
    let max = log_p
        .iter()
        .copied()
        .filter(|l| l.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = log_p
        .iter()
        .map(|l| if l.is_finite() { (l - max).exp() } else { 0.0 })
        .collect();
    let neg_log_p: Vec<f64> = log_p.iter().map(|l| -l).collect();
    let correlation = weighted_correlation(&v, &neg_log_p, &weights);
    let in_support: Vec<usize> = (0..n * n)
        .filter(|&c| weights[c] > SCATTER_FLOOR && v[c].is_finite())
        .collect();
    let v_min = in_support
        .iter()
        .map(|&c| v[c])
        .fold(f64::INFINITY, f64::min);
    let scatter = in_support
        .iter()
        .map(|&c| [neg_log_p[c] + max, v[c] - v_min])
        .collect();
    let shifted_v: Vec<f64> = v.iter().map(|x| x - v_min).collect();
    let shifted_nl: Vec<f64> = neg_log_p.iter().map(|x| x + max).collect();
    let (slope, intercept) = weighted_fit(&shifted_nl, &shifted_v, &weights);
    let texture = |name: &str, values: &[f64]| {
        ctx.load_texture(
            name,
            low_bright_image(values, n).0,
            egui::TextureOptions::LINEAR,
        )
    };
    Comparison {
        key: (session.anim.recorded_at_step, block, session.target_key()),
        potential: texture("interpret-potential", &v),
        neg_log_p: texture("interpret-neg-log-p", &neg_log_p),
        scatter,
        correlation,
        slope,
        intercept,
    }
}

impl InterpretabilityView {
    /// The p-weighted correlation of V and −log p last shown (for the status).
    pub fn correlation(&self) -> Option<f64> {
        self.current.as_ref().map(|c| c.correlation)
    }

    /// Draws the view in the given height.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        let block = session.anim_block();
        let key = (session.anim.recorded_at_step, block, session.target_key());
        if self.current.as_ref().is_none_or(|c| c.key != key) {
            self.current = Some(compare(session, block, ui.ctx()));
        }
        let Some(c) = &self.current else {
            return;
        };
        let caveat = match session.settings.flow.kinetic {
            Kinetic::Fixed => "",
            _ => " (learned kinetic energy: the claim is for a fixed one)",
        };
        let show = |x: f64| {
            if x.is_finite() {
                format!("{x:.3}")
            } else {
                "—".into()
            }
        };
        ui.label(format!(
            "V of block {} vs -log p of the target: correlation {}{caveat}",
            block + 1,
            show(c.correlation),
        ))
        .on_hover_text(
            "With a fixed kinetic energy 1/2 a^2 |p|^2, the only thing a block can learn is the \
             potential V(q) that pulls the particles. Souveton et al. (2023) observed that it \
             comes to resemble -log p of the target, up to scale and shift: low V (bright) \
             where the target has mass. Left: V; middle: -log p on the same colour rule; \
             right: each grid cell as a point (-log p, V) where the target has mass, with the \
             correlation weighted by p. It is clearest with one block (K = 1).",
        );
        let body = height - ui.spacing().interact_size.y - 4.0;
        let width = ui.available_width();
        let row_side = body.min((width - 16.0) / 3.0).max(40.0);
        let gap = ui.spacing().item_spacing;
        if body > 1.5 * row_side {
            // Shown alone the view is taller than a row of three: the two maps side by side
            // and larger, the scatter under them.
            let side = ((width - gap.x) / 2.0).min(body - 200.0 - gap.y).max(40.0);
            ui.horizontal(|ui| maps(ui, c, side));
            scatter_plot(ui, c, width, (body - side - gap.y).max(40.0));
        } else {
            ui.horizontal(|ui| {
                maps(ui, c, row_side);
                scatter_plot(ui, c, ui.available_width(), row_side);
            });
        }
    }
}

/// V and −log p side by side, `side` points square.
fn maps(ui: &mut Ui, c: &Comparison, side: f32) {
    let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
    for texture in [&c.potential, &c.neg_log_p] {
        let (r, painter) = ui.allocate_painter(vec2(side, side), Sense::hover());
        painter.image(texture.id(), r.rect, uv, Color32::WHITE);
    }
}

/// Each cell as a point (−log p, V), with the weighted least-squares line.
fn scatter_plot(ui: &mut Ui, c: &Comparison, width: f32, height: f32) {
    let fit_end = c.scatter.iter().map(|p| p[0]).fold(0.0, f64::max);
    let plot = Plot::new("interpret-scatter").width(width).height(height);
    super::short_x_labels(plot, "-log p (shifted)", width - super::Y_AXIS_WIDTH)
        .y_axis_label("V (shifted)")
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.points(
                Points::new("cells", PlotPoints::from(c.scatter.clone()))
                    .radius(1.5)
                    .color(Color32::from_rgb(120, 220, 255)),
            );
            if c.slope.is_finite() {
                let line = vec![
                    [0.0, c.intercept],
                    [fit_end, c.intercept + c.slope * fit_end],
                ];
                plot.line(
                    Line::new(format!("fit, slope {:.2}", c.slope), PlotPoints::from(line))
                        .color(Color32::from_rgb(230, 120, 40)),
                );
            }
        });
}

impl super::View for InterpretabilityView {
    fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        InterpretabilityView::ui(self, ui, session, height);
    }
    fn report(&self, report: &mut crate::app::status::UiReport) {
        report.potential_correlation = self.correlation().filter(|c| c.is_finite());
    }
}
