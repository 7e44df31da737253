//! The test interface shared by the browser (`app_status` / `app_command`) and the native
//! window (`--print-status`): a JSON snapshot of the playground and JSON commands. Documented
//! in docs/BROWSER_TESTS.md; fields only ever get added.

use serde::Serialize;
use serde_json::Value;

use super::session::{Command, MethodRun, Session};
use crate::nhf::step_bench::{BenchConfig, StepTiming, time_steps};

pub use super::ui_report::UiReport;

/// The JSON snapshot.
#[derive(Serialize)]
struct Status<'a> {
    frames: u64,
    step: u64,
    loss: Option<f64>,
    running: bool,
    target: &'a str,
    error: Option<&'a str>,
    fps: f64,
    frame_ms: f64,
    /// The median and 90th percentile of `frame_ms` over the last 120 frames.
    frame_ms_median: Option<f64>,
    frame_ms_p90: Option<f64>,
    tick_ms: f64,
    iters_per_sec: f64,
    /// The importance ESS in percent of the NHF under the density objective, or of a planar
    /// or radial flow (null otherwise).
    ess: Option<f64>,
    /// The NHF's held-out NLL in nats under the samples objective (null otherwise).
    nll: Option<f64>,
    /// The user's file of samples, when it is the target: its name, row count, content hash
    /// and box (the rows themselves are not in the status).
    samples: Option<Value>,
    /// The model that runs: nhf, planar, radial or hmc.
    method: crate::method::Method,
    /// HMC's iterations, or the planar or radial flow's training steps (null for the NHF,
    /// whose iterations are `step`).
    method_iteration: Option<u64>,
    /// HMC's acceptance rate after the warm-up (null for other methods, or before a draw).
    acceptance: Option<f64>,
    /// HMC's step size (tuned during the warm-up).
    step_size: Option<f64>,
    /// HMC's draws per chain so far.
    draws: Option<usize>,
    /// HMC's smaller ESS of the two coordinates per gradient evaluation.
    ess_per_grad: Option<f64>,
    /// HMC's larger split R̂ of the two coordinates.
    r_hat: Option<f64>,
    anim_step: usize,
    anim_states: usize,
    anim_playing: bool,
    params: usize,
    objective: crate::nhf::Objective,
    kinetic: crate::nhf::Kinetic,
    views: Vec<&'static str>,
    kl: Option<f64>,
    kl_step: Option<u64>,
    grid_progress: f64,
    direction: &'static str,
    settings: &'a super::settings::Settings,
    widgets: &'a UiReport,
    link: String,
    message: Option<&'a str>,
    preset: Option<&'static str>,
    hidden_panels: &'a [String],
    zoom: f32,
    anim_summary: Option<[f64; 4]>,
    /// Where continuous training runs: "worker" (a Web Worker or thread) or "frame" (the
    /// frame loop).
    training_in: &'static str,
    /// The comparison's methods and how far each is, with its figures once measured.
    compare: Option<Vec<Value>>,
}

/// Means over every particle and every state of the animated trajectories: q₁, q₂, p₁, p₂.
/// Two apps that opened the same link show the same trajectories exactly when these agree
/// (tests compare the browser's with the desktop app's).
fn anim_summary(session: &Session) -> Option<[f64; 4]> {
    let t = &session.anim.trajectory;
    let n = t.q.len().min(t.p.len());
    if n == 0 {
        return None;
    }
    let mut sum = [0.0; 4];
    for (q, p) in t.q.iter().zip(&t.p) {
        for (k, x) in [q[0], q[1], p[0], p[1]].into_iter().enumerate() {
            sum[k] += x;
        }
    }
    let mean = sum.map(|x| x / n as f64);
    mean.iter().all(|x| x.is_finite()).then_some(mean)
}

