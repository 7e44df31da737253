//! The desktop window, with the native test hooks `--print-status` and `--screenshot`.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use web_time::Instant;

use super::file_dialog::FileDialogs;
use super::train_thread::ThreadHost;
use nhf_playground::app::{FrameHook, NhfApp};

/// What the window should do besides being an app.
pub struct WindowOptions {
    /// Print the status JSON on stdout once a second.
    pub print_status: bool,
    /// Save a screenshot here after `after_frames` frames, then exit.
    pub screenshot: Option<PathBuf>,
    /// Frames to draw before the screenshot.
    pub after_frames: u64,
    /// A playground link to open (over the saved settings).
    pub link: Option<String>,
}

type Shot = Arc<Mutex<Option<Arc<egui::ColorImage>>>>;

fn save_png(image: &egui::ColorImage, path: &PathBuf) -> Result<(), String> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or("screenshot buffer has the wrong size")?;
    buffer
        .save(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Opens the window; returns the exit status.
pub fn run(options: WindowOptions) -> Result<(), String> {
    let failure: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let hook_failure = failure.clone();
    let shot: Shot = Arc::new(Mutex::new(None));
    let mut frames = 0u64;
    let mut requested = false;
    let mut last_print: Option<Instant> = None;
    let link = options.link.clone();
    let hook: FrameHook = Box::new(move |ctx, session, widgets| {
        frames += 1;
        if options.print_status && last_print.is_none_or(|t| t.elapsed().as_secs_f64() >= 1.0) {
            last_print = Some(Instant::now());
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{}",
                nhf_playground::app::status::status_json(session, widgets)
            );
            let _ = out.flush();
        }
        let Some(path) = &options.screenshot else {
            return;
        };
        if frames >= options.after_frames && !requested {
            requested = true;
            let slot = shot.clone();
            ctx.request_screenshot(move |image| {
                if let Ok(mut s) = slot.lock() {
                    *s = Some(image);
                }
            });
        }
        let taken = shot.lock().ok().and_then(|mut s| s.take());
        if let Some(image) = taken {
            if let Err(e) = save_png(&image, path)
                && let Ok(mut f) = hook_failure.lock()
            {
                *f = Some(e);
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    });
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("NHF Playground")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "NHF Playground",
        native,
        Box::new(move |cc| {
            let mut app = NhfApp::new(cc, Some(hook), link.as_deref(), "");
            app.session.set_file_host(Box::new(FileDialogs::default()));
            // Training on its own thread keeps the window's frames for drawing; without a
            // thread, the frame loop trains in time slices as in the tests.
            match ThreadHost::spawn() {
                Ok(host) => app.session.set_training_host(Box::new(host)),
                Err(e) => log::warn!("no training thread ({e}): training in the frame loop"),
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("the window could not open: {e}"))?;
    match failure.lock().ok().and_then(|mut f| f.take()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
