//! The playground tested through its UI, like a user: find controls by their labels, click
//! them, and check what changed (egui_kittest).

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;

fn harness() -> Harness<'static, NhfApp> {
    // Small batch and short blocks keep each training step quick in a debug-ish test build.
    let mut settings = Settings::default();
    settings.train.batch = 64;
    settings.particles = 50;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| NhfApp::with_settings(settings, None));
    h.run_steps(2);
    h
}

#[test]
fn train_button_starts_training_and_the_step_counter_moves() {
    let mut h = harness();
    assert_eq!(h.state().session.trainer.step, 0);
    assert!(!h.state().session.running);
    h.get_by_label("Train").click();
    h.run_steps(5);
    assert!(h.state().session.running, "Train did not start training");
    let step = h.state().session.trainer.step;
    assert!(step > 0, "no training steps after 5 frames");
    let loss = h
        .state()
        .session
        .trainer
        .last_loss()
        .expect("a loss after training");
    assert!(loss.is_finite());
    h.get_by_label("Pause").click();
    h.run_steps(2);
    assert!(!h.state().session.running);
    let paused_at = h.state().session.trainer.step;
    h.run_steps(3);
    assert_eq!(
        h.state().session.trainer.step,
        paused_at,
        "training continued while paused"
    );
}

#[test]
fn step_button_trains_exactly_one_iteration() {
    let mut h = harness();
    h.get_by_label("Step").click();
    h.run_steps(2);
    assert_eq!(h.state().session.trainer.step, 1);
}

#[test]
fn reset_returns_to_fresh_parameters() {
    let mut h = harness();
    let fresh = h.state().session.flow().params.clone();
    h.get_by_label("Step").click();
    h.run_steps(1);
    assert_ne!(h.state().session.flow().params, fresh);
    h.get_by_label("Reset").click();
    h.run_steps(1);
    assert_eq!(h.state().session.trainer.step, 0);
    assert_eq!(
        h.state().session.flow().params,
        fresh,
        "reset must reproduce the seed's parameters"
    );
}

#[test]
fn animation_steps_forward_and_back_by_buttons() {
    let mut h = harness();
    h.get_by_label("step >").click();
    h.run_steps(1);
    let s = h.state().session.anim.step();
    assert!(
        !h.state().session.anim.playing,
        "stepping pauses the animation"
    );
    h.get_by_label("step >").click();
    h.run_steps(1);
    assert_eq!(
        h.state().session.anim.step(),
        (s + 1).min(h.state().session.anim.trajectory.states - 1)
    );
    h.get_by_label("< step").click();
    h.run_steps(1);
    assert_eq!(h.state().session.anim.step(), s);
}

