//! Snapshot tests of the main views at a fixed seed: the app is rendered for real (egui_kittest
//! with egui's wgpu renderer on lavapipe, Mesa's software Vulkan GPU) and every image is
//! compared with the PNG under `tests/snapshots/`: the whole 1280×800 window with the default
//! views, then each main view shown alone in a 960×600 window (controls and status bar hidden).
//!
//! Every pixel is deterministic: training is a fixed number of single steps (no time-sliced
//! training), the animation is paused at a fixed state, the density grid is finished before
//! the first image, the iterations/s figure is waited down to 0, and the status bar, whose
//! fps and frame time are wall-clock, is masked in the window image (its other figures are
//! checked as text).
//!
//! After a deliberate change to what the views draw, look at the `*.new.png` and `*.diff.png`
//! that a failing run leaves beside the snapshots, then update the images with
//! `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` and commit them. Needs the
//! `mesa-vulkan-drivers` package (`scripts/install-tools.sh test` installs it).

use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui_wgpu::{self, wgpu};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::{Harness, SnapshotError, SnapshotOptions};
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;
use nhf_playground::app::view_set::ViewSet;

/// The seed of the parameters, the batches and the animated particles (inside the seed
/// slider's range, so the controls show it).
const SEED: u64 = 7;
/// Training iterations before the snapshots (single steps, so the result is exact).
const ITERATIONS: usize = 120;
/// The animation state shown (0 ..= K·L = 20 with the default flow): inside block 2.
const STATE: usize = 7;
/// The window, as in tests/ui.rs.
const WINDOW: egui::Vec2 = egui::vec2(1280.0, 800.0);
/// The window for the views alone: smaller, so the images stay small.
const VIEW_ALONE: egui::Vec2 = egui::vec2(960.0, 600.0);

/// Renders on lavapipe (Vulkan, CPU) and nothing else, so the images do not depend on which
/// GPU or driver a machine happens to have; the adapter's name is printed.
fn lavapipe() -> egui_wgpu::WgpuSetup {
    let egui_wgpu::WgpuSetup::CreateNew(mut setup) = egui_kittest::wgpu::default_wgpu_setup()
    else {
        unreachable!("egui_kittest's default setup creates its own device");
    };
    setup.instance_descriptor.backends = wgpu::Backends::VULKAN;
    setup.native_adapter_selector = Some(Arc::new(|adapters, _surface| {
        let names: Vec<String> = adapters.iter().map(|a| a.get_info().name).collect();
        let adapter = adapters
            .iter()
            .find(|a| {
                let info = a.get_info();
                info.device_type == wgpu::DeviceType::Cpu && info.name.contains("llvmpipe")
            })
            .ok_or_else(|| {
                format!(
                    "no lavapipe Vulkan adapter (found {names:?}): install mesa-vulkan-drivers \
                     (scripts/install-tools.sh test)"
                )
            })?;
        let info = adapter.get_info();
        eprintln!(
            "snapshots render on {} ({:?}, {})",
            info.name, info.backend, info.driver_info
        );
        Ok(adapter.clone())
    }));
    egui_wgpu::WgpuSetup::CreateNew(setup)
}

/// Runs a test command and checks that it succeeded.
fn command(h: &mut Harness<'_, NhfApp>, json: &str) {
    let answer = h.state_mut().command(json);
    assert!(answer.contains("\"ok\":true"), "{json}: {answer}");
}

/// Frames until `done` holds, with a short sleep between them (some figures are per second
/// of wall-clock); panics after `timeout`.
fn run_until(
    h: &mut Harness<'_, NhfApp>,
    what: &str,
    timeout: Duration,
    mut done: impl FnMut(&NhfApp) -> bool,
) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The app with `settings` in a window of `size`, rendered on lavapipe, after two frames.
fn rendered_app(settings: Settings, size: egui::Vec2) -> Harness<'static, NhfApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .wgpu_setup(lavapipe())
        .build_eframe(|_cc| {
            let mut app = NhfApp::with_settings(settings, None);
            // The harness clears to transparent, not to the app's clear colour.
            app.paints_background = true;
            app
        });
    h.run_steps(2);
    h
}

