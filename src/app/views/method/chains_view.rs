//! HMC and L2HMC as a student watches them: in position space, each chain's proposal moving
//! leapfrog step by leapfrog step over the target's density, then the Metropolis test (an
//! accepted end turns green and stays, a rejected one turns red and the chain snaps back);
//! beside it the draws so far against the target, the proposals in phase space (q₁, p₁), the
//! energy error along them that the test judges (ΔH for HMC; ΔH − log|det| for L2HMC, whose
//! map changes volume), and the figures (acceptance, ESS per gradient, R̂; L2HMC's training).

use egui::{Color32, Stroke, Ui};
use egui_plot::{Line, Plot, Points};

use super::super::colormap::density_image_scaled;
use super::super::training::robust_range;
use super::backdrop::{Backdrop, Cached, side_by_side};
use super::{animation_row, figures};
use crate::app::session::method_run::{ChainsRun, LAYER_DENSITY_CELLS, histogram};
use crate::app::session::{Command, Session};
use crate::app::status::UiReport;
use crate::hmc::Proposal;
use crate::method::Method;

const ACCEPTED: Color32 = Color32::from_rgb(110, 230, 120);
const REJECTED: Color32 = Color32::from_rgb(240, 90, 80);
const MOVING: Color32 = Color32::from_rgb(120, 220, 255);

/// The chains view's cached textures.
#[derive(Default)]
pub struct ChainsView {
    backdrop: Backdrop,
    /// The draws' density, for (target, draws per chain).
    draws: Cached<((String, u64), usize)>,
}

/// A proposal's position after `s` leapfrog steps (interpolated between states).
fn along(path: &[[f64; 2]], s: f64) -> [f64; 2] {
    let last = path.len().saturating_sub(1);
    let s = s.clamp(0.0, last as f64);
    let (k, f) = (s.floor() as usize, s.fract());
    let (a, b) = (path[k], path[(k + 1).min(last)]);
    [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]
}

