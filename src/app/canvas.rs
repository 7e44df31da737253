//! The canvas of the drawn target: the grid of intensities the user paints on the position
//! view with a soft round brush. The session turns it into a [`DrawnTarget`] at the end of
//! each stroke (the target validates it: an empty canvas is refused with a message).

use crate::targets::{Bounds, DrawnGrid, DrawnTarget};

/// Cells per side of a new canvas (the default picture's resolution).
pub const CANVAS_CELLS: usize = 64;
/// Allowed brush radius, in flow coordinates.
pub const RADIUS_RANGE: (f64, f64) = (0.05, 2.0);

/// The grid being painted, and whether it changed since it last became the target.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    /// The painted intensities in [0, 1].
    pub grid: DrawnGrid,
    /// Painted since the last commit.
    pub dirty: bool,
}

impl Canvas {
    /// A canvas holding a saved picture.
    pub fn from_grid(grid: DrawnGrid) -> Self {
        Self { grid, dirty: false }
    }

    /// The default picture (the heart of the `drawn` target).
    pub fn heart() -> Self {
        Self::from_grid(DrawnTarget::heart().grid().clone())
    }

    /// An empty canvas of [`CANVAS_CELLS`]² over [−4, 4]².
    pub fn empty() -> Self {
        let n = CANVAS_CELLS;
        Self::from_grid(DrawnGrid {
            nx: n,
            ny: n,
            bounds: Bounds::square(4.0),
            values: vec![0.0; n * n],
        })
    }

    /// Erases everything.
    pub fn clear(&mut self) {
        self.grid.values.iter_mut().for_each(|v| *v = 0.0);
        self.dirty = true;
    }

    /// One dab of the brush at `at`: cells within half the radius are set to 1 (painting) or
    /// 0 (erasing), and a smoothstep rim out to the full radius softens the edge; dabs take
    /// the maximum (or minimum), so repeated dabs do not pile up.
    pub fn dab(&mut self, at: [f64; 2], radius: f64, erase: bool) {
        let radius = radius.clamp(RADIUS_RANGE.0, RADIUS_RANGE.1);
        let g = &mut self.grid;
        let [w, h] = g.bounds.size();
        let cell = [w / g.nx as f64, h / g.ny as f64];
        let b = g.bounds.0;
        let index = |x: f64, lo: f64, size: f64| ((x - lo) / size).floor() as i64;
        let range = |axis: usize, n: usize| {
            let lo = index(at[axis] - radius, b[axis][0], cell[axis]).max(0);
            let hi = index(at[axis] + radius, b[axis][0], cell[axis]).min(n as i64 - 1);
            lo..=hi
        };
        for j in range(1, g.ny) {
            for i in range(0, g.nx) {
                let c = [
                    b[0][0] + (i as f64 + 0.5) * cell[0],
                    b[1][0] + (j as f64 + 0.5) * cell[1],
                ];
                let d = ((c[0] - at[0]).powi(2) + (c[1] - at[1]).powi(2)).sqrt() / radius;
                if d >= 1.0 {
                    continue;
                }
                // Full strength over the inner half of the radius, a soft rim outside it.
                let f = (2.0 * (1.0 - d)).min(1.0);
                let f = (f * f * (3.0 - 2.0 * f)) as f32;
                let v = &mut g.values[j as usize * g.nx + i as usize];
                *v = if erase {
                    let left = v.min(1.0 - f);
                    if left < 0.01 { 0.0 } else { left }
                } else {
                    v.max(f)
                };
            }
        }
        self.dirty = true;
    }

    /// Dabs along the segment from `from` to `to`, a third of a radius apart, so a fast drag
    /// leaves a continuous line.
    pub fn stroke(&mut self, from: [f64; 2], to: [f64; 2], radius: f64, erase: bool) {
        let all_finite = from.iter().chain(&to).all(|x| x.is_finite());
        if !all_finite || !radius.is_finite() {
            return;
        }
        let radius = radius.clamp(RADIUS_RANGE.0, RADIUS_RANGE.1);
        let length = ((to[0] - from[0]).powi(2) + (to[1] - from[1]).powi(2)).sqrt();
        let dabs = ((length / (radius / 3.0)).ceil() as usize).clamp(1, 10_000);
        for k in 0..=dabs {
            let t = k as f64 / dabs as f64;
            let at = [
                from[0] + t * (to[0] - from[0]),
                from[1] + t * (to[1] - from[1]),
            ];
            self.dab(at, radius, erase);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn painted(c: &Canvas) -> usize {
        c.grid.values.iter().filter(|&&v| v > 0.0).count()
    }

    #[test]
    fn a_dab_paints_a_disc_of_the_right_size() {
        let mut c = Canvas::empty();
        c.dab([0.0, 0.0], 1.0, false);
        // Cells are 0.125 wide: the disc of radius 1 covers about π / 0.125² ≈ 201 cells.
        let n = painted(&c);
        assert!((180..=210).contains(&n), "{n} cells painted");
        assert!(c.grid.values.iter().all(|&v| (0.0..=1.0).contains(&v)));
        assert!(c.dirty);
        // The centre is fully painted; a cell 0.95 away only a little.
        let at = |x: f64, y: f64| {
            let i = ((x + 4.0) / 0.125) as usize;
            let j = ((y + 4.0) / 0.125) as usize;
            c.grid.values[j * 64 + i]
        };
        assert!(at(0.01, 0.01) > 0.95 && at(0.95, 0.01) < 0.1);
    }

    #[test]
    fn erasing_the_same_spot_empties_it_and_a_stroke_is_continuous() {
        let mut c = Canvas::empty();
        c.stroke([-3.0, 0.0], [3.0, 0.0], 0.3, false);
        for x in [-2.9, -1.0, 0.0, 1.7, 2.9] {
            let i = ((x + 4.0) / 0.125) as usize;
            assert!(c.grid.values[32 * 64 + i] > 0.5, "gap at x = {x}");
        }
        c.stroke([-3.0, 0.0], [3.0, 0.0], 0.6, true);
        assert_eq!(painted(&c), 0);
        // Strokes outside the box or with non-finite ends change nothing and do not panic.
        c.stroke([10.0, 10.0], [12.0, 12.0], 0.5, false);
        c.stroke([f64::NAN, 0.0], [0.0, 0.0], 0.5, false);
        c.dab([0.0, 0.0], f64::INFINITY, false);
        assert!(
            painted(&c) > 0,
            "an infinite radius is clamped, not refused"
        );
    }

    #[test]
    fn an_empty_canvas_is_refused_as_a_target_and_a_painted_one_accepted() {
        let mut c = Canvas::heart();
        assert!(DrawnTarget::from_drawn_grid(&c.grid).is_ok());
        c.clear();
        let e = DrawnTarget::from_drawn_grid(&c.grid)
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty"), "{e}");
        c.dab([1.0, 1.0], 0.5, false);
        assert!(DrawnTarget::from_drawn_grid(&c.grid).is_ok());
    }
}
