//! The left control panel: target, training controls, model settings and animation.

use egui::{RichText, Ui};

use super::method_controls::{method_controls, method_picker};
use super::model_controls::model_controls;
use super::session::{CONSTANT_LR_RANGE, Command, MethodRun, Session};
use super::setting_widgets::{compact_setting_slider, rect_of, setting_slider};
use super::status::UiReport;
use crate::targets;

/// Draws the controls; returns the commands the user gave this frame.
pub fn controls(ui: &mut Ui, session: &mut Session, widgets: &mut UiReport) -> Vec<Command> {
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
            if let Some(spec) = &session.settings.formula {
                let selected = session.settings.target == "formula";
                let name = format!("Formula: {}", spec.formula.trim());
                if ui.selectable_label(selected, name).clicked() && !selected {
                    commands.push(Command::Formula(spec.clone()));
                }
            }
            if let Some(samples) = &session.settings.samples {
                let selected = session.settings.target == "samples";
                let name = format!("Samples: {}", samples.spec.name);
                if ui.selectable_label(selected, name).clicked() && !selected {
                    commands.push(Command::Target("samples".into()));
                }
            }
            if let Some(spec) = &session.settings.mixture {
                let selected = session.settings.target == "custom";
                let name = format!(
                    "Custom: {}",
                    spec.name.as_deref().unwrap_or("loaded mixture")
                );
                if ui.selectable_label(selected, name).clicked() && !selected {
                    commands.push(Command::Target("custom".into()));
                }
            }
        });
    ui.label(RichText::new(session.target.caption()).small().weak());
    if !session.classroom.hides("files") {
        super::samples_box::samples_box(ui, session, &mut commands);
        super::formula_editor::formula_editor(ui, session, &mut commands);
    }
    ui.separator();
    if !session.classroom.hides("method") {
        method_picker(ui, session, widgets, &mut commands);
        ui.separator();
    }
    share(ui, session, &mut commands);
    if !session.classroom.hides("files") {
        file_controls(ui, widgets, &mut commands);
    }
    ui.separator();

    let hidden = session.classroom.clone();
    if !matches!(session.method_run, MethodRun::Nhf) {
        if !hidden.hides("training") {
            method_controls(ui, session, widgets, &mut commands);
        }
        return commands;
    }
    if !hidden.hides("training") {
        training_controls(ui, session, widgets, &mut commands);
        ui.separator();
    }
    if !hidden.hides("model") {
        model_controls(ui, session, &mut commands);
        ui.separator();
    }
    // With position space shown, the animation controls sit under it instead (see
    // `NhfApp::views`), where the particles they move are.
    if !hidden.hides("animation") && !session.settings.views.is_visible("position") {
        ui.label(RichText::new("Animation").strong());
        animation_controls(ui, session, &mut commands);
    }
    commands
}

/// Save and load the model, export samples.
fn file_controls(ui: &mut Ui, widgets: &mut UiReport, commands: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        let save = ui.button("Save model").on_hover_text(
            "The trained model as JSON: settings, target, parameters and optimiser state. \
                 Loading it resumes training exactly where it stopped.",
        );
        widgets.save_button = rect_of(&save);
        if save.clicked() {
            commands.push(Command::SaveModel);
        }
        let load = ui.button("Load file").on_hover_text(
            "Open a saved model file; a custom Gaussian mixture (JSON with \
                 \"components\": weight, mean, cov); or your own 2D samples (CSV or \
                 whitespace-separated text with two columns, or a .npy array of shape (n, 2)). \
                 A mixture or samples become the target. You can also drop a file onto the \
                 window.",
        );
        widgets.load_button = rect_of(&load);
        if load.clicked() {
            commands.push(Command::OpenModel);
        }
        if ui
            .button("Export samples")
            .on_hover_text("10,000 samples of the model as CSV, in the target's coordinates")
            .clicked()
        {
            commands.push(Command::ExportSamples(10_000));
        }
        if ui
            .button("Export view")
            .on_hover_text("The views as they are drawn now, as a PNG image")
            .clicked()
        {
            commands.push(Command::ExportView);
        }
    });
}

