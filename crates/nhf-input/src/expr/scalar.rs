//! The functions of the language on plain `f64`s, each with its first and second derivative.
//!
//! One place for every value formula: the value-only path and the derivative path both call
//! these, which is what makes `value` equal `value_grad_hessian().0` bit for bit. Every
//! transcendental function is `libm`'s, so results are the same on wasm and native.

use super::ast::Func;

/// A one-argument function of the language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unary {
    /// e^u
    Exp,
    /// ln u
    Log,
    /// √u
    Sqrt,
    /// |u|
    Abs,
    /// sin u
    Sin,
    /// cos u
    Cos,
    /// tan u
    Tan,
    /// tanh u
    Tanh,
    /// 1 / (1 + e^−u)
    Sigmoid,
    /// ln(1 + e^u)
    Softplus,
}

impl Unary {
    /// The one-argument function `f` is, if it is one.
    pub fn of(f: Func) -> Option<Unary> {
        Some(match f {
            Func::Exp => Self::Exp,
            Func::Log => Self::Log,
            Func::Sqrt => Self::Sqrt,
            Func::Abs => Self::Abs,
            Func::Sin => Self::Sin,
            Func::Cos => Self::Cos,
            Func::Tan => Self::Tan,
            Func::Tanh => Self::Tanh,
            Func::Sigmoid => Self::Sigmoid,
            Func::Softplus => Self::Softplus,
            Func::Min | Func::Max | Func::LogSumExp => return None,
        })
    }

    /// f(u).
    pub fn value(self, u: f64) -> f64 {
        match self {
            Self::Exp => libm::exp(u),
            Self::Log => libm::log(u),
            Self::Sqrt => libm::sqrt(u),
            Self::Abs => u.abs(),
            Self::Sin => libm::sin(u),
            Self::Cos => libm::cos(u),
            Self::Tan => libm::tan(u),
            Self::Tanh => libm::tanh(u),
            Self::Sigmoid => sigmoid(u),
            Self::Softplus => softplus(u),
        }
    }

    /// [f(u), f′(u), f″(u)], with f(u) computed exactly as [`Unary::value`] does.
    pub fn derivatives(self, u: f64) -> [f64; 3] {
        let f = self.value(u);
        match self {
            Self::Exp => [f, f, f],
            Self::Log => [f, 1.0 / u, -1.0 / (u * u)],
            Self::Sqrt => [f, 0.5 / f, -0.25 / (f * u)],
            // The kink at 0 has no derivative; 0 (the middle of the subgradient) is taken.
            Self::Abs => [f, sign(u), 0.0],
            Self::Sin => [f, libm::cos(u), -f],
            Self::Cos => [f, -libm::sin(u), -f],
            Self::Tan => {
                let d = 1.0 + f * f;
                [f, d, 2.0 * f * d]
            }
            Self::Tanh => {
                let d = 1.0 - f * f;
                [f, d, -2.0 * f * d]
            }
            Self::Sigmoid => {
                // σ′ = σ(u)σ(−u), with σ(−u) computed directly rather than as 1 − σ(u),
                // which would round to 0 for u ≳ 37 and lose the tail.
                let r = sigmoid(-u);
                let d = f * r;
                [f, d, d * (r - f)]
            }
            Self::Softplus => {
                let (s, r) = (sigmoid(u), sigmoid(-u));
                [f, s, s * r]
            }
        }
    }
}

/// 1, −1 or 0 by the sign of `u`; NaN for NaN.
fn sign(u: f64) -> f64 {
    if u > 0.0 {
        1.0
    } else if u < 0.0 {
        -1.0
    } else if u == 0.0 {
        0.0
    } else {
        f64::NAN
    }
}

/// The logistic function, in the form that never overflows: e^u is only taken for u < 0.
pub fn sigmoid(u: f64) -> f64 {
    if u >= 0.0 {
        1.0 / (1.0 + libm::exp(-u))
    } else {
        let e = libm::exp(u);
        e / (1.0 + e)
    }
}

/// ln(1 + e^u) without overflow for large u (u + ln(1 + e^−u)) or loss for very negative u.
pub fn softplus(u: f64) -> f64 {
    if u > 0.0 {
        u + libm::log1p(libm::exp(-u))
    } else {
        libm::log1p(libm::exp(u))
    }
}

/// u^w for a variable exponent (`libm::pow`: NaN for u < 0 unless w is an integer).
pub fn pow(u: f64, w: f64) -> f64 {
    libm::pow(u, w)
}

/// The partial derivatives of u^w: [f_u, f_w, f_uu, f_uw, f_ww]. The ones in w carry ln u,
/// so they are NaN for u < 0 (where u^w, as a function of w, exists only at integers).
pub fn pow_partials(u: f64, w: f64, f: f64) -> [f64; 5] {
    let lu = libm::log(u);
    let p1 = libm::pow(u, w - 1.0);
    [
        w * p1,
        f * lu,
        w * (w - 1.0) * libm::pow(u, w - 2.0),
        p1 * (1.0 + w * lu),
        f * lu * lu,
    ]
}