/// Rounds for display and maps non-finite values to null (JSON has no NaN).
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The status as one line of JSON.
pub fn status_json(session: &Session, widgets: &UiReport) -> String {
    let chains = match &session.method_run {
        MethodRun::Chains(run) => Some(run.as_ref()),
        _ => None,
    };
    let status = Status {
        frames: session.frames,
        step: session.trainer.step,
        loss: session.trainer.last_loss().and_then(finite),
        running: session.running,
        target: &session.settings.target,
        error: session.error.as_deref(),
        fps: finite(session.fps).unwrap_or(0.0),
        frame_ms: finite(session.frame_ms).unwrap_or(0.0),
        frame_ms_median: session.frame_times.quantile(0.5),
        frame_ms_p90: session.frame_times.quantile(0.9),
        tick_ms: finite(session.tick_ms).unwrap_or(0.0),
        iters_per_sec: finite(session.iters_per_sec).unwrap_or(0.0),
        ess: match &session.method_run {
            MethodRun::Layers(run) => run.ess.map(|(_, e)| e),
            _ => session.ess.map(|(_, e)| e),
        },
        nll: session.nll.map(|(_, n)| n),
        samples: session
            .settings
            .samples
            .as_ref()
            .filter(|_| session.settings.target == "samples")
            .map(|s| {
                serde_json::json!({
                    "name": s.spec.name, "rows": s.spec.rows.len(), "hash": s.hash,
                    "box": s.bounds(), "own_box": s.spec.bounds.is_some(),
                })
            }),
        method: session.settings.method,
        method_iteration: session.method_run.iteration(),
        acceptance: chains.and_then(|r| finite(r.chains.acceptance_rate())),
        step_size: chains.map(|r| r.chains.step_size()),
        draws: chains.map(super::session::method_run::ChainsRun::draws),
        ess_per_grad: chains.and_then(|r| r.diagnostics).map(|d| d.ess_per_grad),
        r_hat: chains.and_then(|r| r.diagnostics).map(|d| d.r_hat),
        anim_step: session.anim.step(),
        anim_states: session.anim.trajectory.states,
        anim_playing: session.anim.playing,
        params: session.flow().param_count(),
        objective: session.flow().config.objective,
        kinetic: session.flow().config.kinetic,
        views: session.settings.views.visible(),
        kl: session.grid.done.as_ref().and_then(|d| finite(d.2)),
        kl_step: session.grid.done.as_ref().map(|d| d.0),
        grid_progress: session.grid.eval.progress(),
        direction: match session.anim.direction {
            Some(crate::nhf::Direction::Normalize) => "normalize",
            _ => "generate",
        },
        settings: &session.settings,
        widgets,
        link: session.link_hash(),
        message: session.message.as_deref(),
        preset: session.preset.map(|p| p.id),
        hidden_panels: &session.classroom.hide,
        zoom: session.classroom.zoom,
        anim_summary: anim_summary(session),
        training_in: if session.trains_off_thread() {
            "worker"
        } else {
            "frame"
        },
        compare: session
            .comparison
            .as_ref()
            .map(super::session::ComparisonRun::status),
    };
    serde_json::to_string(&status).unwrap_or_else(|e| format!("{{\"error\":\"status: {e}\"}}"))
}

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
    let config = match value
        .get("config")
        .and_then(Value::as_str)
        .unwrap_or("standard")
    {
        "standard" => BenchConfig::STANDARD,
        "small" => BenchConfig::SMALL,
        other => {
            return Err(format!(
                "unknown bench config {other:?} (standard or small)"
            ));
        }
    };
    let reps = value.get("reps").and_then(Value::as_u64).unwrap_or(20);
    if !(1..=200).contains(&reps) {
        return Err(format!("reps must be between 1 and 200, got {reps}"));
    }
    time_steps(config, reps as usize)
}

/// Runs a JSON command against the session; answers `{"ok":true,"result":…}` or
/// `{"ok":false,"error":…}`. Never panics.
pub fn run_command(session: &mut Session, json: &str) -> String {
    if let Ok(value) = serde_json::from_str::<Value>(json)
        && value.get("cmd").and_then(Value::as_str) == Some("bench")
    {
        return match bench_command(&value) {
            Ok(timing) => serde_json::json!({"ok": true, "result": timing}).to_string(),
            Err(error) => serde_json::json!({"ok": false, "error": error}).to_string(),
        };
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
