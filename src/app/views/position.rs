//! Position space: the current block's learned potential V_k as a heatmap with isolines and
//! the target's density as contours (or the target's density as the heatmap), and particles
//! moving along their leapfrog trajectories step by step, with fading trails and, while
//! stepping by hand, momentum arrows.

use std::sync::Arc;

use egui::{
    Color32, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, emath::RectTransform, pos2, vec2,
};

use super::colormap::{density_image, low_bright_image};
use super::contours::isolines;
use super::line_mesh::{Segment, TRAIL_WIDTH, add_segment_quad, line_mesh};
use super::zoom::{ZoomPan, reset_button_rect};
use crate::app::canvas::RADIUS_RANGE;
use crate::app::session::{Command, Session};
use crate::app::status::UiReport;

/// Grid resolution of the target heatmap.
const HEATMAP_CELLS: usize = 128;
/// Grid resolution of the potential and of the contours.
const POTENTIAL_CELLS: usize = 64;
/// Isolines of the potential drawn.
const POTENTIAL_LEVELS: usize = 12;

/// The current block's potential as a texture and isolines (data coordinates), for one
/// (training step, block, target).
struct PotentialLayer {
    key: (u64, usize, (String, u64)),
    texture: TextureHandle,
    lines: Vec<[[f64; 2]; 2]>,
}
/// A target's identity for caches (see `Session::target_key`).
type TargetKey = (String, u64);

/// States a trail reaches back.
const TRAIL_STATES: usize = 6;

/// The brush of the drawn target's canvas.
struct Brush {
    erase: bool,
    radius: f64,
    /// Where the pointer was on the last frame of a drag (flow coordinates).
    last: Option<[f64; 2]>,
    overlay: Option<TextureHandle>,
}

impl Default for Brush {
    fn default() -> Self {
        Self {
            erase: false,
            radius: 0.4,
            last: None,
            overlay: None,
        }
    }
}

/// Identifies the line mesh: the potential layer's key, the square on screen and the
/// pixels per point (feathering is one physical pixel wide).
type MeshKey = (
    (u64, usize, TargetKey),
    egui::Vec2,
    egui::Vec2,
    f32,
    [f32; 4],
);

/// The position-space view.
#[derive(Default)]
pub struct PositionView {
    brush: Brush,
    /// Potential isolines and target contours as one mesh in screen coordinates.
    line_mesh: Option<(MeshKey, Arc<egui::Mesh>)>,
    heatmap: Option<(TargetKey, TextureHandle)>,
    /// The target's density contours (data coordinates), per target.
    target_contours: Option<(TargetKey, Vec<Segment>)>,
    potential: Option<PotentialLayer>,
    /// The part of the box shown (pinch, scroll and drag to zoom and pan).
    zoom: ZoomPan,
    /// The paint tools' height in the last frame that showed them (0 when hidden).
    tools_height: f32,
}

/// The potential of `block` on the grid, as an image (low V bright: where particles gather)
/// and its isolines.
fn potential_layer(
    session: &Session,
    block: usize,
    ctx: &egui::Context,
) -> (TextureHandle, Vec<[[f64; 2]; 2]>) {
    let n = POTENTIAL_CELLS;
    let bounds = session.target.bounds();
    let points = bounds.cell_centres(n);
    let v = session.flow().potential(block, &points);
    let (image, lo, hi) = low_bright_image(&v, n);
    let texture = ctx.load_texture("potential", image, egui::TextureOptions::LINEAR);
    let mut lines = Vec::new();
    for k in 1..POTENTIAL_LEVELS {
        let level = lo + (hi - lo) * k as f64 / POTENTIAL_LEVELS as f64;
        lines.extend(isolines(&v, n, bounds.0, level));
    }
    (texture, lines)
}

/// The target's log density at the centres of an n×n grid over its box, and its maximum.
pub(crate) fn target_log_density(target: &dyn crate::targets::Target, n: usize) -> (Vec<f64>, f64) {
    let bounds = target.bounds();
    let log_p: Vec<f64> = (0..n * n)
        .map(|c| target.log_prob(bounds.cell_centre(n, c % n, c / n)))
        .collect();
    let max = log_p
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    (log_p, max)
}

