//! The web entry: starts the app on the page's canvas and exports the browser test interface
//! (`window.wasmBindings.app_status()` / `app_command(json)` under Trunk).

mod piece_worker;
mod worker_host;

use std::cell::RefCell;

use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

use crate::app::NhfApp;
use crate::app::file_host::{Arrival, FileHost};
use crate::app::files::FileOut;
use crate::app::session::{Command, Session};

thread_local! {
    static RUNNER: RefCell<Option<eframe::WebRunner>> = const { RefCell::new(None) };
    /// Files the user picked or dropped, read asynchronously, waiting to be opened.
    static INBOX: RefCell<Vec<Arrival>> = const { RefCell::new(Vec::new()) };
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Creates the canvas's WebGL2 context before eframe asks for it, without multisampling,
/// without a depth buffer and opaque: a canvas keeps its first context, and eframe asks with
/// the defaults (antialias on, alpha on). egui anti-aliases its shapes itself (feathered
/// edges) and draws no depth, so 4× multisampling only multiplies the pixels to shade — on a
/// machine that rasterises on the CPU (SwiftShader), most of a frame's cost. The app covers
/// the whole canvas, so it need not be blended with the page either. The desktop renders
/// without multisampling too (eframe's native default).
fn claim_webgl2_without_msaa(canvas: &web_sys::HtmlCanvasElement) {
    let options = js_sys::Object::new();
    for (key, value) in [("antialias", false), ("depth", false), ("alpha", false)] {
        // Setting a property of a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    if let Err(e) = canvas.get_context_with_context_options("webgl2", &options) {
        // eframe then creates the context itself, with its defaults.
        log::warn!("could not create the WebGL2 context: {e:?}");
    }
}

/// Starts the app when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    eframe::WebLogger::init(log::LevelFilter::Warn).ok();
    if web_sys::window().is_none() {
        // The training worker loads this module too; it has no page to draw.
        return;
    }
    let runner = eframe::WebRunner::new();
    RUNNER.with(|r| *r.borrow_mut() = Some(runner.clone()));
    wasm_bindgen_futures::spawn_local(async move {
        let Some(document) = document() else { return };
        let Some(canvas) = document
            .get_element_by_id("the_canvas_id")
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            log::warn!("no canvas with id the_canvas_id");
            return;
        };
        claim_webgl2_without_msaa(&canvas);
        let location = web_sys::window().map(|w| w.location());
        let hash = location.as_ref().and_then(|l| l.hash().ok());
        let base_url = location
            .as_ref()
            .and_then(|l| l.href().ok())
            .map(|href| href.split('#').next().unwrap_or_default().to_string())
            .unwrap_or_default();
        // The loading message goes once the first frame is drawn.
        let mut first_frame = true;
        let mut last_sync = web_time::Instant::now();
        let mut written: Option<String> = None;
        let hook: crate::app::FrameHook = Box::new(move |_ctx, session, _widgets| {
            if std::mem::take(&mut first_frame)
                && let Some(loading) = document.get_element_by_id("loading")
            {
                loading.remove();
            }
            // Twice a second, whether the app draws every frame or idles at a few a second.
            if last_sync.elapsed().as_secs_f64() >= 0.5 {
                last_sync = web_time::Instant::now();
                sync_address_bar(session, &mut written);
            }
        });
        let result = runner
            .start(
                canvas,
                eframe::WebOptions {
                    // Dithering adds arithmetic to every pixel's shader, which a software
                    // rasteriser pays on the CPU; the app's colour ramps need none.
                    dithering: false,
                    ..Default::default()
                },
                Box::new(move |cc| {
                    let mut app = NhfApp::new(cc, Some(hook), hash.as_deref(), &base_url);
                    // A phone or tablet: the arrangement and the controls' size follow.
                    app.touch =
                        web_sys::window().is_some_and(|w| w.navigator().max_touch_points() > 0);
                    app.session.set_file_host(Box::new(BrowserFiles));
                    // Training in a Web Worker leaves the page's thread to drawing; without
                    // one, the frame loop trains in time slices.
                    match worker_host::WorkerHost::spawn() {
                        Ok(host) => app.session.set_training_host(Box::new(host)),
                        Err(e) => log::warn!("no training worker ({e:?}): training in the page"),
                    }
                    Ok(Box::new(app))
                }),
            )
            .await;
        if let Err(e) = result
            && let Some(loading) = self::document().and_then(|d| d.get_element_by_id("loading"))
        {
            let why = e.as_string().unwrap_or_else(|| format!("{e:?}"));
            log::error!("the app failed to start: {why}");
            // The loader (assets/loader.js) has already said which feature the browser lacks:
            // that sentence is the one a user can act on, so it stays.
            let said = loading.text_content().unwrap_or_default();
            if !said.starts_with("NHF Playground needs") {
                loading.set_text_content(Some(&format!(
                    "NHF Playground could not start: {why}. Reload the page to try again."
                )));
            }
        }
    });
}

