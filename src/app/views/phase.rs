//! Phase space: (q₁, p₁) and (q₂, p₂) of the animated particles, in step with the position
//! view. A leapfrog step shears these planes (a kick moves p, a drift moves q), and the
//! shears preserve area: the cloud deforms but never compresses.

use egui::{Color32, Ui};
use egui_plot::{Line, Plot, PlotPoints, Points};

use crate::app::session::Session;

/// Particles drawn (the first ones of the animation; phase plots get crowded).
const SHOWN: usize = 200;
/// States a trail reaches back.
const TRAIL_STATES: usize = 4;

/// Draws both phase planes side by side in the given height.
pub fn ui(ui: &mut Ui, session: &Session, height: f32) {
    let traj = &session.anim.trajectory;
    let width = (ui.available_width() - ui.spacing().item_spacing.x) / 2.0;
    ui.horizontal(|ui| {
        for axis in 0..2 {
            ui.vertical(|ui| {
                ui.set_width(width);
                plane(ui, session, axis, height - ui.spacing().interact_size.y);
            });
        }
    });
    let _ = traj;
}

fn plane(ui: &mut Ui, session: &Session, axis: usize, height: f32) {
    let traj = &session.anim.trajectory;
    let name = ["q\u{2081}", "q\u{2082}"][axis];
    let pname = ["p\u{2081}", "p\u{2082}"][axis];
    ui.label(format!("phase plane ({name}, {pname})"))
        .on_hover_text(
            "Each dot is one particle's position and momentum along one axis. A leapfrog step \
             is a kick (momentum changes by the force) then a drift (position changes by the \
             momentum): both are shears, so areas in phase space are preserved.",
        );
    let b = session.target.bounds().0[axis];
    super::short_x_labels(
        Plot::new(("phase", axis)),
        name,
        ui.available_width() - super::Y_AXIS_WIDTH,
    )
    .height(height.max(60.0))
    .y_axis_label(pname)
    .include_x(b[0])
    .include_x(b[1])
    .include_y(-3.5)
    .include_y(3.5)
    .allow_scroll(false)
    .show(ui, |plot| {
        if traj.states == 0 {
            return;
        }
        let s = session.anim.position.clamp(0.0, (traj.states - 1) as f64);
        let s0 = s.floor() as usize;
        let s1 = (s0 + 1).min(traj.states - 1);
        let frac = s - s0 as f64;
        let n = traj.particles.min(SHOWN);
        let point = |state: usize, i: usize| {
            let (q, p) = (traj.q_at(state, i)[axis], traj.p_at(state, i)[axis]);
            [q, p]
        };
        let finite = |v: &[f64; 2]| v[0].is_finite() && v[1].is_finite();
        if session.settings.trails {
            let first = s0.saturating_sub(TRAIL_STATES);
            for i in 0..n.min(60) {
                let pts: Vec<[f64; 2]> =
                    (first..=s0).map(|st| point(st, i)).filter(finite).collect();
                plot.line(
                    Line::new("", PlotPoints::from(pts))
                        .color(Color32::from_rgba_unmultiplied(120, 220, 255, 70))
                        .width(1.0),
                );
            }
        }
        let now: Vec<[f64; 2]> = (0..n)
            .map(|i| {
                let (a, b) = (point(s0, i), point(s1, i));
                [a[0] + (b[0] - a[0]) * frac, a[1] + (b[1] - a[1]) * frac]
            })
            .filter(finite)
            .collect();
        plot.points(
            Points::new("particles", PlotPoints::from(now))
                .radius(2.0)
                .color(Color32::from_rgb(40, 150, 220)),
        );
    });
}

/// The phase space view in the registry ([`super::VIEWS`]); it keeps no state between frames.
pub struct PhaseView;

impl super::View for PhaseView {
    fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        self::ui(ui, session, height);
    }
}
