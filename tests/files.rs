//! Saving and loading models and exporting samples through the session, as the UI does, and
//! every way a model file can be bad: each is refused with a message and changes nothing.

use nhf_playground::app::session::{Command, Session};
use nhf_playground::app::settings::Settings;

fn session() -> Session {
    let mut settings = Settings::default();
    settings.train.batch = 32;
    settings.particles = 20;
    Session::new(settings)
}

fn saved_model(s: &mut Session) -> String {
    s.apply(Command::SaveModel).unwrap();
    let file = s.outbox.pop().expect("a file in the outbox");
    assert!(file.name.ends_with(".json") && file.mime == "application/json");
    String::from_utf8(file.bytes).unwrap()
}

#[test]
fn a_saved_model_loads_into_a_fresh_session_and_training_resumes() {
    let mut a = session();
    a.apply(Command::Target("moons".into())).unwrap();
    a.apply(Command::Set("seed".into(), 5.into())).unwrap();
    for _ in 0..3 {
        a.apply(Command::Step).unwrap();
    }
    let text = saved_model(&mut a);
    let mut b = session();
    let answer = b.apply(Command::LoadModel(text)).unwrap();
    assert!(answer.contains("iteration 3"), "{answer}");
    assert_eq!(b.settings.target, "moons");
    assert_eq!(b.settings.train.seed, 5);
    assert_eq!(b.trainer.step, 3);
    assert_eq!(b.flow().params, a.flow().params);
    a.record_trajectory();
    assert!(
        b.anim.trajectory.q == a.anim.trajectory.q,
        "the loaded model animates differently"
    );
    // Resuming is exact: the next step matches the original run's next step.
    a.apply(Command::Step).unwrap();
    b.apply(Command::Step).unwrap();
    assert_eq!(b.trainer.step, 4);
    assert_eq!(b.trainer.adam.t, a.trainer.adam.t);
}

#[test]
fn a_painted_target_travels_in_the_model_file() {
    let mut a = session();
    a.apply(Command::Target("drawn".into())).unwrap();
    a.apply(Command::ClearCanvas).unwrap();
    a.apply(Command::Paint {
        from: [-2.0, -2.0],
        to: [2.0, 2.0],
        radius: 0.5,
        erase: false,
    })
    .unwrap();
    a.apply(Command::CommitCanvas).unwrap();
    let text = saved_model(&mut a);
    let mut b = session();
    b.apply(Command::LoadModel(text)).unwrap();
    assert_eq!(b.settings.drawing, a.settings.drawing);
    assert_eq!(b.target.log_prob([1.0, 1.0]), a.target.log_prob([1.0, 1.0]));
    assert!(b.canvas.is_some());
}

#[test]
fn research_settings_of_a_cli_model_file_are_named_and_dropped() {
    let mut a = session();
    a.apply(Command::Target("banana".into())).unwrap();
    a.apply(Command::Step).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&saved_model(&mut a)).unwrap();
    file["train"]["iw_mix"] = 0.5.into();
    file["train"]["warmup_iters"] = 300.into();
    file["train"]["update_rule"] = "nadam".into();
    let mut b = session();
    let answer = b.apply(Command::LoadModel(file.to_string())).unwrap();
    assert!(
        answer.contains("iw_mix 0.5")
            && answer.contains("warmup_iters 300")
            && answer.contains("update_rule nadam"),
        "{answer}"
    );
    assert!(!answer.contains("iw_iters"), "{answer}");
    assert_eq!(
        (b.settings.train.iw_mix, b.settings.train.warmup_iters),
        (1.0, 0)
    );
    assert_eq!(
        (b.trainer.train.iw_mix, b.trainer.train.warmup_iters),
        (1.0, 0)
    );
    assert_eq!(b.flow().params, a.flow().params);
    assert_eq!(b.trainer.train.update_rule, Default::default());
    let plain = saved_model(&mut a);
    // Adam, the default, is left out of the file, so files stay as they were.
    assert!(!plain.contains("update_rule"), "{plain}");
    let answer = session().apply(Command::LoadModel(plain)).unwrap();
    assert!(!answer.contains("research"), "{answer}");
}

