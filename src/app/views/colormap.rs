//! Colour maps for densities and potentials.

use egui::Color32;

/// Control points of a perceptually ordered dark-to-bright map (after matplotlib's magma,
/// sampled at 8 points), readable on the dark theme.
const MAGMA: [[u8; 3]; 8] = [
    [0, 0, 4],
    [28, 16, 68],
    [79, 18, 123],
    [129, 37, 129],
    [181, 54, 122],
    [229, 80, 100],
    [251, 135, 97],
    [252, 253, 191],
];

/// The colour of `t ∈ [0, 1]` (clamped) on the magma-like map.
pub fn magma(t: f64) -> Color32 {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (MAGMA.len() - 1) as f64;
    let i = (x.floor() as usize).min(MAGMA.len() - 2);
    let f = x - i as f64;
    let lerp = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (MAGMA[i], MAGMA[i + 1]);
    Color32::from_rgb(lerp(a[0], b[0]), lerp(a[1], b[1]), lerp(a[2], b[2]))
}

/// Renders densities on an n×n grid (cell (i, j) at j·n + i, j upwards) into an image with
/// row 0 at the top, scaled by the square root of the density so that low-mass regions are
/// still visible.
pub fn density_image(values: &[f64], n: usize) -> egui::ColorImage {
    let max = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    density_image_scaled(values, n, max)
}

/// [`density_image`] with a given top of the scale (values above it saturate), so that two
/// densities can be compared on one scale.
pub fn density_image_scaled(values: &[f64], n: usize, max: f64) -> egui::ColorImage {
    let mut pixels = Vec::with_capacity(n * n);
    for row in 0..n {
        let j = n - 1 - row;
        for i in 0..n {
            let v = values[j * n + i];
            let t = if max > 0.0 && v.is_finite() {
                (v / max).clamp(0.0, 1.0).sqrt()
            } else {
                0.0
            };
            pixels.push(magma(0.85 * t));
        }
    }
    egui::ColorImage::new([n, n], pixels)
}

/// Renders an energy-like field on an n×n grid (cell (i, j) at j·n + i, j upwards) with low
/// values bright, scaled from its minimum to its 95th percentile so that a few huge values at
/// the edge of the box do not wash out the interesting part; returns the image and that range.
pub fn low_bright_image(values: &[f64], n: usize) -> (egui::ColorImage, f64, f64) {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let (lo, hi) = match (
        sorted.first(),
        sorted.get(sorted.len().saturating_sub(1) * 95 / 100),
    ) {
        (Some(&lo), Some(&hi)) if hi > lo => (lo, hi),
        _ => (0.0, 1.0),
    };
    let mut pixels = Vec::with_capacity(n * n);
    for row in 0..n {
        let j = n - 1 - row;
        for i in 0..n {
            let x = values[j * n + i];
            let t = if x.is_finite() {
                1.0 - ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
            } else {
                0.0
            };
            pixels.push(magma(0.9 * t));
        }
    }
    (egui::ColorImage::new([n, n], pixels), lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_of_the_map_are_dark_and_bright() {
        assert_eq!(magma(0.0), Color32::from_rgb(0, 0, 4));
        assert_eq!(magma(1.0), Color32::from_rgb(252, 253, 191));
        assert_eq!(magma(f64::NAN), magma(0.0));
    }
}
