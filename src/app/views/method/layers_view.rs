//! A planar or radial flow as a student watches it: in position space, particles drawn from
//! the Gaussian base moving through the flow layer by layer over the target's density; beside
//! it the density after the layer shown against the target, the loss, and the figures.

use egui::{Color32, Stroke, Ui};
use egui_plot::{Line, Plot};

use super::super::colormap::density_image_scaled;
use super::super::training::{loss_points, robust_range};
use super::backdrop::{Backdrop, Cached, side_by_side};
use super::{animation_row, figures};
use crate::app::session::method_run::{LAYER_DENSITY_CELLS, LayersRun};
use crate::app::session::{Command, Session};
use crate::app::status::UiReport;

const PARTICLE: Color32 = Color32::from_rgb(120, 220, 255);

/// The planar and radial flows' view and its cached textures.
#[derive(Default)]
pub struct LayersView {
    backdrop: Backdrop,
    /// The flow's density after a layer, for (target, step, layer).
    flow: Cached<((String, u64), u64, usize)>,
}

impl LayersView {
    /// Draws the view into the available space.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        run: &LayersRun,
        report: &mut UiReport,
        commands: &mut Vec<Command>,
    ) {
        let size = ui.available_size();
        let gap = ui.spacing().item_spacing;
        // Portrait (a phone): position space at the full width, the rest below it (the
        // method view scrolls); landscape: side by side.
        let portrait = size.x < size.y;
        let side = if portrait {
            size.x.min(size.y - 30.0).max(64.0)
        } else {
            (size.y - 30.0).min(size.x * 0.5).max(64.0)
        };
        let layers = run.trainer.flow.layers;
        let layer = (run.position.floor() as usize).min(layers);
        ui.with_layout(super::arrangement(portrait), |ui| {
            ui.vertical(|ui| {
                ui.set_width(side);
                ui.set_max_width(side);
                let square = self.backdrop.square(ui, session, side, report);
                let frac = run.position - layer as f64;
                for path in &run.paths {
                    let a = path[layer];
                    let b = path[(layer + 1).min(layers)];
                    let here = [a[0] + (b[0] - a[0]) * frac, a[1] + (b[1] - a[1]) * frac];
                    if let (Some(from), Some(to)) = (square.at(a), square.at(here)) {
                        square.painter.line_segment(
                            [from, to],
                            Stroke::new(1.0, PARTICLE.gamma_multiply(0.4)),
                        );
                        if square.rect.expand(4.0).contains(to) {
                            square.painter.circle_filled(to, 2.2, PARTICLE);
                        }
                    }
                }
                let kind = if session.settings.method == crate::method::Method::Radial {
                    "radial"
                } else {
                    "planar"
                };
                square.legend(format!(
                    "{kind} flow | after layer {layer} / {layers} | training step {}",
                    run.recorded_at
                ));
                animation_row(ui, session, run.position, layers, "layer", commands);
            });
            let width = if portrait {
                size.x
            } else {
                ui.available_width().min(size.x - side - gap.x).max(100.0)
            };
            ui.vertical(|ui| {
                ui.set_width(width);
                self.right_column(ui, session, run, layer, width, size.y);
            });
        });
    }

    /// The density after the layer shown, the loss and the figures.
    fn right_column(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        run: &LayersRun,
        layer: usize,
        width: f32,
        height: f32,
    ) {
        let figures_height = 110.0;
        let rest = (height - figures_height).max(120.0);
        let image_side = ((width - 16.0) / 2.0).min(rest * 0.6 - 20.0).max(40.0);
        let n = LAYER_DENSITY_CELLS;
        let (target, max) = self.backdrop.small_target(ui.ctx(), session, n);
        let key = (session.target_key(), run.recorded_at, layer);
        if self.flow.as_ref().is_none_or(|(k, _)| *k != key)
            && let Some(density) = run.densities.get(layer)
        {
            let image = density_image_scaled(density, n, max);
            let texture =
                ui.ctx()
                    .load_texture("layers-flow", image, egui::TextureOptions::NEAREST);
            self.flow = Some((key, texture));
        }
        if let Some((_, flow)) = &self.flow {
            let caption = format!("flow after layer {layer}");
            side_by_side(ui, &target, flow, image_side, ["target", &caption]);
        }
        let history = &run.trainer.history;
        let loss = loss_points(history);
        ui.label(
            egui::RichText::new("loss: reverse KL − log Z (the free energy); lower is better")
                .small(),
        );
        let range = robust_range(loss.iter().map(|p| p[1]));
        Plot::new("layers-loss")
            .height((rest - image_side - 40.0).max(60.0))
            .width(width)
            .allow_scroll(false)
            .show(ui, |plot| {
                if let Some((lo, hi)) = range {
                    plot.set_plot_bounds_y(lo..=hi);
                }
                plot.line(Line::new("loss", loss).color(Color32::from_rgb(230, 120, 40)));
            });
        let last = history.last().map(|(_, l)| *l);
        figures(
            ui,
            "layers-figures",
            &[
                (
                    "training step",
                    run.trainer.step.to_string(),
                    "Adam steps on batches of base points",
                ),
                (
                    "loss",
                    last.map_or("—".into(), |l| format!("{l:.3}")),
                    "The last batch's mean of log q(z_K) − log p(z_K), p unnormalised",
                ),
                (
                    "ESS",
                    run.ess.map_or("—".into(), |(_, e)| format!("{e:.1}%")),
                    "Importance-sampling effective sample size of the flow's draws for the \
                     target, in percent of 2000 draws: 100% is a perfect fit",
                ),
                (
                    "parameters",
                    run.trainer.flow.params.len().to_string(),
                    "Numbers the flow learns",
                ),
            ],
        );
    }
}
