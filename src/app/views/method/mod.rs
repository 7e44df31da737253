//! The views of the methods other than the NHF: they take the whole view area while HMC or
//! L2HMC ([`chains_view`]) or a planar or radial flow ([`layers_view`]) runs. Each shows position space
//! on the left (the target's density, the particles moving step by step or layer by layer)
//! and, beside it, what the method produces and its figures.

pub mod backdrop;
pub mod chains_view;
pub mod compare_view;
pub mod layers_view;

use egui::Ui;

use super::super::session::{Command, MethodRun, Session};
use super::super::status::UiReport;

/// The method view: whichever the session's method needs.
#[derive(Default)]
pub struct MethodView {
    chains: chains_view::ChainsView,
    layers: layers_view::LayersView,
    compare: compare_view::CompareView,
}

impl MethodView {
    /// Draws the running method into the available space; returns the animation's commands.
    /// On a portrait screen the view is a column that scrolls.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session, report: &mut UiReport) -> Vec<Command> {
        let mut commands = Vec::new();
        let size = ui.available_size();
        let mut draw = |ui: &mut Ui| match &session.method_run {
            MethodRun::Nhf => {}
            MethodRun::Chains(run) => self.chains.ui(ui, session, run, report, &mut commands),
            MethodRun::Layers(run) => self.layers.ui(ui, session, run, report, &mut commands),
        };
        if size.x < size.y {
            egui::ScrollArea::vertical().show(ui, draw);
        } else {
            draw(ui);
        }
        commands
    }

    /// Draws the session's comparison of methods (scrolling when it does not fit); returns
    /// what the user asked.
    pub fn comparison(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        run: &super::super::session::ComparisonRun,
    ) -> Vec<Command> {
        egui::ScrollArea::both()
            .show(ui, |ui| self.compare.ui(ui, session, run))
            .inner
    }
}

/// The layout of a method view: position space above the rest on a portrait screen, beside it
/// otherwise.
fn arrangement(portrait: bool) -> egui::Layout {
    if portrait {
        egui::Layout::top_down(egui::Align::Min)
    } else {
        egui::Layout::left_to_right(egui::Align::Min)
    }
}

/// The animation's row: play or pause, a step back or on, and a slider over `end` states.
pub fn animation_row(
    ui: &mut Ui,
    session: &Session,
    position: f64,
    end: usize,
    unit: &str,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        let playing = session.anim.playing;
        if ui
            .button(if playing { "Stop" } else { "Play" })
            .on_hover_text("Play or pause the animation")
            .clicked()
        {
            commands.push(Command::AnimPlay(!playing));
        }
        if ui
            .button(format!("< {unit}"))
            .on_hover_text(format!("One {unit} back"))
            .clicked()
        {
            commands.push(Command::AnimStep(-1));
        }
        if ui
            .button(format!("{unit} >"))
            .on_hover_text(format!("One {unit} on"))
            .clicked()
        {
            commands.push(Command::AnimStep(1));
        }
        let mut s = position.floor() as usize;
        let slider = egui::Slider::new(&mut s, 0..=end).text(unit);
        if ui.add(slider).changed() {
            commands.push(Command::Scrub(s));
        }
    });
}

/// A small grid of figures: (name, value, what it means).
pub fn figures(ui: &mut Ui, id: &str, rows: &[(&str, String, &str)]) {
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        for (name, value, tip) in rows {
            ui.label(*name).on_hover_text(*tip);
            ui.monospace(value);
            ui.end_row();
        }
    });
}
