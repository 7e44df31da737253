//! The expression tree, the functions it may call, and its canonical printed form.
//!
//! `Display` prints text that [`parse`](super::parse) reads back to an equal tree: parentheses
//! wherever precedence or associativity needs them (and around a negation used as a right
//! operand, for legibility), numbers in Rust's shortest round-trip form, so every value comes
//! back bit for bit.

use std::f64::consts::{E, PI};
use std::fmt;

/// A variable of the density.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    /// The first coordinate.
    X,
    /// The second coordinate.
    Y,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `a ^ b` (also typed `a ** b`)
    Pow,
}

impl BinOp {
    /// The operator as printed, with the spacing of the canonical form.
    fn symbol(self) -> &'static str {
        match self {
            Self::Add => " + ",
            Self::Sub => " - ",
            Self::Mul => " * ",
            Self::Div => " / ",
            Self::Pow => "^",
        }
    }
}

/// How many arguments a function takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// Exactly this many.
    Exactly(usize),
    /// This many or more.
    AtLeast(usize),
}

impl Arity {
    /// Whether `n` arguments are allowed.
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Self::Exactly(k) => n == k,
            Self::AtLeast(k) => n >= k,
        }
    }
}

impl fmt::Display for Arity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Exactly(1) => f.write_str("1 argument"),
            Self::Exactly(k) => write!(f, "{k} arguments"),
            Self::AtLeast(k) => write!(f, "{k} or more arguments"),
        }
    }
}

/// A function the language knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// e^u
    Exp,
    /// Natural logarithm.
    Log,
    /// Square root.
    Sqrt,
    /// Absolute value.
    Abs,
    /// Sine.
    Sin,
    /// Cosine.
    Cos,
    /// Tangent.
    Tan,
    /// Hyperbolic tangent.
    Tanh,
    /// 1 / (1 + e^−u)
    Sigmoid,
    /// log(1 + e^u)
    Softplus,
    /// The smaller of two.
    Min,
    /// The larger of two.
    Max,
    /// log Σ e^uᵢ over one or more arguments.
    LogSumExp,
}

impl Func {
    /// Every function, in the order the error messages list them.
    pub const ALL: [Func; 13] = [
        Func::Exp,
        Func::Log,
        Func::Sqrt,
        Func::Abs,
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Tanh,
        Func::Sigmoid,
        Func::Softplus,
        Func::Min,
        Func::Max,
        Func::LogSumExp,
    ];

    /// The name it is typed and printed with.
    pub fn name(self) -> &'static str {
        match self {
            Self::Exp => "exp",
            Self::Log => "log",
            Self::Sqrt => "sqrt",
            Self::Abs => "abs",
            Self::Sin => "sin",
            Self::Cos => "cos",
            Self::Tan => "tan",
            Self::Tanh => "tanh",
            Self::Sigmoid => "sigmoid",
            Self::Softplus => "softplus",
            Self::Min => "min",
            Self::Max => "max",
            Self::LogSumExp => "logsumexp",
        }
    }

    /// The function typed as `name`, if any (names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Func> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// How many arguments it takes.
    pub fn arity(self) -> Arity {
        match self {
            Self::Min | Self::Max => Arity::Exactly(2),
            Self::LogSumExp => Arity::AtLeast(1),
            _ => Arity::Exactly(1),
        }
    }
}

/// The named constants, as typed.
pub const CONSTANTS: [(&str, f64); 2] = [("pi", PI), ("e", E)];

/// Every name the language knows, comma-separated, for error messages.
pub fn known_names() -> String {
    let mut names = vec!["x", "y"];
    names.extend(CONSTANTS.iter().map(|(n, _)| *n));
    names.extend(Func::ALL.iter().map(|f| f.name()));
    names.join(", ")
}

/// An expression in x and y.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number (the parser gives negative ones for a minus applied to a literal, and
    /// `pi`/`e` as their values).
    Num(f64),
    /// `x` or `y`.
    Var(Var),
    /// −a
    Neg(Box<Expr>),
    /// a op b
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// f(a, …), with an argument count its [`Func::arity`] accepts.
    Call(Func, Vec<Expr>),
}

impl Expr {
    /// −a, folding a literal into a negative literal: the parser builds negations with this,
    /// so `-3` and `(-3)` are both `Num(-3)` and a printed negative literal reads back equal.
    pub fn negate(a: Expr) -> Expr {
        match a {
            Expr::Num(v) => Expr::Num(-v),
            a => Expr::Neg(Box::new(a)),
        }
    }

