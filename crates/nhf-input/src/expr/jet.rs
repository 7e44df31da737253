//! A value with its exact gradient and Hessian in (x, y), and the chain rules that carry
//! them through each instruction (forward mode, second order).
//!
//! Every rule computes the value with the same expression as the value-only path (see
//! [`scalar`](super::scalar)), so the two agree bit for bit.

use super::scalar;

/// v, ∇v and ∇²v at one point. The Hessian is symmetric, so only [∂xx, ∂xy, ∂yy] is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Jet {
    /// The value.
    pub v: f64,
    /// [∂v/∂x, ∂v/∂y].
    pub g: [f64; 2],
    /// [∂²v/∂x², ∂²v/∂x∂y, ∂²v/∂y²].
    pub h: [f64; 3],
}

/// a bᵀ + b aᵀ in the packed symmetric form.
fn sym_outer(a: [f64; 2], b: [f64; 2]) -> [f64; 3] {
    [
        2.0 * a[0] * b[0],
        a[0] * b[1] + a[1] * b[0],
        2.0 * a[1] * b[1],
    ]
}

/// a aᵀ in the packed symmetric form.
fn outer(a: [f64; 2]) -> [f64; 3] {
    [a[0] * a[0], a[0] * a[1], a[1] * a[1]]
}

impl Jet {
    /// A constant: no gradient, no curvature.
    pub fn constant(v: f64) -> Jet {
        Jet {
            v,
            ..Jet::default()
        }
    }

    /// The coordinate `k` (0 for x, 1 for y) at value `v`.
    pub fn variable(v: f64, k: usize) -> Jet {
        let mut j = Jet::constant(v);
        j.g[k] = 1.0;
        j
    }

    /// The Hessian as a full symmetric matrix.
    pub fn hessian(&self) -> [[f64; 2]; 2] {
        [[self.h[0], self.h[1]], [self.h[1], self.h[2]]]
    }

    /// f(self) given [f(u), f′(u), f″(u)]: ∇f = f′ ∇u, ∇²f = f′ ∇²u + f″ ∇u ∇uᵀ.
    pub fn chain(&self, [f, d1, d2]: [f64; 3]) -> Jet {
        let gg = outer(self.g);
        Jet {
            v: f,
            g: self.g.map(|g| d1 * g),
            h: [0, 1, 2].map(|i| d1 * self.h[i] + d2 * gg[i]),
        }
    }

    /// −self.
    pub fn neg(&self) -> Jet {
        Jet {
            v: -self.v,
            g: self.g.map(|g| -g),
            h: self.h.map(|h| -h),
        }
    }

    /// self + b.
    pub fn add(&self, b: &Jet) -> Jet {
        Jet {
            v: self.v + b.v,
            g: [0, 1].map(|i| self.g[i] + b.g[i]),
            h: [0, 1, 2].map(|i| self.h[i] + b.h[i]),
        }
    }

    /// self − b.
    pub fn sub(&self, b: &Jet) -> Jet {
        Jet {
            v: self.v - b.v,
            g: [0, 1].map(|i| self.g[i] - b.g[i]),
            h: [0, 1, 2].map(|i| self.h[i] - b.h[i]),
        }
    }

    /// self · b: ∇(ab) = a∇b + b∇a, ∇²(ab) = a∇²b + b∇²a + ∇a∇bᵀ + ∇b∇aᵀ.
    pub fn mul(&self, b: &Jet) -> Jet {
        let cross = sym_outer(self.g, b.g);
        Jet {
            v: self.v * b.v,
            g: [0, 1].map(|i| self.v * b.g[i] + b.v * self.g[i]),
            h: [0, 1, 2].map(|i| self.v * b.h[i] + b.v * self.h[i] + cross[i]),
        }
    }

    /// self / b, from differentiating q·b = a twice: ∇q = (∇a − q∇b)/b and
    /// ∇²q = (∇²a − q∇²b − ∇q∇bᵀ − ∇b∇qᵀ)/b.
    pub fn div(&self, b: &Jet) -> Jet {
        let q = self.v / b.v;
        let g = [0, 1].map(|i| (self.g[i] - q * b.g[i]) / b.v);
        let cross = sym_outer(g, b.g);
        Jet {
            v: q,
            g,
            h: [0, 1, 2].map(|i| (self.h[i] - q * b.h[i] - cross[i]) / b.v),
        }
    }

    /// self ^ w with both variable: the two-argument chain rule on the partials of u^w
    /// ([`scalar::pow_partials`]).
    pub fn pow(&self, w: &Jet) -> Jet {
        let f = scalar::pow(self.v, w.v);
        let [fu, fw, fuu, fuw, fww] = scalar::pow_partials(self.v, w.v, f);
        let (uu, uw, ww) = (outer(self.g), sym_outer(self.g, w.g), outer(w.g));
        Jet {
            v: f,
            g: [0, 1].map(|i| fu * self.g[i] + fw * w.g[i]),
            h: [0, 1, 2]
                .map(|i| fu * self.h[i] + fw * w.h[i] + fuu * uu[i] + fuw * uw[i] + fww * ww[i]),
        }
    }

    /// log Σ e^(uᵢ), with the weights wᵢ = e^(uᵢ − m)/s (the softmax): ∇ = Σ wᵢ∇uᵢ = ḡ and
    /// ∇² = Σ wᵢ(∇²uᵢ + ∇uᵢ∇uᵢᵀ) − ḡḡᵀ. Where the shift m is ±∞ the weights are shared
    /// equally by the arguments equal to it (the limit of the softmax).
    pub fn logsumexp(args: &[Jet]) -> Jet {
        let (m, s) = scalar::logsumexp_parts(args.iter().map(|a| a.v));
        let v = scalar::logsumexp_value(m, s);
        let ties = args.iter().filter(|a| a.v == m).count() as f64;
        let weight = |a: &Jet| {
            if m.is_finite() {
                libm::exp(a.v - m) / s
            } else if a.v == m {
                1.0 / ties
            } else if m.is_nan() {
                f64::NAN
            } else {
                0.0
            }
        };
        let mut out = Jet::constant(v);
        for a in args {
            let w = weight(a);
            let gg = outer(a.g);
            for i in 0..2 {
                out.g[i] += w * a.g[i];
            }
            for i in 0..3 {
                out.h[i] += w * (a.h[i] + gg[i]);
            }
        }
        let mean = outer(out.g);
        for i in 0..3 {
            out.h[i] -= mean[i];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_and_quotient_rules_on_x_times_y() {
        let (x, y) = (Jet::variable(3.0, 0), Jet::variable(2.0, 1));
        let p = x.mul(&y);
        assert_eq!((p.v, p.g, p.h), (6.0, [2.0, 3.0], [0.0, 1.0, 0.0]));
        // x / y: ∂x = 1/y, ∂y = −x/y², ∂xy = −1/y², ∂yy = 2x/y³.
        let q = x.div(&y);
        assert_eq!((q.v, q.g, q.h), (1.5, [0.5, -0.75], [0.0, -0.25, 0.75]));
    }

    #[test]
    fn logsumexp_of_one_argument_is_the_argument() {
        let a = Jet {
            v: 0.3,
            g: [1.0, -2.0],
            h: [0.5, 0.25, -1.0],
        };
        let l = Jet::logsumexp(&[a]);
        assert_eq!(l.v, a.v);
        assert_eq!(l.g, a.g);
        for i in 0..3 {
            assert!((l.h[i] - a.h[i]).abs() < 1e-15);
        }
    }
}
