//! The density objective in the playground, tested through its UI: the settings a density
//! target opens with, and the ESS the training view reports (egui_kittest).

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;

/// A density target opens with the density objective's settings, and a samples target with
/// the page's own again; a user's change survives a move between two density targets.
#[test]
fn a_density_target_opens_with_the_density_settings() {
    use nhf_playground::nhf::{Activation, BaseKind, MomentumModel, Objective};
    let mut settings = Settings::default();
    settings.train.batch = 64;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| NhfApp::with_settings(settings, None));
    h.run_steps(2);
    let page = h.state().session.settings.clone();
    assert_eq!(page.flow.objective, Objective::Samples);
    let answer = h.state_mut().command(r#"{"cmd":"target","name":"banana"}"#);
    assert!(answer.contains("\"ok\":true"), "{answer}");
    h.run_steps(2);
    let s = &h.state().session.settings;
    assert_eq!(s.flow.objective, Objective::Density);
    assert_eq!(s.flow.activation, Activation::Sine);
    assert_eq!(s.flow.base, BaseKind::Learned);
    assert_eq!(s.flow.momentum, MomentumModel::Encoder);
    assert_eq!((s.train.anneal_iters, s.train.iw_draws), (1000, 2));
    // The page's shape stays: only the objective's own settings change.
    assert_eq!(
        (s.flow.blocks, s.train.batch),
        (page.flow.blocks, page.train.batch)
    );
    assert_eq!(h.state().session.flow().config.activation, Activation::Sine);
    let answer = h
        .state_mut()
        .command(r#"{"cmd":"set","key":"activation","value":"tanh"}"#);
    assert!(answer.contains("\"ok\":true"), "{answer}");
    h.state_mut().command(r#"{"cmd":"target","name":"donut"}"#);
    h.run_steps(2);
    let s = &h.state().session.settings;
    assert_eq!((s.flow.activation, s.train.iw_draws), (Activation::Tanh, 2));
    h.state_mut()
        .command(r#"{"cmd":"target","name":"8gaussians"}"#);
    h.run_steps(2);
    let s = &h.state().session.settings;
    assert_eq!(s.flow, page.flow);
    assert_eq!(s.train, page.train);
}

/// Under the density objective the training view reports the flow's ESS while it trains, and
/// the figure follows the model; under the samples objective there is none.
#[test]
fn the_density_objective_shows_its_ess_while_training() {
    let link = nhf_playground::app::link::parse("#target=banana&batch=64&v=2").expect("a link");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| NhfApp::with_settings(link.settings, None));
    h.run_steps(2);
    let (at, first) = h
        .state()
        .session
        .ess
        .expect("an ESS for the density objective");
    assert_eq!(at, 0);
    assert!(first > 0.0 && first <= 100.0, "{first}");
    h.get_by_label("Step").click();
    h.run_steps(2);
    // A second later the estimate follows the trained model.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    h.run_steps(1);
    let (at, _) = h.state().session.ess.expect("still an ESS");
    assert_eq!(at, 1);
    assert!(
        h.query_by_label_contains("ESS").is_some(),
        "the view shows it"
    );
    h.state_mut()
        .session
        .apply(nhf_playground::app::session::Command::Target(
            "8gaussians".into(),
        ))
        .unwrap();
    h.run_steps(1);
    assert!(
        h.state().session.ess.is_none(),
        "no ESS under the samples objective"
    );
}
