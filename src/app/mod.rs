//! The egui application: the panels and views around a [`session::Session`]. It calls the
//! engine; the engine never knows it exists. Platform specifics (screenshots, the browser's
//! test hooks) come in from the entries through [`FrameHook`].

mod arrangement;
mod box_fields;
pub mod canvas;
pub mod classroom;
mod command_json;
pub mod density_grid;
pub mod file_host;
pub mod files;
mod formula_editor;
pub mod link;
pub mod link_payload;
pub mod loaded_samples;
pub mod method_controls;
mod model_controls;
pub mod panel;
pub mod presets;
mod samples_box;
pub mod screen;
pub mod session;
pub mod setting_table;
pub mod setting_widgets;
pub mod settings;
pub mod shared_step;
mod side_by_side_views;
mod stacked_views;
pub mod status;
pub mod training_host;
pub mod ui_report;
pub mod view_set;
pub mod views;

use crate::names::Named;
use crate::nhf::Direction;
use session::{Command, Session};
use settings::Settings;
use status::UiReport;

/// Called at the end of every frame with the context and the session (the native entry uses
/// it for `--screenshot` and `--print-status`).
pub type FrameHook = Box<dyn FnMut(&egui::Context, &mut Session, &UiReport)>;

/// A requested screenshot: the slot the integration fills, and the rectangle to keep.
#[derive(Default)]
struct ViewShot {
    slot: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<egui::ColorImage>>>>,
    crop: Option<[usize; 4]>,
}

impl ViewShot {
    /// Asks for a screenshot of the next frame, to keep `rect` (points) of it.
    fn request(&mut self, ctx: &egui::Context, rect: egui::Rect) {
        let ppp = ctx.pixels_per_point();
        let r = rect.intersect(ctx.content_rect());
        self.crop = Some(
            [r.min.x, r.min.y, r.width(), r.height()].map(|v| (v * ppp).round().max(0.0) as usize),
        );
        let slot = self.slot.clone();
        ctx.request_screenshot(move |image| {
            if let Ok(mut s) = slot.lock() {
                *s = Some(image);
            }
        });
    }

    /// The PNG, once the screenshot has arrived.
    fn take(&mut self, target: &str, step: u64) -> Option<Result<files::FileOut, String>> {
        let image = self.slot.lock().ok()?.take()?;
        let crop = self.crop.take()?;
        Some(files::png_of(
            &image,
            crop,
            format!("nhf-{target}-step{step}-views.png"),
        ))
    }
}

/// The key under which settings persist, as a JSON string (eframe's RON `set_value` compiled
/// every settings type a second time: 51 KB of the gzipped wasm; the old key is not read).
const SETTINGS_KEY: &str = "nhf-playground-settings-json";

/// The time between frames when nothing moves ([`session::Session::wants_frames`]).
const IDLE_FRAME: std::time::Duration = std::time::Duration::from_millis(100);

/// The time between frames while a timing of the step runs in the workers.
const BENCH_FRAME: std::time::Duration = std::time::Duration::from_millis(500);

/// The NHF Playground application.
pub struct NhfApp {
    /// The playground's state.
    pub session: Session,
    /// Rectangles of key widgets (for end-to-end tests).
    pub widgets: UiReport,
    position: views::PositionView,
    /// What HMC or a planar or radial flow shows, in place of the NHF's views.
    method_view: views::MethodView,
    /// The views of the column beside position space, made from [`views::VIEWS`].
    column: Vec<(&'static str, Box<dyn views::View>)>,
    /// The classroom zoom last applied (the user may zoom further by hand).
    applied_zoom: Option<f32>,
    /// Where the views were drawn last frame (points).
    views_rect: egui::Rect,
    /// A screenshot for "Export view", once the integration delivers it, and the views'
    /// rectangle in physical pixels when it was asked for.
    view_shot: ViewShot,
    hook: Option<FrameHook>,
    /// The arrangement last applied (its spacing is in the style).
    screen: Option<screen::Screen>,
    /// Whether the controls panel (or, stacked, the drawer) is open.
    panel_open: bool,
    /// The view shown under position space on a portrait screen.
    tab: &'static str,
    /// Whether the window is a touch screen (the browser entry says; a touch also tells).
    pub touch: bool,
    /// Whether the style's controls have been sized for fingers.
    spacing_for_touch: bool,
    /// Paint the window's background as a rectangle instead of leaving it to the integration's
    /// clear colour ([`eframe::App::clear_color`]). The panels are unfilled (see [`unfilled`]);
    /// a renderer that clears to transparent instead, as egui_kittest's does, needs this.
    pub paints_background: bool,
}

impl NhfApp {
    /// The app with settings restored from eframe's storage when present, then the link
    /// (a URL, its hash or `key=value&…`) applied over them if one is given: a bad link leaves
    /// the restored settings and says why. `base_url` is the page's address without its hash
    /// (empty natively), for "Copy link".
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        hook: Option<FrameHook>,
        link: Option<&str>,
        base_url: &str,
    ) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| s.get_string(SETTINGS_KEY))
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        let mut app = Self::with_settings(settings, hook);
        app.session.base_url = base_url.to_string();
        if let Some(link) = link.filter(|l| !l.trim().trim_start_matches('#').is_empty()) {
            let _ = app.session.apply(Command::Link(link.to_string()));
        }
        app
    }

    /// The app with given settings (tests use this).
    pub fn with_settings(settings: Settings, hook: Option<FrameHook>) -> Self {
        Self {
            session: Session::new(settings),
            widgets: UiReport::default(),
            position: views::PositionView::default(),
            method_view: views::MethodView::default(),
            column: views::VIEWS
                .iter()
                .filter_map(|v| Some((v.name, views::make(v.name)?)))
                .collect(),
            applied_zoom: None,
            views_rect: egui::Rect::NOTHING,
            view_shot: ViewShot::default(),
            hook,
            screen: None,
            panel_open: true,
            tab: "phase",
            touch: false,
            spacing_for_touch: false,
            paints_background: false,
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
            // Failures are kept in the session's message for the user to read.
            let _ = self.session.apply(c);
        }
    }
}

