//! The playground's views. Each reads the session and draws; none changes it.
//!
//! [`VIEWS`] is the one list of them (in `view_set.rs`, beside the settings that switch them):
//! a new view is its own file here, one row there (name, description, default) and one arm in
//! [`make`]; the view bar, links, the settings and the layout all read the list.

pub mod colormap;
pub mod contours;
pub mod densities;
pub mod energy;
pub mod integrators;
pub mod interpretability;
pub mod line_mesh;
pub mod method;
pub mod phase;
pub mod position;
pub mod training;
pub mod zoom;

pub use densities::DensitiesView;
pub use integrators::IntegratorView;
pub use interpretability::InterpretabilityView;
pub use method::MethodView;
pub use position::PositionView;

use super::session::Session;
use super::status::UiReport;
pub use super::view_set::{VIEWS, ViewInfo};

/// A view in the column beside position space: it draws the session in the height it is given.
pub trait View {
    /// Draws the view in `height` points of `ui`.
    fn ui(&mut self, ui: &mut egui::Ui, session: &Session, height: f32);
    /// Adds what the view computed to the report the status line and the test interface read
    /// (most views have nothing to add).
    fn report(&self, _report: &mut UiReport) {}
}

/// Makes the view called `name` for the column beside position space; `None` for position
/// space (the layout places it itself) and for unknown names. Every other view of
/// [`VIEWS`] has an arm here (tested).
pub fn make(name: &str) -> Option<Box<dyn View>> {
    Some(match name {
        "phase" => Box::new(phase::PhaseView),
        "densities" => Box::<DensitiesView>::default(),
        "training" => Box::new(training::TrainingView),
        "energy" => Box::new(energy::EnergyView),
        "integrators" => Box::<IntegratorView>::default(),
        "interpretability" => Box::<InterpretabilityView>::default(),
        _ => return None,
    })
}

/// A small plot's x axis with its tick labels where they fit: egui_plot keeps labels 60 points
/// apart (made for long numbers) and steps by powers of ten, so a 200-point-wide plot of
/// −5 … 5 labelled only 0. Short labels may stand 24 points apart, and steps of powers of
/// two put them at −4, −2, 0, 2, 4.
///
/// `axis_width` is the x axis's width in points (the plot's, less its y axis's if it shows
/// one: [`Y_AXIS_WIDTH`]). A label is drawn only where it fits inside the plot: egui_plot
/// centres it on its tick, and at the panel's edge half of "12" is clipped off and the "1"
/// that stays reads as another number.
pub(crate) fn short_x_labels<'a>(
    plot: egui_plot::Plot<'a>,
    label: &str,
    axis_width: f32,
) -> egui_plot::Plot<'a> {
    plot.custom_x_axes(vec![
        egui_plot::AxisHints::new_x()
            .label(label.to_owned())
            .label_spacing(30.0..=45.0)
            .formatter(move |mark, range| {
                let text = tick_label(mark.value, mark.step_size);
                if inside_the_axis(mark.value, range, &text, axis_width) {
                    text
                } else {
                    String::new()
                }
            }),
    ])
    .x_grid_spacer(egui_plot::log_grid_spacer(2))
}

/// Points a y axis with short tick labels and a short name takes from a plot's width.
pub(crate) const Y_AXIS_WIDTH: f32 = 30.0;

/// Points a tick label's text takes at the body size (a digit or a minus sign about 7, a
/// decimal point half that).
fn label_points(text: &str) -> f64 {
    text.chars().map(|c| if c == '.' { 3.5 } else { 7.0 }).sum()
}

/// Whether `text`, centred on the tick at `value`, lies whole inside an x axis `axis_width`
/// points wide that shows `range`.
fn inside_the_axis(
    value: f64,
    range: &std::ops::RangeInclusive<f64>,
    text: &str,
    axis_width: f32,
) -> bool {
    let span = range.end() - range.start();
    if span.is_nan() || span <= 0.0 {
        return true;
    }
    let to_edge = (value - range.start()).min(range.end() - value) / span * f64::from(axis_width);
    to_edge >= 0.5 * label_points(text)
}

/// A tick's value with as many decimals as its step needs (0.25 → two), no more.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6) as usize;
    format!("{value:.decimals$}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn tick_labels_have_the_decimals_of_their_step() {
        assert_eq!(super::tick_label(-4.0, 2.0), "-4");
        assert_eq!(super::tick_label(-3.5, 0.5), "-3.5");
        assert_eq!(super::tick_label(0.75, 0.25), "0.75");
        assert_eq!(super::tick_label(0.125, 0.125), "0.125");
    }

    #[test]
    fn a_label_at_the_plot_edge_is_left_out() {
        // −10 … 12.2 on an axis of 400 points: 18 points per unit.
        let range = -10.0..=12.2;
        assert!(super::inside_the_axis(8.0, &range, "8", 400.0));
        assert!(
            !super::inside_the_axis(12.0, &range, "12", 400.0),
            "4 points from the edge"
        );
        assert!(
            super::inside_the_axis(12.0, &(-10.0..=12.5), "12", 400.0),
            "9 points"
        );
        assert!(super::inside_the_axis(-8.0, &range, "-8", 400.0));
        assert!(!super::inside_the_axis(-10.0, &range, "-10", 400.0));
        assert!(super::inside_the_axis(0.0, &(0.0..=0.0), "0", 400.0));
    }
}
