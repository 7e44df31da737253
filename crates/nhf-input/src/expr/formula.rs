//! A typed formula kept three ways: the text as typed (for links and files), its tree (for
//! the canonical form) and its compiled program (for evaluation).

use std::fmt;
use std::str::FromStr;

use super::ast::Expr;
use super::error::ExprError;
use super::parser::parse;
use super::program::Program;

/// A parsed and compiled log-density in x and y.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    text: String,
    expr: Expr,
    program: Program,
}

impl Formula {
    /// Parses and compiles `text`, or says what is wrong and where.
    pub fn parse(text: &str) -> Result<Formula, ExprError> {
        let expr = parse(text)?;
        let program = Program::compile(&expr);
        Ok(Formula {
            text: text.to_string(),
            expr,
            program,
        })
    }

    /// The text as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The expression tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The compiled program, for evaluation.
    pub fn program(&self) -> &Program {
        &self.program
    }
}

impl FromStr for Formula {
    type Err = ExprError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Formula::parse(text)
    }
}

/// The canonical form: what the expression means, fully determined (spacing normalised,
/// synonyms replaced, only needed parentheses), and parsed back to the same tree.
impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_and_prints_the_canonical_form() {
        let f: Formula = "-(x**2+y ×y)÷2".parse().unwrap();
        assert_eq!(f.text(), "-(x**2+y ×y)÷2");
        assert_eq!(f.to_string(), "-(x^2 + y * y) / 2");
        assert_eq!(Formula::parse(&f.to_string()).unwrap().expr(), f.expr());
        assert_eq!(f.program().value([1.0, 2.0]), -2.5);
        assert!(Formula::parse("x +").is_err());
    }
}
