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
    ] {
        assert!(last.get(key).is_some(), "missing {key} in {last}");
    }
    assert_eq!(last["iters"], 20);
    assert!(
        last["ess"].is_null(),
        "ESS applies to the density objective only"
    );
    assert!(last["kl"].as_f64().unwrap().is_finite());
    let (ok, out, err) = cli(&[
        "eval", "--model", &model, "--grid", "16", "--draws", "2", "--json",
    ]);
    assert!(ok, "{err}");
    assert!(out.lines().last().unwrap().contains("\"kl\""));
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