#[test]
fn a_cli_model_with_twelve_blocks_opens_in_the_playground() {
    let mut a = session();
    a.apply(Command::Set("blocks".into(), 12.into())).unwrap();
    a.apply(Command::Step).unwrap();
    let mut b = session();
    b.apply(Command::LoadModel(saved_model(&mut a))).unwrap();
    assert_eq!(b.settings.flow.blocks, 12);
    assert_eq!(b.flow().params, a.flow().params);
}

/// A valid model file of the command line with a momentum encoder of width 16.
fn narrow_encoder_model() -> String {
    use nhf_playground::nhf::model_file::ModelFile;
    use nhf_playground::nhf::{Flow, FlowConfig, TrainConfig};
    let config = FlowConfig {
        encoder_width: 16,
        ..FlowConfig::default()
    };
    let flow = Flow::new(config, 1).unwrap();
    ModelFile::new(&flow, &TrainConfig::default(), "8gaussians", None, 0, None).to_json()
}

#[test]
fn a_cli_model_with_sine_units_opens_and_its_link_carries_them() {
    let mut a = session();
    a.apply(Command::Set("activation".into(), "sine".into()))
        .unwrap();
    a.apply(Command::Step).unwrap();
    let text = saved_model(&mut a);
    assert!(text.contains("\"activation\":\"sine\""), "{text}");
    let mut b = session();
    b.apply(Command::LoadModel(text)).unwrap();
    assert_eq!(b.flow().params, a.flow().params);
    assert!(
        b.link_hash().contains("&activation=sine&"),
        "{}",
        b.link_hash()
    );
}

#[test]
fn bad_model_files_are_refused_and_change_nothing() {
    let mut a = session();
    let good = saved_model(&mut a);
    let with_target = |from: &str, to: &str| good.replacen(from, to, 1);
    let cases = [
        ("not json".to_string(), "not valid JSON"),
        (good[..good.len() / 2].to_string(), "not valid JSON"),
        ("{\"hello\":1}".to_string(), "not a model file"),
        (
            good.replace("\"version\":4", "\"version\":99"),
            "version 99",
        ),
        (
            with_target("\"target\":\"8gaussians\"", "\"target\":\"atlantis\""),
            "atlantis",
        ),
        (
            with_target("\"dt\":0.2", "\"dt\":1.5"),
            "outside the playground's ranges",
        ),
        (
            with_target("\"target\":\"8gaussians\"", "\"target\":\"drawn\"").replace(
                "\"target_definition\":null",
                "\"target_definition\":{\"nx\":-1}",
            ),
            "drawing is malformed",
        ),
        ("x".repeat(33 * 1024 * 1024), "at most"),
        // The command line's --encoder-width: a shape that no link carries.
        (narrow_encoder_model(), "momentum encoder of width 16"),
    ];
    let mut b = session();
    b.apply(Command::Step).unwrap();
    let (link, params) = (b.link_hash(), b.flow().params.clone());
    for (text, want) in cases {
        let e = b.apply(Command::LoadModel(text)).unwrap_err();
        assert!(e.contains(want), "wanted {want:?} in {e}");
        assert!(e.contains("kept"), "{e}");
        assert_eq!(b.link_hash(), link);
        assert_eq!(b.flow().params, params);
        assert_eq!(b.trainer.step, 1);
        assert_eq!(b.message.as_deref(), Some(e.as_str()));
    }
}

#[test]
fn exported_samples_are_csv_in_display_coordinates() {
    let mut s = session();
    s.apply(Command::Target("jla".into())).unwrap();
    s.apply(Command::ExportSamples(500)).unwrap();
    let file = s.outbox.pop().unwrap();
    assert_eq!(file.mime, "text/csv");
    let text = String::from_utf8(file.bytes).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert_eq!(header.split(',').count(), 2, "{header}");
    let rows: Vec<[f64; 2]> = lines
        .map(|l| {
            let mut it = l.split(',').map(|x| x.parse::<f64>().unwrap());
            [it.next().unwrap(), it.next().unwrap()]
        })
        .collect();
    assert!(rows.len() > 450, "{} rows", rows.len());
    assert!(rows.iter().all(|r| r.iter().all(|x| x.is_finite())));
    // Asking again gives the same file (the export is seeded by the run's seed).
    s.apply(Command::ExportSamples(500)).unwrap();
    assert_eq!(
        String::from_utf8(s.outbox.pop().unwrap().bytes).unwrap(),
        text
    );
}

