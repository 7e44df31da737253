//! Recursive descent from tokens to an [`Expr`], with the limits that keep it safe.
//!
//! The only recursion is into parentheses and argument lists, whose nesting is capped at
//! [`MAX_DEPTH`] before descending; chains of signs and of `^` are read in loops. The tree's
//! height is capped at the same number as nodes are built, so everything that later walks
//! the tree recursively (printing, compiling, dropping) is bounded too.

use super::ast::{BinOp, CONSTANTS, Expr, Func, Var};
use super::error::ExprError;
use super::lexer::{Token, TokenKind, tokenize};

/// The longest expression accepted, in characters.
pub const MAX_LEN: usize = 2000;
/// The deepest nesting accepted: of parentheses and calls, and of the tree's height.
pub const MAX_DEPTH: usize = 200;

/// What an operand may begin with, for "expected …" messages.
const OPERAND: &str = "expected a number, x, y, a function or '('";

/// Parses `text` into an expression tree, or says what is wrong and where.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let length = text.chars().count();
    if length > MAX_LEN {
        return Err(ExprError::too_long(length));
    }
    if text.trim().is_empty() {
        return Err(ExprError::empty());
    }
    let mut parser = Parser {
        tokens: tokenize(text)?,
        pos: 0,
        groups: 0,
        unknown: Vec::new(),
    };
    let node = parser.expr()?;
    let end = parser.next();
    match end.kind {
        TokenKind::End => {}
        TokenKind::RParen => {
            return Err(ExprError::unexpected(
                end,
                "there is no '(' for it to close",
            ));
        }
        _ => return Err(ExprError::expected(end, "an operator or the end")),
    }
    if !parser.unknown.is_empty() {
        return Err(ExprError::unknown_names(&parser.unknown));
    }
    Ok(node.expr)
}

/// How tightly a binary operator of `expr` binds (`^` is handled in `unary`).
fn strength(op: BinOp) -> u8 {
    match op {
        BinOp::Add | BinOp::Sub => 1,
        _ => 2,
    }
}

/// A parsed sub-expression and its height (1 for a leaf), to cap the tree's height.
struct Node {
    expr: Expr,
    height: usize,
}

impl Node {
    fn leaf(expr: Expr) -> Self {
        Self { expr, height: 1 }
    }
}

