//! The views on a landscape screen ([`super::screen::Screen::Wide`] and `Compact`): position
//! space as a square on the left with the animation bar under it, the other views stacked on the
//! right; on a short screen the bar moves to the top of the right column and the views there
//! are shown one at a time, by tabs.

use super::session::Command;
use super::{NhfApp, panel};

/// Keeps what `ui` draws inside `width` × `height` from its top-left: a view wider than its
/// share (a plot's axes on a narrow screen) is cut at its edge instead of drawing over the
/// next view or off the screen.
pub(super) fn clip_to(ui: &mut egui::Ui, width: f32, height: f32) {
    let rect = egui::Rect::from_min_size(ui.max_rect().min, egui::vec2(width, height));
    ui.set_clip_rect(rect.intersect(ui.clip_rect()));
}

/// Below this height of the views, the animation bar moves beside position space.
const SHORT_SCREEN: f32 = 480.0;

/// Below this height per view, the column beside position space shows one view at a time.
const MIN_VIEW_HEIGHT: f32 = 140.0;

impl NhfApp {
    /// Lays out the visible views: position space as a square on the left, the others
    /// stacked on the right (or everything stacked when position space is hidden).
    pub(super) fn views(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        self.widgets.forget_position();
        let views = &self.session.settings.views;
        let visible = views.visible();
        self.widgets
            .view_ms
            .retain(|name, _| visible.contains(name));
        let others: Vec<&str> = visible.into_iter().filter(|v| *v != "position").collect();
        let size = ui.available_size();
        let gap = ui.spacing().item_spacing;
        let left = if views.is_visible("position") {
            if others.is_empty() {
                size.x
            } else {
                size.y.min(size.x * 0.5)
            }
        } else {
            0.0
        };
        let show_position = views.is_visible("position");
        let bar = show_position && !self.session.classroom.hides("animation");
        // On a short screen (a landscape phone) position space keeps the whole height and the
        // animation bar goes to the top of the column beside it.
        let bar_beside = bar && size.y < SHORT_SCREEN && !others.is_empty();
        ui.horizontal_top(|ui| {
            if show_position {
                ui.allocate_ui(egui::vec2(left, size.y), |ui| {
                    ui.vertical(|ui| {
                        let start = web_time::Instant::now();
                        let bar = bar && !bar_beside;
                        let height = size.y
                            - if bar {
                                panel::animation_bar_height(ui, left)
                            } else {
                                0.0
                            };
                        let drawn = ui.allocate_ui(egui::vec2(left, height), |ui| {
                            commands = self.position.ui(ui, &self.session, &mut self.widgets);
                        });
                        self.widgets.view("position", drawn.response.rect);
                        self.widgets.time_view("position", start);
                        if bar {
                            ui.set_max_width(left);
                            panel::animation_bar(ui, &mut self.session, &mut commands);
                        }
                    });
                });
            }
            if others.is_empty() {
                return;
            }
            let width = (size.x - left - if left > 0.0 { gap.x } else { 0.0 }).max(100.0);
            let each =
                ((size.y - gap.y * (others.len() - 1) as f32) / others.len() as f32).max(80.0);
            if bar_beside || (each < MIN_VIEW_HEIGHT && others.len() > 1) {
                // Too short for all of them (a landscape phone): one at a time, by tabs.
                ui.allocate_ui(egui::vec2(width, size.y), |ui| {
                    ui.vertical(|ui| {
                        ui.set_width(width);
                        if bar_beside {
                            ui.set_max_width(width);
                            panel::animation_bar(ui, &mut self.session, &mut commands);
                        }
                        self.tabbed_view(ui, &others, width);
                    });
                });
                return;
            }
            ui.allocate_ui(egui::vec2(width, size.y), |ui| {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    for name in others {
                        let start = web_time::Instant::now();
                        let drawn = ui.allocate_ui(egui::vec2(width, each), |ui| {
                            ui.set_height(each);
                            clip_to(ui, width, each);
                            ui.push_id(name, |ui| {
                                if let Some((_, view)) =
                                    self.column.iter_mut().find(|(n, _)| *n == name)
                                {
                                    view.ui(ui, &self.session, each);
                                }
                            });
                        });
                        let at = drawn.response.rect.min;
                        self.widgets
                            .view(name, egui::Rect::from_min_size(at, egui::vec2(width, each)));
                        self.widgets.time_view(name, start);
                    }
                });
            });
        });
        commands
    }
}
