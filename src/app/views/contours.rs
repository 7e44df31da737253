//! Isolines of a function sampled on a grid (marching squares), as line segments in the
//! grid's own coordinates, joined into polylines and simplified on screen.

use egui::Pos2;

/// Segments where the n×n grid `values` (cell (i, j) at j·n + i, centres at
/// `bounds.cell_centre`) crosses `level`, in data coordinates.
pub fn isolines(values: &[f64], n: usize, bounds: [[f64; 2]; 2], level: f64) -> Vec<[[f64; 2]; 2]> {
    let cell = [
        (bounds[0][1] - bounds[0][0]) / n as f64,
        (bounds[1][1] - bounds[1][0]) / n as f64,
    ];
    let at = |i: usize, j: usize| -> [f64; 2] {
        [
            bounds[0][0] + (i as f64 + 0.5) * cell[0],
            bounds[1][0] + (j as f64 + 0.5) * cell[1],
        ]
    };
    let mut out = Vec::new();
    for j in 0..n.saturating_sub(1) {
        for i in 0..n.saturating_sub(1) {
            // Corners counter-clockwise from the bottom left.
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v: Vec<f64> = corners.iter().map(|&(a, b)| values[b * n + a]).collect();
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let mut crossings: Vec<[f64; 2]> = Vec::with_capacity(4);
            for e in 0..4 {
                let (a, b) = (e, (e + 1) % 4);
                let (va, vb) = (v[a] - level, v[b] - level);
                if (va < 0.0) != (vb < 0.0) {
                    let t = va / (va - vb);
                    let (pa, pb) = (
                        at(corners[a].0, corners[a].1),
                        at(corners[b].0, corners[b].1),
                    );
                    crossings.push([pa[0] + t * (pb[0] - pa[0]), pa[1] + t * (pb[1] - pa[1])]);
                }
            }
            // Two crossings: one segment; four (a saddle): pair them in edge order.
            for pair in crossings.chunks_exact(2) {
                out.push([pair[0], pair[1]]);
            }
        }
    }
    out
}

/// Joins segments that share end points into polylines (each returned as its points in
/// order), so a translucent isoline is drawn as one stroke: separate segments overlap at
/// every joint and show as beads.
pub fn polylines(segments: &[[[f64; 2]; 2]]) -> Vec<Vec<[f64; 2]>> {
    use std::collections::HashMap;
    // Neighbouring cells compute a shared crossing from opposite ends of the edge, so the
    // two copies can differ in the last bits: join on a coordinate rounded far below a pixel.
    let key = |p: [f64; 2]| ((p[0] * 1e7).round() as i64, (p[1] * 1e7).round() as i64);
    let mut ends: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (s, seg) in segments.iter().enumerate() {
        for p in seg {
            ends.entry(key(*p)).or_default().push(s);
        }
    }
    let mut used = vec![false; segments.len()];
    // An unused segment that ends at `p`, and its other end.
    let next = |p: [f64; 2], used: &[bool]| -> Option<(usize, [f64; 2])> {
        ends.get(&key(p))?.iter().find(|&&s| !used[s]).map(|&s| {
            let [a, b] = segments[s];
            (s, if key(a) == key(p) { b } else { a })
        })
    };
    let mut out = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let [a, b] = segments[start];
        let mut forward = vec![a, b];
        while let Some((s, far)) = next(*forward.last().expect("two points"), &used) {
            used[s] = true;
            forward.push(far);
        }
        let mut backward = Vec::new();
        let mut at = a;
        while let Some((s, far)) = next(at, &used) {
            used[s] = true;
            backward.push(far);
            at = far;
        }
        backward.reverse();
        backward.extend(forward);
        out.push(backward);
    }
    out
}

