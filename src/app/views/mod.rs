//! The playground's views. Each reads the session and draws; none changes it.

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
