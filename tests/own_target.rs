//! Typing a log-density in the panel: the example becomes the target; a broken expression is
//! refused with its column, and the target before it stays.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;

#[test]
fn a_typed_density_becomes_the_target_and_a_broken_one_changes_nothing() {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 1000.0))
        .build_eframe(|_cc| {
            NhfApp::with_settings(
                Settings {
                    particles: 20,
                    ..Settings::default()
                },
                None,
            )
        });
    h.run_steps(3);
    h.get_by_label("Type a log-density").click();
    h.run_steps(2);
    h.get_by_label("Use this density").click();
    h.run_steps(3);
    let status = |h: &Harness<'static, NhfApp>| -> serde_json::Value {
        serde_json::from_str(&h.state().status()).unwrap()
    };
    let s = status(&h);
    assert_eq!(s["target"], "formula", "{}", s["error"]);
    assert_eq!(s["objective"], "density");
    let good = s["settings"]["formula"].clone();
    assert!(good["formula"].as_str().unwrap().contains("sqrt"), "{good}");
    // Append an operator with nothing after it: a syntax error at the end of the text.
    let editor = h.get_by_role(Role::MultilineTextInput);
    editor.focus();
    h.run_steps(1);
    h.get_by_role(Role::MultilineTextInput).type_text(" + * y");
    h.run_steps(2);
    h.get_by_label("Use this density").click();
    h.run_steps(3);
    let s = status(&h);
    let error = s["error"].as_str().unwrap_or_default();
    assert!(error.contains("column"), "error {error:?}");
    assert_eq!(s["target"], "formula");
    assert_eq!(
        s["settings"]["formula"], good,
        "the refused text replaced the target"
    );
}