/// Presets and the link to the current state.
fn share(ui: &mut Ui, session: &Session, commands: &mut Vec<Command>) {
    egui::CollapsingHeader::new(RichText::new("Presets").strong())
        .default_open(!session.classroom.is_active())
        .show(ui, |ui| {
            for preset in &super::presets::PRESETS {
                let active = session.preset.is_some_and(|p| p.id == preset.id);
                if ui
                    .selectable_label(active, preset.title)
                    .on_hover_text(preset.explanation)
                    .clicked()
                {
                    commands.push(Command::Preset(preset.id.into()));
                }
            }
        });
    if ui
        .button("Copy link")
        .on_hover_text(
            "Copy a link to exactly this: target, model, seed, views and animation. Whoever \
             opens it (in a browser, or as the desktop app's argument) gets the same run.",
        )
        .clicked()
    {
        let url = format!("{}{}", session.base_url, session.link_hash());
        ui.ctx().copy_text(url);
    }
}

/// Train, pause, step, reset and the run's figures.
fn training_controls(
    ui: &mut Ui,
    session: &Session,
    widgets: &mut UiReport,
    commands: &mut Vec<Command>,
) {
    ui.label(RichText::new("Training").strong());
    ui.horizontal(|ui| {
        let done = session.trainer.schedule_done();
        let (label, cmd, tip) = if session.running {
            ("Pause", Command::Pause, "Pause training (space)")
        } else if done {
            (
                "Continue",
                Command::Train,
                "The learning-rate schedule has ended: train on with a new schedule of the \
                 same length, from this point (space)",
            )
        } else {
            ("Train", Command::Train, "Start or pause training (space)")
        };
        let train = ui.button(label).on_hover_text(tip);
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
        ui.label("learning rate");
        ui.label(format!("{:.2e}", session.trainer.current_lr()))
            .on_hover_text("The rate of the next iteration: it decays along a cosine to zero");
        ui.end_row();
        kernels_row(ui, commands);
    });
    super::setting_widgets::setting_slider(ui, &session.settings, "workers", commands);
    if let Some(text) = &session.finished {
        ui.label(RichText::new(text).small());
        // A constant rate the user picks, kept in egui's memory between frames.
        let id = ui.make_persistent_id("constant_lr");
        let mut lr: f64 = ui.data(|d| d.get_temp(id)).unwrap_or(1e-3);
        ui.horizontal(|ui| {
            let (lo, hi) = CONSTANT_LR_RANGE;
            ui.add(
                egui::DragValue::new(&mut lr)
                    .range(lo..=hi)
                    .speed(1e-4)
                    .max_decimals(5),
            );
            if ui
                .button("Continue at this rate")
                .on_hover_text("Train on at a constant learning rate, with no end")
                .clicked()
            {
                commands.push(Command::ContinueConstant(lr));
            }
        });
        ui.data_mut(|d| d.insert_temp(id, lr));
    }
}

/// Which kernels train: the switch to the fast ones, live on a desktop CPU with AVX and FMA
/// and greyed elsewhere; its hover says which kernels run now.
fn kernels_row(ui: &mut Ui, commands: &mut Vec<Command>) {
    use crate::nhf::lanes;
    ui.label("kernels");
    let mut fast = lanes::fast_kernels();
    let why = if lanes::fast_kernels_available() {
        "Fused multiply-adds: faster training on some CPUs, but the last bits differ from the \
         browser's, so a shared link will not replay this run exactly"
    } else {
        "Needs a desktop CPU with AVX and FMA: here the exact kernels run, the same bits on \
         every computer"
    };
    let switch = ui
        .add_enabled(
            lanes::fast_kernels_available(),
            egui::Checkbox::new(&mut fast, "fast (FMA)"),
        )
        .on_hover_text(format!("Now: {}. {why}", lanes::kernels_in_use()))
        .on_disabled_hover_text(format!("Now: {}. {why}", lanes::kernels_in_use()));
    if switch.changed() {
        commands.push(Command::FastKernels(fast));
    }
    ui.end_row();
}

