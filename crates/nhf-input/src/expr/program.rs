//! An expression compiled to a flat postfix program for a stack machine, evaluated per point
//! without walking the tree: value only, or value with exact gradient and Hessian.
//!
//! Compiling folds every sub-expression without a variable into one constant (evaluated by
//! the same machine, so folding changes no bit), and turns `u ^ constant` into its own
//! instruction, which is defined for u < 0 when the exponent is an integer.

use super::ast::{BinOp, Expr, Func, Var};
use super::jet::Jet;
use super::scalar::{self, Unary};

/// One instruction: pushes a value, or pops its operands and pushes the result.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Const(f64),
    X,
    Y,
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    /// u ^ w, both computed.
    Pow,
    /// u ^ c for a constant c.
    PowConst(f64),
    Call(Unary),
    Min,
    Max,
    /// log-sum-exp of the top n values.
    LogSumExp(usize),
}

impl Op {
    /// How many values it pops.
    fn arity(self) -> usize {
        match self {
            Op::Const(_) | Op::X | Op::Y => 0,
            Op::Neg | Op::PowConst(_) | Op::Call(_) => 1,
            Op::LogSumExp(n) => n,
            _ => 2,
        }
    }
}

/// Stack slots kept on the call stack: programs needing no more (all but the most deeply
/// nested) evaluate without allocating.
const INLINE_VALUES: usize = 64;
/// As [`INLINE_VALUES`], for the 48-byte slots of the derivative path.
const INLINE_JETS: usize = 32;

/// An expression compiled for fast repeated evaluation. Built by [`Program::compile`].
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    code: Vec<Op>,
    /// The most values on the stack at any point of `code`.
    max_stack: usize,
}

impl Program {
    /// Compiles `expr`. Recurses over the tree, whose height [`parse`](super::parse) caps at
    /// [`MAX_DEPTH`](super::MAX_DEPTH).
    pub fn compile(expr: &Expr) -> Program {
        let mut code = Vec::new();
        emit(expr, &mut code);
        let max_stack = stack_needed(&code);
        Program { code, max_stack }
    }

    /// The number of instructions (after constant folding).
    pub fn len(&self) -> usize {
        self.code.len()
    }

    /// Whether the program is empty (never, for a compiled expression).
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }

    /// The value when the expression does not depend on x or y.
    pub fn constant(&self) -> Option<f64> {
        match self.code[..] {
            [Op::Const(c)] => Some(c),
            _ => None,
        }
    }

    /// The value at `q` = (x, y). Allocation-free unless the program needs more than 64
    /// stack slots.
    pub fn value(&self, q: [f64; 2]) -> f64 {
        if self.max_stack <= INLINE_VALUES {
            run_values(&self.code, q, &mut [0.0; INLINE_VALUES])
        } else {
            run_values(&self.code, q, &mut vec![0.0; self.max_stack])
        }
    }

    /// The value at `q`, using `stack` (resized as needed) as the machine's stack: never
    /// allocates once `stack` has grown to the program's need.
    pub fn value_with(&self, q: [f64; 2], stack: &mut Vec<f64>) -> f64 {
        if stack.len() < self.max_stack {
            stack.resize(self.max_stack, 0.0);
        }
        run_values(&self.code, q, stack)
    }

    /// The value, gradient and Hessian at `q`, exact up to rounding: each slot of the
    /// machine carries (v, ∇v, ∇²v) and each instruction applies its chain rule. The value
    /// is bit for bit [`Program::value`]'s.
    pub fn value_grad_hessian(&self, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let j = if self.max_stack <= INLINE_JETS {
            run_jets(&self.code, q, &mut [Jet::default(); INLINE_JETS])
        } else {
            run_jets(&self.code, q, &mut vec![Jet::default(); self.max_stack])
        };
        (j.v, j.g, j.hessian())
    }
}

/// Appends the postfix code of `e`; returns whether `e` is constant, in which case its code
/// is a single `Const`.
fn emit(e: &Expr, code: &mut Vec<Op>) -> bool {
    let start = code.len();
    let constant = match e {
        Expr::Num(v) => {
            code.push(Op::Const(*v));
            return true;
        }
        Expr::Var(v) => {
            code.push(if *v == Var::X { Op::X } else { Op::Y });
            return false;
        }
        Expr::Neg(a) => {
            let c = emit(a, code);
            code.push(Op::Neg);
            c
        }
        Expr::Bin(op, a, b) => {
            let ca = emit(a, code);
            let cb = emit(b, code);
            match (op, code.last()) {
                // A constant exponent has its own instruction (see `scalar::pow_const`).
                (BinOp::Pow, Some(&Op::Const(c))) if cb => {
                    code.pop();
                    code.push(Op::PowConst(c));
                }
                _ => code.push(match op {
                    BinOp::Add => Op::Add,
                    BinOp::Sub => Op::Sub,
                    BinOp::Mul => Op::Mul,
                    BinOp::Div => Op::Div,
                    BinOp::Pow => Op::Pow,
                }),
            }
            ca && cb
        }
        Expr::Call(f, args) => {
            // Every argument is emitted, constant or not (no short-circuit).
            let mut constant = true;
            for a in args {
                constant &= emit(a, code);
            }
            code.push(match (f, Unary::of(*f)) {
                (_, Some(u)) => Op::Call(u),
                (Func::Min, _) => Op::Min,
                (Func::Max, _) => Op::Max,
                _ => Op::LogSumExp(args.len()),
            });
            constant
        }
    };
    if constant {
        let folded = &code[start..];
        let v = run_values(folded, [0.0; 2], &mut vec![0.0; stack_needed(folded)]);
        code.truncate(start);
        code.push(Op::Const(v));
    }
    constant
}

