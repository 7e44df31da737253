//! The views on a portrait screen ([`super::screen::Screen::Stacked`]): position space on top
//! at the full width with the animation bar under it, then one tab per other visible view and
//! the chosen one in the height that is left (also the column beside position space when it is
//! too short for all of them).

use super::session::Command;
use super::{NhfApp, panel};

/// Height kept below position space for the tabs and the chosen view, at least.
const BELOW_POSITION: f32 = 220.0;
/// What the tabs and the chosen view keep when the drawn target's paint tools take room:
/// the picture being painted matters more than the view under it.
const BELOW_POSITION_WITH_TOOLS: f32 = 130.0;

impl NhfApp {
    /// Lays out the visible views stacked; returns the animation's and painting's commands.
    pub(super) fn stacked_views(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        self.widgets.forget_position();
        let views = &self.session.settings.views;
        let others: Vec<&'static str> = views
            .visible()
            .into_iter()
            .filter(|v| *v != "position")
            .collect();
        let size = ui.available_size();
        let width = size.x;
        if views.is_visible("position") {
            let bar = !self.session.classroom.hides("animation");
            let bar_height = if bar {
                panel::animation_bar_height(ui, width)
            } else {
                0.0
            };
            // The drawn target's paint tools sit above the square, in room taken from the view
            // below rather than from the square.
            let tools = self.position.tools_height();
            let below = if others.is_empty() {
                0.0
            } else {
                (BELOW_POSITION - tools).max(BELOW_POSITION_WITH_TOOLS)
            };
            let side = width.min(size.y - bar_height - below - tools).max(120.0);
            let start = web_time::Instant::now();
            let response = ui.allocate_ui(egui::vec2(width, side + tools), |ui| {
                commands = self.position.ui(ui, &self.session, &mut self.widgets);
            });
            self.widgets.view("position", response.response.rect);
            self.widgets.time_view("position", start);
            if bar {
                panel::animation_bar(ui, &mut self.session, &mut commands);
            }
        }
        if others.is_empty() {
            return commands;
        }
        let width = ui.available_width();
        self.tabbed_view(ui, &others, width);
        commands
    }
}

impl NhfApp {
    /// A tab per view of `others` and the chosen one below, in the height that is left.
    pub(super) fn tabbed_view(&mut self, ui: &mut egui::Ui, others: &[&'static str], width: f32) {
        if !others.contains(&self.tab) {
            self.tab = others[0];
        }
        ui.horizontal_wrapped(|ui| {
            for name in others {
                if ui.selectable_label(self.tab == *name, *name).clicked() {
                    self.tab = name;
                }
            }
        });
        let height = ui.available_height().max(80.0);
        let name = self.tab;
        let start = web_time::Instant::now();
        let response = ui.allocate_ui(egui::vec2(width, height), |ui| {
            ui.set_height(height);
            super::side_by_side_views::clip_to(ui, width, height);
            ui.push_id(name, |ui| {
                if let Some((_, view)) = self.column.iter_mut().find(|(n, _)| *n == name) {
                    view.ui(ui, &self.session, height);
                }
            });
        });
        let at = response.response.rect.min;
        self.widgets.view(
            name,
            egui::Rect::from_min_size(at, egui::vec2(width, height)),
        );
        self.widgets.time_view(name, start);
    }
}
