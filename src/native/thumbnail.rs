//! `--png`: the target's density next to the model's, on one colour scale, as a PNG (the
//! thumbnails of docs/TARGETS_REPORT.md).

use std::path::Path;

use nhf_playground::app::views::colormap::density_image_scaled;

/// Pixels per grid cell.
const SCALE: usize = 2;
/// Gap between the two panels, in pixels.
const GAP: usize = 4;

/// Writes target | model densities (both on an n×n grid, cell (i, j) at j·n + i) to `path`,
/// scaled by the target's largest value.
pub fn write_side_by_side(
    path: &Path,
    target: &[f64],
    model: &[f64],
    n: usize,
) -> Result<(), String> {
    let max = target
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let panels = [
        density_image_scaled(target, n, max),
        density_image_scaled(model, n, max),
    ];
    let side = n * SCALE;
    let width = 2 * side + GAP;
    let mut img =
        image::RgbImage::from_pixel(width as u32, side as u32, image::Rgb([255, 255, 255]));
    for (p, panel) in panels.iter().enumerate() {
        let x0 = p * (side + GAP);
        for y in 0..side {
            for x in 0..side {
                let c = panel.pixels[(y / SCALE) * n + x / SCALE];
                img.put_pixel((x0 + x) as u32, y as u32, image::Rgb([c.r(), c.g(), c.b()]));
            }
        }
    }
    img.save(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}