/// The polyline `points` (on screen) with the points dropped that lie within `tolerance` of
/// the line through their kept neighbours (Ramer–Douglas–Peucker); the ends are kept. An
/// isoline from a grid has a point at every cell edge it crosses, a few pixels apart: on screen
/// most of them are collinear to well under a pixel, and each costs the rasteriser triangles
/// every frame.
pub fn simplified(points: &[Pos2], tolerance: f32) -> Vec<Pos2> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    // Spans still to split, as (first, last) indices; a stack instead of recursion.
    let mut spans = vec![(0, points.len() - 1)];
    while let Some((first, last)) = spans.pop() {
        let a = points[first];
        let chord = points[last] - a;
        let length = chord.length();
        let mut farthest = (0.0f32, first);
        for (k, &p) in points.iter().enumerate().take(last).skip(first + 1) {
            // Distance to the chord, or to its first end when both ends coincide (a closed line).
            let d = if length > 0.0 {
                (p - a).rot90().dot(chord).abs() / length
            } else {
                p.distance(a)
            };
            if d > farthest.0 {
                farthest = (d, k);
            }
        }
        if farthest.0 > tolerance {
            keep[farthest.1] = true;
            spans.push((first, farthest.1));
            spans.push((farthest.1, last));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// x² + y² on an n×n grid over [-2, 2]², and that box.
    fn squared_radius(n: usize) -> (Vec<f64>, [[f64; 2]; 2]) {
        let cell = 4.0 / n as f64;
        let values = (0..n * n)
            .map(|c| {
                let (x, y) = (
                    -2.0 + ((c % n) as f64 + 0.5) * cell,
                    -2.0 + ((c / n) as f64 + 0.5) * cell,
                );
                x * x + y * y
            })
            .collect();
        (values, [[-2.0, 2.0], [-2.0, 2.0]])
    }

    #[test]
    fn the_isoline_of_a_radial_function_is_a_circle() {
        let n = 64;
        let (values, b) = squared_radius(n);
        let segs = isolines(&values, n, b, 1.0);
        assert!(segs.len() > 50, "{} segments", segs.len());
        for s in &segs {
            for p in s {
                let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
                assert!((r - 1.0).abs() < 0.01, "point at radius {r}");
            }
        }
        assert!(isolines(&values, n, b, 100.0).is_empty());
    }

    #[test]
    fn segments_join_into_one_closed_polyline_per_circle() {
        let (values, b) = squared_radius(48);
        let segs = isolines(&values, 48, b, 1.0);
        let lines = polylines(&segs);
        assert_eq!(lines.len(), 1, "{} pieces", lines.len());
        let line = &lines[0];
        assert_eq!(line.len(), segs.len() + 1, "every segment used once");
        let (first, last) = (line[0], line[line.len() - 1]);
        assert!((first[0] - last[0]).abs() < 1e-9 && (first[1] - last[1]).abs() < 1e-9);
        // Two separate segments stay two pieces.
        let apart = [[[0.0, 0.0], [1.0, 0.0]], [[5.0, 5.0], [6.0, 5.0]]];
        assert_eq!(polylines(&apart).len(), 2);
    }

    #[test]
    fn simplifying_keeps_a_circle_within_tolerance_with_fewer_points() {
        // A circle of radius 100 px sampled every ~2 px, closed (first point repeated).
        let n = 314;
        let circle: Vec<Pos2> = (0..=n)
            .map(|k| {
                let t = std::f32::consts::TAU * k as f32 / n as f32;
                egui::pos2(100.0 * t.cos(), 100.0 * t.sin())
            })
            .collect();
        let kept = simplified(&circle, 0.25);
        assert!(kept.len() < n / 4, "{} of {n} points kept", kept.len());
        assert_eq!(kept.first(), circle.first());
        assert_eq!(kept.last(), circle.last());
        // Every dropped point lies within the tolerance of the kept polyline.
        for p in &circle {
            let d = kept
                .windows(2)
                .map(|w| distance_to_segment(*p, w[0], w[1]))
                .fold(f32::INFINITY, f32::min);
            assert!(d <= 0.25 + 1e-3, "a point {d} px off the simplified line");
        }
        // A straight line keeps its ends only; short lines are unchanged.
        let straight: Vec<Pos2> = (0..10)
            .map(|k| egui::pos2(k as f32, 2.0 * k as f32))
            .collect();
        assert_eq!(
            simplified(&straight, 0.1),
            vec![egui::pos2(0.0, 0.0), egui::pos2(9.0, 18.0)]
        );
        assert_eq!(simplified(&straight[..2], 0.1), straight[..2].to_vec());
        // A corner is kept.
        let corner = [
            [0.0, 0.0],
            [5.0, 0.0],
            [10.0, 0.0],
            [10.0, 5.0],
            [10.0, 10.0],
        ]
        .map(|[x, y]| egui::pos2(x, y));
        assert_eq!(
            simplified(&corner, 0.1),
            [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]].map(|[x, y]| egui::pos2(x, y))
        );
    }

    fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
        let ab = b - a;
        let t = ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0);
        p.distance(a + t * ab)
    }
}
