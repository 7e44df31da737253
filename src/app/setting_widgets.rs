//! The small widgets the panel's sections share: a numeric setting's slider (its range, label
//! and tip from [`setting_table::NUMBERS`]) and a widget's rectangle for the test report.

use egui::Ui;

use super::session::Command;
use super::setting_table;
use super::settings::Settings;

/// A widget's rectangle as the test report spells it: [x, y, width, height] in points.
pub fn rect_of(r: &egui::Response) -> Option<[f32; 4]> {
    let rect = r.rect;
    Some([rect.min.x, rect.min.y, rect.width(), rect.height()])
}

/// The slider of a numeric setting of [`setting_table::NUMBERS`]: its range, label and tip
/// come from the table; a change becomes a [`Command::Set`].
pub fn setting_slider(ui: &mut Ui, settings: &Settings, key: &str, commands: &mut Vec<Command>) {
    slider_of(ui, settings, key, commands, true);
}

/// [`setting_slider`] without its value box, for a row too narrow for both: the value is in
/// the label instead ("steps/s 12.0"), so it shows while a finger drags the slider.
pub fn compact_setting_slider(
    ui: &mut Ui,
    settings: &Settings,
    key: &str,
    commands: &mut Vec<Command>,
) {
    slider_of(ui, settings, key, commands, false);
}

fn slider_of(
    ui: &mut Ui,
    settings: &Settings,
    key: &str,
    commands: &mut Vec<Command>,
    show_value: bool,
) {
    let Some(n) = setting_table::number(key) else {
        return;
    };
    let mut value = (n.get)(settings);
    let label = match (show_value, n.whole) {
        (true, _) => n.label.to_string(),
        (false, true) => format!("{} {}", n.label, value.round()),
        (false, false) => format!("{} {value:.1}", n.label),
    };
    let mut slider = egui::Slider::new(&mut value, n.range.clone())
        .logarithmic(n.log)
        .show_value(show_value)
        .text(label);
    if n.whole {
        slider = slider.integer();
    }
    if ui.add(slider).on_hover_text(n.tip).changed() {
        commands.push(Command::Set(key.into(), n.json(value)));
    }
}