/// The app at the fixed state: small settings, `ITERATIONS` steps, grid evaluated,
/// animation paused at `STATE`, iterations/s settled at 0.
fn app_at_fixed_state() -> Harness<'static, NhfApp> {
    let mut settings = Settings::default();
    settings.train.seed = SEED;
    settings.train.batch = 64;
    settings.particles = 50;
    let mut h = rendered_app(settings, WINDOW);
    // All the steps between two frames: the density grid then evaluates step 0 and step
    // ITERATIONS whatever the timing (a frame between steps could catch an intermediate one).
    for _ in 0..ITERATIONS {
        command(&mut h, r#"{"cmd":"step"}"#);
    }
    command(&mut h, &format!(r#"{{"cmd":"scrub","step":{STATE}}}"#));
    let step = ITERATIONS as u64;
    // The density grid is evaluated a few milliseconds per frame. The iterations/s figure is
    // measured over one-second windows: the window with the steps reports them, every later
    // one reports 0.
    let mut seen_rate = false;
    let what = "the density grid, and iterations/s to settle at 0";
    run_until(&mut h, what, Duration::from_secs(60), |app| {
        let s = &app.session;
        seen_rate |= s.iters_per_sec > 0.0;
        s.grid.done.as_ref().is_some_and(|d| d.0 == step) && seen_rate && s.iters_per_sec == 0.0
    });
    let s = &h.state().session;
    assert_eq!(s.trainer.step, step);
    assert!(!s.running && !s.anim.playing);
    assert_eq!(s.anim.step(), STATE);
    assert_eq!(s.anim.recorded_at_step, step);
    assert_eq!(s.grid.eval.progress(), 1.0);
    h
}

/// Compares an image with its snapshot, keeping the error for the end of the test (so one run
/// reports, and with UPDATE_SNAPSHOTS=1 updates, every image).
fn check(image: &image::RgbaImage, name: &str, failures: &mut Vec<String>) {
    if let Err(e) = egui_kittest::try_image_snapshot_options(image, name, &SnapshotOptions::new()) {
        failures.push(match e {
            SnapshotError::Diff { .. } => format!("{e}"),
            other => format!("{name}: {other}"),
        });
    }
}

/// Paints over a rectangle (points, at 1 pixel per point) with the colour of `background`.
fn mask(image: &mut image::RgbaImage, rect: egui::Rect, background: [u32; 2]) {
    let fill = *image.get_pixel(background[0], background[1]);
    let (w, h) = image.dimensions();
    let x0 = rect.min.x.floor().max(0.0) as u32;
    let y0 = rect.min.y.floor().max(0.0) as u32;
    let x1 = (rect.max.x.ceil() as u32).min(w);
    let y1 = (rect.max.y.ceil() as u32).min(h);
    for y in y0..y1 {
        for x in x0..x1 {
            image.put_pixel(x, y, fill);
        }
    }
}

#[test]
fn main_views_match_their_snapshots() {
    let mut h = app_at_fixed_state();
    let mut failures = Vec::new();

    // The whole window with the default views. The status bar's fps and frame time are
    // wall-clock: its text is checked here and masked in the image.
    h.run_steps(2);
    let status = h.get_by_label_contains(" fps | frame ");
    // A label's text is its AccessKit value.
    let text = status.accesskit_node().value().unwrap_or_default();
    let expected = format!(
        "iteration {ITERATIONS} | loss {:.3} | paused | state {STATE}/16",
        h.state().session.trainer.last_loss().expect("a loss")
    );
    assert!(text.ends_with(&expected), "status bar: {text:?}");
    let status_rect = status.rect();
    let mut window = h.render().expect("render the window");
    let background = [window.width() - 4, status_rect.center().y as u32];
    mask(&mut window, status_rect.expand(1.0), background);
    check(&window, "window", &mut failures);

    // Each main view alone, without the controls and the status bar.
    h.state_mut().session.classroom.hide = vec!["controls".into(), "status".into()];
    h.set_size(VIEW_ALONE);
    for name in ViewSet::NAMES {
        for other in ViewSet::NAMES {
            let visible = other == name;
            command(
                &mut h,
                &format!(r#"{{"cmd":"view","name":"{other}","visible":{visible}}}"#),
            );
        }
        h.run_steps(3);
        assert_eq!(h.state().session.settings.views.visible(), vec![name]);
        let image = h.render().expect("render a view");
        check(&image, name, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ (see the .new.png and .diff.png beside them in tests/snapshots/; \
         after a deliberate change, UPDATE_SNAPSHOTS=1 cargo test --test snapshots):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Distinct colours in an image (a blank or half-drawn view has few).
fn colours(image: &image::RgbaImage) -> usize {
    let mut seen: Vec<[u8; 4]> = image.pixels().map(|p| p.0).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// HMC's and the planar flow's views render for real, each with its plots filled, at 1280×800
/// and at a small 800×600 window. Their images are kept in `target/method-views/` to look at
/// (not compared pixel by pixel: the diagnostics are re-estimated on a wall-clock schedule).
#[test]
fn method_views_render_with_their_plots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/method-views");
    std::fs::create_dir_all(&dir).unwrap();
    for size in [WINDOW, egui::vec2(800.0, 600.0)] {
        let mut settings = Settings {
            target: "banana".into(),
            ..Settings::default()
        };
        settings.train.seed = SEED;
        let mut h = rendered_app(settings, size);
        command(&mut h, r#"{"cmd":"method","name":"hmc"}"#);
        command(&mut h, r#"{"cmd":"set","key":"hmc_warmup","value":20}"#);
        for _ in 0..60 {
            command(&mut h, r#"{"cmd":"step"}"#);
        }
        command(&mut h, r#"{"cmd":"scrub","step":6}"#);
        h.run_steps(3);
        let image = h.render().expect("render HMC");
        image.save(dir.join(format!("hmc-{}.png", size.x))).unwrap();
        assert!(colours(&image) > 200, "HMC: {} colours", colours(&image));

        command(&mut h, r#"{"cmd":"method","name":"l2hmc"}"#);
        command(&mut h, r#"{"cmd":"set","key":"l2hmc_train","value":30}"#);
        for _ in 0..60 {
            command(&mut h, r#"{"cmd":"step"}"#);
        }
        command(&mut h, r#"{"cmd":"scrub","step":6}"#);
        h.run_steps(3);
        let image = h.render().expect("render L2HMC");
        image
            .save(dir.join(format!("l2hmc-{}.png", size.x)))
            .unwrap();
        assert!(colours(&image) > 200, "L2HMC: {} colours", colours(&image));

        command(&mut h, r#"{"cmd":"target","name":"u1"}"#);
        command(&mut h, r#"{"cmd":"method","name":"planar"}"#);
        for _ in 0..300 {
            command(&mut h, r#"{"cmd":"step"}"#);
        }
        command(&mut h, r#"{"cmd":"scrub","step":5}"#);
        h.run_steps(3);
        let image = h.render().expect("render the planar flow");
        image
            .save(dir.join(format!("planar-{}.png", size.x)))
            .unwrap();
        assert!(colours(&image) > 200, "planar: {} colours", colours(&image));
    }
}
