//! The arrangement for each screen, as the status reports it: a phone's stacked views with the
//! controls in a drawer, a landscape phone's views beside a folded panel, a desktop window as
//! it always was.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;

fn app_at(width: f32, height: f32, touch: bool) -> Harness<'static, NhfApp> {
    app_with(Settings::default(), width, height, touch)
}

/// The app with `settings` (50 particles) in a window of `width` × `height` points.
fn app_with(settings: Settings, width: f32, height: f32, touch: bool) -> Harness<'static, NhfApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_eframe(move |_cc| {
            let mut app = NhfApp::with_settings(
                Settings {
                    particles: 50,
                    ..settings
                },
                None,
            );
            app.touch = touch;
            app
        });
    h.run_steps(4);
    h
}

/// A phone with the drawn target: the paint tools go above the picture, and the square keeps
/// (nearly) the full width instead of shrinking under them.
#[test]
fn a_phone_keeps_the_drawn_targets_square_wide_under_its_paint_tools() {
    let settings = Settings {
        target: "drawn".into(),
        ..Settings::default()
    };
    let h = app_with(settings, 390.0, 844.0, true);
    let [_, _, w, _] = h.state().widgets.position_square.expect("square");
    assert!(w >= 300.0, "the square is {w} points wide");
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

/// Sends one touch event of finger `id` and runs a frame. The first finger down (odd `id`s
/// here) also moves the pointer, as eframe's web and winit integrations do: egui starts a
/// pinch only where it knows the pointer.
fn finger(h: &mut Harness<'static, NhfApp>, id: u64, phase: egui::TouchPhase, pos: egui::Pos2) {
    use egui::{Event, PointerButton, TouchPhase};
    let events = &mut h.input_mut().events;
    events.push(Event::Touch {
        device_id: egui::TouchDeviceId(1),
        id: egui::TouchId(id),
        phase,
        pos,
        force: None,
    });
    if id % 2 == 1 {
        let button = |pressed| Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        };
        match phase {
            TouchPhase::Start => events.extend([Event::PointerMoved(pos), button(true)]),
            TouchPhase::Move => events.push(Event::PointerMoved(pos)),
            TouchPhase::End | TouchPhase::Cancel => {
                events.extend([button(false), Event::PointerGone])
            }
        }
    }
    h.run_steps(1);
}

/// A phone: two fingers spreading apart zoom the position view about them, two fingers moving
/// together pan it, the "whole box" button (there only while zoomed in) shows the whole box
/// again; one finger on a built-in target changes nothing.
#[test]
fn a_pinch_zooms_the_position_view_and_whole_box_resets_it() {
    use egui::TouchPhase::{End, Move, Start};
    let mut h = app_at(390.0, 844.0, true);
    let zoom = |h: &Harness<'static, NhfApp>| h.state().widgets.position_zoom.expect("zoom");
    assert_eq!(zoom(&h), 1.0);
    assert!(h.state().widgets.position_reset.is_none());
    let home = h.state().widgets.position_center.expect("centre");
    let [x, y, w, s] = h.state().widgets.position_square.expect("square");
    let at = |fx: f32, fy: f32| egui::pos2(x + fx * w, y + fy * s);
    finger(&mut h, 1, Start, at(0.45, 0.5));
    finger(&mut h, 2, Start, at(0.55, 0.5));
    for k in 1..=8 {
        let d = 0.03 * k as f32;
        finger(&mut h, 1, Move, at(0.45 - d, 0.5));
        finger(&mut h, 2, Move, at(0.55 + d, 0.5));
    }
    let zoomed = zoom(&h);
    assert!(
        zoomed > 2.5,
        "spreading two fingers from 0.1 to 0.58 of the square: {zoomed}"
    );
    // Both fingers move left together: the picture follows (the centre moves right in the box).
    let before = h.state().widgets.position_square;
    let centre = |h: &Harness<'static, NhfApp>| h.state().widgets.position_center.expect("centre");
    let [cx, cy] = centre(&h);
    for k in 1..=4 {
        let d = 0.02 * k as f32;
        finger(&mut h, 1, Move, at(0.21 - d, 0.5));
        finger(&mut h, 2, Move, at(0.79 - d, 0.5));
    }
    finger(&mut h, 1, End, at(0.13, 0.5));
    finger(&mut h, 2, End, at(0.71, 0.5));
    h.run_steps(2);
    assert_eq!(
        h.state().widgets.position_square,
        before,
        "the square itself stays"
    );
    assert!(
        (zoom(&h) - zoomed).abs() < 0.3 * zoomed,
        "panning is not zooming: {}",
        zoom(&h)
    );
    let [px, py] = centre(&h);
    // The fingers moved 0.08 of the square: at zoom ≈ 5 on an 8-wide box that is ≈ 0.13.
    assert!(
        px > cx + 0.05 && (py - cy).abs() < 0.02,
        "({cx}, {cy}) → ({px}, {py})"
    );
    assert!(h.state().widgets.position_reset.is_some());
    h.get_by_label("whole box").click();
    h.run_steps(2);
    assert_eq!(zoom(&h), 1.0);
    assert_eq!(centre(&h), home);
    assert!(h.state().widgets.position_reset.is_none());
    // One finger dragging over a built-in target (nothing to paint, the whole box) changes
    // nothing.
    finger(&mut h, 3, Start, at(0.3, 0.3));
    finger(&mut h, 3, Move, at(0.6, 0.6));
    finger(&mut h, 3, End, at(0.6, 0.6));
    assert_eq!(zoom(&h), 1.0);
    assert_eq!(centre(&h), home);
}
