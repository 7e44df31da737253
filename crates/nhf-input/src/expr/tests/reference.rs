//! A reference for the compiled programs: a tree-walking evaluator generic over `num-dual`'s
//! numbers, so hyper-dual numbers give exact second derivatives by a route independent of
//! `Program` (different code, `std` instead of `libm`, textbook function forms).

use num_dual::{DualNum, DualStruct, HyperDual64};

use crate::expr::{BinOp, Expr, Func, Var};

/// `e` at (x, y) in any dual-number type.
pub fn eval<D: DualNum<Primitive = f64> + Copy>(e: &Expr, x: D, y: D) -> D {
    match e {
        Expr::Num(v) => D::from(*v),
        Expr::Var(Var::X) => x,
        Expr::Var(Var::Y) => y,
        Expr::Neg(a) => -eval(a, x, y),
        Expr::Bin(op, a, b) => {
            let u = eval(a, x, y);
            if *op == BinOp::Pow {
                // As the program does: a constant exponent allows a negative base.
                return match constant(b) {
                    Some(c) => u.powf(c),
                    None => u.powd(eval(b, x, y)),
                };
            }
            let w = eval(b, x, y);
            match op {
                BinOp::Add => u + w,
                BinOp::Sub => u - w,
                BinOp::Mul => u * w,
                _ => u / w,
            }
        }
        Expr::Call(f, args) => {
            let a: Vec<D> = args.iter().map(|a| eval(a, x, y)).collect();
            let one = D::from(1.0);
            match f {
                Func::Exp => a[0].exp(),
                Func::Log => a[0].ln(),
                Func::Sqrt => a[0].sqrt(),
                Func::Abs if a[0].re() < 0.0 => -a[0],
                Func::Abs => a[0],
                Func::Sin => a[0].sin(),
                Func::Cos => a[0].cos(),
                Func::Tan => a[0].tan(),
                Func::Tanh => a[0].tanh(),
                Func::Sigmoid => (one + (-a[0]).exp()).recip(),
                Func::Softplus => (one + a[0].exp()).ln(),
                Func::Min if a[0].re() <= a[1].re() => a[0],
                Func::Max if a[0].re() >= a[1].re() => a[0],
                Func::Min | Func::Max => a[1],
                Func::LogSumExp => {
                    let m = a
                        .iter()
                        .map(DualStruct::re)
                        .fold(f64::NEG_INFINITY, f64::max);
                    a.iter().map(|&v| (v - m).exp()).sum::<D>().ln() + m
                }
            }
        }
    }
}

/// The value of `e` if it has no variable.
fn constant(e: &Expr) -> Option<f64> {
    fn has_var(e: &Expr) -> bool {
        match e {
            Expr::Num(_) => false,
            Expr::Var(_) => true,
            Expr::Neg(a) => has_var(a),
            Expr::Bin(_, a, b) => has_var(a) || has_var(b),
            Expr::Call(_, args) => args.iter().any(has_var),
        }
    }
    (!has_var(e)).then(|| eval(e, 0.0, 0.0))
}

/// Value, gradient and Hessian of `e` at `q` from three hyper-dual evaluations (directions
/// xx, xy and yy).
pub fn value_grad_hessian(e: &Expr, q: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
    let run = |d1: [f64; 2], d2: [f64; 2]| {
        let x = HyperDual64::new(q[0], d1[0], d2[0], 0.0);
        let y = HyperDual64::new(q[1], d1[1], d2[1], 0.0);
        eval(e, x, y)
    };
    let xx = run([1.0, 0.0], [1.0, 0.0]);
    let xy = run([1.0, 0.0], [0.0, 1.0]);
    let yy = run([0.0, 1.0], [0.0, 1.0]);
    (
        xy.re,
        [xy.eps1, xy.eps2],
        [[xx.eps1eps2, xy.eps1eps2], [xy.eps1eps2, yy.eps1eps2]],
    )
}
