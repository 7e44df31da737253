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
    let mut h = harness();
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