impl ChainsView {
    /// Draws the view into the available space.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        run: &ChainsRun,
        report: &mut UiReport,
        commands: &mut Vec<Command>,
    ) {
        let size = ui.available_size();
        let gap = ui.spacing().item_spacing;
        let row = 30.0;
        // Portrait (a phone): position space at the full width, the rest below it (the
        // method view scrolls); landscape: side by side.
        let portrait = size.x < size.y;
        let side = if portrait {
            size.x.min(size.y - row).max(64.0)
        } else {
            (size.y - row).min(size.x * 0.5).max(64.0)
        };
        let steps = run.chains.leapfrog_steps();
        ui.with_layout(super::arrangement(portrait), |ui| {
            ui.vertical(|ui| {
                ui.set_width(side);
                ui.set_max_width(side);
                let square = self.backdrop.square(ui, session, side, report);
                let testing = run.position > steps as f64;
                for proposal in &run.shown {
                    draw_proposal(&square, proposal, run.position, testing);
                }
                if run.shown.is_empty() {
                    for q in run.chains.positions() {
                        if let Some(p) = square.at(*q) {
                            square.painter.circle_filled(p, 3.0, MOVING);
                        }
                    }
                }
                let accepted = run.shown.iter().filter(|p| p.accepted).count();
                let trains = session.settings.method == Method::L2hmc;
                let phase = match (run.chains.keeping_draws(), trains) {
                    (true, _) => "sampling",
                    (false, false) => "warm-up: tuning the step size",
                    (false, true) => "training the networks",
                };
                let what = if run.shown.is_empty() {
                    "press Sample or Step".to_string()
                } else if testing {
                    format!(
                        "Metropolis test: {accepted} of {} accepted (green), rejected snap back (red)",
                        run.shown.len()
                    )
                } else {
                    format!("leapfrog step {} / {steps}", run.position.floor())
                };
                square.legend(format!(
                    "iteration {} ({phase}) | {what}",
                    run.shown_iteration
                ));
                animation_row(
                    ui,
                    session,
                    run.position,
                    steps + super::super::super::session::method_run::TEST_PAUSE_STEPS as usize,
                    "step",
                    commands,
                );
            });
            let width = if portrait {
                size.x
            } else {
                ui.available_width().min(size.x - side - gap.x).max(100.0)
            };
            ui.vertical(|ui| {
                ui.set_width(width);
                self.right_column(ui, session, run, width, size.y);
            });
        });
    }

    /// The draws against the target, phase space, ΔH and the figures.
    fn right_column(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        run: &ChainsRun,
        width: f32,
        height: f32,
    ) {
        let trains = session.settings.method == Method::L2hmc;
        // One row of figures is about 23 points high; L2HMC has one more (its loss).
        let figures_height = if trains { 175.0 } else { 150.0 };
        let rest = (height - figures_height).max(120.0);
        let image_side = ((width - 16.0) / 2.0).min(rest * 0.5 - 20.0).max(40.0);
        let n = LAYER_DENSITY_CELLS;
        let (target, max) = self.backdrop.small_target(ui.ctx(), session, n);
        let key = (session.target_key(), run.draws());
        if self.draws.as_ref().is_none_or(|(k, _)| *k != key) {
            let bounds = session.target.bounds().0;
            let draws = histogram(run.chains.samples().iter().flatten(), bounds, n);
            let image = density_image_scaled(&draws, n, max);
            let texture = ui
                .ctx()
                .load_texture("hmc-draws", image, egui::TextureOptions::NEAREST);
            self.draws = Some((key, texture));
        }
        if let Some((_, draws)) = &self.draws {
            side_by_side(ui, &target, draws, image_side, ["target", "draws so far"]);
        }
        let plot_height = ((rest - image_side - 30.0) / 2.0).max(60.0);
        let upto = run.position.min(run.chains.leapfrog_steps() as f64).floor() as usize;
        ui.label(egui::RichText::new("phase space (q₁, p₁) of the proposals").small());
        // A diverging proposal reaches thousands: the ranges leave out the largest 5%.
        let shown = |f: &dyn Fn(&Proposal) -> Vec<f64>| robust_range(run.shown.iter().flat_map(f));
        let q_range = shown(&|p| p.q.iter().take(upto + 1).map(|q| q[0]).collect());
        let p_range = shown(&|p| p.p.iter().take(upto + 1).map(|m| m[0]).collect());
        Plot::new("hmc-phase")
            .height(plot_height)
            .width(width)
            .allow_scroll(false)
            .show(ui, |plot| {
                if let (Some(x), Some(y)) = (q_range, p_range) {
                    plot.set_plot_bounds_x(x.0..=x.1);
                    plot.set_plot_bounds_y(y.0..=y.1);
                }
                for (c, proposal) in run.shown.iter().enumerate() {
                    let points: Vec<[f64; 2]> = proposal
                        .q
                        .iter()
                        .zip(&proposal.p)
                        .take(upto + 1)
                        .map(|(q, p)| [q[0], p[0]])
                        .collect();
                    let color = verdict_color(proposal, run.position > upto as f64 + 0.5);
                    plot.line(Line::new(format!("chain {c}"), points.clone()).color(color));
                    if let Some(last) = points.last() {
                        plot.points(Points::new("", vec![*last]).radius(2.0).color(color));
                    }
                }
            });
        let caption = if session.settings.method == Method::L2hmc {
            "ΔH − log|det| along the path (the map changes volume); accept with probability \
             min(1, e^−(ΔH − log|det|))"
        } else {
            "energy error ΔH = H − H(start); accept with probability min(1, e^−ΔH)"
        };
        ui.label(egui::RichText::new(caption).small());
        let dh_range = shown(&|p| {
            let h0 = p.energy.first().copied().unwrap_or(0.0);
            p.energy.iter().take(upto + 1).map(|h| h - h0).collect()
        });
        Plot::new("hmc-energy")
            .height(plot_height)
            .width(width)
            .allow_scroll(false)
            .show(ui, |plot| {
                if let Some((lo, hi)) = dh_range {
                    plot.set_plot_bounds_y(lo.min(-0.1)..=hi.max(0.1));
                }
                for (c, proposal) in run.shown.iter().enumerate() {
                    let h0 = proposal.energy.first().copied().unwrap_or(0.0);
                    let points: Vec<[f64; 2]> = proposal
                        .energy
                        .iter()
                        .take(upto + 1)
                        .enumerate()
                        .filter(|(_, h)| h.is_finite())
                        .map(|(k, h)| [k as f64, h - h0])
                        .collect();
                    let color = verdict_color(proposal, false);
                    plot.line(Line::new(format!("chain {c}"), points).color(color));
                }
            });
        let d = run.diagnostics;
        let na = || "—".to_string();
        let mut rows = vec![
            (
                "draws per chain",
                format!("{} of {}", run.draws(), run.until_draws),
                "Draws kept after the warm-up",
            ),
            (
                "step size",
                format!("{:.4}", run.chains.step_size()),
                "The leapfrog step; HMC's warm-up tunes it toward 80% acceptance, L2HMC \
                     learns it",
            ),
            (
                "acceptance",
                if run.chains.proposed() > 0 {
                    format!("{:.1}%", 100.0 * run.chains.acceptance_rate())
                } else {
                    na()
                },
                "Share of proposals accepted after the warm-up or training",
            ),
            (
                "ESS / gradient",
                d.map_or_else(na, |d| format!("{:.2e} (ESS {:.0})", d.ess_per_grad, d.ess)),
                "Effective independent draws (the smaller of the two coordinates) per \
                     gradient evaluation: what a draw really costs",
            ),
            (
                "split R-hat",
                d.map_or_else(na, |d| format!("{:.3}", d.r_hat)),
                "Do the chains agree? Near 1 when they do; above 1.01 they have not mixed",
            ),
            (
                "gradients",
                run.chains.gradient_evaluations().to_string(),
                "Evaluations of the target's gradient so far (L2HMC's training included)",
            ),
        ];
        if trains {
            rows.push((
                "training loss",
                run.chains
                    .losses()
                    .last()
                    .map_or_else(na, |(i, l)| format!("{l:.3} (iteration {i})")),
                "L2HMC's loss λ²/δ − δ/λ² (δ: the accepted squared jump): it falls as proposals \
                 jump further and are accepted",
            ));
        }
        figures(ui, "chain-figures", &rows);
    }
}

