//! The test interface's commands: JSON such as `{"cmd":"target","name":"banana"}` read into a
//! [`Command`] (or run as a benchmark), and the JSON answer. The browser exposes it to its
//! tests, the desktop app to its window test; docs/BROWSER_TESTS.md lists every command.

use serde_json::Value;

use super::session::{Command, Session};
use crate::nhf::step_bench::{BenchConfig, StepTiming, time_steps};

/// Parses a command such as `{"cmd":"target","name":"banana"}`; the error says what was wrong.
pub fn parse_command(json: &str) -> Result<Command, String> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("not a JSON command ({e})"))?;
    let cmd = value
        .get("cmd")
        .and_then(Value::as_str)
        .ok_or("missing \"cmd\" (a string)")?;
    let int = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_i64)
            .ok_or(format!("\"{cmd}\" needs an integer \"{key}\""))
    };
    Ok(match cmd {
        "train" => Command::Train,
        "continue" => Command::ContinueConstant(
            value
                .get("lr")
                .and_then(Value::as_f64)
                .ok_or("\"continue\" needs a number \"lr\"")?,
        ),
        "pause" => Command::Pause,
        "fast_kernels" => Command::FastKernels(
            value
                .get("on")
                .and_then(Value::as_bool)
                .ok_or("\"fast_kernels\" needs a boolean \"on\"")?,
        ),
        "step" => Command::Step,
        "reset" => Command::Reset,
        "target" => Command::Target(
            value
                .get("name")
                .and_then(Value::as_str)
                .ok_or("\"target\" needs a string \"name\"")?
                .to_string(),
        ),
        "formula" => Command::Formula(crate::targets::FormulaSpec {
            formula: value
                .get("text")
                .and_then(Value::as_str)
                .ok_or("\"formula\" needs a string \"text\"")?
                .to_string(),
            bounds: value
                .get("box")
                .and_then(|b| serde_json::from_value::<[f64; 4]>(b.clone()).ok())
                .ok_or("\"formula\" needs a \"box\" of four numbers [xmin, xmax, ymin, ymax]")?,
        }),
        "anim_step" => Command::AnimStep(int("delta")?),
        "scrub" => Command::Scrub(
            usize::try_from(int("step")?).map_err(|_| "\"step\" must be ≥ 0".to_string())?,
        ),
        "anim_play" => Command::AnimPlay(
            value
                .get("playing")
                .and_then(Value::as_bool)
                .ok_or("\"anim_play\" needs a boolean \"playing\"")?,
        ),
        "view" => Command::View(
            value
                .get("name")
                .and_then(Value::as_str)
                .ok_or("\"view\" needs a string \"name\"")?
                .to_string(),
            value
                .get("visible")
                .and_then(Value::as_bool)
                .ok_or("\"view\" needs a boolean \"visible\"")?,
        ),
        "method" => Command::Set(
            "method".into(),
            Value::String(
                value
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or("\"method\" needs a string \"name\" (nhf, planar, radial, hmc)")?
                    .to_string(),
            ),
        ),
        "set" => Command::Set(
            value
                .get("key")
                .and_then(Value::as_str)
                .ok_or("\"set\" needs a string \"key\"")?
                .to_string(),
            value
                .get("value")
                .cloned()
                .ok_or("\"set\" needs a \"value\"")?,
        ),
        "direction" => Command::Direction(match value.get("name").and_then(Value::as_str) {
            Some("generate") => crate::nhf::Direction::Generate,
            Some("normalize") => crate::nhf::Direction::Normalize,
            _ => return Err("\"direction\" needs \"name\": \"generate\" or \"normalize\"".into()),
        }),
        "paint" => {
            let point = |key: &str| -> Result<[f64; 2], String> {
                let pair = value
                    .get(key)
                    .and_then(Value::as_array)
                    .filter(|a| a.len() == 2)
                    .ok_or(format!("\"paint\" needs \"{key}\": [x, y]"))?;
                let x = |k: usize| {
                    pair[k]
                        .as_f64()
                        .ok_or(format!("\"{key}\" must hold numbers"))
                };
                Ok([x(0)?, x(1)?])
            };
            let from = point("from")?;
            Command::Paint {
                from,
                to: if value.get("to").is_some() {
                    point("to")?
                } else {
                    from
                },
                radius: value
                    .get("radius")
                    .and_then(Value::as_f64)
                    .ok_or("\"paint\" needs a number \"radius\"")?,
                erase: value.get("erase").and_then(Value::as_bool).unwrap_or(false),
            }
        }
        "link" => Command::Link(
            value
                .get("link")
                .and_then(Value::as_str)
                .ok_or("\"link\" needs a string \"link\"")?
                .to_string(),
        ),
        "preset" => Command::Preset(
            value
                .get("name")
                .and_then(Value::as_str)
                .ok_or("\"preset\" needs a string \"name\"")?
                .to_string(),
        ),
        "close_preset" => Command::ClosePreset,
        "dismiss_error" => Command::DismissError,
        "save_model" => Command::SaveModel,
        "export_samples" => Command::ExportSamples(
            usize::try_from(int("n")?).map_err(|_| "\"n\" must be ≥ 1".to_string())?,
        ),
        "open_model" => Command::OpenModel,
        "export_view" => Command::ExportView,
        "compare" => Command::Compare(
            value
                .get("methods")
                .and_then(Value::as_str)
                .ok_or("\"compare\" needs a string \"methods\" (a comma list; empty closes)")?
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(crate::compare::Contender::parse)
                .collect::<Result<_, _>>()?,
        ),
        "load_model" => Command::LoadModel(
            value
                .get("text")
                .and_then(Value::as_str)
                .ok_or("\"load_model\" needs a string \"text\"")?
                .to_string(),
        ),
        "samples" => Command::Samples {
            name: value
                .get("name")
                .and_then(Value::as_str)
                .ok_or("\"samples\" needs a string \"name\" (the file's)")?
                .to_string(),
            bytes: value
                .get("text")
                .and_then(Value::as_str)
                .ok_or("\"samples\" needs a string \"text\" (the file's contents)")?
                .as_bytes()
                .to_vec(),
        },
        "samples_box" => {
            Command::SamplesBox(match value.get("box") {
                None | Some(Value::Null) => None,
                Some(b) => Some(serde_json::from_value::<[f64; 4]>(b.clone()).map_err(
                    |_| "\"samples_box\" needs \"box\": [xmin, xmax, ymin, ymax] or null",
                )?),
            })
        }
        "clear_canvas" => Command::ClearCanvas,
        "commit_canvas" => Command::CommitCanvas,
        other => {
            return Err(format!(
                "unknown command \"{other}\" (known: train, continue, pause, step, reset, target, formula, anim_step, scrub, anim_play, view, set, direction, paint, clear_canvas, commit_canvas, link, preset, close_preset, dismiss_error, save_model, export_samples, export_view, open_model, load_model, samples, samples_box, compare)"
            ));
        }
    })
}