/// A panel's frame without its fill, because the clear colour is the panels' fill already
/// ([`eframe::App::clear_color`]). A software rasteriser (Chromium without a GPU runs
/// SwiftShader on the CPU) pays for every pixel of every filled shape, and the panels' fills
/// were a million pixels a frame at 1280×800: removing them took a third off the browser's
/// rendering time per frame.
fn unfilled(frame: egui::Frame) -> egui::Frame {
    frame.fill(egui::Color32::TRANSPARENT)
}

/// The last problem, where the user looks: above the views, until dismissed.
fn error_banner(ui: &mut egui::Ui, error: &str) -> Option<Command> {
    let mut dismiss = false;
    egui::Frame::group(ui.style())
        .fill(ui.visuals().extreme_bg_color)
        .stroke(egui::Stroke::new(1.0, ui.visuals().error_fg_color))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    dismiss = ui.small_button("dismiss").clicked();
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Min), |ui| {
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(error).color(ui.visuals().error_fg_color),
                            )
                            .wrap(),
                        );
                    });
                });
            });
        });
    dismiss.then_some(Command::DismissError)
}

/// The active preset's explanation, above the views, with a button to close it.
fn preset_note(ui: &mut egui::Ui, preset: &presets::Preset) -> Option<Command> {
    let mut close = false;
    // A long explanation would squeeze the views: past a fifth of the height it scrolls, and
    // in portrait (a phone, where the views share one column) past three and a half lines.
    let portrait = ui.available_width() < ui.available_height();
    let lines = ui.text_style_height(&egui::TextStyle::Body) * 3.5;
    let max_height = if portrait {
        lines
    } else {
        (ui.available_height() * 0.2).max(lines)
    };
    egui::Frame::group(ui.style())
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(format!("Preset: {}", preset.title)).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    close = ui
                        .small_button("close")
                        .on_hover_text("Hide this explanation")
                        .clicked();
                });
            });
            egui::ScrollArea::vertical()
                .id_salt("preset-explanation")
                .max_height(max_height)
                .show(ui, |ui| ui.label(preset.explanation));
        });
    close.then_some(Command::ClosePreset)
}

/// The strip above the views: which views are shown, and which way the particles move.
fn view_bar(ui: &mut egui::Ui, session: &mut Session) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.horizontal_wrapped(|ui| {
        ui.label("views:");
        for view in &views::VIEWS {
            let shown = session.settings.views.is_visible(view.name);
            if ui
                .selectable_label(shown, view.name)
                .on_hover_text(view.description)
                .clicked()
            {
                commands.push(Command::View(view.name.into(), !shown));
            }
        }
        ui.separator();
        ui.checkbox(&mut session.settings.potential_background, "potential V")
            .on_hover_text(
                "Show the current block's learned potential V_k behind the particles (bright \
                 where V is low, where particles are pulled), with the target's density as \
                 green contours. With the fixed kinetic energy, V learns roughly -log p of the \
                 target.",
            );
        ui.separator();
        let direction = session.anim.direction.unwrap_or(Direction::Generate);
        for (d, label, tip) in [
            (
                Direction::Generate,
                "generate",
                "Particles start from the Gaussian prior and the flow carries them to the target",
            ),
            (
                Direction::Normalize,
                "normalize",
                "Particles start from target samples and the inverse flow carries them back to the Gaussian prior",
            ),
        ] {
            if ui
                .selectable_label(direction == d, label)
                .on_hover_text(tip)
                .clicked()
                && direction != d
            {
                commands.push(Command::Direction(d));
            }
        }
    });
    commands
}

