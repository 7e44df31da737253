//! The arrangement for each screen, as the status reports it: a phone's stacked views with the
//! controls in a drawer, a landscape phone's views beside a folded panel, a desktop window as
//! it always was.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;

fn app_at(width: f32, height: f32, touch: bool) -> Harness<'static, NhfApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_eframe(move |_cc| {
            let mut app = NhfApp::with_settings(
                Settings {
                    particles: 50,
                    ..Settings::default()
                },
                None,
            );
            app.touch = touch;
            app
        });
    h.run_steps(4);
    h
}

fn widgets(h: &Harness<'static, NhfApp>) -> serde_json::Value {
    let s: serde_json::Value = serde_json::from_str(&h.state().status()).unwrap();
    s["widgets"].clone()
}

/// A phone: position space at nearly the full width above one tabbed view, no panel; the
/// Controls button opens the drawer over the views and closes it again; tap targets are 44
/// points tall.
#[test]
fn a_phone_stacks_the_views_and_opens_the_controls_in_a_drawer() {
    let mut h = app_at(390.0, 844.0, true);
    let w = widgets(&h);
    assert_eq!(w["screen"], "stacked");
    assert!(w["panel"].is_null(), "{w}");
    let position = w["views"]["position"].as_array().unwrap();
    assert!(position[2].as_f64().unwrap() >= 300.0, "{w}");
    assert_eq!(
        w["views"].as_object().unwrap().len(),
        2,
        "one tab below: {w}"
    );
    assert!(w["train_button"][3].as_f64().unwrap() >= 44.0, "{w}");
    h.get_by_label("Controls").click();
    h.run_steps(3);
    let w = widgets(&h);
    assert!(w["panel"].is_array(), "{w}");
    assert!(w["views"].as_object().unwrap().is_empty(), "{w}");
    h.get_by_label("Hide controls").click();
    h.run_steps(3);
    assert!(widgets(&h)["views"]["position"].is_array());
}

/// A landscape phone: the panel starts folded, the views fill the width; a desktop window of
/// the same size keeps the panel and egui's own control sizes.
#[test]
fn a_landscape_phone_folds_the_panel_and_a_desktop_keeps_it() {
    let h = app_at(844.0, 390.0, true);
    let w = widgets(&h);
    assert_eq!(w["screen"], "compact");
    assert!(w["panel"].is_null(), "{w}");
    assert!(w["views"]["position"][2].as_f64().unwrap() >= 200.0, "{w}");
    let desk = app_at(844.0, 390.0, false);
    let w = widgets(&desk);
    assert_eq!(w["screen"], "wide");
    assert!(w["panel"].is_array(), "{w}");
    assert!(w["train_button"][3].as_f64().unwrap() < 44.0, "{w}");
}