const MIXTURE: &str = r#"{"name":"two blobs","components":[{"weight":1,"mean":[-2,0],"cov":[[0.3,0],[0,0.3]]},{"weight":1,"mean":[2,1],"cov":[[0.4,0.1],[0.1,0.3]]}]}"#;

#[test]
fn a_custom_mixture_file_becomes_the_target_and_travels_in_links_and_models() {
    let mut a = session();
    let answer = a.apply(Command::LoadModel(MIXTURE.into())).unwrap();
    assert!(answer.contains("two blobs"), "{answer}");
    assert_eq!(a.settings.target, "custom");
    assert!(a.target.log_prob([-2.0, 0.0]) > a.target.log_prob([0.0, 3.0]) + 5.0);
    // The link reproduces it in a fresh session.
    let mut b = session();
    b.apply(Command::Link(a.link_hash())).unwrap();
    assert_eq!(b.settings.mixture, a.settings.mixture);
    assert_eq!(b.target.log_prob([2.0, 1.0]), a.target.log_prob([2.0, 1.0]));
    // A saved model keeps the mixture.
    a.apply(Command::Step).unwrap();
    let text = saved_model(&mut a);
    let mut c = session();
    c.apply(Command::LoadModel(text)).unwrap();
    assert_eq!(c.settings.target, "custom");
    assert_eq!(c.flow().params, a.flow().params);
    // Switching away and back keeps the loaded mixture.
    c.apply(Command::Target("moons".into())).unwrap();
    c.apply(Command::Target("custom".into())).unwrap();
    assert_eq!(c.settings.mixture, a.settings.mixture);
}