/// The most values `code` has on the stack at once.
fn stack_needed(code: &[Op]) -> usize {
    let (mut depth, mut most) = (0usize, 0usize);
    for op in code {
        depth = depth - op.arity() + 1;
        most = most.max(depth);
    }
    most
}

/// Runs `code` at `q` on `stack` (at least `stack_needed(code)` long); returns the result.
fn run_values(code: &[Op], q: [f64; 2], stack: &mut [f64]) -> f64 {
    let mut sp = 0;
    for &op in code {
        let n = op.arity();
        let top = sp - n;
        let (a, b) = match n {
            0 => (0.0, 0.0),
            1 => (stack[top], 0.0),
            _ => (stack[top], stack[top + 1]),
        };
        stack[top] = match op {
            Op::Const(c) => c,
            Op::X => q[0],
            Op::Y => q[1],
            Op::Neg => -a,
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => a / b,
            Op::Pow => scalar::pow(a, b),
            Op::PowConst(c) => scalar::pow_const(a, c),
            Op::Call(u) => u.value(a),
            Op::Min => {
                if scalar::min_takes_first(a, b) {
                    a
                } else {
                    b
                }
            }
            Op::Max => {
                if scalar::max_takes_first(a, b) {
                    a
                } else {
                    b
                }
            }
            Op::LogSumExp(_) => {
                let (m, s) = scalar::logsumexp_parts(stack[top..sp].iter().copied());
                scalar::logsumexp_value(m, s)
            }
        };
        sp = top + 1;
    }
    stack[0]
}

/// [`run_values`] with each slot carrying its gradient and Hessian.
fn run_jets(code: &[Op], q: [f64; 2], stack: &mut [Jet]) -> Jet {
    let mut sp = 0;
    for &op in code {
        let n = op.arity();
        let top = sp - n;
        let (a, b) = match n {
            0 => (Jet::default(), Jet::default()),
            1 => (stack[top], Jet::default()),
            _ => (stack[top], stack[top + 1]),
        };
        stack[top] = match op {
            Op::Const(c) => Jet::constant(c),
            Op::X => Jet::variable(q[0], 0),
            Op::Y => Jet::variable(q[1], 1),
            Op::Neg => a.neg(),
            Op::Add => a.add(&b),
            Op::Sub => a.sub(&b),
            Op::Mul => a.mul(&b),
            Op::Div => a.div(&b),
            Op::Pow => a.pow(&b),
            Op::PowConst(c) => a.chain(scalar::pow_const_derivatives(a.v, c)),
            Op::Call(u) => a.chain(u.derivatives(a.v)),
            // The selected branch's derivatives (one-sided at a tie, where none exist).
            Op::Min => {
                if scalar::min_takes_first(a.v, b.v) {
                    a
                } else {
                    b
                }
            }
            Op::Max => {
                if scalar::max_takes_first(a.v, b.v) {
                    a
                } else {
                    b
                }
            }
            Op::LogSumExp(_) => Jet::logsumexp(&stack[top..sp]),
        };
        sp = top + 1;
    }
    stack[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn compile(text: &str) -> Program {
        Program::compile(&parse(text).unwrap())
    }

    #[test]
    fn constants_fold_to_one_instruction() {
        assert_eq!(
            compile("2*pi - log(e) + max(1, 3)^2").constant(),
            Some(2.0 * std::f64::consts::PI - 1.0 + 9.0)
        );
        // x * (2 + 3) keeps x and one folded constant.
        let p = compile("x * (2 + 3)");
        assert_eq!(p.code, [Op::X, Op::Const(5.0), Op::Mul]);
        assert_eq!(compile("x^(1 + 1)").code, [Op::X, Op::PowConst(2.0)]);
    }

    #[test]
    fn constant_integer_powers_work_below_zero() {
        let p = compile("x^3 + (-2)^2");
        let (v, g, h) = p.value_grad_hessian([-2.0, 0.0]);
        assert_eq!((v, g, h), (-4.0, [12.0, 0.0], [[-12.0, 0.0], [0.0, 0.0]]));
        assert!(compile("x^0.5").value([-1.0, 0.0]).is_nan());
    }

    #[test]
    fn deep_programs_use_the_heap_stack_and_agree() {
        // Right-nested sums need one slot per level: past both inline buffers.
        let text = format!("{}x{}", "y + (".repeat(80), ")".repeat(80));
        let p = compile(&text);
        assert!(p.max_stack > INLINE_VALUES);
        let q = [0.5, 0.25];
        let mut stack = Vec::new();
        assert_eq!(p.value(q), 0.5 + 80.0 * 0.25);
        assert_eq!(p.value_with(q, &mut stack).to_bits(), p.value(q).to_bits());
        assert_eq!(p.value_grad_hessian(q).1, [1.0, 80.0]);
    }

    #[test]
    fn min_and_max_take_the_first_argument_on_a_tie() {
        let p = compile("max(2*x, x + y)");
        assert_eq!(p.value_grad_hessian([1.0, 1.0]).1, [2.0, 0.0]);
        let p = compile("min(x + y, 2*x)");
        assert_eq!(p.value_grad_hessian([1.0, 1.0]).1, [1.0, 1.0]);
        assert!(compile("max(x, log(y))").value([1.0, -1.0]).is_nan());
    }
}
