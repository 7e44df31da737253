//! Energy: H = K(p) + V(q) along each animated trajectory. Within a block H is nearly
//! conserved (leapfrog's error is O(dt²) and does not grow); between blocks it jumps, because
//! each block has its own potential.

use egui::{Color32, Ui};
use egui_plot::{Line, Plot, PlotPoints, VLine};

use crate::app::session::Session;
use crate::nhf::flow::Trajectory;

/// Trajectories drawn.
const SHOWN: usize = 24;

/// The runs of consecutive states whose energy is measured with the same block's
/// Hamiltonian (state 0 and the states a block's steps produce).
fn segments(traj: &Trajectory) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for s in 0..traj.states {
        match out.last_mut() {
            Some(r) if traj.block_of_state[r.start] == traj.block_of_state[s] => r.end = s + 1,
            _ => out.push(s..s + 1),
        }
    }
    out
}

/// The largest |H(state) − H(first state of its block)| over the shown particles: the
/// integrator's energy drift.
pub fn max_drift(session: &Session) -> f64 {
    let traj = &session.anim.trajectory;
    let mut worst = 0.0f64;
    for seg in segments(traj) {
        for i in 0..traj.particles.min(SHOWN) {
            for s in seg.clone() {
                let d = (traj.energy_at(s, i) - traj.energy_at(seg.start, i)).abs();
                if d.is_finite() {
                    worst = worst.max(d);
                }
            }
        }
    }
    worst
}

/// Draws H per state for the first particles, with the current state marked.
pub fn ui(ui: &mut Ui, session: &Session, height: f32) {
    let traj = &session.anim.trajectory;
    ui.horizontal(|ui| {
        ui.label("energy H along each trajectory").on_hover_text(
            "H = K(p) + V(q) of each particle after every leapfrog step. A leapfrog step keeps \
             H almost constant (the error stays small instead of growing); each block has its \
             own potential, so H changes from block to block.",
        );
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "largest drift within a block: {:.2e}",
                    max_drift(session)
                ))
                .weak(),
            )
            .truncate(),
        );
    });
    Plot::new("energy")
        .height((height - ui.spacing().interact_size.y).max(60.0))
        .x_axis_label("leapfrog state")
        .y_axis_label("H")
        .allow_scroll(false)
        .show(ui, |plot| {
            let segments = segments(traj);
            for i in 0..traj.particles.min(SHOWN) {
                // One line per block: H is defined by that block's Hamiltonian.
                for seg in &segments {
                    let pts: Vec<[f64; 2]> = seg
                        .clone()
                        .map(|s| [s as f64, traj.energy_at(s, i)])
                        .filter(|p| p[1].is_finite())
                        .collect();
                    let hue = i as f32 / SHOWN as f32;
                    let colour: Color32 = egui::ecolor::Hsva::new(hue, 0.6, 0.8, 1.0).into();
                    plot.line(
                        Line::new("", PlotPoints::from(pts))
                            .color(colour)
                            .width(1.2),
                    );
                }
            }
            plot.vline(
                VLine::new("now", session.anim.position)
                    .color(Color32::from_rgb(230, 120, 40))
                    .width(1.5),
            );
        });
}

/// The the energies view in the registry ([`super::VIEWS`]); it keeps no state between frames.
pub struct EnergyView;

impl super::View for EnergyView {
    fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        self::ui(ui, session, height);
    }
}