/// Contours of the target's density at fractions of its peak.
fn target_contours(session: &Session) -> Vec<[[f64; 2]; 2]> {
    let n = POTENTIAL_CELLS;
    let (log_p, max) = target_log_density(session.target.as_ref(), n);
    let bounds = session.target.bounds();
    let mut lines = Vec::new();
    for frac in [0.05f64, 0.3, 0.7] {
        lines.extend(isolines(&log_p, n, bounds.0, max + frac.ln()));
    }
    lines
}

impl PositionView {
    /// The paint tools above the picture, while the target is `drawn`.
    fn brush_bar(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            ui.label("draw:")
                .on_hover_text("Drag on the picture to paint the target density. When you let go, the picture becomes the target and the flow, keeping what it learned, adapts to it.");
            ui.selectable_value(&mut self.brush.erase, false, "brush")
                .on_hover_text("Paint mass where you drag");
            ui.selectable_value(&mut self.brush.erase, true, "erase")
                .on_hover_text("Remove mass where you drag");
            ui.add(
                egui::Slider::new(&mut self.brush.radius, RADIUS_RANGE.0..=RADIUS_RANGE.1)
                    .text("radius")
                    .max_decimals(2),
            )
            .on_hover_text("Brush radius, in the target's coordinates");
            if ui
                .button("clear")
                .on_hover_text("Erase the whole picture, then paint a new one")
                .clicked()
            {
                commands.push(Command::ClearCanvas);
            }
        });
    }

    /// Paints along the drag and commits the picture when the drag ends.
    fn paint(
        &mut self,
        response: &egui::Response,
        to_data: RectTransform,
        commands: &mut Vec<Command>,
    ) {
        if let Some(pointer) = response.interact_pointer_pos()
            && (response.dragged() || response.drag_started() || response.clicked())
        {
            let p = to_data.transform_pos(pointer);
            let here = [f64::from(p.x), f64::from(p.y)];
            commands.push(Command::Paint {
                from: self.brush.last.unwrap_or(here),
                to: here,
                radius: self.brush.radius,
                erase: self.brush.erase,
            });
            self.brush.last = Some(here);
        }
        if response.drag_stopped() || response.clicked() {
            self.brush.last = None;
            commands.push(Command::CommitCanvas);
        }
    }

    /// The height of what sits above the square (the paint tools of the drawn target), as
    /// last drawn: a layout that sizes the view from its width adds it.
    pub fn tools_height(&self) -> f32 {
        self.tools_height
    }

    /// Draws the view into the available space; returns what the user asked for (painting).
    pub fn ui(&mut self, ui: &mut Ui, session: &Session, report: &mut UiReport) -> Vec<Command> {
        let mut commands = Vec::new();
        self.tools_height = 0.0;
        if session.canvas.is_some() {
            let top = ui.cursor().min.y;
            self.brush_bar(ui, &mut commands);
            self.tools_height = ui.cursor().min.y - top;
        }
        let available = ui.available_size();
        let side = available.x.min(available.y).max(64.0);
        // Clicks and drags always: a drag paints the drawn target, or pans when zoomed in.
        let (response, painter) =
            ui.allocate_painter(vec2(available.x, side), Sense::click_and_drag());
        let square = Rect::from_center_size(response.rect.center(), vec2(side, side));
        // Trails and particles near the edge of a zoomed view stay inside the square.
        let painter = painter.with_clip_rect(painter.clip_rect().intersect(square.expand(2.0)));
        let target = &session.target;
        let b = target.bounds().0;
        // Model space has y upwards; the screen has y downwards.
        let data = Rect::from_min_max(
            pos2(b[0][0] as f32, b[1][1] as f32),
            pos2(b[0][1] as f32, b[1][0] as f32),
        );
        let painting = session.canvas.is_some();
        let pinching = self.zoom.respond(ui, &response, square, painting);
        let to_screen = self.zoom.to_screen(data, square);
        report.position_square =
            Some([square.min.x, square.min.y, square.width(), square.height()]);
        report.position_zoom = Some(self.zoom.scale);
        let centre = to_screen.inverse().transform_pos(square.center());
        report.position_center = Some([centre.x, centre.y]);
        if painting && !pinching {
            self.paint(&response, to_screen.inverse(), &mut commands);
        }

        let key = session.target_key();
        if self.heatmap.as_ref().is_none_or(|(k, _)| *k != key) {
            let n = HEATMAP_CELLS;
            let (log_p, max) = target_log_density(target.as_ref(), n);
            let density: Vec<f64> = log_p
                .iter()
                .map(|v| if v.is_finite() { (v - max).exp() } else { 0.0 })
                .collect();
            let texture = ui.ctx().load_texture(
                "target-density",
                density_image(&density, n),
                egui::TextureOptions::LINEAR,
            );
            self.heatmap = Some((key.clone(), texture));
        }
        // The visible part of the box is the same part of every texture.
        let uv = self.zoom.unit_rect();
        let to_screen_pt = |q: [f64; 2]| to_screen.transform_pos(pos2(q[0] as f32, q[1] as f32));
        if session.settings.potential_background {
            let block = session.anim_block();
            let pkey = (session.anim.recorded_at_step, block, key.clone());
            if self.potential.as_ref().is_none_or(|p| p.key != pkey) {
                let start = web_time::Instant::now();
                let (texture, lines) = potential_layer(session, block, ui.ctx());
                // Rebuilt when the animation reaches a new block or new parameters.
                report.time_view("position: potential layer", start);
                self.potential = Some(PotentialLayer {
                    key: pkey,
                    texture,
                    lines,
                });
            }
            if self.target_contours.as_ref().is_none_or(|(k, _)| *k != key) {
                self.target_contours = Some((key.clone(), target_contours(session)));
            }
            if let (Some(layer), Some((_, contours))) = (&self.potential, &self.target_contours) {
                painter.image(layer.texture.id(), square, uv, Color32::WHITE);
                // Thousands of segments: built into one mesh when they or the square change,
                // then handed to egui as is each frame (drawing them one by one cost ~4 ms).
                let ppp = ui.ctx().pixels_per_point();
                let mesh_key = (
                    layer.key.clone(),
                    square.min.to_vec2(),
                    square.max.to_vec2(),
                    ppp,
                    [uv.min.x, uv.min.y, uv.max.x, uv.max.y],
                );
                if self.line_mesh.as_ref().is_none_or(|(k, _)| *k != mesh_key) {
                    let start = web_time::Instant::now();
                    let mut mesh = line_mesh(
                        &layer.lines,
                        to_screen_pt,
                        1.0,
                        Color32::from_rgba_unmultiplied(255, 255, 255, 60),
                        ppp,
                    );
                    mesh.append(line_mesh(
                        contours,
                        to_screen_pt,
                        1.6,
                        Color32::from_rgb(140, 230, 140),
                        ppp,
                    ));
                    self.line_mesh = Some((mesh_key, Arc::new(mesh)));
                    report.time_view("position: line mesh", start);
                }
                if let Some((_, mesh)) = &self.line_mesh {
                    painter.add(egui::Shape::mesh(Arc::clone(mesh)));
                }
            }
        } else if let Some((_, texture)) = &self.heatmap {
            painter.image(texture.id(), square, uv, Color32::WHITE);
        }
        if let Some(canvas) = session.canvas.as_ref().filter(|c| c.dirty) {
            // The stroke in progress, before it becomes the target.
            let g = &canvas.grid;
            let pixels = (0..g.ny)
                .rev()
                .flat_map(|j| (0..g.nx).map(move |i| g.values[j * g.nx + i]))
                .map(|v| {
                    Color32::from_rgba_unmultiplied(
                        255,
                        255,
                        255,
                        (v.clamp(0.0, 1.0) * 170.0) as u8,
                    )
                })
                .collect();
            let image = egui::ColorImage::new([g.nx, g.ny], pixels);
            let texture = self.brush.overlay.get_or_insert_with(|| {
                ui.ctx()
                    .load_texture("canvas", image.clone(), egui::TextureOptions::LINEAR)
            });
            texture.set(image, egui::TextureOptions::LINEAR);
            painter.image(texture.id(), square, uv, Color32::WHITE);
        }
        painter.rect_stroke(
            square,
            0.0,
            Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Outside,
        );

        let traj = &session.anim.trajectory;
        if traj.states == 0 {
            self.reset_button(ui, square, report);
            return commands;
        }
        let s_float = session.anim.position.clamp(0.0, (traj.states - 1) as f64);
        let s0 = s_float.floor() as usize;
        let s1 = (s0 + 1).min(traj.states - 1);
        let frac = (s_float - s0 as f64) as f32;
        let screen = |q: [f64; 2]| -> Option<Pos2> {
            let p = to_screen.transform_pos(pos2(q[0] as f32, q[1] as f32));
            (p.x.is_finite() && p.y.is_finite()).then_some(p)
        };
        let particle = Color32::from_rgb(120, 220, 255);
        let shown: Vec<(usize, Pos2)> = (0..traj.particles)
            .filter_map(|i| {
                let (a, b) = (screen(traj.q_at(s0, i))?, screen(traj.q_at(s1, i))?);
                let here = a + (b - a) * frac;
                square.expand(4.0).contains(here).then_some((i, here))
            })
            .collect();
        if session.settings.trails {
            // All trails in one mesh of plain quads, under the particles: drawn as egui line
            // segments they were a third of the frame's triangles (each feathered on its own).
            let mut mesh = egui::Mesh::default();
            for &(i, here) in &shown {
                let mut prev = here;
                for back in 0..TRAIL_STATES.min(s0 + 1) {
                    let Some(p) = screen(traj.q_at(s0 - back, i)) else {
                        break;
                    };
                    let alpha = (150.0 * (1.0 - back as f32 / TRAIL_STATES as f32)) as u8;
                    let color = Color32::from_rgba_unmultiplied(120, 220, 255, alpha);
                    add_segment_quad(&mut mesh, [prev, p], TRAIL_WIDTH, color);
                    prev = p;
                }
            }
            painter.add(egui::Shape::mesh(mesh));
        }
        for (i, here) in shown {
            if !session.anim.playing {
                // Momentum arrows while stepping by hand: the direction the drift will take.
                let (p0, p1) = (traj.p_at(s0, i), traj.p_at(s1, i));
                let p = [
                    p0[0] + (p1[0] - p0[0]) * f64::from(frac),
                    p0[1] + (p1[1] - p0[1]) * f64::from(frac),
                ];
                let tip = here + vec2(p[0] as f32, -p[1] as f32) * (side / 40.0);
                if tip.x.is_finite() && tip.y.is_finite() {
                    painter.arrow(
                        here,
                        tip - here,
                        Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 200, 120, 170)),
                    );
                }
            }
            painter.circle_filled(here, 2.2, particle);
        }
        let block = traj.block_of_state.get(s0).map_or(1, |b| b + 1);
        let (first, second) = if session.settings.potential_background {
            (
                format!("state {} / {} | block {block}", s0, traj.states - 1),
                "potential V (bright = low), target contours green",
            )
        } else {
            (
                format!("state {} / {}", s0, traj.states - 1),
                "target density",
            )
        };
        // The legend line only where it fits beside the square's width.
        let lines = if side >= 420.0 {
            format!("{first} | {second}")
        } else {
            format!("{first}\n{second}")
        };
        let font = egui::FontId::proportional(if side >= 300.0 { 13.0 } else { 11.0 });
        let galley = painter.layout(lines, font, Color32::from_gray(235), side - 12.0);
        let at = square.left_top() + vec2(6.0, 4.0);
        painter.rect_filled(
            Rect::from_min_size(at, galley.size()).expand(2.0),
            3.0,
            Color32::from_black_alpha(110),
        );
        painter.galley(at, galley, Color32::from_gray(235));
        self.reset_button(ui, square, report);
        commands
    }

    /// While zoomed in, a button in the square's bottom-right corner that shows the whole box
    /// again (a double tap does the same).
    fn reset_button(&mut self, ui: &mut Ui, square: Rect, report: &mut UiReport) {
        report.position_reset = None;
        if self.zoom.is_whole() {
            return;
        }
        let height = ui.spacing().interact_size.y;
        let rect = reset_button_rect(square, vec2(height * 3.4, height));
        report.position_reset = Some([rect.min.x, rect.min.y, rect.width(), rect.height()]);
        if ui
            .put(rect, egui::Button::new("whole box"))
            .on_hover_text(format!(
                "Zoomed in {:.1}×: show the whole box again (or double-tap the picture)",
                self.zoom.scale
            ))
            .clicked()
        {
            self.zoom = ZoomPan::default();
        }
    }
}
