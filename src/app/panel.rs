//! The left control panel: target, training controls, model settings and animation.

use egui::{RichText, Ui};

use super::session::{Command, Session};
use super::status::WidgetRects;
use crate::targets;

fn rect_of(r: &egui::Response) -> Option<[f32; 4]> {
    let rect = r.rect;
    Some([rect.min.x, rect.min.y, rect.width(), rect.height()])
}

/// Draws the controls; returns the commands the user gave this frame.
pub fn controls(ui: &mut Ui, session: &mut Session, widgets: &mut WidgetRects) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("NHF Playground");
    ui.label(RichText::new("Neural Hamiltonian Flows, live").weak());
    ui.separator();

    ui.label(RichText::new("Target").strong());
    let current = session.target.name().to_string();
    egui::ComboBox::from_id_salt("target")
        .selected_text(current)
        .width(ui.available_width() - 8.0)
        .show_ui(ui, |ui| {
            for info in targets::catalog() {
                let selected = info.id == session.settings.target;
                if ui
                    .selectable_label(selected, &info.name)
                    .on_hover_text(&info.caption)
                    .clicked()
                    && !selected
                {
                    commands.push(Command::Target(info.id.clone()));
                }
            }
        });
    ui.label(RichText::new(session.target.caption()).small().weak());
    ui.separator();

    ui.label(RichText::new("Training").strong());
    ui.horizontal(|ui| {
        let (label, cmd) = if session.running {
            ("Pause", Command::Pause)
        } else {
            ("Train", Command::Train)
        };
        let train = ui
            .button(label)
            .on_hover_text("Start or pause training (space)");
        widgets.train_button = rect_of(&train);
        if train.clicked() {
            commands.push(cmd);
        }
        if ui
            .button("Step")
            .on_hover_text("Train exactly one iteration")
            .clicked()
        {
            commands.push(Command::Step);
        }
        let reset = ui
            .button("Reset")
            .on_hover_text("New parameters from the seed (R)");
        widgets.reset_button = rect_of(&reset);
        if reset.clicked() {
            commands.push(Command::Reset);
        }
    });
    egui::Grid::new("metrics").num_columns(2).show(ui, |ui| {
        ui.label("iteration");
        ui.label(session.trainer.step.to_string());
        ui.end_row();
        ui.label("loss");
        ui.label(
            session
                .trainer
                .last_loss()
                .filter(|l| l.is_finite())
                .map_or("—".into(), |l| format!("{l:.4}")),
        );
        ui.end_row();
        ui.label("parameters");
        ui.label(session.flow().param_count().to_string());
        ui.end_row();
        ui.label("iterations/s");
        ui.label(format!("{:.0}", session.iters_per_sec));
        ui.end_row();
    });
    if let Some(error) = &session.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    ui.separator();

    ui.label(RichText::new("Animation").strong());
    ui.horizontal(|ui| {
        let play = if session.anim.playing { "Stop" } else { "Play" };
        if ui
            .button(play)
            .on_hover_text("Play or pause the particles")
            .clicked()
        {
            commands.push(Command::AnimPlay(!session.anim.playing));
        }
        if ui
            .button("< step")
            .on_hover_text("One leapfrog step back (left arrow key)")
            .clicked()
        {
            commands.push(Command::AnimStep(-1));
        }
        if ui
            .button("step >")
            .on_hover_text("One leapfrog step forward (right arrow key)")
            .clicked()
        {
            commands.push(Command::AnimStep(1));
        }
    });
    let max = session.anim.trajectory.states.saturating_sub(1);
    let mut s = session.anim.step();
    if ui
        .add(egui::Slider::new(&mut s, 0..=max).text("state"))
        .on_hover_text("Scrub through all K·L leapfrog steps")
        .changed()
    {
        commands.push(Command::Scrub(s));
    }
    ui.add(egui::Slider::new(&mut session.settings.anim_speed, 1.0..=60.0).text("steps/s"))
        .on_hover_text("Leapfrog steps shown per second");
    ui.checkbox(&mut session.settings.trails, "trails")
        .on_hover_text("Fading trails behind the particles");
    commands
}