    /// a op b.
    pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        Expr::Bin(op, Box::new(a), Box::new(b))
    }

    /// Binding strength when printed: 1 for + −, 2 for * /, 3 for a negation, 4 for ^, 5 for
    /// what is never split (numbers, which print negative ones in parentheses, variables,
    /// calls).
    fn precedence(&self) -> u8 {
        match self {
            Expr::Bin(BinOp::Add | BinOp::Sub, ..) => 1,
            Expr::Bin(BinOp::Mul | BinOp::Div, ..) => 2,
            Expr::Neg(_) => 3,
            Expr::Bin(BinOp::Pow, ..) => 4,
            _ => 5,
        }
    }
}

/// Writes `e`, in parentheses when `paren`.
fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, paren: bool) -> fmt::Result {
    if paren {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// A number in the shortest form that reads back to the same bits (`{:?}`, which switches to
/// an exponent outside [1e-5, 1e16), without a trailing `.0`); π and e by name; negative ones
/// in parentheses, so they are one operand wherever they stand.
fn write_number(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    if v.is_sign_negative() && !v.is_nan() {
        f.write_str("(-")?;
        write_magnitude(f, -v)?;
        f.write_str(")")
    } else {
        write_magnitude(f, v)
    }
}

fn write_magnitude(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    if let Some((name, _)) = CONSTANTS.iter().find(|(_, c)| *c == v) {
        return f.write_str(name);
    }
    let text = format!("{v:?}");
    f.write_str(text.strip_suffix(".0").unwrap_or(&text))
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(v) => write_number(f, *v),
            Expr::Var(Var::X) => f.write_str("x"),
            Expr::Var(Var::Y) => f.write_str("y"),
            Expr::Neg(a) => {
                // The operand of a unary minus is a power or another unary: a sum or product
                // needs parentheses (−a·b would read as (−a)·b); −(−a) gets them for legibility.
                f.write_str("-")?;
                write_operand(f, a, a.precedence() <= 3)
            }
            Expr::Bin(op, a, b) => {
                let (pa, pb) = (a.precedence(), b.precedence());
                let (left, right) = match op {
                    // Left-associative: a − (b − c) needs them on the right. A negation on the
                    // right reads better in parentheses: x − (−y).
                    BinOp::Add | BinOp::Sub => (pa < 1, pb <= 1 || pb == 3),
                    BinOp::Mul | BinOp::Div => (pa < 2, pb <= 3),
                    // Right-associative and tighter than unary minus: (a^b)^c and (−a)^b need
                    // them on the left; on the right, only a sum or product (and a negation,
                    // for legibility: 2^(−x)).
                    BinOp::Pow => (pa <= 4, pb <= 3),
                };
                write_operand(f, a, left)?;
                f.write_str(op.symbol())?;
                write_operand(f, b, right)
            }
            Expr::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Expr {
        Expr::Var(Var::X)
    }
    fn y() -> Expr {
        Expr::Var(Var::Y)
    }

    #[test]
    fn prints_only_the_parentheses_the_tree_needs() {
        use BinOp::*;
        let cases = [
            (Expr::bin(Sub, x(), Expr::bin(Sub, y(), x())), "x - (y - x)"),
            (Expr::bin(Sub, Expr::bin(Sub, x(), y()), x()), "x - y - x"),
            (Expr::bin(Pow, Expr::bin(Pow, x(), y()), x()), "(x^y)^x"),
            (Expr::bin(Pow, x(), Expr::bin(Pow, y(), x())), "x^y^x"),
            (Expr::negate(Expr::bin(Pow, x(), Expr::Num(2.0))), "-x^2"),
            (Expr::bin(Pow, Expr::negate(x()), Expr::Num(2.0)), "(-x)^2"),
            (Expr::bin(Pow, Expr::Num(-2.0), Expr::Num(0.5)), "(-2)^0.5"),
            (Expr::negate(Expr::bin(Mul, x(), y())), "-(x * y)"),
            (Expr::bin(Mul, Expr::negate(x()), y()), "-x * y"),
            (Expr::bin(Div, x(), Expr::bin(Mul, y(), x())), "x / (y * x)"),
            (Expr::bin(Mul, x(), Expr::negate(y())), "x * (-y)"),
            (Expr::negate(Expr::negate(x())), "-(-x)"),
            (
                Expr::Call(Func::Min, vec![x(), Expr::Num(1e-7)]),
                "min(x, 1e-7)",
            ),
            (Expr::bin(Mul, Expr::Num(2.0), Expr::Num(PI)), "2 * pi"),
            (Expr::bin(Add, Expr::Num(-E), Expr::Num(0.1)), "(-e) + 0.1"),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }

    #[test]
    fn names_and_arities() {
        for f in Func::ALL {
            assert_eq!(Func::from_name(f.name()), Some(f));
        }
        assert_eq!(Func::from_name("Exp"), None);
        assert!(Func::LogSumExp.arity().accepts(5) && !Func::LogSumExp.arity().accepts(0));
        assert_eq!(Func::Min.arity().to_string(), "2 arguments");
        assert!(known_names().starts_with("x, y, pi, e, exp, log,"));
    }
}
