//! Property tests: random trees print and parse back equal; random text never panics the
//! parser, and whatever parses evaluates without panicking.

use std::f64::consts::{E, PI};

use proptest::collection::vec;
use proptest::prelude::*;

use crate::expr::{Arity, BinOp, Expr, Formula, Func, Program, Var, parse};

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        (0u32..20).prop_map(f64::from),
        prop::sample::select(vec![PI, E, -PI, 0.1, 1e-7, 1e16, 0.5, -0.0]),
    ]
}

/// Random trees of height at most 6, shaped as the parser builds them (a minus on a literal
/// is a negative literal: [`Expr::negate`]).
fn tree() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        number().prop_map(Expr::Num),
        Just(Expr::Var(Var::X)),
        Just(Expr::Var(Var::Y)),
    ];
    let ops = prop::sample::select(vec![
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::Pow,
    ]);
    leaf.prop_recursive(5, 48, 4, move |inner| {
        prop_oneof![
            inner.clone().prop_map(Expr::negate),
            (ops.clone(), inner.clone(), inner.clone()).prop_map(|(op, a, b)| Expr::bin(op, a, b)),
            (prop::sample::select(Func::ALL.to_vec()), vec(inner, 1..4)).prop_map(
                |(f, mut args)| {
                    match f.arity() {
                        Arity::Exactly(k) => args.resize(k, Expr::Var(Var::Y)),
                        Arity::AtLeast(_) => {}
                    }
                    Expr::Call(f, args)
                }
            ),
        ]
    })
}

/// NaN equals NaN; otherwise the same bits.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

const POINTS: [[f64; 2]; 4] = [[0.0, 0.0], [1.5, -0.5], [-2.0, 3.0], [0.3, 0.7]];

/// Runs every evaluation path at a few points, including non-finite ones: none may panic.
fn evaluate_everywhere(p: &Program) {
    let mut stack = Vec::new();
    for q in POINTS
        .into_iter()
        .chain([[f64::NAN, 1.0], [1e308, -1e308], [f64::NEG_INFINITY, 0.0]])
    {
        let v = p.value(q);
        assert!(same(v, p.value_grad_hessian(q).0));
        assert!(same(v, p.value_with(q, &mut stack)));
    }
}

/// A string of tokens of the language, valid or not.
fn token_soup() -> impl Strategy<Value = String> {
    let pieces = vec![
        "x",
        "y",
        "pi",
        "e",
        "2",
        ".5",
        "1e-3",
        "1e999",
        "0",
        "+",
        "-",
        "*",
        "/",
        "^",
        "**",
        "(",
        ")",
        ",",
        "exp",
        "log",
        "sqrt",
        "abs",
        "tan",
        "min",
        "max",
        "logsumexp",
        "sigmoid",
        "softplus",
        "foo",
        " ",
        "×",
        "÷",
        "−",
        "@",
        ".",
        "e5",
        "E",
    ];
    vec(prop::sample::select(pieces), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn printed_trees_parse_back_equal(e in tree()) {
        let text = e.to_string();
        let back = parse(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
        prop_assert_eq!(&back, &e, "{}", text);
        // Printing is a fixed point, and the values agree.
        prop_assert_eq!(back.to_string(), text);
        let (p, q) = (Program::compile(&e), Program::compile(&back));
        for point in POINTS {
            prop_assert!(same(p.value(point), q.value(point)));
        }
        evaluate_everywhere(&p);
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(f) = Formula::parse(&text) {
            evaluate_everywhere(f.program());
        }
    }

    #[test]
    fn random_unicode_never_panics(text in "\\PC{0,80}") {
        if let Ok(f) = Formula::parse(&text) {
            evaluate_everywhere(f.program());
        }
    }

    #[test]
    fn token_soup_never_panics_and_errors_point_inside(text in token_soup()) {
        match Formula::parse(&text) {
            Ok(f) => {
                evaluate_everywhere(f.program());
                let again = Formula::parse(&f.to_string()).unwrap();
                prop_assert_eq!(again.expr(), f.expr());
            }
            Err(e) => {
                if let Some(c) = e.column {
                    prop_assert!(c >= 1 && c <= text.chars().count() + 1, "{} {}", c, e);
                }
            }
        }
    }
}
