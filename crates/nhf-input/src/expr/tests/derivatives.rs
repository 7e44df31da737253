//! Exact derivatives: the compiled program's gradient and Hessian against `num-dual`'s
//! hyper-dual numbers (to 1e-12) and against central differences (to 1e-6), and its value
//! against the value-only path (bit for bit).

use super::reference;
use crate::expr::Formula;

/// Test points from a seeded SplitMix64 stream (this crate has no generator of its own).
struct Rng(u64);

impl Rng {
    fn seed_from_u64(seed: u64) -> Self {
        Self(seed)
    }

    /// Uniform on [lo, hi), from the top 53 bits of the next SplitMix64 output.
    fn uniform_in(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        lo + (hi - lo) * ((z >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// An expression, the box its test points are drawn from, and the points to avoid (ties of
/// min/max, the kink of abs, poles).
struct Case {
    text: &'static str,
    bounds: [[f64; 2]; 2],
    avoid: fn([f64; 2]) -> bool,
}

const SQUARE: [[f64; 2]; 2] = [[-3.0, 3.0], [-3.0, 3.0]];

fn none(_: [f64; 2]) -> bool {
    false
}

fn case(text: &'static str) -> Case {
    Case {
        text,
        bounds: SQUARE,
        avoid: none,
    }
}

fn cases() -> Vec<Case> {
    let positive_x = [[0.2, 3.0], [-2.0, 2.0]];
    vec![
        Case {
            avoid: |[x, y]| x.hypot(y) < 0.1,
            ..case("-((sqrt(x^2+y^2)-2)/0.1)^2/2")
        },
        case("log(exp(-(x-2)^2) + exp(-(x+2)^2)) - y^2/2"),
        case("logsumexp(-(x-2)^2, -(x+2)^2, -y^2)"),
        case(
            "-(0.5*((sqrt(x^2+y^2)-2)/0.4)^2 - log(exp(-0.5*((x-2)/0.6)^2) + exp(-0.5*((x+2)/0.6)^2)))",
        ),
        Case {
            bounds: positive_x,
            ..case("x^y")
        },
        Case {
            bounds: positive_x,
            ..case("(1 + x^2)^(y/3) + 3^(x*y/4) - x^-2 + x^0.5*y")
        },
        Case {
            avoid: |[x, y]| (x - y).abs() < 0.05 || (x * x - y - 1.0).abs() < 0.05,
            ..case("max(x, y) * min(x^2, y + 1) + max(2, x)")
        },
        Case {
            avoid: |[x, y]| (x - y).abs() < 0.05 || y.abs() < 0.05,
            ..case("abs(x - y) + abs(y)^3 - abs(x*y)")
        },
        Case {
            bounds: [[-2.0, 2.0], [-2.0, 2.0]],
            ..case("sin(x) * cos(y) + tan(x*y/4)")
        },
        case("tanh(x - 2*y) / (1 + x^2)"),
        case("sigmoid(3*x - y) + softplus(x*y) - softplus(-40 + x) + sigmoid(-x*y)*cos(x)"),
        case("-x^2 + 2^-y - x*y/3 + e^x*pi"),
        Case {
            avoid: |[x, _]| x.abs() < 0.3,
            ..case("(x - y)^3 / (2 + y^2) - x^-2")
        },
        case("exp(-x) * sqrt(1 + y^2) - sqrt(x^2 + 1)^0.5"),
        case("logsumexp(x*y) + logsumexp(x*y, -x, y^2, 1)"),
        case("log(x^2 + 1) / (y^2 + 2)"),
        case("+x − -y × 2 ÷ (1 + x**2)"),
        case("x^3 - 2*(-x)^4 + y^0 + (x*y)^1"),
        Case {
            avoid: |[_, y]| y.abs() < 0.3,
            ..case("x*y/(x - 3*y + 10) - x/y")
        },
    ]
}

/// Draws `n` points of the case's box outside its avoided set.
fn points(c: &Case, n: usize, rng: &mut Rng) -> Vec<[f64; 2]> {
    let mut out = Vec::new();
    while out.len() < n {
        let q = [0, 1].map(|k| rng.uniform_in(c.bounds[k][0], c.bounds[k][1]));
        if !(c.avoid)(q) {
            out.push(q);
        }
    }
    out
}

/// |a − b| ≤ tol · max(|a|, |b|, 1): relative, with a floor for entries near zero.
fn assert_close(a: f64, b: f64, tol: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(1.0);
    assert!(
        (a - b).abs() <= tol * scale,
        "{what}: {a} vs {b} (tolerance {tol})"
    );
}

#[test]
fn cases_cover_every_function_and_operator() {
    let all: String = cases().iter().map(|c| c.text).collect();
    for f in crate::expr::Func::ALL {
        assert!(all.contains(&format!("{}(", f.name())), "{}", f.name());
    }
    for op in ["+", "-", "*", "/", "^", "**", "×", "÷", "−", "pi", "e^"] {
        assert!(all.contains(op), "{op}");
    }
    assert!(cases().len() >= 15);
}

#[test]
fn gradient_and_hessian_equal_num_dual() {
    let mut rng = Rng::seed_from_u64(11);
    for c in cases() {
        let f = Formula::parse(c.text).unwrap();
        for q in points(&c, 8, &mut rng) {
            let (v, g, h) = f.program().value_grad_hessian(q);
            let (rv, rg, rh) = reference::value_grad_hessian(f.expr(), q);
            let at = format!("{} at {q:?}", c.text);
            assert_close(v, rv, 1e-12, &format!("value of {at}"));
            for i in 0..2 {
                assert_close(g[i], rg[i], 1e-12, &format!("∂{i} of {at}"));
                for j in 0..2 {
                    assert_close(h[i][j], rh[i][j], 1e-12, &format!("∂{i}∂{j} of {at}"));
                }
            }
            assert_eq!(h[0][1], h[1][0]);
        }
    }
}

#[test]
fn gradient_and_hessian_equal_central_differences() {
    let mut rng = Rng::seed_from_u64(12);
    for c in cases() {
        let p = Formula::parse(c.text).unwrap().program().clone();
        for q in points(&c, 8, &mut rng) {
            let (_, g, h) = p.value_grad_hessian(q);
            let at = format!("{} at {q:?}", c.text);
            for k in 0..2 {
                let step = 1e-5 * q[k].abs().max(1.0);
                let (mut lo, mut hi) = (q, q);
                lo[k] -= step;
                hi[k] += step;
                let fd = (p.value(hi) - p.value(lo)) / (2.0 * step);
                assert_close(g[k], fd, 1e-6, &format!("∂{k} of {at}"));
                // The Hessian's column k from differences of the exact gradient.
                let (g_hi, g_lo) = (p.value_grad_hessian(hi).1, p.value_grad_hessian(lo).1);
                for i in 0..2 {
                    let fd = (g_hi[i] - g_lo[i]) / (2.0 * step);
                    assert_close(h[i][k], fd, 1e-6, &format!("∂{i}∂{k} of {at}"));
                }
            }
        }
    }
}

#[test]
fn value_is_bit_for_bit_the_value_of_the_derivative_path() {
    let mut rng = Rng::seed_from_u64(13);
    let mut stack = Vec::new();
    for c in cases() {
        let p = Formula::parse(c.text).unwrap().program().clone();
        // Also outside the box and at awkward points, where NaN and ±∞ appear.
        let mut qs = points(&c, 16, &mut rng);
        qs.extend([
            [0.0, 0.0],
            [-5.0, 1e-300],
            [700.0, -800.0],
            [f64::NAN, 1.0],
            [f64::INFINITY, 0.0],
        ]);
        for q in qs {
            let v = p.value(q);
            let (w, ..) = p.value_grad_hessian(q);
            let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
            assert!(same(v, w), "{} at {q:?}: {v} vs {w}", c.text);
            assert!(same(v, p.value_with(q, &mut stack)));
        }
    }
}
