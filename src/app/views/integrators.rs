//! Why leapfrog? The same particles under explicit Euler and under leapfrog on the current
//! block's potential: the energy error, and the symplectic area of a small loop of particles
//! (leapfrog keeps it exactly, Euler inflates it: Euler is not volume preserving).

use egui::{Color32, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use crate::app::session::Session;
use crate::nhf::integrators::{Integrator, IntegratorRun, run};

/// Points on the loop.
const LOOP_POINTS: usize = 120;
/// Radius of the loop in (q₁, p₁).
const LOOP_RADIUS: f64 = 0.25;
/// Steps integrated, in units of the flow's L.
const BLOCK_LENGTHS: usize = 4;

const EULER: Color32 = Color32::from_rgb(230, 120, 40);
const LEAPFROG: Color32 = Color32::from_rgb(40, 150, 220);

/// The comparison for one (training step, block, dt), recomputed when they change.
#[derive(Default)]
pub struct IntegratorView {
    key: Option<(u64, usize, u64)>,
    runs: Option<(IntegratorRun, IntegratorRun)>,
}

fn energy_error(r: &IntegratorRun) -> Vec<[f64; 2]> {
    let n = r.particles;
    (0..r.states())
        .map(|s| {
            let e = (0..n)
                .map(|i| (r.energy[s * n + i] - r.energy[i]).abs())
                .sum::<f64>()
                / n as f64;
            [s as f64, e]
        })
        .filter(|p| p[1].is_finite())
        .collect()
}

fn area_ratio(r: &IntegratorRun) -> Vec<[f64; 2]> {
    let a0 = r.loop_area(0);
    (0..r.states())
        .map(|s| [s as f64, r.loop_area(s) / a0])
        .filter(|p| p[1].is_finite())
        .collect()
}

impl IntegratorView {
    /// Draws the comparison in the given height.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        let block = session.anim_block();
        let dt = session.flow().config.dt;
        let key = (session.anim.recorded_at_step, block, dt.to_bits());
        if self.key != Some(key) {
            let (q, p): (Vec<[f64; 2]>, Vec<[f64; 2]>) = (0..LOOP_POINTS)
                .map(|i| {
                    let t = std::f64::consts::TAU * i as f64 / LOOP_POINTS as f64;
                    ([LOOP_RADIUS * t.cos(), 0.0], [LOOP_RADIUS * t.sin(), 0.5])
                })
                .unzip();
            let steps = BLOCK_LENGTHS * session.flow().config.leapfrog_steps;
            let flow = session.flow();
            self.runs = Some((
                run(flow, block, Integrator::Euler, &q, &p, steps, dt),
                run(flow, block, Integrator::Leapfrog, &q, &p, steps, dt),
            ));
            self.key = Some(key);
        }
        let Some((euler, leapfrog)) = &self.runs else {
            return;
        };
        let last = |v: Vec<[f64; 2]>| v.last().map_or(f64::NAN, |p| p[1]);
        let header = ui.horizontal_wrapped(|ui| {
            ui.colored_label(EULER, "Euler");
            ui.label("vs");
            ui.colored_label(LEAPFROG, "leapfrog");
            ui.label(format!(
                "| block {}, dt {dt} | loop area after {} steps: x{:.3} vs x{:.6}",
                block + 1,
                euler.states().saturating_sub(1),
                last(area_ratio(euler)),
                last(area_ratio(leapfrog)),
            ));
        });
        header.response.on_hover_text(
            "A loop of particles around one point of phase space is moved by each integrator \
             with the current learned potential. Leapfrog is a composition of shears, so it \
             keeps the loop's (symplectic) area exactly and its energy error stays bounded; \
             that is why the flow's density needs no Jacobian. Explicit Euler updates q and p \
             from the same old state: its area and energy drift.",
        );
        let w = (ui.available_width() - ui.spacing().item_spacing.x) / 2.0;
        let h = (height - 2.0 * ui.spacing().interact_size.y).max(60.0);
        ui.horizontal(|ui| {
            Plot::new("integrator-energy")
                .width(w)
                .height(h)
                .x_axis_label("step")
                .y_axis_label("mean |H - H0|")
                .allow_scroll(false)
                .show(ui, |plot| {
                    plot.line(
                        Line::new("Euler", PlotPoints::from(energy_error(euler))).color(EULER),
                    );
                    plot.line(
                        Line::new("leapfrog", PlotPoints::from(energy_error(leapfrog)))
                            .color(LEAPFROG),
                    );
                });
            Plot::new("integrator-area")
                .width(w)
                .height(h)
                .x_axis_label("step")
                .y_axis_label("area / initial area")
                .include_y(1.0)
                .allow_scroll(false)
                .show(ui, |plot| {
                    plot.line(Line::new("Euler", PlotPoints::from(area_ratio(euler))).color(EULER));
                    plot.line(
                        Line::new("leapfrog", PlotPoints::from(area_ratio(leapfrog)))
                            .color(LEAPFROG),
                    );
                });
        });
    }
}

impl super::View for IntegratorView {
    fn ui(&mut self, ui: &mut Ui, session: &Session, height: f32) {
        IntegratorView::ui(self, ui, session, height);
    }
}
