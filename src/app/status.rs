//! The test interface shared by the browser (`app_status` / `app_command`) and the native
//! window (`--print-status`): a JSON snapshot of the playground and JSON commands. Documented
//! in docs/BROWSER_TESTS.md; fields only ever get added.

use serde::Serialize;
use serde_json::Value;

pub use super::command_json::{parse_command, run_command};
use super::session::{MethodRun, Session};

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
    /// Which training kernels run: "exact (…)" (the same bits everywhere, whichever clone) or
    /// "fast (AVX + FMA)" or "fast (AVX-512VL + FMA)" (the desktop's opt-in).
    kernels: &'static str,
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
    /// The last timing of `bench` with `workers` (null until it arrives).
    bench: Option<&'a Value>,
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
        kernels: crate::nhf::lanes::kernels_in_use(),
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
        bench: session.bench.as_ref(),
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