/// The animation controls in a column (the panel, when position space is hidden).
fn animation_controls(ui: &mut Ui, session: &mut Session, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| animation_buttons(ui, session, commands));
    state_slider(ui, session, commands);
    speed_trails_particles(ui, session, commands, false);
}

/// Below this width the animation bar puts the scrub slider on a row of its own.
const ANIMATION_BAR_ONE_ROW_MIN: f32 = 460.0;

/// The height [`animation_bar`] takes at `width` points in `ui`'s style: measured with egui's
/// 20-point controls, and scaled with them when they are sized for fingers.
pub fn animation_bar_height(ui: &Ui, width: f32) -> f32 {
    let scale = (ui.spacing().interact_size.y / 20.0).max(1.0);
    scale
        * if width < ANIMATION_BAR_ONE_ROW_MIN {
            88.0
        } else {
            64.0
        }
}

/// The animation controls under position space, `width` points wide: buttons and the scrub
/// slider (two rows when narrow), then speed, trails and particles. Slider widths follow the
/// width, so the rows fit at 1000 points of window as at 1280.
pub fn animation_bar(ui: &mut Ui, session: &mut Session, commands: &mut Vec<Command>) {
    let width = ui.available_width();
    let scrub = |ui: &mut Ui, session: &Session, commands: &mut Vec<Command>| {
        // The slider's value box and label take about 100 points.
        ui.spacing_mut().slider_width = (ui.available_width() - 100.0).clamp(60.0, 240.0);
        state_slider(ui, session, commands);
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new("Animation").strong());
        animation_buttons(ui, session, commands);
        if width >= ANIMATION_BAR_ONE_ROW_MIN {
            scrub(ui, session, commands);
        }
    });
    if width < ANIMATION_BAR_ONE_ROW_MIN {
        ui.horizontal(|ui| scrub(ui, session, commands));
    }
    ui.horizontal(|ui| {
        // Besides the two sliders: their value boxes and labels, the trails checkbox and
        // the spacing take about 300 points; on a narrow screen the value boxes go (the value
        // joins the label), so the sliders keep a width a finger can use.
        let compact = width < ANIMATION_BAR_ONE_ROW_MIN;
        let others = if compact { 260.0 } else { 300.0 };
        ui.spacing_mut().slider_width = ((width - others) / 2.0).clamp(30.0, 140.0);
        speed_trails_particles(ui, session, commands, compact);
    });
}

/// Play / Stop and one leapfrog step either way.
fn animation_buttons(ui: &mut Ui, session: &Session, commands: &mut Vec<Command>) {
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
}

/// Scrubs through the K·L leapfrog states.
fn state_slider(ui: &mut Ui, session: &Session, commands: &mut Vec<Command>) {
    let max = session.anim.trajectory.states.saturating_sub(1);
    let mut s = session.anim.step();
    if ui
        .add(egui::Slider::new(&mut s, 0..=max).text("state"))
        .on_hover_text("Scrub through all K·L leapfrog steps")
        .changed()
    {
        commands.push(Command::Scrub(s));
    }
}

/// Playback speed, trails on or off, and how many particles move.
/// `compact`: without the sliders' value boxes, for a narrow row.
fn speed_trails_particles(
    ui: &mut Ui,
    session: &mut Session,
    commands: &mut Vec<Command>,
    compact: bool,
) {
    let slider = if compact {
        compact_setting_slider
    } else {
        setting_slider
    };
    slider(ui, &session.settings, "anim_speed", commands);
    ui.checkbox(&mut session.settings.trails, "trails")
        .on_hover_text("Fading trails behind the particles");
    slider(ui, &session.settings, "particles", commands);
}