#[test]
fn bad_mixture_files_are_refused_with_the_field_named() {
    let mut s = session();
    let link = s.link_hash();
    for (text, want) in [
        (
            MIXTURE.replace(
                "\"weight\":1,\"mean\":[-2,0]",
                "\"weight\":-1,\"mean\":[-2,0]",
            ),
            "weight",
        ),
        (
            MIXTURE.replace("[[0.3,0],[0,0.3]]", "[[0.3,1],[1,0.3]]"),
            "cov",
        ),
        (r#"{"components":[]}"#.to_string(), "components"),
        (MIXTURE.replace("[-2,0]", "[-2]"), "mean"),
    ] {
        let e = s.apply(Command::LoadModel(text)).unwrap_err();
        assert!(
            e.contains("mixture file") && e.contains(want) && e.contains("kept"),
            "{e}"
        );
        assert_eq!(s.link_hash(), link);
    }
    let e = s.apply(Command::Target("custom".into())).unwrap_err();
    assert!(e.contains("load one from a file"), "{e}");
}

#[test]
fn a_run_stops_at_the_end_of_its_schedule_and_continues_only_when_asked() {
    let mut s = session();
    s.apply(Command::Set("schedule_iters".into(), 6.into()))
        .unwrap();
    s.apply(Command::Train).unwrap();
    for _ in 0..50 {
        s.tick(0.02);
    }
    assert_eq!(s.trainer.step, 6, "no step past the schedule's end");
    assert!(!s.running);
    let said = s.finished.clone().expect("the end is reported");
    assert!(said.contains("6 iterations"), "{said}");
    // Train goes on with a new cosine schedule of the same length.
    s.apply(Command::Train).unwrap();
    assert!(s.finished.is_none() && s.trainer.current_lr() > 0.0);
    for _ in 0..50 {
        s.tick(0.02);
    }
    assert_eq!(s.trainer.step, 12);
    assert!(s.finished.is_some());
    // A constant rate has no end; a bad one is refused and changes nothing.
    assert!(s.apply(Command::ContinueConstant(f64::NAN)).is_err());
    assert!(!s.running);
    s.apply(Command::ContinueConstant(1e-3)).unwrap();
    for _ in 0..5 {
        s.tick(0.02);
    }
    assert!(s.running && s.trainer.step > 12);
    assert_eq!(s.trainer.current_lr(), 1e-3);
}

/// A method's model file (an L2HMC sampler, a planar flow, HMC's settings) saves from one
/// session and opens in another with the same method, target and parameters; a damaged one
/// is refused and the session keeps what it had.
#[test]
fn method_files_save_and_open_and_damaged_ones_change_nothing() {
    use nhf_playground::app::session::MethodRun;
    use nhf_playground::method::Method;

    let mut a = session();
    a.apply(Command::Target("banana".into())).unwrap();
    a.apply(Command::Set("method".into(), "l2hmc".into()))
        .unwrap();
    a.apply(Command::Set("l2hmc_train".into(), 3.into()))
        .unwrap();
    for _ in 0..5 {
        a.apply(Command::Step).unwrap();
    }
    let text = saved_model(&mut a);
    assert!(text.contains("\"nhf-playground-method\""), "{text:.200}");
    let mut b = session();
    let answer = b.apply(Command::LoadModel(text.clone())).unwrap();
    assert!(
        answer.contains("l2hmc loaded") && answer.contains("iteration 5"),
        "{answer}"
    );
    assert_eq!(b.settings.method, Method::L2hmc);
    assert_eq!(b.settings.target, "banana");
    let (MethodRun::Chains(ra), MethodRun::Chains(rb)) = (&a.method_run, &b.method_run) else {
        panic!("L2HMC does not run in both");
    };
    assert_eq!(ra.chains.state(), rb.chains.state());
    assert!(
        rb.chains.keeping_draws(),
        "restored past its training, it samples"
    );

    let mut c = session();
    c.apply(Command::Target("u1".into())).unwrap();
    c.apply(Command::Set("method".into(), "planar".into()))
        .unwrap();
    c.apply(Command::Set("layers".into(), 4.into())).unwrap();
    for _ in 0..7 {
        c.apply(Command::Step).unwrap();
    }
    let planar = saved_model(&mut c);
    let answer = b.apply(Command::LoadModel(planar)).unwrap();
    assert!(answer.contains("planar loaded"), "{answer}");
    let (MethodRun::Layers(rc), MethodRun::Layers(rb)) = (&c.method_run, &b.method_run) else {
        panic!("the planar flow does not run in both");
    };
    assert_eq!(rb.trainer.flow.params, rc.trainer.flow.params);
    assert_eq!(rb.trainer.step, 7);
    assert_eq!(b.settings.layers, 4);

    let before = b.settings.clone();
    for (bad, why) in [
        (
            text.replace("\"version\": 1", "\"version\": 7"),
            "version 7",
        ),
        (
            text.replace("\"hidden\": 10", "\"hidden\": 11"),
            "parameters",
        ),
        (
            text.replace("\"target\": \"banana\"", "\"target\": \"moon\""),
            "moon",
        ),
    ] {
        let err = b.apply(Command::LoadModel(bad)).unwrap_err();
        assert!(err.contains(why) && err.contains("kept"), "{err}");
        assert_eq!(b.settings, before);
    }
    // Back to an NHF model file: the NHF runs again.
    let mut d = session();
    let nhf = saved_model(&mut d);
    b.apply(Command::LoadModel(nhf)).unwrap();
    assert_eq!(b.settings.method, Method::Nhf);
    assert!(matches!(b.method_run, MethodRun::Nhf));
}

/// A typed formula is the model file's target definition: the file opens on the same
/// expression and box, and a damaged definition is refused with the current run kept.
#[test]
fn a_typed_formula_travels_in_the_model_file() {
    let spec = nhf_playground::targets::FormulaSpec {
        formula: "-((sqrt(x^2 + y^2) - 2) / 0.3)^2 / 2".into(),
        bounds: [-4.0, 4.0, -3.0, 3.0],
    };
    let mut a = session();
    a.apply(Command::Formula(spec.clone())).unwrap();
    a.apply(Command::Step).unwrap();
    let text = saved_model(&mut a);
    let mut b = session();
    b.apply(Command::LoadModel(text.clone())).unwrap();
    assert_eq!(b.settings.target, "formula");
    assert_eq!(b.settings.formula.as_ref(), Some(&spec));
    assert_eq!(b.target.bounds(), a.target.bounds());
    assert_eq!(b.flow().params, a.flow().params);
    let broken = text.replace("sqrt(x^2", "sqrt(x^^2");
    assert_ne!(broken, text);
    let mut c = session();
    let error = c.apply(Command::LoadModel(broken)).unwrap_err();
    assert!(error.contains("column"), "{error}");
    assert_eq!(c.settings.target, "8gaussians");
}