/// `{"cmd":"bench","config":"standard"|"small","reps":N}`: times training steps of a fresh
/// trainer in this build, leaving the session alone. It
/// blocks the frame it runs in, so reps is capped at 200.
fn bench_command(value: &Value) -> Result<StepTiming, String> {
    let config = BenchConfig::by_name(
        value
            .get("config")
            .and_then(Value::as_str)
            .unwrap_or("standard"),
    )?;
    let reps = value.get("reps").and_then(Value::as_u64).unwrap_or(20);
    if !(1..=200).contains(&reps) {
        return Err(format!("reps must be between 1 and 200, got {reps}"));
    }
    time_steps(config, reps as usize)
}

/// `{"cmd":"bench","config":…,"reps":N,"workers":W}`: times N steps shared among W workers
/// in the training worker (the browser's pool), pausing training; the timing arrives in the
/// status's `bench`.
fn worker_bench_command(session: &mut Session, value: &Value) -> Result<String, String> {
    let name = value
        .get("config")
        .and_then(Value::as_str)
        .unwrap_or("standard");
    BenchConfig::by_name(name)?;
    let reps = value.get("reps").and_then(Value::as_u64).unwrap_or(20);
    if !(1..=200).contains(&reps) {
        return Err(format!("reps must be between 1 and 200, got {reps}"));
    }
    let max = crate::app::shared_step::MAX_WORKERS as u64;
    let workers = value
        .get("workers")
        .and_then(Value::as_u64)
        .filter(|w| (1..=max).contains(w))
        .ok_or(format!("workers must be a whole number from 1 to {max}"))?;
    session.start_worker_bench(name, reps as usize, workers as usize)
}

/// `{"cmd":"heldout_nll","points":N}`: the NHF's held-out NLL, measured like the command line's
/// `train` but with 4 momentum draws per point (a file's held-out rows, up to N, else N fresh
/// draws from a fixed seed), and the number of points, leaving the session alone. N is 1 to
/// 20,000 (it blocks the frame it runs in).
fn heldout_nll_command(session: &Session, value: &Value) -> Result<Value, String> {
    let points = value.get("points").and_then(Value::as_u64).unwrap_or(2000);
    if !(1..=20_000).contains(&points) {
        return Err(format!("points must be between 1 and 20000, got {points}"));
    }
    let target = session.target.as_ref();
    let n = target
        .held_out()
        .map_or(points as usize, |rows| rows.len().min(points as usize));
    let mut rng = crate::rng::Rng::seed_from_u64(session.settings.train.seed.wrapping_add(37));
    let nll = crate::nhf::eval::heldout_nll(&session.trainer.flow, target, n, 4, &mut rng);
    if !nll.is_finite() {
        return Err(format!("the held-out NLL is not finite ({nll})"));
    }
    Ok(serde_json::json!({ "nll": nll, "points": n, "step": session.trainer.step }))
}