/// One operand of a chain of powers: the column of the `^` before it (0 for the first), the
/// columns of the minus signs before it, and the operand.
struct Link {
    caret: usize,
    signs: Vec<usize>,
    operand: Node,
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
    /// Parentheses and argument lists currently open.
    groups: usize,
    /// Unknown names with the column of their first use, in order of first use: they are
    /// all reported at once, so one fix round suffices.
    unknown: Vec<(String, usize)>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Token<'a> {
        self.tokens[self.pos]
    }

    /// The next token; stays on `End` once there.
    fn next(&mut self) -> Token<'a> {
        let t = self.tokens[self.pos];
        if t.kind != TokenKind::End {
            self.pos += 1;
        }
        t
    }

    /// Builds a node from its children, refusing a tree taller than [`MAX_DEPTH`].
    fn node(&self, expr: Expr, children: &[usize], column: usize) -> Result<Node, ExprError> {
        let height = 1 + children.iter().copied().max().unwrap_or(0);
        if height > MAX_DEPTH {
            return Err(ExprError::too_deep(column));
        }
        Ok(Node { expr, height })
    }

    fn binary(&self, op: BinOp, a: Node, b: Node, column: usize) -> Result<Node, ExprError> {
        let heights = [a.height, b.height];
        self.node(Expr::bin(op, a.expr, b.expr), &heights, column)
    }

    /// Applies the minus signs at `columns` (innermost last) to `node`.
    fn negate(&self, mut node: Node, columns: &[usize]) -> Result<Node, ExprError> {
        for &column in columns.iter().rev() {
            node = match node.expr {
                // A literal absorbs the sign and stays a leaf.
                Expr::Num(v) => Node::leaf(Expr::Num(-v)),
                e => self.node(Expr::negate(e), &[node.height], column)?,
            };
        }
        Ok(node)
    }

    /// Enters a parenthesis or argument list opened at `column`: the one place the parser
    /// recurses, so the one place depth is checked before descending.
    fn open(&mut self, column: usize) -> Result<(), ExprError> {
        if self.groups >= MAX_DEPTH {
            return Err(ExprError::too_deep(column));
        }
        self.groups += 1;
        Ok(())
    }

    /// expr = term { ("+" | "-") term } and term = unary { ("*" | "/") unary }, read in one
    /// loop with an operator stack (both levels are left-associative), so a parenthesis
    /// costs three stack frames (`expr` → `unary` → `primary`), not five.
    fn expr(&mut self) -> Result<Node, ExprError> {
        let mut operands = vec![self.unary()?];
        // Pending operators with their columns, binding strength increasing upwards.
        let mut pending: Vec<(BinOp, usize)> = Vec::new();
        loop {
            let op = match self.peek().kind {
                TokenKind::Plus => BinOp::Add,
                TokenKind::Minus => BinOp::Sub,
                TokenKind::Star => BinOp::Mul,
                TokenKind::Slash => BinOp::Div,
                _ => break,
            };
            let column = self.next().column;
            // Left-associative: first apply every pending operator binding at least as
            // tightly.
            while pending
                .last()
                .is_some_and(|&(top, _)| strength(top) >= strength(op))
            {
                self.reduce(&mut operands, &mut pending)?;
            }
            pending.push((op, column));
            operands.push(self.unary()?);
        }
        while !pending.is_empty() {
            self.reduce(&mut operands, &mut pending)?;
        }
        Ok(operands.pop().expect("one operand is left"))
    }

    /// Applies the top pending operator to the top two operands.
    fn reduce(
        &self,
        operands: &mut Vec<Node>,
        pending: &mut Vec<(BinOp, usize)>,
    ) -> Result<(), ExprError> {
        let (op, column) = pending.pop().expect("an operator is pending");
        let b = operands.pop().expect("a right operand");
        let a = operands.pop().expect("a left operand");
        operands.push(self.binary(op, a, b, column)?);
        Ok(())
    }

    /// The columns of the minus signs of a run of signs (a plus sign changes nothing).
    fn signs(&mut self) -> Vec<usize> {
        let mut minus = Vec::new();
        loop {
            match self.peek().kind {
                TokenKind::Minus => minus.push(self.next().column),
                TokenKind::Plus => {
                    self.next();
                }
                _ => return minus,
            }
        }
    }

    /// unary = { "-" | "+" } power, and power = primary [ "^" unary ], read as a loop:
    /// `-a ^ -b ^ c` is −(a ^ (−(b ^ c))). This frame stays small, as it is live while a
    /// parenthesis is parsed; the tree is built after, in [`Parser::fold_power`].
    fn unary(&mut self) -> Result<Node, ExprError> {
        let mut chain = Vec::new();
        let mut caret = 0;
        loop {
            let signs = self.signs();
            chain.push(Link {
                caret,
                signs,
                operand: self.primary()?,
            });
            if self.peek().kind != TokenKind::Caret {
                return self.fold_power(chain);
            }
            caret = self.next().column;
        }
    }

    /// Builds `s₀ a₀ ^ s₁ a₁ ^ … ^ sₙ aₙ` (sₖ the signs before operand k) from the right:
    /// the signs before operand k apply to the power it begins.
    #[inline(never)]
    fn fold_power(&self, chain: Vec<Link>) -> Result<Node, ExprError> {
        let mut acc: Option<Link> = None;
        for link in chain.into_iter().rev() {
            let operand = match acc {
                None => link.operand,
                Some(exponent) => {
                    let caret = exponent.caret;
                    let exponent = self.negate(exponent.operand, &exponent.signs)?;
                    self.binary(BinOp::Pow, link.operand, exponent, caret)?
                }
            };
            acc = Some(Link {
                caret: link.caret,
                signs: link.signs,
                operand,
            });
        }
        let last = acc.expect("a chain has an operand");
        self.negate(last.operand, &last.signs)
    }

    // The functions from here to `expr` are live while a parenthesis or call is parsed, so
    // their frames are kept small: the work that needs many locals is in non-inlined
    // helpers that have returned before the recursion (or run after it).

    /// primary = number | name | name "(" args ")" | "(" expr ")"
    #[inline(never)]
    fn primary(&mut self) -> Result<Node, ExprError> {
        let t = self.next();
        match t.kind {
            TokenKind::Num(v) => Ok(Node::leaf(Expr::Num(v))),
            TokenKind::Name if self.peek().kind == TokenKind::LParen => self.call(t),
            TokenKind::Name => self.word(t),
            TokenKind::LParen => {
                self.open(t.column)?;
                let inner = self.expr()?;
                self.close(t, false)?;
                Ok(inner)
            }
            _ => Err(ExprError::unexpected(t, OPERAND)),
        }
    }

    /// Consumes the `)` matching `open` (after an argument when `in_call`, where a `,` could
    /// also have come).
    fn close(&mut self, open: Token<'_>, in_call: bool) -> Result<(), ExprError> {
        let t = self.next();
        if t.kind != TokenKind::RParen {
            return Err(ExprError::unclosed(t, open, in_call));
        }
        self.groups -= 1;
        Ok(())
    }

    /// A name not followed by `(`: a variable or a constant. An unknown name is noted and
    /// parsing goes on, so every unknown name is reported together.
    #[inline(never)]
    fn word(&mut self, t: Token<'_>) -> Result<Node, ExprError> {
        let constant = CONSTANTS.iter().find(|(n, _)| *n == t.text);
        match (t.text, constant, Func::from_name(t.text)) {
            ("x", ..) => Ok(Node::leaf(Expr::Var(Var::X))),
            ("y", ..) => Ok(Node::leaf(Expr::Var(Var::Y))),
            (_, Some(&(_, c)), _) => Ok(Node::leaf(Expr::Num(c))),
            (.., Some(f)) => Err(ExprError::is_a_function(t, f)),
            _ => Ok(self.unknown(t)),
        }
    }

    /// A call: `name "(" args ")"`; an unknown function is noted as in [`Parser::word`].
    fn call(&mut self, t: Token<'_>) -> Result<Node, ExprError> {
        if matches!(t.text, "x" | "y") || CONSTANTS.iter().any(|(n, _)| *n == t.text) {
            return Err(ExprError::not_a_function(t));
        }
        let open = self.next();
        self.open(open.column)?;
        let mut args = Vec::new();
        if self.peek().kind == TokenKind::RParen {
            self.next();
            self.groups -= 1;
        } else {
            loop {
                args.push(self.expr()?);
                if self.peek().kind != TokenKind::Comma {
                    break;
                }
                self.next();
            }
            self.close(open, true)?;
        }
        self.finish_call(t, args)
    }

    /// The call of `t` on `args`, once parsed: checks the function and its arity.
    #[inline(never)]
    fn finish_call(&mut self, t: Token<'_>, args: Vec<Node>) -> Result<Node, ExprError> {
        let Some(func) = Func::from_name(t.text) else {
            return Ok(self.unknown(t));
        };
        if !func.arity().accepts(args.len()) {
            return Err(ExprError::wrong_arity(t, func, args.len()));
        }
        let heights: Vec<usize> = args.iter().map(|a| a.height).collect();
        let call = Expr::Call(func, args.into_iter().map(|a| a.expr).collect());
        self.node(call, &heights, t.column)
    }

    /// Notes an unknown name; the placeholder never leaves the parser, which refuses the
    /// whole text at the end.
    fn unknown(&mut self, t: Token<'_>) -> Node {
        if !self.unknown.iter().any(|(n, _)| n == t.text) {
            self.unknown.push((t.text.to_string(), t.column));
        }
        Node::leaf(Expr::Num(f64::NAN))
    }
}
