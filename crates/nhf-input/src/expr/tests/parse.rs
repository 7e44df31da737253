//! The grammar: precedence, associativity, every function and synonym, and every refusal
//! with its column and message.

use std::f64::consts::{E, LN_2, PI};

use crate::expr::{BinOp, Expr, ExprErrorKind, Formula, MAX_DEPTH, Var, parse};

fn value_at(text: &str, q: [f64; 2]) -> f64 {
    Formula::parse(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .program()
        .value(q)
}

fn num(v: f64) -> Expr {
    Expr::Num(v)
}

#[test]
fn precedence_and_associativity() {
    let cases: &[(&str, f64)] = &[
        ("2^3^2", 512.0),
        ("-2^2", -4.0),
        ("(-2)^2", 4.0),
        ("2*-3", -6.0),
        ("-2*3", -6.0),
        ("1-2-3", -4.0),
        ("8/2/2", 2.0),
        ("2^-1", 0.5),
        ("2^-1^2", 0.5),
        ("4^2^-1", 2.0),
        ("2+3*4^2", 50.0),
        ("(1+2)*3", 9.0),
        ("2*3+4*5", 26.0),
        ("1 - -1", 2.0),
        ("--2", 2.0),
        ("+2", 2.0),
        ("-+-2", 2.0),
        ("2**3**2", 512.0),
        ("6/2*3", 9.0),
        ("1e-3*1000", 1.0),
        (".5+.5", 1.0),
        ("1.5E+2", 150.0),
    ];
    for &(text, want) in cases {
        assert_eq!(value_at(text, [0.0, 0.0]), want, "{text}");
    }
    let x = || Expr::Var(Var::X);
    assert_eq!(
        parse("-x^2").unwrap(),
        Expr::negate(Expr::bin(BinOp::Pow, x(), num(2.0)))
    );
    assert_eq!(
        parse("2^3^2").unwrap(),
        Expr::bin(
            BinOp::Pow,
            num(2.0),
            Expr::bin(BinOp::Pow, num(3.0), num(2.0))
        )
    );
    assert_eq!(
        parse("1-2-3").unwrap(),
        Expr::bin(
            BinOp::Sub,
            Expr::bin(BinOp::Sub, num(1.0), num(2.0)),
            num(3.0)
        )
    );
    // A sign on a literal makes a negative literal, with or without parentheses.
    assert_eq!(parse("-3").unwrap(), num(-3.0));
    assert_eq!(parse("(-3)").unwrap(), num(-3.0));
    assert_eq!(
        parse("x^-2").unwrap(),
        Expr::bin(BinOp::Pow, x(), num(-2.0))
    );
}

#[test]
fn every_function_constant_and_variable() {
    let cases: &[(&str, f64)] = &[
        ("pi", PI),
        ("e", E),
        ("x", 3.0),
        ("y", -0.5),
        ("exp(0)", 1.0),
        ("log(e)", 1.0),
        ("sqrt(x^2 + 7)", 4.0),
        ("abs(y)", 0.5),
        ("sin(0)", 0.0),
        ("cos(0)", 1.0),
        ("tan(0)", 0.0),
        ("tanh(0)", 0.0),
        ("sigmoid(0)", 0.5),
        ("softplus(0)", LN_2),
        ("min(x, y)", -0.5),
        ("max(x, y)", 3.0),
        ("logsumexp(x)", 3.0),
        ("logsumexp(0, 0)", LN_2),
        ("logsumexp(0, 0, 0, 0)", 2.0 * LN_2),
        ("max(min(x, 1), logsumexp(y, y))", 1.0),
    ];
    for &(text, want) in cases {
        let got = value_at(text, [3.0, -0.5]);
        assert!((got - want).abs() <= 1e-15, "{text}: {got} vs {want}");
    }
}

#[test]
fn unicode_synonyms_and_whitespace() {
    let plain = parse("x*y/2-1").unwrap();
    for text in ["x×y÷2−1", " x\t*\ny / 2 - 1 ", "x\u{a0}*y/2-1"] {
        assert_eq!(parse(text).unwrap(), plain, "{text:?}");
    }
    assert_eq!(parse("x**2").unwrap(), parse("x^2").unwrap());
}

/// The kind, column and display text of the refusal of `text`.
fn refusal(text: &str) -> (ExprErrorKind, Option<usize>, String) {
    let e = parse(text).expect_err(text);
    assert_eq!(Formula::parse(text).unwrap_err(), e);
    (e.kind, e.column, e.to_string())
}

#[test]
fn syntax_errors_point_at_the_column() {
    use ExprErrorKind::Syntax;
    let cases: &[(&str, usize, &str)] = &[
        (
            "x + * y",
            5,
            "column 5: unexpected '*' (expected a number, x, y, a function or '(')",
        ),
        ("x + @", 5, "column 5: unexpected '@'"),
        ("x ÷ ÷ y", 5, "column 5: unexpected '÷'"),
        (
            "(x",
            3,
            "column 3: expected ')' to close the '(' at column 1, found the end of the expression",
        ),
        (
            "x)",
            2,
            "column 2: unexpected ')' (there is no '(' for it to close)",
        ),
        (
            "2x",
            2,
            "column 2: expected an operator or the end, found 'x' (products need '*', as in 2*x)",
        ),
        (
            "min(x y)",
            7,
            "column 7: expected ',' or ')' to close the '(' at column 4, found 'y'",
        ),
        ("min(x,)", 7, "column 7: unexpected ')'"),
        (
            "x +",
            4,
            "column 4: the expression ends too early (expected a number",
        ),
        ("x^", 3, "column 3: the expression ends too early"),
        ("exp + 1", 1, "column 1: exp is a function: write exp(…)"),
        ("2*x(y)", 3, "column 3: x is not a function"),
        ("()", 2, "column 2: unexpected ')'"),
        (
            "1.2.3",
            4,
            "column 4: expected an operator or the end, found '.3'",
        ),
    ];
    for &(text, column, message) in cases {
        let (kind, at, shown) = refusal(text);
        assert_eq!((kind, at), (Syntax, Some(column)), "{text}: {shown}");
        assert!(shown.starts_with(message), "{text}: {shown}");
    }
}

#[test]
fn unknown_names_are_all_listed_with_the_known_ones() {
    let (kind, column, shown) = refusal("foo(x) + bar - foo");
    assert_eq!((kind, column), (ExprErrorKind::UnknownNames, Some(1)));
    assert!(
        shown.starts_with("column 1: unknown names: foo, bar (known: x, y, pi, e, exp, log, sqrt,"),
        "{shown}"
    );
    assert!(shown.ends_with("min, max, logsumexp)"), "{shown}");
    let (_, column, shown) = refusal("2 * X");
    assert_eq!(column, Some(5));
    assert!(shown.contains("unknown name: X (known:"), "{shown}");
}

#[test]
fn wrong_argument_counts() {
    let cases: &[(&str, usize, &str)] = &[
        ("min(x, y, 1)", 1, "min takes 2 arguments, got 3"),
        ("min(x)", 1, "min takes 2 arguments, got 1"),
        ("2 + max()", 5, "max takes 2 arguments, got 0"),
        ("exp(x, y)", 1, "exp takes 1 argument, got 2"),
        (
            "logsumexp()",
            1,
            "logsumexp takes 1 or more arguments, got 0",
        ),
    ];
    for &(text, column, message) in cases {
        let (kind, at, shown) = refusal(text);
        assert_eq!((kind, at), (ExprErrorKind::Arity, Some(column)), "{text}");
        assert_eq!(shown, format!("column {column}: {message}"));
    }
}

#[test]
fn empty_too_long_and_bad_numbers() {
    for text in ["", "   ", "\n\t"] {
        let (kind, column, shown) = refusal(text);
        assert_eq!((kind, column), (ExprErrorKind::Empty, None));
        assert!(shown.starts_with("the expression is empty"), "{shown}");
    }
    let long = "x+".repeat(1500);
    let (kind, column, shown) = refusal(&long);
    assert_eq!((kind, column), (ExprErrorKind::TooLong, None));
    assert_eq!(
        shown,
        "the expression is too long: 3000 characters (at most 2000)"
    );
    // The limit counts characters, not bytes: 1000 two-byte signs pass it.
    assert!(parse(&format!("{}1", "−".repeat(999))).is_ok());
    let (kind, column, _) = refusal("x + 1e999");
    assert_eq!((kind, column), (ExprErrorKind::Number, Some(5)));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let nested =
        |n: usize, open: &str, close: &str| format!("{}x{}", open.repeat(n), close.repeat(n));
    let message = "the expression is nested too deeply (more than 200 levels)";
    // 1000 parentheses are refused (as too long: 2001 characters); 999 fit the length and
    // are refused at the first parenthesis past the depth limit.
    assert!(parse(&nested(1000, "(", ")")).is_err());
    let (kind, column, shown) = refusal(&nested(999, "(", ")"));
    assert_eq!(
        (kind, column),
        (ExprErrorKind::TooDeep, Some(MAX_DEPTH + 1))
    );
    assert_eq!(shown, format!("column {}: {message}", MAX_DEPTH + 1));
    assert!(parse(&nested(MAX_DEPTH, "(", ")")).is_ok());
    // Tall trees without parentheses: sign runs, power towers, long sums, nested calls.
    for text in [
        format!("{}x", "-".repeat(1000)),
        format!("{}2", "2^".repeat(900)),
        "x+".repeat(900) + "x",
        nested(300, "exp(", ")"),
        nested(150, "exp(-", ")"),
    ] {
        assert_eq!(refusal(&text).0, ExprErrorKind::TooDeep, "{}", &text[..20]);
    }
    assert!(parse(&("x+".repeat(MAX_DEPTH - 1) + "x")).is_ok());
}

#[test]
fn the_deepest_accepted_inputs_fit_a_small_stack() {
    // Parsing, printing, compiling and evaluating the deepest inputs accepted, on half of
    // wasm's 1 MiB main stack (a parenthesis level takes about 0.9 KB of parser frames at
    // opt-level 2, so these need about 180 KB).
    let deepest = [
        format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH)),
        format!(
            "{}x{}",
            "exp(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        ),
        format!(
            "{}x{}",
            "-(".repeat(MAX_DEPTH / 2),
            ")".repeat(MAX_DEPTH / 2)
        ),
        format!("{}2", "2^-".repeat(MAX_DEPTH / 2 - 1)),
    ];
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            for text in deepest {
                let f = Formula::parse(&text).unwrap_or_else(|e| panic!("{e}"));
                let again = Formula::parse(&f.to_string()).unwrap();
                assert_eq!(again.expr(), f.expr());
                f.program().value_grad_hessian([0.1, 0.2]);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn a_known_energy_matches_the_same_formula_in_rust() {
    let text =
        "-(0.5*((sqrt(x^2+y^2)-2)/0.4)^2 - log(exp(-0.5*((x-2)/0.6)^2) + exp(-0.5*((x+2)/0.6)^2)))";
    let program = Formula::parse(text).unwrap().program().clone();
    let direct = |x: f64, y: f64| {
        let ring = 0.5 * (((x * x + y * y).sqrt() - 2.0) / 0.4).powi(2);
        let lobes =
            (-0.5 * ((x - 2.0) / 0.6).powi(2)).exp() + (-0.5 * ((x + 2.0) / 0.6).powi(2)).exp();
        -(ring - lobes.ln())
    };
    for i in 0..41 {
        for j in 0..41 {
            let (x, y) = (-4.0 + 0.2 * f64::from(i), -4.0 + 0.2 * f64::from(j));
            let (got, want) = (program.value([x, y]), direct(x, y));
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "({x}, {y}): {got} vs {want}"
            );
        }
    }
}
