//! Lines drawn as meshes: isolines tessellated once into one feathered mesh, and trails as
//! plain quads (drawn one by one as egui shapes they cost milliseconds a frame).

use egui::{Color32, Pos2, Stroke};

use super::contours::{polylines, simplified};

/// A line segment in flow coordinates.
pub type Segment = [[f64; 2]; 2];

/// How far (points) a simplified isoline may stray from the one computed: a fifth of a pixel
/// at 1 pixel per point, invisible.
const LINE_TOLERANCE: f32 = 0.2;

/// Segments (data coordinates) joined into polylines and tessellated once into an
/// anti-aliased (feathered) mesh on screen, as egui would draw each line.
pub fn line_mesh(
    segments: &[Segment],
    to_screen: impl Fn([f64; 2]) -> Pos2,
    width: f32,
    color: Color32,
    pixels_per_point: f32,
) -> egui::Mesh {
    let options = egui::epaint::TessellationOptions::default();
    let mut tessellator =
        egui::epaint::Tessellator::new(pixels_per_point, options, [1, 1], Vec::new());
    let mut mesh = egui::Mesh::default();
    for line in polylines(segments) {
        let on_screen: Vec<Pos2> = line.iter().map(|p| to_screen(*p)).collect();
        let points = simplified(&on_screen, LINE_TOLERANCE);
        if points.len() < 2 || points.iter().any(|p| !p.is_finite()) {
            continue;
        }
        let closed = points.len() > 3 && points[0].distance(points[points.len() - 1]) < 1e-3;
        let path = if closed {
            egui::epaint::PathShape::closed_line(
                points[..points.len() - 1].to_vec(),
                Stroke::new(width, color),
            )
        } else {
            egui::epaint::PathShape::line(points, Stroke::new(width, color))
        };
        tessellator.tessellate_path(&path, &mut mesh);
    }
    mesh
}

/// Width of a trail, in points.
pub const TRAIL_WIDTH: f32 = 1.2;

/// A line segment as one quad (two triangles, no feathering), appended to `mesh`.
pub fn add_segment_quad(mesh: &mut egui::Mesh, [a, b]: [Pos2; 2], width: f32, color: Color32) {
    let along = b - a;
    let length = along.length();
    // Too short to have a direction (or not finite): nothing to draw.
    if length.is_nan() || length <= 1e-3 {
        return;
    }
    let side = along.rot90() * (0.5 * width / length);
    let first = mesh.vertices.len() as u32;
    for p in [a + side, a - side, b + side, b - side] {
        mesh.colored_vertex(p, color);
    }
    mesh.add_triangle(first, first + 1, first + 2);
    mesh.add_triangle(first + 1, first + 3, first + 2);
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn a_segment_is_one_quad_of_its_width_and_a_point_is_nothing() {
        let mut mesh = egui::Mesh::default();
        add_segment_quad(
            &mut mesh,
            [pos2(0.0, 0.0), pos2(10.0, 0.0)],
            2.0,
            Color32::RED,
        );
        assert_eq!((mesh.vertices.len(), mesh.indices.len()), (4, 6));
        let ys: Vec<f32> = mesh.vertices.iter().map(|v| v.pos.y.abs()).collect();
        assert_eq!(ys, vec![1.0; 4]);
        add_segment_quad(
            &mut mesh,
            [pos2(3.0, 3.0), pos2(3.0, 3.0)],
            2.0,
            Color32::RED,
        );
        add_segment_quad(
            &mut mesh,
            [pos2(3.0, 3.0), pos2(f32::NAN, 3.0)],
            2.0,
            Color32::RED,
        );
        assert_eq!(mesh.vertices.len(), 4);
    }
}
