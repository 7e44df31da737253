//! The research command line, run as a user would: exit codes, the JSON result line, and
//! clear errors for bad files.

use std::process::Command;

fn cli(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nhf-playground"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp(name: &str, contents: &str) -> String {
    let path = std::env::temp_dir().join(format!("nhf-cli-test-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn targets_lists_every_target_as_json() {
    let (ok, out, _) = cli(&["targets", "--json"]);
    assert!(ok);
    let ids: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, nhf_playground::targets::TARGET_IDS);
}

#[test]
fn train_saves_a_model_that_eval_and_sample_read() {
    let model =
        std::env::temp_dir().join(format!("nhf-cli-test-{}-model.json", std::process::id()));
    let model = model.to_string_lossy().into_owned();
    let args = [
        "train",
        "--target",
        "8gaussians",
        "--iters",
        "20",
        "--batch",
        "32",
        "--blocks",
        "1",
        "--width",
        "8",
        "--grid",
        "16",
        "--draws",
        "2",
        "--out",
        &model,
        "--json",
    ];
    let (ok, out, err) = cli(&args);
    assert!(ok, "{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    for key in [
        "loss",
        "kl",
        "nll",
        "ess",
        "params",
        "iters",
        "seconds",
        "ms_per_iter",
        "eval_draws",
    ] {
        assert!(last.get(key).is_some(), "missing {key} in {last}");
    }
    assert_eq!(last["iters"], 20);
    assert_eq!(
        last["eval_draws"], 2,
        "the figures' importance draws, as asked"
    );
    assert!(
        last["ess"].is_null(),
        "ESS applies to the density objective only"
    );
    assert!(last["kl"].as_f64().unwrap().is_finite());
    let (ok, out, err) = cli(&[
        "eval", "--model", &model, "--grid", "16", "--draws", "2", "--json",
    ]);
    assert!(ok, "{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert!(last["kl"].as_f64().unwrap().is_finite(), "{last}");
    assert_eq!(last["eval_draws"], 2, "{last}");
    let (ok, out, err) = cli(&["sample", "--model", &model, "-n", "5"]);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 6, "a header and five rows: {out}");
}

#[test]
fn bad_files_get_errors_that_name_the_problem() {
    let bad = temp(
        "bad.json",
        r#"{"components":[{"weight":1,"mean":[0,0],"cov":[[1,2],[2,1]]}]}"#,
    );
    let (ok, _, err) = cli(&["train", "--target", &bad, "--iters", "1"]);
    assert!(!ok);
    assert!(
        err.contains("components[0].cov") && err.contains("positive definite"),
        "{err}"
    );
    let truncated = temp(
        "trunc.json",
        r#"{"format":"nhf-playground-model","version":1,"par"#,
    );
    let (ok, _, err) = cli(&["eval", "--model", &truncated]);
    assert!(!ok);
    assert!(err.contains("not valid JSON"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `--iw-mix` weighs the score of groups of draws, so with single draws (where the mix changes
/// nothing) it is refused instead of silently doing nothing: asked for, or the default of the
/// samples objective. The density objective's default groups of two take it.
#[test]
fn iw_mix_without_groups_of_draws_is_refused() {
    let refused: [&[&str]; 2] = [
        &["--target", "banana", "--iw-draws", "1"],
        &["--target", "8gaussians"],
    ];
    for flags in refused {
        let mut args = vec!["train", "--iters", "1", "--iw-mix", "0.5"];
        args.extend(flags);
        let (ok, _, err) = cli(&args);
        assert!(!ok, "{flags:?}");
        assert!(err.contains("--iw-draws"), "{flags:?}: {err}");
    }
    let (ok, _, err) = cli(&[
        "train", "--target", "banana", "--iters", "1", "--iw-mix", "0.5", "--grid", "8", "--draws",
        "1",
    ]);
    assert!(ok, "{err}");
}

/// A model saved from a painted target keeps the painting; `eval` scores the model against
/// it, not against the built-in picture of the same id.
#[test]
fn eval_of_a_model_saved_after_painting_scores_it_against_the_painting() {
    use nhf_playground::nhf::eval::grid_kl;
    use nhf_playground::nhf::model_file::ModelFile;
    use nhf_playground::nhf::{Flow, FlowConfig, TrainConfig};
    use nhf_playground::targets::{Bounds, DrawnGrid, DrawnTarget, Target, by_id};

    // A blob in the top-right corner: far from the built-in heart in the middle.
    let n = 16;
    let mut values = vec![0.0f32; n * n];
    for j in 11..15 {
        for i in 11..15 {
            values[j * n + i] = 1.0;
        }
    }
    let painting = DrawnGrid {
        nx: n,
        ny: n,
        bounds: Bounds::square(4.0),
        values,
    };
    let config = FlowConfig {
        blocks: 1,
        width: 8,
        ..FlowConfig::default()
    };
    let flow = Flow::new(config, 3).expect("a valid flow");
    let file = ModelFile::new(
        &flow,
        &TrainConfig::default(),
        "drawn",
        Some(serde_json::to_value(&painting).unwrap()),
        0,
        None,
    );
    let path = temp("painted.json", &file.to_json());
    let (ok, out, err) = cli(&[
        "eval", "--model", &path, "--grid", "16", "--draws", "2", "--seed", "1", "--json",
    ]);
    assert!(ok, "{err}");
    let line: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let kl = line["kl"].as_f64().expect("a KL");
    let against: &dyn Target = &DrawnTarget::from_drawn_grid(&painting).unwrap();
    let expected = grid_kl(&flow, against, 16, 2, 1);
    let heart = grid_kl(&flow, by_id("drawn").unwrap().as_ref(), 16, 2, 1);
    assert!(
        (kl - expected).abs() < 1e-9,
        "eval {kl}, the painting {expected}"
    );
    assert!(
        (kl - heart).abs() > 1e-3,
        "eval {kl} is the heart's {heart}"
    );
}

/// `hmc` runs chains on a target's own density and reports the diagnostics; bad settings are
/// refused with a message naming them.
#[test]
fn hmc_reports_acceptance_ess_and_r_hat() {
    let (ok, out, err) = cli(&[
        "hmc", "--target", "banana", "--warmup", "200", "--iters", "300", "--json",
    ]);
    assert!(ok, "{err}");
    let line: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let acceptance = line["acceptance"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&acceptance), "{line}");
    for axis in 0..2 {
        assert!(line["r_hat"][axis].as_f64().unwrap().is_finite(), "{line}");
        assert!(line["ess"][axis].as_f64().unwrap() > 10.0, "{line}");
    }
    assert_eq!(line["draws"], 1200);
    let (ok, _, err) = cli(&["hmc", "--chains", "0", "--iters", "1"]);
    assert!(!ok && err.contains("chains"), "{err}");
    let (ok, _, err) = cli(&["hmc", "--mass", "1", "--iters", "1"]);
    assert!(!ok && err.contains("m1,m2"), "{err}");
}

/// `classic` trains a planar or radial flow by the reverse KL and reports its loss and ESS.
#[test]
fn classic_trains_planar_and_radial_flows() {
    for kind in ["planar", "radial"] {
        let (ok, out, err) = cli(&[
            "classic", "--kind", kind, "--layers", "4", "--iters", "200", "--json",
        ]);
        assert!(ok, "{err}");
        let line: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        assert!(line["loss"].as_f64().unwrap().is_finite(), "{line}");
        assert!(line["ess"].as_f64().unwrap() > 0.0, "{line}");
    }
    let (ok, _, err) = cli(&["classic", "--layers", "0"]);
    assert!(!ok && err.contains("layers"), "{err}");
}

#[test]
fn l2hmc_trains_saves_and_resumes_from_its_file() {
    let path = std::env::temp_dir().join(format!("nhf-cli-test-{}-l2hmc.json", std::process::id()));
    let path = path.to_string_lossy().into_owned();
    let (ok, out, err) = cli(&[
        "l2hmc",
        "--target",
        "banana",
        "--chains",
        "4",
        "--leapfrog-steps",
        "3",
        "--train-iters",
        "20",
        "--iters",
        "30",
        "--save",
        &path,
        "--json",
    ]);
    assert!(ok, "{err}");
    let line: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(line["method"], "l2hmc");
    assert_eq!(line["draws"], 4 * 30);
    assert!(line["acceptance"].as_f64().unwrap() > 0.0, "{line}");
    assert_eq!(line["training_gradient_evaluations"], 20 * 2 * 4 * (3 + 1));
    // Opened again, it is trained already: it samples at once with the saved networks.
    let (ok, out, err) = cli(&["l2hmc", "--model", &path, "--iters", "10", "--json"]);
    assert!(ok, "{err}");
    let again: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(again["training_gradient_evaluations"], 0);
    assert_eq!(again["step_size"], line["step_size"]);
    let (ok, _, err) = cli(&["l2hmc", "--model", &temp("bad.json", "{\"format\": 1}")]);
    assert!(!ok && err.contains("method file"), "{err}");
}

#[test]
fn compare_prints_one_json_line_per_method() {
    let (ok, out, err) = cli(&[
        "compare",
        "--target",
        "u1",
        "--methods",
        "planar,hmc,l2hmc,nhf",
        "--iters",
        "20",
        "--layers",
        "2",
        "--chains",
        "4",
        "--draws",
        "20",
        "--l2hmc-train-iters",
        "3",
        "--json",
    ]);
    assert!(ok, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let methods: Vec<&str> = lines
        .iter()
        .map(|l| l["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["planar", "hmc", "l2hmc", "nhf"]);
    for l in &lines {
        for key in ["params", "kl", "ess", "acceptance", "grad_evals", "seconds"] {
            assert!(l.get(key).is_some(), "{key} missing in {l}");
        }
        assert!(l["kl"].as_f64().unwrap().is_finite());
    }
    assert!(lines[0]["acceptance"].is_null() && lines[1]["params"].is_null());
    let (ok, _, err) = cli(&["compare", "--methods", "nhf,nuts"]);
    assert!(!ok && err.contains("unknown method \"nuts\""), "{err}");
}
