//! The window's panels for its [`Screen`]: the controls beside the views on a wide screen,
//! beside them but folding away on a landscape phone or tablet, and in a drawer over stacked
//! views on a portrait one; a bar of the buttons a finger needs first when the panel is not
//! always there.

use super::screen::{Screen, apply_touch_spacing};
use super::session::{self, Command};
use super::setting_widgets::rect_of;
use super::{NhfApp, error_banner, panel, preset_note, unfilled, view_bar};
use crate::app::link::Classroom;

impl NhfApp {
    /// Lays out the panels and the views for the window's size; returns what the user asked.
    pub(super) fn arrange(&mut self, ui: &mut egui::Ui, hidden: &Classroom) -> Vec<Command> {
        let ctx = ui.ctx().clone();
        let size = ctx.content_rect().size();
        // A touch anywhere makes it a touch screen (a laptop's touch screen the entry missed).
        self.touch |= ctx.input(|i| i.any_touches());
        let screen = Screen::of(size, self.touch);
        if self.screen != Some(screen) {
            self.screen = Some(screen);
            self.panel_open = screen.panel_starts_open(size);
        }
        if self.touch && !self.spacing_for_touch {
            self.spacing_for_touch = true;
            ctx.all_styles_mut(apply_touch_spacing);
        }
        self.widgets.screen = match screen {
            Screen::Wide => "wide",
            Screen::Compact => "compact",
            Screen::Stacked => "stacked",
        };
        self.widgets.views.clear();
        self.widgets.panel = None;
        let mut commands = Vec::new();
        let controls = !hidden.hides("controls");
        let touch_train = if controls && screen != Screen::Wide {
            self.touch_bar(ui, &mut commands)
        } else {
            None
        };
        let panel_frame = unfilled(egui::Frame::side_top_panel(ui.style()));
        match screen {
            Screen::Wide if controls => {
                let shown = egui::Panel::left("controls")
                    .default_size(260.0)
                    .frame(panel_frame)
                    .show(ui, |ui| self.controls(ui, hidden));
                commands.extend(shown.inner);
                self.widgets.panel = Some(rect(shown.response.rect));
            }
            Screen::Compact if controls => {
                let mut open = self.panel_open;
                let shown = egui::Panel::left("controls")
                    .default_size(280.0)
                    .frame(panel_frame)
                    .show_collapsible(ui, &mut open, |ui| self.controls(ui, hidden));
                self.panel_open = open;
                if let Some(shown) = shown {
                    commands.extend(shown.inner);
                    self.widgets.panel = Some(rect(shown.response.rect));
                }
            }
            Screen::Stacked if controls && self.panel_open => {
                // The drawer covers the views: a portrait phone has no room for both.
                let shown = egui::CentralPanel::default()
                    .frame(panel_frame)
                    .show(ui, |ui| self.controls(ui, hidden));
                commands.extend(shown.inner);
                self.widgets.panel = Some(rect(shown.response.rect));
                self.widgets.forget_position();
                self.widgets.train_button = touch_train;
                return commands;
            }
            _ => {}
        }
        if touch_train.is_some() {
            // The bar's Train is always in sight; the panel's may be scrolled away.
            self.widgets.train_button = touch_train;
        }
        egui::CentralPanel::default()
            .frame(unfilled(egui::Frame::central_panel(ui.style())))
            .show(ui, |ui| {
                if let Some(error) = &self.session.error {
                    commands.extend(error_banner(ui, error));
                }
                if let Some(preset) = self.session.preset {
                    commands.extend(preset_note(ui, preset));
                }
                let comparing = self.session.comparison.is_some();
                let nhf = matches!(self.session.method_run, session::MethodRun::Nhf);
                // On a phone or tablet the view bar's rows of finger-sized buttons would push
                // the views down: it sits at the top of the controls instead.
                if !hidden.hides("views") && nhf && !comparing && screen == Screen::Wide {
                    commands.extend(view_bar(ui, &mut self.session));
                }
                self.views_rect = ui.available_rect_before_wrap();
                let painted = if let Some(run) = &self.session.comparison {
                    self.widgets.forget_position();
                    self.widgets.view("compare", self.views_rect);
                    self.method_view.comparison(ui, &self.session, run)
                } else if !nhf {
                    self.widgets.forget_position();
                    self.widgets.view("method", self.views_rect);
                    self.method_view.ui(ui, &self.session, &mut self.widgets)
                } else if screen == Screen::Stacked {
                    self.stacked_views(ui)
                } else {
                    self.views(ui)
                };
                commands.extend(painted);
            });
        commands
    }

    /// The controls, scrolling; on a phone or tablet the view bar first.
    fn controls(&mut self, ui: &mut egui::Ui, hidden: &Classroom) -> Vec<Command> {
        let view_bar_here = self.screen != Some(Screen::Wide)
            && !hidden.hides("views")
            && matches!(self.session.method_run, session::MethodRun::Nhf)
            && self.session.comparison.is_none();
        egui::ScrollArea::vertical()
            .show(ui, |ui| {
                let mut commands = Vec::new();
                if view_bar_here {
                    commands.extend(view_bar(ui, &mut self.session));
                    ui.separator();
                }
                commands.extend(panel::controls(ui, &mut self.session, &mut self.widgets));
                commands
            })
            .inner
    }

    /// The bar above everything on a phone or tablet: the panel's toggle, and Train or Pause
    /// so a run starts without opening the panel; returns where that button is.
    fn touch_bar(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) -> Option<[f32; 4]> {
        let mut train_rect = None;
        egui::Panel::top("touch-bar")
            .frame(unfilled(egui::Frame::side_top_panel(ui.style())))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let toggle = if self.panel_open {
                        "Hide controls"
                    } else {
                        "Controls"
                    };
                    let button = ui.button(toggle);
                    self.widgets.panel_button = rect_of(&button);
                    if button.clicked() {
                        self.panel_open = !self.panel_open;
                    }
                    let running = self.session.running;
                    let train = ui.button(if running { "Pause" } else { "Train" });
                    train_rect = rect_of(&train);
                    if train.clicked() {
                        commands.push(if running {
                            Command::Pause
                        } else {
                            Command::Train
                        });
                    }
                    ui.label(egui::RichText::new(self.session.target.name()).strong());
                });
            });
        train_rect
    }
}

/// A rectangle as the report writes it.
fn rect(r: egui::Rect) -> [f32; 4] {
    [r.min.x, r.min.y, r.width(), r.height()]
}
