//! A small language for 2D log-densities typed by the user: an expression in `x` and `y`.
//!
//! ```text
//! expr    = term { ("+" | "-") term } ;
//! term    = unary { ("*" | "/") unary } ;
//! unary   = { "-" | "+" } power ;
//! power   = primary [ "^" unary ] ;          (* right-associative: 2^3^2 = 2^9 *)
//! primary = number | name | name "(" [ expr { "," expr } ] ")" | "(" expr ")" ;
//! number  = ( digits [ "." [ digits ] ] | "." digits ) [ ("e" | "E") [ "+" | "-" ] digits ] ;
//! name    = "x" | "y" | "pi" | "e" | function ;
//! ```
//!
//! `^` binds tighter than unary minus (`-x^2` is −(x²)) and its exponent may carry a sign
//! (`2^-1`). The functions are exp, log (natural), sqrt, abs, sin, cos, tan, tanh, sigmoid,
//! softplus (one argument), min, max (two) and logsumexp (one or more). Whitespace is free;
//! `**` may be typed for `^`, and `×`, `÷`, `−` for `*`, `/`, `-`. Inputs are capped at
//! [`MAX_LEN`] characters and [`MAX_DEPTH`] levels of nesting (of parentheses and calls, and
//! of the tree), so no input can overflow the stack.
//!
//! [`parse`] gives an [`Expr`] tree, which prints (`Display`) to a canonical text that parses
//! back to an equal tree. [`Program::compile`] flattens it to a postfix program for a stack
//! machine, evaluated per point without walking the tree. Derivatives are exact, not
//! approximated: [`Program::value_grad_hessian`] propagates the value, gradient and Hessian
//! forward through each instruction by its chain rule. [`Formula`] keeps the text, the tree
//! and the program together.
//!
//! Conventions at the edges (documented where they are implemented, in `scalar.rs`):
//! `u ^ c` with a constant exponent is defined for u < 0 when c is an integer; with an
//! exponent that depends on x or y, derivatives need u > 0. `min`/`max` take the first
//! argument on a tie (and its derivatives), and propagate NaN. `abs` has derivative 0 at 0.
//! Nothing is clamped: log of a negative number is NaN, log 0 is −∞, for the caller to judge.

mod ast;
mod error;
mod formula;
mod jet;
mod lexer;
mod parser;
mod program;
mod scalar;
#[cfg(test)]
mod tests;

pub use ast::{Arity, BinOp, CONSTANTS, Expr, Func, Var, known_names};
pub use error::{ExprError, ExprErrorKind};
pub use formula::Formula;
pub use parser::{MAX_DEPTH, MAX_LEN, parse};
pub use program::Program;