/// Runs a JSON command against the session; answers `{"ok":true,"result":…}` or
/// `{"ok":false,"error":…}`. Never panics.
pub fn run_command(session: &mut Session, json: &str) -> String {
    if let Ok(value) = serde_json::from_str::<Value>(json) {
        let measured = match value.get("cmd").and_then(Value::as_str) {
            Some("bench") if value.get("workers").is_some() => {
                Some(worker_bench_command(session, &value).map(Value::from))
            }
            Some("bench") => Some(bench_command(&value).map(|t| serde_json::json!(t))),
            Some("heldout_nll") => Some(heldout_nll_command(session, &value)),
            _ => None,
        };
        if let Some(measured) = measured {
            return match measured {
                Ok(result) => serde_json::json!({"ok": true, "result": result}).to_string(),
                Err(error) => serde_json::json!({"ok": false, "error": error}).to_string(),
            };
        }
    }
    let answer = parse_command(json).and_then(|c| session.apply(c));
    match answer {
        Ok(result) => serde_json::json!({"ok": true, "result": result}).to_string(),
        Err(error) => serde_json::json!({"ok": false, "error": error}).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_commands_parse_and_refuse_malformed_points() {
        assert_eq!(
            parse_command(r#"{"cmd":"paint","from":[0,1],"radius":0.5}"#),
            Ok(Command::Paint {
                from: [0.0, 1.0],
                to: [0.0, 1.0],
                radius: 0.5,
                erase: false
            })
        );
        for bad in [
            r#"{"cmd":"paint","from":[0],"radius":0.5}"#,
            r#"{"cmd":"paint","from":[0,"a"],"radius":0.5}"#,
            r#"{"cmd":"paint","from":[0,1]}"#,
            r#"{"cmd":"paint","from":[0,1],"to":3,"radius":1}"#,
        ] {
            assert!(parse_command(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            parse_command(r#"{"cmd":"commit_canvas"}"#),
            Ok(Command::CommitCanvas)
        );
    }

    #[test]
    fn commands_parse_and_bad_ones_explain_themselves() {
        assert_eq!(parse_command(r#"{"cmd":"train"}"#), Ok(Command::Train));
        assert_eq!(
            parse_command(r#"{"cmd":"anim_step","delta":-1}"#),
            Ok(Command::AnimStep(-1))
        );
        assert_eq!(
            parse_command(r#"{"cmd":"target","name":"banana"}"#),
            Ok(Command::Target("banana".into()))
        );
        assert!(
            parse_command("nonsense")
                .unwrap_err()
                .contains("not a JSON command")
        );
        assert!(
            parse_command(r#"{"cmd":"fly"}"#)
                .unwrap_err()
                .contains("unknown command")
        );
        assert!(
            parse_command(r#"{"cmd":"anim_step"}"#)
                .unwrap_err()
                .contains("delta")
        );
        assert!(parse_command(r#"{"cmd":"scrub","step":-3}"#).is_err());
        assert!(parse_command(r#"[1,2]"#).unwrap_err().contains("cmd"));
        assert_eq!(
            parse_command(r#"{"cmd":"view","name":"phase","visible":false}"#),
            Ok(Command::View("phase".into(), false))
        );
        assert!(
            parse_command(r#"{"cmd":"view","name":"phase"}"#)
                .unwrap_err()
                .contains("visible")
        );
        assert!(
            parse_command(r#"{"cmd":"set","key":"dt"}"#)
                .unwrap_err()
                .contains("value")
        );
        assert!(
            parse_command(r#"{"cmd":"direction","name":"sideways"}"#)
                .unwrap_err()
                .contains("normalize")
        );
    }

    #[test]
    fn settings_are_range_checked_and_a_bad_value_changes_nothing() {
        let mut session = Session::new(crate::app::settings::Settings::default());
        let before = session.settings.clone();
        for (key, value) in [
            ("dt", serde_json::json!(-1.0)),
            ("dt", serde_json::json!("fast")),
            ("blocks", serde_json::json!(2.5)),
            ("width", serde_json::json!(1e9)),
            ("kinetic", serde_json::json!("quantum")),
            ("objective", serde_json::json!("telepathy")),
            ("colour", serde_json::json!(1)),
        ] {
            let err = session.set(key, &value).unwrap_err();
            assert!(err.contains(key), "{key}: {err}");
            assert_eq!(
                session.settings, before,
                "{key} = {value} changed the settings"
            );
        }
        session.set("blocks", &serde_json::json!(2)).unwrap();
        assert_eq!(session.flow().config.blocks, 2);
        let hide = run_command(
            &mut session,
            r#"{"cmd":"view","name":"energy","visible":false}"#,
        );
        assert!(hide.contains("\"ok\":true"), "{hide}");
        assert!(!session.settings.views.is_visible("energy"));
        let bad = run_command(
            &mut session,
            r#"{"cmd":"view","name":"nope","visible":false}"#,
        );
        assert!(bad.contains("unknown view"), "{bad}");
    }
}
