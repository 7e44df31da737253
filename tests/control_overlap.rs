//! No control covers another, on every screen a class meets: the accessibility tree's buttons,
//! sliders, checkboxes, pickers and text fields at 390×844, 844×390, 768×1024 and 1024×768
//! (touch) and 1280×800, with the phone's drawer open too. A control partly hidden by a scroll
//! area's edge is fine (the user scrolls to it); two controls on the same spot are not, and on
//! a touch screen every button is at least 44 points tall.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;

/// The roles a user taps or drags.
fn is_control(role: egui::accesskit::Role) -> bool {
    use egui::accesskit::Role;
    matches!(
        role,
        Role::Button
            | Role::CheckBox
            | Role::Slider
            | Role::SpinButton
            | Role::ComboBox
            | Role::RadioButton
            | Role::TextInput
            | Role::MultilineTextInput
            | Role::Tab
            | Role::Switch
    )
}

/// Every control's label and rectangle in the window.
fn controls(h: &Harness<'static, NhfApp>) -> Vec<(String, egui::Rect)> {
    h.root()
        .children_recursive()
        .filter_map(|node| {
            let n = node.accesskit_node();
            if !is_control(n.role()) {
                return None;
            }
            let b = n.bounding_box()?;
            let rect = egui::Rect::from_min_max(
                egui::pos2(b.x0 as f32, b.y0 as f32),
                egui::pos2(b.x1 as f32, b.y1 as f32),
            );
            let label = n.label().unwrap_or_default();
            Some((format!("{:?} {label:?}", n.role()), rect))
        })
        .collect()
}

/// Asserts that no two controls overlap (by more than half a point) and, on a touch screen,
/// that buttons are 44 points tall.
fn assert_apart(h: &Harness<'static, NhfApp>, what: &str, touch: bool) {
    let all = controls(h);
    assert!(all.len() > 5, "{what}: only {} controls found", all.len());
    for (i, (a, ra)) in all.iter().enumerate() {
        for (b, rb) in &all[i + 1..] {
            let common = ra.intersect(*rb);
            assert!(
                !(common.width() > 0.5 && common.height() > 0.5),
                "{what}: {a} at {ra:?} overlaps {b} at {rb:?}"
            );
        }
        if touch && a.starts_with("Button") {
            assert!(
                ra.height() >= 43.5,
                "{what}: {a} is {} points tall",
                ra.height()
            );
        }
    }
}

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

#[test]
fn no_control_covers_another_on_any_screen() {
    for (width, height, touch) in [
        (390.0, 844.0, true),
        (844.0, 390.0, true),
        (768.0, 1024.0, true),
        (1024.0, 768.0, true),
        (1280.0, 800.0, false),
    ] {
        let mut h = app_at(width, height, touch);
        let what = format!("{width}x{height}");
        assert_apart(&h, &what, touch);
        // Where the controls start folded away, open them and look again.
        if let Some(button) = h.query_by_label("Controls") {
            button.click();
            h.run_steps(3);
            assert_apart(&h, &format!("{what} with the controls open"), touch);
        }
    }
}
