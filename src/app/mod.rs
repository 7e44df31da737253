//! The egui application: the panels and views around a [`session::Session`]. It calls the
//! engine; the engine never knows it exists. Platform specifics (screenshots, the browser's
//! test hooks) come in from the entries through [`FrameHook`].

pub mod panel;
pub mod session;
pub mod settings;
pub mod status;
pub mod views;

use session::{Command, Session};
use settings::Settings;
use status::WidgetRects;

/// Called at the end of every frame with the context and the session (the native entry uses
/// it for `--screenshot` and `--print-status`).
pub type FrameHook = Box<dyn FnMut(&egui::Context, &Session, &WidgetRects)>;

/// The key under which settings persist.
const SETTINGS_KEY: &str = "nhf-playground-settings";

/// The NHF Playground application.
pub struct NhfApp {
    /// The playground's state.
    pub session: Session,
    /// Rectangles of key widgets (for end-to-end tests).
    pub widgets: WidgetRects,
    position: views::PositionView,
    hook: Option<FrameHook>,
}

impl NhfApp {
    /// The app with settings restored from eframe's storage when present.
    pub fn new(cc: &eframe::CreationContext<'_>, hook: Option<FrameHook>) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        Self::with_settings(settings, hook)
    }

    /// The app with given settings (tests use this).
    pub fn with_settings(settings: Settings, hook: Option<FrameHook>) -> Self {
        Self {
            session: Session::new(settings),
            widgets: WidgetRects::default(),
            position: views::PositionView::default(),
            hook,
        }
    }

    /// Runs a JSON test command (see [`status::run_command`]).
    pub fn command(&mut self, json: &str) -> String {
        status::run_command(&mut self.session, json)
    }

    /// The JSON status (see [`status::status_json`]).
    pub fn status(&self) -> String {
        status::status_json(&self.session, &self.widgets)
    }

    fn keyboard(&self, ctx: &egui::Context) -> Vec<Command> {
        if ctx.egui_wants_keyboard_input() {
            return Vec::new();
        }
        ctx.input(|i| {
            let mut out = Vec::new();
            if i.key_pressed(egui::Key::Space) {
                out.push(if self.session.running {
                    Command::Pause
                } else {
                    Command::Train
                });
            }
            if i.key_pressed(egui::Key::ArrowRight) {
                out.push(Command::AnimStep(1));
            }
            if i.key_pressed(egui::Key::ArrowLeft) {
                out.push(Command::AnimStep(-1));
            }
            if i.key_pressed(egui::Key::R) {
                out.push(Command::Reset);
            }
            out
        })
    }

    fn apply(&mut self, commands: Vec<Command>) {
        for c in commands {
            if let Err(e) = self.session.apply(c) {
                self.session.error = Some(e);
            }
        }
    }
}

impl eframe::App for NhfApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let dt = f64::from(ctx.input(|i| i.stable_dt));
        self.session.tick(dt);
        let keys = self.keyboard(&ctx);
        self.apply(keys);

        egui::Panel::bottom("status").show(ui, |ui| {
            let s = &self.session;
            ui.horizontal(|ui| {
                ui.monospace(format!(
                    "{:5.1} fps | frame {:4.1} ms | iteration {} | loss {} | {} | state {}/{}",
                    s.fps,
                    s.frame_ms,
                    s.trainer.step,
                    s.trainer
                        .last_loss()
                        .filter(|l| l.is_finite())
                        .map_or("—".into(), |l| format!("{l:.3}")),
                    if s.running { "training" } else { "paused" },
                    s.anim.step(),
                    s.anim.trajectory.states.saturating_sub(1),
                ));
            });
        });
        let mut commands = Vec::new();
        egui::Panel::left("controls")
            .default_size(260.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    commands = panel::controls(ui, &mut self.session, &mut self.widgets);
                });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            self.position.ui(ui, &self.session);
        });
        self.apply(commands);
        if let Some(hook) = &mut self.hook {
            hook(&ctx, &self.session, &self.widgets);
        }
        // The view animates every frame.
        ctx.request_repaint();
    }

    /// Lets the web entry reach the app (`WebRunner::app_mut`) for the test interface. The
    /// trait has this method on wasm only, hence the one `cfg` outside the entry files.
    #[cfg(target_arch = "wasm32")]
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.session.settings);
    }
}
