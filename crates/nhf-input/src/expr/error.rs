//! Why an expression was refused, and where.
//!
//! Every refusal is meant to be shown to the person who typed the expression, so the message
//! says what is wrong in their terms and, when one place is at fault, the column to look at.

use std::fmt;

use super::ast::{Func, known_names};
use super::lexer::{Token, TokenKind};
use super::parser::{MAX_DEPTH, MAX_LEN};

/// What kind of refusal an [`ExprError`] is, for callers (and tests) that tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprErrorKind {
    /// Nothing but whitespace was typed.
    Empty,
    /// More than [`MAX_LEN`](super::MAX_LEN) characters.
    TooLong,
    /// Nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH) levels.
    TooDeep,
    /// A character or token where it cannot be.
    Syntax,
    /// A literal too large for a 64-bit float.
    Number,
    /// Names that are neither a variable, a constant nor a function.
    UnknownNames,
    /// A function called with the wrong number of arguments.
    Arity,
}

/// A refused expression: the kind of refusal, the 1-based column (in characters) it points
/// at when one place is at fault, and a message for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// What kind of refusal this is.
    pub kind: ExprErrorKind,
    /// The 1-based column, counted in characters (not bytes), of the offending token; `None`
    /// when the whole text is at fault (empty, too long).
    pub column: Option<usize>,
    /// What is wrong, without the column (see `Display` for the full text).
    pub message: String,
}

// The builders of every message, in one place so they read alike. They are cold and never
// inlined: their formatting machinery would otherwise swell the frames of the parser's
// recursive functions, and with them the stack a deeply nested input needs.
impl ExprError {
    /// A refusal of the whole text.
    fn whole(kind: ExprErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            column: None,
            message: message.into(),
        }
    }

    /// A refusal pointing at `column`.
    fn at(kind: ExprErrorKind, column: usize, message: impl Into<String>) -> Self {
        Self {
            kind,
            column: Some(column),
            message: message.into(),
        }
    }

    /// Nothing but whitespace.
    #[cold]
    pub(crate) fn empty() -> Self {
        let example = "e.g. -(x^2 + y^2)/2";
        let message = format!("the expression is empty: type a log-density in x and y, {example}");
        Self::whole(ExprErrorKind::Empty, message)
    }

    /// More than [`MAX_LEN`] characters.
    #[cold]
    pub(crate) fn too_long(length: usize) -> Self {
        let message =
            format!("the expression is too long: {length} characters (at most {MAX_LEN})");
        Self::whole(ExprErrorKind::TooLong, message)
    }

    /// A character that is not part of the language.
    #[cold]
    #[inline(never)]
    pub(crate) fn unexpected_char(c: char, column: usize) -> Self {
        Self::at(ExprErrorKind::Syntax, column, format!("unexpected '{c}'"))
    }

    /// A literal that overflows to infinity.
    #[cold]
    #[inline(never)]
    pub(crate) fn number_too_large(literal: &str, column: usize) -> Self {
        let message = format!("the number {literal} is too large (at most about 1.8e308)");
        Self::at(ExprErrorKind::Number, column, message)
    }

    /// Nesting past [`MAX_DEPTH`], at `column`.
    #[cold]
    #[inline(never)]
    pub(crate) fn too_deep(column: usize) -> Self {
        let message = format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)");
        Self::at(ExprErrorKind::TooDeep, column, message)
    }

    /// "unexpected T (why)", or "the expression ends too early (why)".
    #[cold]
    #[inline(never)]
    pub(crate) fn unexpected(t: Token<'_>, why: &str) -> Self {
        let message = if t.kind == TokenKind::End {
            format!("the expression ends too early ({why})")
        } else {
            format!("unexpected {} ({why})", t.describe())
        };
        Self::at(ExprErrorKind::Syntax, t.column, message)
    }

    /// "expected WHAT, found T", with a hint when T could begin an operand where an operator
    /// was due: most often a product typed without `*` (`2x`, `2(x+1)`).
    #[cold]
    #[inline(never)]
    pub(crate) fn expected(t: Token<'_>, what: &str) -> Self {
        let hint = if t.starts_operand() {
            " (products need '*', as in 2*x)"
        } else {
            ""
        };
        let message = format!("expected {what}, found {}{hint}", t.describe());
        Self::at(ExprErrorKind::Syntax, t.column, message)
    }

    /// `t` where the `)` of the `(` token `open` was due (or a `,`, in a call).
    #[cold]
    #[inline(never)]
    pub(crate) fn unclosed(t: Token<'_>, open: Token<'_>, in_call: bool) -> Self {
        let what = if in_call { "',' or ')'" } else { "')'" };
        Self::expected(
            t,
            &format!("{what} to close the '(' at column {}", open.column),
        )
    }

    /// A function named without its arguments.
    #[cold]
    #[inline(never)]
    pub(crate) fn is_a_function(t: Token<'_>, f: Func) -> Self {
        let name = f.name();
        let message = format!("{name} is a function: write {name}(…)");
        Self::at(ExprErrorKind::Syntax, t.column, message)
    }

    /// A variable or constant followed by `(`.
    #[cold]
    #[inline(never)]
    pub(crate) fn not_a_function(t: Token<'_>) -> Self {
        let why = "products need '*', as in x*(y+1)";
        let message = format!("{} is not a function ({why})", t.text);
        Self::at(ExprErrorKind::Syntax, t.column, message)
    }

    /// The function at `t` called with `got` arguments, which its arity refuses.
    #[cold]
    #[inline(never)]
    pub(crate) fn wrong_arity(t: Token<'_>, f: Func, got: usize) -> Self {
        let message = format!("{} takes {}, got {got}", f.name(), f.arity());
        Self::at(ExprErrorKind::Arity, t.column, message)
    }

    /// Every unknown name (with the column of its first use, in order), at the first one.
    #[cold]
    pub(crate) fn unknown_names(names: &[(String, usize)]) -> Self {
        let column = names.first().map_or(1, |&(_, c)| c);
        let list: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
        let plural = if list.len() > 1 { "s" } else { "" };
        let message = format!(
            "unknown name{plural}: {} (known: {})",
            list.join(", "),
            known_names()
        );
        Self::at(ExprErrorKind::UnknownNames, column, message)
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ExprError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_puts_the_column_first_when_there_is_one() {
        let e = ExprError::unexpected_char('@', 7);
        assert_eq!(e.to_string(), "column 7: unexpected '@'");
        assert_eq!(e.message, "unexpected '@'");
        let e = ExprError::too_long(2001);
        assert_eq!(e.column, None);
        assert_eq!(e.to_string(), e.message);
    }
}
