//! What the default window asks the rasteriser to draw each frame, against a budget. Without a
//! GPU, Chromium rasterises on the CPU (SwiftShader) and pays for every triangle (about 1 µs
//! each) and every covered pixel (about 35 ns each), measured in `docs/PERFORMANCE.md`; that
//! cost competes with training for the same cores. This test keeps a regression from slipping
//! back in unseen: the panels' fills (a million pixels) or unsimplified isolines (7k triangles).

use egui::epaint::Primitive;
use egui_kittest::Harness;
use nhf_playground::app::NhfApp;
use nhf_playground::app::settings::Settings;

/// Triangles of one frame of the default window at 1280×800 (28.4k on 2026-12-02; 35.1k
/// before the isolines were simplified).
const TRIANGLE_BUDGET: usize = 32_000;

/// Pixels covered by triangles, overlaps counted once per triangle, as a fraction of the
/// window (0.74 on 2026-12-02; 1.75 while the panels painted their fills).
const COVERAGE_BUDGET: f64 = 0.9;

#[test]
fn the_default_window_stays_within_its_triangle_and_pixel_budget() {
    let size = egui::vec2(1280.0, 800.0);
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|_cc| NhfApp::with_settings(Settings::default(), None));
    h.run_steps(5);
    let shapes = h.output().shapes.clone();
    let primitives = h.ctx.tessellate(shapes, 1.0);
    let (mut triangles, mut covered) = (0usize, 0f64);
    for p in &primitives {
        let Primitive::Mesh(mesh) = &p.primitive else {
            continue;
        };
        triangles += mesh.indices.len() / 3;
        for t in mesh.indices.chunks_exact(3) {
            let [a, b, c] = [t[0], t[1], t[2]].map(|i| mesh.vertices[i as usize].pos);
            let area = ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0;
            covered += f64::from(area);
        }
    }
    let coverage = covered / f64::from(size.x * size.y);
    println!(
        "{} draw calls, {triangles} triangles, coverage {coverage:.2} of the window",
        primitives.len()
    );
    // The window draws its views: an empty frame would pass any budget.
    assert!(
        triangles > 5_000 && coverage > 0.3,
        "the window drew almost nothing"
    );
    assert!(
        triangles <= TRIANGLE_BUDGET,
        "{triangles} triangles per frame, budget {TRIANGLE_BUDGET}"
    );
    assert!(
        coverage <= COVERAGE_BUDGET,
        "triangles cover {coverage:.2} of the window, budget {COVERAGE_BUDGET}"
    );
}
