//! Training: the loss per iteration and the grid KL of the model against the target.

use egui::{Color32, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::app::density_grid::{GRID_CELLS, GRID_DRAWS};
use crate::app::session::Session;
use crate::nhf::Objective;

/// Below this height (points) for both plots, only the loss is plotted.
const MIN_TWO_PLOTS_HEIGHT: f32 = 120.0;

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
             computed a few cells per frame. ESS (density objective): the importance-sampling \
             effective sample size of the flow's samples, in percent of 256 draws. Held-out NLL \
             (samples objective): the model's negative log-density, in nats, of 256 target \
             samples it never trained on (lower is better; for your own file, rows it held out).",
        );
        let kl = session.grid.done.as_ref().map_or("pending".into(), |d| {
            format!("{:.3} (at iteration {})", d.2, d.0)
        });
        // The density objective's sample quality: the share of the draws that count.
        let ess = session
            .ess
            .map_or(String::new(), |(_, e)| format!(" | ESS {e:.0}%"));
        // The samples objective's: the fit measured on points it never trained on.
        let nll = session
            .nll
            .map_or(String::new(), |(_, n)| format!(" | held-out NLL {n:.3}"));
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "grid KL {kl}{ess}{nll} | {:.0} it/s | {} parameters | grid {:.0}%",
                    session.iters_per_sec,
                    session.flow().param_count(),
                    100.0 * session.grid.eval.progress()
                ))
                .weak(),
            )
            .truncate(),
        );
    });
    let loss = loss_points(&session.trainer.history);
    let kl: Vec<[f64; 2]> = session
        .grid
        .kl_history
        .iter()
        .map(|&(s, k)| [s as f64, k])
        .collect();
    // Two plots sharing the iteration axis: the loss with a range that ignores the first
    // iterations' spike (on banana the loss starts near 450 and ends near 0.5, and with the
    // full range the rest of the run is a flat line), and the grid KL on its own scale.
    let plots = (height - ui.spacing().interact_size.y - ui.spacing().item_spacing.y).max(60.0);
    // Too short for two readable plots (every view shown at once): the loss alone, and the
    // grid KL in the summary line above.
    let with_kl = plots >= MIN_TWO_PLOTS_HEIGHT;
    let loss_height = if with_kl { plots * 0.62 } else { plots };
    let link = ui.make_persistent_id("training_iterations");
    let range = robust_range(loss.iter().map(|p| p[1]));
    Plot::new("training")
        .height(loss_height)
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .y_axis_min_width(44.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_zoom([true, false])
        .allow_drag([true, false])
        .show(ui, |plot| {
            if let Some((lo, hi)) = range {
                plot.set_plot_bounds_y(lo..=hi);
            }
            plot.line(
                Line::new(loss_name, PlotPoints::from(loss)).color(Color32::from_rgb(40, 150, 220)),
            );
        });
    if !with_kl {
        return;
    }
    Plot::new("training_kl")
        .height(plots * 0.38)
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .y_axis_min_width(44.0)
        .include_y(0.0)
        .x_axis_label("iteration")
        // The KL's name on its axis, not in a legend: this plot is short, and a legend box
        // would cover half of it.
        .y_axis_label("KL")
        .allow_scroll(false)
        .show(ui, |plot| {
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

/// A loss history as plot points, thinned to at most [`MAX_POINTS`] (a long run has
/// hundreds of thousands) and without the steps whose loss was not finite.
pub fn loss_points(history: &[(u64, f64)]) -> Vec<[f64; 2]> {
    let stride = history.len().div_ceil(MAX_POINTS).max(1);
    history
        .iter()
        .step_by(stride)
        .filter(|(_, l)| l.is_finite())
        .map(|&(s, l)| [s as f64, l])
        .collect()
}

/// A y-range for a loss curve that ignores its largest 5%: from the minimum to a quarter
/// beyond the 95th percentile (never past the maximum), padded by 5%. `None` for fewer than
/// two finite values.
pub fn robust_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let mut v: Vec<f64> = values.filter(|y| y.is_finite()).collect();
    if v.len() < 2 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let (lo, max) = (v[0], v[v.len() - 1]);
    let q95 = v[((v.len() - 1) as f64 * 0.95) as usize];
    let hi = (q95 + 0.25 * (q95 - lo)).min(max);
    let pad = 0.05 * (hi - lo).max(1e-9);
    Some((lo - pad, hi + pad))
}

/// The the training curves view in the registry ([`super::VIEWS`]); it keeps no state between frames.
pub struct TrainingView;

impl super::View for TrainingView {
    fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        self::ui(ui, session, height);
    }
}

#[cfg(test)]
mod tests {
    use super::robust_range;

    #[test]
    fn a_spike_at_the_start_does_not_set_the_loss_range() {
        // Banana's shape: a few hundred early, about 0.5 for the rest of the run.
        let losses = (0..1000).map(|i| {
            if i < 20 {
                450.0 - 20.0 * i as f64
            } else {
                0.5 + 1.0 / (1.0 + i as f64)
            }
        });
        let (lo, hi) = robust_range(losses).unwrap();
        assert!(lo < 0.5 && hi < 1.0, "{lo}..{hi}");
        assert_eq!(robust_range([1.0].into_iter()), None);
        let (lo, hi) = robust_range([1.0, 1.0, f64::NAN].into_iter()).unwrap();
        assert!(lo < 1.0 && hi > 1.0);
    }
}