/// In the browser, files the app offers become downloads; "Load file" opens the file picker;
/// picked or dropped files are read asynchronously into the inbox and opened on a later frame.
struct BrowserFiles;

impl FileHost for BrowserFiles {
    fn deliver(&mut self, file: FileOut, what: &str) -> Result<String, String> {
        download(&file).map_err(|e| format!("the download failed: {e:?}"))?;
        Ok(format!("{what} saved as {}", file.name))
    }

    fn pick(&mut self) -> Result<String, String> {
        open_picker().map_err(|e| format!("the file picker could not open: {e:?}"))?;
        Ok("choose a model, mixture or samples file".into())
    }

    fn arrivals(&mut self, dropped: &[egui::DroppedFileHandle]) -> Vec<Arrival> {
        for f in dropped {
            let f = f.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let from = f.path().display().to_string();
                let arrival = match f.bytes_async().await {
                    Ok(bytes) => Arrival::File { from, bytes },
                    Err(e) => Arrival::Failed(format!("{from}: {e}")),
                };
                INBOX.with(|i| i.borrow_mut().push(arrival));
            });
        }
        INBOX.with(|i| std::mem::take(&mut *i.borrow_mut()))
    }
}

/// Offers bytes as a download through a temporary object URL.
fn download(file: &FileOut) -> Result<(), JsValue> {
    let document = document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(file.bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(file.mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(&file.name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// A one-off `<input type=file>`: its change event reads the chosen file into the inbox.
fn open_picker() -> Result<(), JsValue> {
    let document = document().ok_or("no document")?;
    let input: web_sys::HtmlInputElement = document.create_element("input")?.dyn_into()?;
    input.set_type("file");
    input.set_accept(".json,application/json,.csv,text/csv,.tsv,.txt,.dat,.npy");
    let picked = input.clone();
    let on_change = Closure::once(move || {
        let Some(file) = picked.files().and_then(|list| list.get(0)) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let arrival = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(v) => Arrival::File {
                    from: file.name(),
                    bytes: js_sys::Uint8Array::new(&v).to_vec(),
                },
                Err(e) => Arrival::Failed(format!("{}: could not be read ({e:?})", file.name())),
            };
            INBOX.with(|i| i.borrow_mut().push(arrival));
        });
    });
    input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    input.click();
    Ok(())
}

/// Keeps the address bar's hash and the app in step, twice a second: a hash the user typed or
/// pasted (different from the one last written) is opened as a link; then the hash is
/// replaced by the current state's, so the address bar is always a link to what is shown.
fn sync_address_bar(session: &mut Session, written: &mut Option<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let current = window.location().hash().unwrap_or_default();
    if written.as_ref().is_some_and(|w| *w != current) && !current.is_empty() {
        let _ = session.apply(Command::Link(current.clone()));
    }
    let hash = session.link_hash();
    if hash != current
        && let Ok(history) = window.history()
    {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&hash));
    }
    *written = Some(hash);
}

/// The app's status as JSON (see the README's test interface).
#[wasm_bindgen]
pub fn app_status() -> String {
    RUNNER.with(|r| {
        let runner = r.borrow();
        match runner.as_ref().and_then(|r| r.app_mut::<NhfApp>()) {
            Some(app) => app.status(),
            None => r#"{"error":"the app has not started yet","frames":0}"#.to_string(),
        }
    })
}

/// Runs a JSON command, e.g. `{"cmd":"train"}`; answers `{"ok":…}` JSON.
#[wasm_bindgen]
pub fn app_command(json: &str) -> String {
    RUNNER.with(|r| {
        let runner = r.borrow();
        match runner.as_ref().and_then(|r| r.app_mut::<NhfApp>()) {
            Some(mut app) => app.command(json),
            None => r#"{"ok":false,"error":"the app has not started yet"}"#.to_string(),
        }
    })
}