impl eframe::App for NhfApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.paints_background {
            ui.painter()
                .rect_filled(ctx.content_rect(), 0.0, ui.visuals().panel_fill);
        }
        // The previous frame's CPU time, all of it (the tick alone until eframe reports one).
        self.session.frame_ms = frame
            .info()
            .cpu_usage
            .map_or(self.session.tick_ms, |s| f64::from(s) * 1000.0);
        self.session.frame_times.push(self.session.frame_ms);
        let dt = f64::from(ctx.input(|i| i.stable_dt));
        self.session.tick(dt);
        let keys = self.keyboard(&ctx);
        self.apply(keys);

        let zoom = self.session.classroom.zoom;
        if self.applied_zoom != Some(zoom) {
            self.applied_zoom = Some(zoom);
            ctx.set_zoom_factor(zoom);
        }
        let hidden = self.session.classroom.clone();
        let narrow = self.screen == Some(screen::Screen::Stacked);
        if !hidden.hides("status") {
            egui::Panel::bottom("status")
                .frame(unfilled(egui::Frame::side_top_panel(ui.style())))
                .show(ui, |ui| {
                    let s = &self.session;
                    ui.horizontal(|ui| {
                        if let Some(iteration) = s.method_run.iteration() {
                            let what = format!(
                                "{} | iteration {iteration} | {}",
                                s.settings.method.name(),
                                if s.running { "running" } else { "paused" },
                            );
                            ui.monospace(if narrow {
                                what
                            } else {
                                format!("{:5.1} fps | frame {:4.1} ms | {what}", s.fps, s.frame_ms)
                            });
                            return;
                        }
                        let loss = s
                            .trainer
                            .last_loss()
                            .filter(|l| l.is_finite())
                            .map_or("—".into(), |l| format!("{l:.3}"));
                        let state = if s.running { "training" } else { "paused" };
                        if narrow {
                            // A phone's line: what a student needs, without the timings.
                            ui.monospace(format!(
                                "iteration {} | loss {loss} | {state}",
                                s.trainer.step
                            ));
                            return;
                        }
                        ui.monospace(format!(
                            "{:5.1} fps | frame {:4.1} ms | iteration {} | loss {loss} | {state} | state {}/{}",
                            s.fps,
                            s.frame_ms,
                            s.trainer.step,
                            s.anim.step(),
                            s.anim.trajectory.states.saturating_sub(1),
                        ));
                    });
                });
        }
        let commands = self.arrange(ui, &hidden);
        self.widgets.potential_correlation = None;
        for (name, view) in &self.column {
            if self.session.settings.views.is_visible(name) {
                view.report(&mut self.widgets);
            }
        }
        self.apply(commands);
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        self.session.receive_files(&dropped);
        if std::mem::take(&mut self.session.wants_view_png) {
            self.view_shot.request(&ctx, self.views_rect);
        }
        let target = self.session.target.id().to_string();
        match self.view_shot.take(&target, self.session.trainer.step) {
            Some(Ok(file)) => {
                self.session.offer(file, "view");
            }
            Some(Err(e)) => {
                self.session.error = Some(e.clone());
                self.session.message = Some(e);
            }
            None => {}
        }
        if let Some(hook) = &mut self.hook {
            hook(&ctx, &mut self.session, &self.widgets);
        }
        if self.session.bench_running {
            // A timing of the step runs in the workers: on a machine with few cores the page's
            // frames (rasterised on the CPU in a browser without a GPU) would take time from
            // the cores being timed, so it draws only to pick the result up.
            ctx.request_repaint_after(BENCH_FRAME);
        } else if self.session.wants_frames() {
            ctx.request_repaint();
        } else {
            // Idle: files read in the background and a bench's timing are still picked up
            // within a tenth of a second.
            ctx.request_repaint_after(IDLE_FRAME);
        }
    }

    /// Lets the web entry reach the app (`WebRunner::app_mut`) for the test interface. The
    /// trait has this method on wasm only, hence the one `cfg` outside the entry files.
    #[cfg(target_arch = "wasm32")]
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(&self.session.settings) {
            storage.set_string(SETTINGS_KEY, text);
        }
    }
}
