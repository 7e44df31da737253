//! Isolines of a function sampled on a grid (marching squares), as line segments in the
//! grid's own coordinates.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_isoline_of_a_radial_function_is_a_circle() {
        let n = 64;
        let b = [[-2.0, 2.0], [-2.0, 2.0]];
        let cell = 4.0 / n as f64;
        let values: Vec<f64> = (0..n * n)
            .map(|c| {
                let (x, y) = (
                    -2.0 + ((c % n) as f64 + 0.5) * cell,
                    -2.0 + ((c / n) as f64 + 0.5) * cell,
                );
                x * x + y * y
            })
            .collect();
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
}