#[test]
fn test_interface_commands_change_state_and_reject_nonsense() {
    let mut h = harness();
    let answer = h.state_mut().command(r#"{"cmd":"target","name":"banana"}"#);
    assert!(answer.contains("\"ok\":true"), "{answer}");
    h.run_steps(2);
    let status: serde_json::Value = serde_json::from_str(&h.state().status()).unwrap();
    assert_eq!(status["target"], "banana");
    assert!(status["widgets"]["train_button"].is_array());
    let answer = h.state_mut().command(r#"{"cmd":"fly"}"#);
    assert!(answer.contains("\"ok\":false"), "{answer}");
    let answer = h
        .state_mut()
        .command(r#"{"cmd":"target","name":"no-such-target"}"#);
    assert!(answer.contains("\"ok\":false"), "{answer}");
    assert_eq!(h.state().session.settings.target, "banana");
}

#[test]
fn every_target_name_and_caption_renders_without_missing_glyphs() {
    // kittest panics on a glyph the bundled fonts lack (it would be a box on screen).
    for info in nhf_playground::targets::catalog() {
        let text = format!("{} {}", info.name, info.caption);
        let mut h = Harness::new_ui(move |ui| {
            ui.label(text.as_str());
        });
        h.run_steps(1);
    }
}

#[test]
fn every_target_can_be_selected_through_the_test_interface() {
    let mut h = harness();
    for id in nhf_playground::targets::TARGET_IDS {
        let answer = h
            .state_mut()
            .command(&format!(r#"{{"cmd":"target","name":"{id}"}}"#));
        assert!(answer.contains("\"ok\":true"), "{id}: {answer}");
        h.run_steps(1);
        assert_eq!(h.state().session.settings.target, *id);
        assert!(
            h.state().session.error.is_none(),
            "{id}: {:?}",
            h.state().session.error
        );
    }
}

#[test]
fn view_toggles_direction_and_model_controls_are_reachable_by_label() {
    // Tall enough that the model section is in sight without scrolling the panel.
    let mut h = harness();
    h.set_size(egui::vec2(1280.0, 1000.0));
    h.run_steps(2);
    for name in ["position", "phase", "densities", "training", "energy"] {
        assert!(h.state().session.settings.views.is_visible(name));
        h.get_by_label(name).click();
        h.run_steps(2);
        assert!(
            !h.state().session.settings.views.is_visible(name),
            "clicking {name} did not hide it"
        );
        h.get_by_label(name).click();
        h.run_steps(2);
        assert!(h.state().session.settings.views.is_visible(name));
    }
    h.get_by_label("normalize").click();
    h.run_steps(2);
    assert_eq!(
        h.state().session.anim.direction,
        Some(nhf_playground::nhf::Direction::Normalize)
    );
    let fixed_params = h.state().session.flow().param_count();
    h.get_by_label("learned").click();
    h.run_steps(2);
    assert_eq!(
        h.state().session.flow().config.kinetic,
        nhf_playground::nhf::Kinetic::Learned
    );
    assert!(h.state().session.flow().param_count() > fixed_params);
    h.get_by_label("density").click();
    h.run_steps(2);
    assert_eq!(
        h.state().session.flow().config.objective,
        nhf_playground::nhf::Objective::Density
    );
    for label in [
        "blocks K",
        "leapfrog steps L",
        "step size dt",
        "width W",
        "learning rate",
        "batch",
        "seed",
        "state",
        "steps/s",
        "particles",
        "trails",
        "Play",
    ] {
        assert!(
            h.query_all_by_label_contains(label).next().is_some(),
            "no control labelled {label}"
        );
    }
}

#[test]
fn training_fills_the_views_data_and_scrubbing_moves_the_animation() {
    let mut h = harness();
    h.get_by_label("Train").click();
    h.run_steps(40);
    let s = &h.state().session;
    assert!(
        s.trainer.history.len() >= 2,
        "no loss history for the training view"
    );
    let first = s.trainer.history[0].1;
    assert!(first.is_finite());
    assert!(
        s.grid.eval.progress() > 0.0 || s.grid.done.is_some(),
        "the density grid never advanced"
    );
    let answer = h.state_mut().command(r#"{"cmd":"scrub","step":3}"#);
    assert!(answer.contains("\"ok\":true"), "{answer}");
    h.run_steps(2);
    assert_eq!(h.state().session.anim.step(), 3);
    let bad = h
        .state_mut()
        .command(r#"{"cmd":"set","key":"dt","value":-5}"#);
    assert!(bad.contains("\"ok\":false") && bad.contains("dt"), "{bad}");
}

fn pointer(h: &mut Harness<'static, NhfApp>, event: egui::Event) {
    h.input_mut().events.push(event);
    h.run_steps(1);
}

#[test]
fn painting_on_the_position_view_changes_the_drawn_target() {
    let mut h = harness();
    h.state_mut().command(r#"{"cmd":"target","name":"drawn"}"#);
    h.run_steps(2);
    assert!(
        h.state().session.canvas.is_some(),
        "drawn target opens a canvas"
    );
    h.get_by_label("brush");
    h.get_by_label("erase");
    h.get_by_label("clear").click();
    h.run_steps(1);
    let heart = h.state().session.target_key();
    let [x, y, w, s] = h.state().widgets.position_square.expect("position square");
    assert!(w > 100.0 && s > 100.0, "{x} {y} {w} {s}");
    // Committing the cleared canvas is refused: the heart stays the target, with a message.
    let answer = h.state_mut().command(r#"{"cmd":"commit_canvas"}"#);
    assert!(answer.contains("empty"), "{answer}");
    assert_eq!(h.state().session.target_key(), heart);
    // A real drag across the left half of the picture paints a stroke there.
    let at = |fx: f32, fy: f32| egui::pos2(x + fx * w, y + fy * s);
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    pointer(&mut h, egui::Event::PointerMoved(at(0.2, 0.5)));
    pointer(&mut h, button(at(0.2, 0.5), true));
    for k in 1..=10 {
        pointer(
            &mut h,
            egui::Event::PointerMoved(at(0.2, 0.5 - 0.03 * k as f32)),
        );
    }
    pointer(&mut h, button(at(0.2, 0.2), false));
    h.run_steps(1);
    let session = &h.state().session;
    assert_ne!(
        session.target_key(),
        heart,
        "the stroke did not become the target"
    );
    let canvas = session.canvas.as_ref().expect("canvas");
    assert!(!canvas.dirty);
    // The stroke is on the left (x < 0) and above the middle (y > 0) in flow coordinates.
    let t = session.target.as_ref();
    assert!(t.log_prob([-2.4, 1.2]) > t.log_prob([2.4, -1.2]) + 3.0);
    assert_eq!(session.settings.drawing.as_ref(), Some(&canvas.grid));
}

#[test]
fn interpretability_view_reports_the_potential_correlation() {
    let mut h = harness();
    h.get_by_label("interpretability").click();
    h.run_steps(2);
    let c = h
        .state()
        .widgets
        .potential_correlation
        .expect("a correlation once the view is shown");
    assert!((-1.0..=1.0).contains(&c), "{c}");
    h.get_by_label("interpretability").click();
    h.run_steps(2);
    assert_eq!(h.state().widgets.potential_correlation, None);
}

#[test]
fn a_link_reproduces_a_run_and_a_broken_one_changes_nothing() {
    let mut a = harness();
    a.state_mut()
        .command(r##"{"cmd":"link","link":"https://x.org/#target=banana&blocks=2&seed=7&views=position,energy&dir=normalize"}"##);
    a.run_steps(2);
    let s = &a.state().session;
    assert_eq!(s.settings.target, "banana");
    assert_eq!(s.settings.flow.blocks, 2);
    assert_eq!(s.settings.train.seed, 7);
    assert_eq!(s.settings.views.visible(), vec!["position", "energy"]);
    assert_eq!(s.message.as_deref(), Some("link opened"));
    // The current state's link opened in a second app gives the same trajectories.
    let link = s.link_hash();
    let mut b = harness();
    b.state_mut()
        .session
        .apply(nhf_playground::app::session::Command::Link(link.clone()))
        .unwrap();
    b.run_steps(2);
    assert_eq!(b.state().session.link_hash(), link);
    assert_eq!(
        b.state().session.anim.trajectory.q,
        a.state().session.anim.trajectory.q,
        "same link, different trajectories"
    );
    // A broken link: a message, and the settings and parameters stay.
    let params = b.state().session.flow().params.clone();
    let answer = b
        .state_mut()
        .command(r##"{"cmd":"link","link":"#target=banana&blocks=999"}"##);
    assert!(answer.contains("blocks"), "{answer}");
    b.run_steps(1);
    let s = &b.state().session;
    assert_eq!(s.link_hash(), link);
    assert_eq!(s.flow().params, params);
    assert!(
        s.message
            .as_deref()
            .is_some_and(|m| m.contains("nothing was changed"))
    );
    b.get_by_label_contains("nothing was changed");
    b.get_by_label("dismiss").click();
    b.run_steps(2);
    assert!(
        b.state().session.error.is_none(),
        "dismiss keeps the banner"
    );
    assert!(b.query_by_label_contains("nothing was changed").is_none());
}

#[test]
fn presets_apply_by_label_and_explain_themselves() {
    let mut h = harness();
    h.get_by_label("Why leapfrog? Euler vs leapfrog").click();
    h.run_steps(2);
    let s = &h.state().session;
    assert_eq!(s.preset.map(|p| p.id), Some("euler-vs-leapfrog"));
    assert!(s.settings.views.is_visible("integrators"));
    assert!(s.link_hash().contains("preset=euler-vs-leapfrog"));
    // Shown above the views (and, while the pointer rests on the button, as its tooltip).
    assert!(
        h.get_all_by_label_contains("Leapfrog is a composition of shears")
            .next()
            .is_some()
    );
    h.get_by_label("close").click();
    h.run_steps(1);
    assert!(h.state().session.preset.is_none());
    for preset in &nhf_playground::app::presets::PRESETS {
        h.get_by_label(preset.title).click();
        h.run_steps(2);
        assert_eq!(h.state().session.preset.map(|p| p.id), Some(preset.id));
        assert!(
            h.state().session.error.is_none(),
            "{:?}",
            h.state().session.error
        );
    }
}

#[test]
fn a_classroom_link_hides_panels_and_enlarges_text() {
    let mut h = harness();
    h.state_mut()
        .command(r##"{"cmd":"link","link":"#target=moons&hide=model,status,views&zoom=1.5"}"##);
    h.run_steps(3);
    assert!((h.ctx.zoom_factor() - 1.5).abs() < 1e-6);
    h.get_by_label("Train");
    assert!(
        h.query_by_label("width W").is_none(),
        "the model panel is hidden"
    );
    assert!(
        h.query_by_label("potential V").is_none(),
        "the view bar is hidden"
    );
    h.state_mut()
        .command(r##"{"cmd":"link","link":"#target=moons&hide=controls"}"##);
    h.run_steps(3);
    assert!(
        h.query_by_label("Train").is_none(),
        "the controls are hidden"
    );
    assert!((h.ctx.zoom_factor() - 1.0).abs() < 1e-6);
}

/// A link may ask for any value a slider offers, and the slider shows it, not the end of a
/// narrower range: sliders and links read one table of ranges.
#[test]
fn a_value_from_a_link_shows_on_its_slider() {
    use egui_kittest::kittest::NodeT as _;
    let link = nhf_playground::app::link::parse("#leapfrog_steps=30&width=128&batch=2048&v=2")
        .expect("a valid link");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| NhfApp::with_settings(link.settings, None));
    h.run_steps(2);
    for (label, want) in [
        ("leapfrog steps L", 30.0),
        ("width W", 128.0),
        ("batch", 2048.0),
    ] {
        let shown = h
            .query_all_by_label(label)
            .find_map(|n| n.accesskit_node().numeric_value())
            .unwrap_or_else(|| panic!("no slider labelled {label}"));
        assert_eq!(shown, want, "{label}");
    }
}
