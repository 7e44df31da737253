//! Numerical integration over intervals and boxes: composite 4-point Gauss–Legendre, exact for
//! cubics on each panel and spectrally accurate for the smooth densities normalised here.

use super::Bounds;

/// Nodes (on [−1, 1]) and weights of the 4-point Gauss–Legendre rule.
const GL4: [(f64, f64); 4] = [
    (-0.861_136_311_594_052_6, 0.347_854_845_137_453_86),
    (-0.339_981_043_584_856_3, 0.652_145_154_862_546_1),
    (0.339_981_043_584_856_3, 0.652_145_154_862_546_1),
    (0.861_136_311_594_052_6, 0.347_854_845_137_453_86),
];

/// Nodes and weights of the composite rule with `panels` equal panels on [a, b].
pub fn gauss_legendre(a: f64, b: f64, panels: usize) -> Vec<(f64, f64)> {
    let h = (b - a) / panels as f64;
    let mut out = Vec::with_capacity(4 * panels);
    for p in 0..panels {
        let mid = a + (p as f64 + 0.5) * h;
        for &(x, w) in &GL4 {
            out.push((mid + 0.5 * h * x, 0.5 * h * w));
        }
    }
    out
}

/// ∫∫ f over the box, with `panels` × `panels` panels of 4 × 4 nodes.
pub fn integrate_box(bounds: Bounds, panels: usize, mut f: impl FnMut([f64; 2]) -> f64) -> f64 {
    let [[x0, x1], [y0, y1]] = bounds.0;
    let xs = gauss_legendre(x0, x1, panels);
    let ys = gauss_legendre(y0, y1, panels);
    let mut total = 0.0;
    for &(y, wy) in &ys {
        let mut row = 0.0;
        for &(x, wx) in &xs {
            row += wx * f([x, y]);
        }
        total += wy * row;
    }
    total
}

/// ln ∫∫ e^{g} over the box, shifting by the largest value seen so nothing overflows.
pub fn log_integrate_exp_box(bounds: Bounds, panels: usize, g: impl Fn([f64; 2]) -> f64) -> f64 {
    let [[x0, x1], [y0, y1]] = bounds.0;
    let xs = gauss_legendre(x0, x1, panels);
    let ys = gauss_legendre(y0, y1, panels);
    let mut values = Vec::with_capacity(xs.len() * ys.len());
    for &(y, _) in &ys {
        for &(x, _) in &xs {
            values.push(g([x, y]));
        }
    }
    let top = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for (j, &(_, wy)) in ys.iter().enumerate() {
        for (i, &(_, wx)) in xs.iter().enumerate() {
            total += wx * wy * libm::exp(values[j * xs.len() + i] - top);
        }
    }
    top + libm::log(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_a_gaussian_to_rounding() {
        // ∫_{−8}^{8} e^{−x²/2} dx = √(2π) up to 1e−15; 32 panels of width 0.5 resolve it.
        let s: f64 = gauss_legendre(-8.0, 8.0, 32)
            .iter()
            .map(|&(x, w)| w * libm::exp(-0.5 * x * x))
            .sum();
        assert!(
            (s - (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-12,
            "{s}"
        );
    }

    #[test]
    fn box_integral_of_a_product_is_the_product_of_integrals() {
        let b = Bounds([[0.0, 1.0], [0.0, 2.0]]);
        let v = integrate_box(b, 2, |[x, y]| x * x * y);
        assert!((v - 2.0 / 3.0).abs() < 1e-14, "{v}");
        let lv = log_integrate_exp_box(b, 4, |[x, y]| 1000.0 + x + y);
        let exact = 1000.0 + libm::log((libm::exp(1.0) - 1.0) * (libm::exp(2.0) - 1.0));
        assert!((lv - exact).abs() < 1e-12 * exact, "{lv} {exact}");
    }
}