/// Green when accepted, red when rejected, once the verdict is shown; the moving colour before.
fn verdict_color(proposal: &Proposal, verdict_shown: bool) -> Color32 {
    match (verdict_shown, proposal.accepted) {
        (false, _) => MOVING,
        (true, true) => ACCEPTED,
        (true, false) => REJECTED,
    }
}

/// One chain's proposal up to the animation's position: its path so far and its head; at the
/// test, the verdict (a rejected chain back at its start, a cross where the proposal ended).
fn draw_proposal(
    square: &super::backdrop::Square,
    proposal: &Proposal,
    position: f64,
    testing: bool,
) {
    let path = &proposal.q;
    if path.is_empty() {
        return;
    }
    let color = verdict_color(proposal, testing);
    let s = position.min((path.len() - 1) as f64);
    let mut points: Vec<egui::Pos2> = path
        .iter()
        .take(s.floor() as usize + 1)
        .filter_map(|q| square.at(*q))
        .collect();
    if let Some(head) = square.at(along(path, s)) {
        points.push(head);
    }
    let faded = color.gamma_multiply(if testing && !proposal.accepted {
        0.5
    } else {
        0.8
    });
    square
        .painter
        .add(egui::Shape::line(points, Stroke::new(1.3, faded)));
    if let Some(start) = square.at(path[0]) {
        square
            .painter
            .circle_stroke(start, 3.0, Stroke::new(1.0, Color32::from_gray(230)));
    }
    let end = along(path, s);
    match (testing, proposal.accepted) {
        (true, false) => {
            if let Some(e) = square.at(end) {
                let d = egui::vec2(3.5, 3.5);
                let stroke = Stroke::new(1.6, REJECTED);
                square.painter.line_segment([e - d, e + d], stroke);
                square.painter.line_segment(
                    [e + egui::vec2(-3.5, 3.5), e + egui::vec2(3.5, -3.5)],
                    stroke,
                );
            }
            if let Some(start) = square.at(path[0]) {
                square.painter.circle_filled(start, 3.2, REJECTED);
            }
        }
        _ => {
            if let Some(e) = square.at(end) {
                square.painter.circle_filled(e, 3.2, color);
            }
        }
    }
}
