//! The playground's views. Each reads the session and draws; none changes it.
//!
//! [`VIEWS`] is the one list of them: a new view is its own file here and one row there (its
//! name, description, default and how to make it); the view bar, links, the settings and the
//! layout all read the list.

pub mod colormap;
pub mod contours;
pub mod densities;
pub mod energy;
pub mod integrators;
pub mod interpretability;
pub mod phase;
pub mod position;
pub mod training;

pub use densities::DensitiesView;
pub use integrators::IntegratorView;
pub use interpretability::InterpretabilityView;
pub use position::PositionView;

use super::session::Session;
use super::status::UiReport;

/// A view in the column beside position space: it draws the session in the height it is given.
pub trait View {
    /// Draws the view in `height` points of `ui`.
    fn ui(&mut self, ui: &mut egui::Ui, session: &Session, height: f32);
    /// Adds what the view computed to the report the status line and the test interface read
    /// (most views have nothing to add).
    fn report(&self, _report: &mut UiReport) {}
}

/// What the playground knows about one view.
pub struct ViewInfo {
    /// The name links, commands and the test interface use.
    pub name: &'static str,
    /// What it shows, for the view bar's tooltip.
    pub description: &'static str,
    /// Whether it is shown unless a link or the user says otherwise.
    pub shown_by_default: bool,
    /// Whether it shows the model density on a grid (which the session then computes).
    pub needs_grid: bool,
    /// Makes it; `None` for position space, which the layout places itself (the square on the
    /// left, with the animation bar under it).
    pub make: Option<fn() -> Box<dyn View>>,
}

/// Every view, in display order.
pub const VIEWS: [ViewInfo; 7] = [
    ViewInfo {
        name: "position",
        description: "Particles in position space over the target density",
        shown_by_default: true,
        needs_grid: false,
        make: None,
    },
    ViewInfo {
        name: "phase",
        description: "(q₁, p₁) and (q₂, p₂) of the same particles",
        shown_by_default: true,
        needs_grid: false,
        make: Some(|| Box::new(phase::PhaseView)),
    },
    ViewInfo {
        name: "densities",
        description: "Target and learned density side by side, with marginals",
        shown_by_default: true,
        needs_grid: true,
        make: Some(|| Box::<DensitiesView>::default()),
    },
    ViewInfo {
        name: "training",
        description: "Loss and grid KL over training",
        shown_by_default: true,
        needs_grid: true,
        make: Some(|| Box::new(training::TrainingView)),
    },
    ViewInfo {
        name: "energy",
        description: "H along each trajectory and its drift",
        shown_by_default: true,
        needs_grid: false,
        make: Some(|| Box::new(energy::EnergyView)),
    },
    ViewInfo {
        name: "integrators",
        description: "Explicit Euler against leapfrog: energy error and phase-space area",
        shown_by_default: false,
        needs_grid: false,
        make: Some(|| Box::<IntegratorView>::default()),
    },
    ViewInfo {
        name: "interpretability",
        description: "The learned potential next to −log p of the target, and their correlation",
        shown_by_default: false,
        needs_grid: false,
        make: Some(|| Box::<InterpretabilityView>::default()),
    },
];

/// The view called `name`.
pub fn info(name: &str) -> Option<&'static ViewInfo> {
    VIEWS.iter().find(|v| v.name == name)
}

/// A small plot's x axis with its tick labels where they fit: egui_plot keeps labels 60 points
/// apart (made for long numbers) and steps by powers of ten, so a 200-point-wide plot of
/// −5 … 5 labelled only 0. Short labels may stand 24 points apart, and steps of powers of
/// two put them at −4, −2, 0, 2, 4.
pub(crate) fn short_x_labels<'a>(plot: egui_plot::Plot<'a>, label: &str) -> egui_plot::Plot<'a> {
    plot.custom_x_axes(vec![
        egui_plot::AxisHints::new_x()
            .label(label.to_owned())
            .label_spacing(30.0..=45.0)
            .formatter(|mark, _| tick_label(mark.value, mark.step_size)),
    ])
    .x_grid_spacer(egui_plot::log_grid_spacer(2))
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
}
