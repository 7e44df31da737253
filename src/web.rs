//! The web entry: starts the app on the page's canvas and exports the browser test interface
//! (`window.wasmBindings.app_status()` / `app_command(json)` under Trunk).

use std::cell::RefCell;

use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

use crate::app::NhfApp;

thread_local! {
    static RUNNER: RefCell<Option<eframe::WebRunner>> = const { RefCell::new(None) };
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Starts the app when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    eframe::WebLogger::init(log::LevelFilter::Warn).ok();
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
        let location = web_sys::window().map(|w| w.location());
        let hash = location.as_ref().and_then(|l| l.hash().ok());
        let base_url = location
            .as_ref()
            .and_then(|l| l.href().ok())
            .map(|href| href.split('#').next().unwrap_or_default().to_string())
            .unwrap_or_default();
        // The loading message goes once the first frame is drawn.
        let mut first_frame = true;
        let mut frames = 0u64;
        let mut written: Option<String> = None;
        let hook: crate::app::FrameHook = Box::new(move |_ctx, session, _widgets| {
            if std::mem::take(&mut first_frame)
                && let Some(loading) = document.get_element_by_id("loading")
            {
                loading.remove();
            }
            frames += 1;
            if frames % 30 == 0 {
                sync_address_bar(session, &mut written);
            }
        });
        let result = runner
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(move |cc| {
                    Ok(Box::new(NhfApp::new(
                        cc,
                        Some(hook),
                        hash.as_deref(),
                        &base_url,
                    )))
                }),
            )
            .await;
        if let Err(e) = result
            && let Some(loading) = self::document().and_then(|d| d.get_element_by_id("loading"))
        {
            loading.set_text_content(Some(&format!("The app failed to start: {e:?}")));
        }
    });
}

/// Keeps the address bar's hash and the app in step, twice a second: a hash the user typed or
/// pasted (different from the one last written) is opened as a link; then the hash is
/// replaced by the current state's, so the address bar is always a link to what is shown.
fn sync_address_bar(session: &mut crate::app::session::Session, written: &mut Option<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let current = window.location().hash().unwrap_or_default();
    if written.as_ref().is_some_and(|w| *w != current) && !current.is_empty() {
        let _ = session.apply(crate::app::session::Command::Link(current.clone()));
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