/// u^c for a constant exponent: u·u for c = 2 (the common square, exact and fast), else
/// `libm::pow`, which is defined for u < 0 when c is an integer ((−2)^3 = −8).
pub fn pow_const(u: f64, c: f64) -> f64 {
    if c == 2.0 { u * u } else { libm::pow(u, c) }
}

/// [u^c, c u^(c−1), c(c−1) u^(c−2)]: defined at u < 0 for integer c. The factors c and
/// c − 1 are applied only when non-zero, so x^0 and x^1 have derivatives 0 at x = 0 instead of
/// 0·∞.
pub fn pow_const_derivatives(u: f64, c: f64) -> [f64; 3] {
    let f = pow_const(u, c);
    if c == 2.0 {
        return [f, 2.0 * u, 2.0];
    }
    let d1 = if c == 0.0 {
        0.0
    } else {
        c * libm::pow(u, c - 1.0)
    };
    let d2 = if c == 0.0 || c == 1.0 {
        0.0
    } else {
        c * (c - 1.0) * libm::pow(u, c - 2.0)
    };
    [f, d1, d2]
}

/// Whether min(a, b) is `a`: on a tie the first argument (its derivative is the one taken);
/// a NaN on either side is selected, so NaN propagates (unlike `f64::min`).
pub fn min_takes_first(a: f64, b: f64) -> bool {
    a.is_nan() || (!b.is_nan() && a <= b)
}

/// Whether max(a, b) is `a`: as [`min_takes_first`].
pub fn max_takes_first(a: f64, b: f64) -> bool {
    a.is_nan() || (!b.is_nan() && a >= b)
}

/// The shift m = max uᵢ (NaN if any uᵢ is NaN) and s = Σ e^(uᵢ − m) (only when m is finite;
/// otherwise 0) of a log-sum-exp.
pub fn logsumexp_parts(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let mut m = f64::NEG_INFINITY;
    for u in values.clone() {
        if u.is_nan() {
            return (f64::NAN, 0.0);
        }
        if u > m {
            m = u;
        }
    }
    if !m.is_finite() {
        return (m, 0.0);
    }
    (m, values.map(|u| libm::exp(u - m)).sum())
}

/// log Σ e^uᵢ from its parts: m + ln s, or m itself when m is not finite (all −∞, some +∞, or
/// NaN), where m + ln s would be ∞ − ∞.
pub fn logsumexp_value(m: f64, s: f64) -> f64 {
    if m.is_finite() { m + libm::log(s) } else { m }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_forms_hold_in_the_tails() {
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
        assert_eq!(softplus(800.0), 800.0);
        assert!((softplus(-50.0) - libm::exp(-50.0)).abs() < 1e-30);
        // σ′ keeps the tail where 1 − σ would round to zero.
        let d = Unary::Sigmoid.derivatives(40.0)[1];
        assert!((d / libm::exp(-40.0) - 1.0).abs() < 1e-12, "{d}");
    }

    #[test]
    fn constant_powers_of_negative_numbers() {
        assert_eq!(pow_const_derivatives(-2.0, 3.0), [-8.0, 12.0, -12.0]);
        assert_eq!(pow_const_derivatives(-2.0, 2.0), [4.0, -4.0, 2.0]);
        assert_eq!(pow_const_derivatives(0.0, 1.0), [0.0, 1.0, 0.0]);
        assert_eq!(pow_const_derivatives(0.0, 0.0), [1.0, 0.0, 0.0]);
        assert!(pow_const(-2.0, 0.5).is_nan());
    }

    #[test]
    fn logsumexp_edges() {
        let lse = |v: &[f64]| {
            let (m, s) = logsumexp_parts(v.iter().copied());
            logsumexp_value(m, s)
        };
        assert_eq!(lse(&[3.0]), 3.0);
        assert_eq!(
            lse(&[f64::NEG_INFINITY, f64::NEG_INFINITY]),
            f64::NEG_INFINITY
        );
        assert_eq!(lse(&[1.0, f64::INFINITY]), f64::INFINITY);
        assert!(lse(&[1.0, f64::NAN]).is_nan());
        assert!((lse(&[1000.0, 1000.0]) - (1000.0 + std::f64::consts::LN_2)).abs() < 1e-12);
    }

    #[test]
    fn min_max_select_nan_and_the_first_on_ties() {
        assert!(min_takes_first(1.0, 1.0) && max_takes_first(1.0, 1.0));
        assert!(!min_takes_first(2.0, 1.0) && !max_takes_first(1.0, 2.0));
        assert!(min_takes_first(f64::NAN, 1.0) && !min_takes_first(1.0, f64::NAN));
        assert!(max_takes_first(f64::NAN, 1.0) && !max_takes_first(1.0, f64::NAN));
    }
}
