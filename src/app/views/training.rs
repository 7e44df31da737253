//! Training: the loss per iteration and the grid KL of the model against the target.

use egui::{Color32, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::app::density_grid::{GRID_CELLS, GRID_DRAWS};
use crate::app::session::Session;
use crate::nhf::Objective;

/// Loss points drawn at most (older history is thinned).
const MAX_POINTS: usize = 2000;

/// Draws the loss and KL curves with a one-line summary above them.
pub fn ui(ui: &mut Ui, session: &Session, height: f32) {
    let loss_name = match session.flow().config.objective {
        Objective::Samples => "loss: negative ELBO",
        Objective::Density => "loss: reverse KL + const",
    };
    // One line, the summary cut short if need be (the full text on hover): a wrapped second
    // line would push the views below out of their space.
    ui.horizontal(|ui| {
        ui.label("loss and grid KL").on_hover_text(
            "Samples objective: the negative ELBO, an upper bound on the negative log-likelihood \
             of the data (lower is better). Density objective: the reverse KL to the target up \
             to its unknown normalising constant. Grid KL: KL(target || model) on a grid, \
             computed a few cells per frame.",
        );
        let kl = session.grid.done.as_ref().map_or("pending".into(), |d| {
            format!("{:.3} (at iteration {})", d.2, d.0)
        });
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "grid KL {kl} | {:.0} it/s | {} parameters | grid {:.0}%",
                    session.iters_per_sec,
                    session.flow().param_count(),
                    100.0 * session.grid.eval.progress()
                ))
                .weak(),
            )
            .truncate(),
        );
    });
    let history = &session.trainer.history;
    let stride = history.len().div_ceil(MAX_POINTS).max(1);
    let loss: Vec<[f64; 2]> = history
        .iter()
        .step_by(stride)
        .filter(|(_, l)| l.is_finite())
        .map(|&(s, l)| [s as f64, l])
        .collect();
    let kl: Vec<[f64; 2]> = session
        .grid
        .kl_history
        .iter()
        .map(|&(s, k)| [s as f64, k])
        .collect();
    Plot::new("training")
        .height((height - ui.spacing().interact_size.y).max(60.0))
        .x_axis_label("iteration")
        .legend(Legend::default())
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(
                Line::new(loss_name, PlotPoints::from(loss)).color(Color32::from_rgb(40, 150, 220)),
            );
            plot.line(
                Line::new(
                    format!("grid KL ({GRID_CELLS}\u{b2}, S={GRID_DRAWS})"),
                    PlotPoints::from(kl),
                )
                .color(Color32::from_rgb(230, 120, 40))
                .width(2.0),
            );
        });
}
