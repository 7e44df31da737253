//! L2HMC's augmented leapfrog (Levy, Hoffman & Sohl-Dickstein 2018, eqs. 4–6; docs/MATH.md
//! §10a), recorded on a [`Tape`] so that the training loss can be differentiated.
//!
//! One step at time t, with the mask m_t that keeps one coordinate (m) in the first position
//! update and the other (m̄) in the second:
//!
//! ```text
//! v′  = v ⊙ e^{ε/2·S_v(ζ₁)} − ε/2 (∇U(x) ⊙ e^{ε·Q_v(ζ₁)} − T_v(ζ₁)),        ζ₁ = (x, ∇U(x), t)
//! x′  = m ⊙ x + m̄ ⊙ [x ⊙ e^{ε·S_x(ζ₂)} + ε (v′ ⊙ e^{ε·Q_x(ζ₂)} + T_x(ζ₂))], ζ₂ = (v′, m ⊙ x, t)
//! x″  = m̄ ⊙ x′ + m ⊙ [x′ ⊙ e^{ε·S_x(ζ₃)} + ε (v′ ⊙ e^{ε·Q_x(ζ₃)} + T_x(ζ₃))], ζ₃ = (v′, m̄ ⊙ x′, t)
//! v″  = v′ ⊙ e^{ε/2·S_v(ζ₄)} − ε/2 (∇U(x″) ⊙ e^{ε·Q_v(ζ₄)} − T_v(ζ₄)),      ζ₄ = (x″, ∇U(x″), t)
//! ```
//!
//! Each update changes some coordinates as an affine function of themselves whose coefficients
//! depend only on what it does not change, so it is inverted in closed form and its
//! log-determinant is the sum of the log-scales it applied. With S = Q = T = 0 it is the
//! leapfrog of HMC. The backward operator is the inverse, the updates undone in reverse order.

use super::network::Network;
use super::tape::{Tape, Var};
use crate::hmc::Proposal;
use crate::targets::Target;

/// Everything a proposal needs besides its start: the target, the two networks, where ε sits
/// and the masks.
#[derive(Clone, Copy)]
pub struct Dynamics<'a> {
    /// The distribution sampled, π ∝ e^{−U}.
    pub target: &'a dyn Target,
    /// The velocity network (S_v, T_v, Q_v).
    pub velocity_net: Network,
    /// The position network (S_x, T_x, Q_x).
    pub position_net: Network,
    /// Index of log ε among the parameters.
    pub log_step: usize,
    /// For each of the L steps, the coordinate kept by the first position update (m).
    pub masks: &'a [usize],
}

/// A proposal's end and the log-determinant of the map that made it.
#[derive(Clone, Copy, Debug)]
pub struct Proposed {
    /// End position.
    pub x: [Var; 2],
    /// End velocity.
    pub v: [Var; 2],
    /// log |det ∂(x″, v″)/∂(x, v)| summed over the steps.
    pub log_det: Var,
}

/// The step size and its half, recorded once per proposal.
#[derive(Clone, Copy)]
struct Step {
    eps: Var,
    half: Var,
}

impl Dynamics<'_> {
    /// The number of leapfrog steps L.
    pub fn steps(&self) -> usize {
        self.masks.len()
    }

    /// The time embedding (cos 2πt/L, sin 2πt/L) of step t.
    fn time(&self, tape: &mut Tape, t: usize) -> [Var; 2] {
        let angle = std::f64::consts::TAU * t as f64 / self.steps() as f64;
        [tape.leaf(libm::cos(angle)), tape.leaf(libm::sin(angle))]
    }

    /// v ⊙ e^{s} + c for each coordinate, c = ε/2 (T − ∇U ⊙ e^{q}); `sign` = −1 undoes it.
    #[allow(clippy::too_many_arguments)]
    fn velocity(
        &self,
        tape: &mut Tape,
        step: Step,
        x: [Var; 2],
        grad: [Var; 2],
        v: [Var; 2],
        time: [Var; 2],
        inverse: bool,
        log_det: &mut Var,
    ) -> [Var; 2] {
        let heads = self.velocity_net.apply(tape, x, grad, time);
        let mut out = v;
        for i in 0..2 {
            let s = tape.mul(step.half, heads.scale[i]);
            let q = tape.mul(step.eps, heads.transform[i]);
            let eq = tape.exp(q);
            let force = tape.mul(eq, grad[i]);
            let shift = tape.sub(heads.translate[i], force);
            let shift = tape.mul(step.half, shift);
            if inverse {
                let back = tape.sub(v[i], shift);
                let s = tape.scale(s, -1.0);
                let es = tape.exp(s);
                out[i] = tape.mul(back, es);
                *log_det = tape.add(*log_det, s);
            } else {
                let es = tape.exp(s);
                let scaled = tape.mul(v[i], es);
                out[i] = tape.add(scaled, shift);
                *log_det = tape.add(*log_det, s);
            }
        }
        out
    }

    /// Updates coordinate `c` of x (the network sees only the other one):
    /// x_c e^{εS} + ε(v_c e^{εQ} + T), or its inverse.
    #[allow(clippy::too_many_arguments)]
    fn position(
        &self,
        tape: &mut Tape,
        step: Step,
        c: usize,
        x: [Var; 2],
        v: [Var; 2],
        time: [Var; 2],
        inverse: bool,
        log_det: &mut Var,
    ) -> [Var; 2] {
        let zero = tape.leaf(0.0);
        let mut seen = [zero; 2];
        seen[1 - c] = x[1 - c];
        let heads = self.position_net.apply(tape, v, seen, time);
        let s = tape.mul(step.eps, heads.scale[c]);
        let q = tape.mul(step.eps, heads.transform[c]);
        let eq = tape.exp(q);
        let drive = tape.mul(v[c], eq);
        let drive = tape.add(drive, heads.translate[c]);
        let shift = tape.mul(step.eps, drive);
        let mut out = x;
        if inverse {
            let back = tape.sub(x[c], shift);
            let s = tape.scale(s, -1.0);
            let es = tape.exp(s);
            out[c] = tape.mul(back, es);
            *log_det = tape.add(*log_det, s);
        } else {
            let es = tape.exp(s);
            let scaled = tape.mul(x[c], es);
            out[c] = tape.add(scaled, shift);
            *log_det = tape.add(*log_det, s);
        }
        out
    }

    /// L steps from (x, v), forward (`forward`) or backward (the inverse of the forward steps
    /// taken in reverse order). When `path` is given, the states after each step are recorded
    /// into it for the views (positions, velocities and U + ½|v|² − log|det| so far). Returns the end and the
    /// summed log-determinant. ∇U is evaluated L + 1 times.
    pub fn propose(
        &self,
        tape: &mut Tape,
        start: ([f64; 2], [f64; 2]),
        forward: bool,
        mut path: Option<&mut Proposal>,
    ) -> Proposed {
        let log_eps = Var::at(self.log_step);
        let eps = tape.exp(log_eps);
        let step = Step {
            eps,
            half: tape.scale(eps, 0.5),
        };
        let mut x = [tape.leaf(start.0[0]), tape.leaf(start.0[1])];
        let mut v = [tape.leaf(start.1[0]), tape.leaf(start.1[1])];
        let mut log_det = tape.leaf(0.0);
        let mut grad = tape.potential_gradient(self.target, x);
        // What the views plot along the path: H minus the log-determinant so far, whose
        // change from the start is what the Metropolis test judges.
        let record = |tape: &Tape,
                      x: [Var; 2],
                      v: [Var; 2],
                      log_det: Var,
                      path: &mut Option<&mut Proposal>| {
            if let Some(path) = path.as_deref_mut() {
                let q = [tape.value(x[0]), tape.value(x[1])];
                let p = [tape.value(v[0]), tape.value(v[1])];
                let h = -self.target.log_prob(q) + 0.5 * (p[0] * p[0] + p[1] * p[1])
                    - tape.value(log_det);
                path.q.push(q);
                path.p.push(p);
                path.energy
                    .push(if h.is_finite() { h } else { f64::INFINITY });
            }
        };
        if let Some(p) = path.as_deref_mut() {
            p.q.clear();
            p.p.clear();
            p.energy.clear();
        }
        record(tape, x, v, log_det, &mut path);
        let l = self.steps();
        for s in 0..l {
            let t = if forward { s } else { l - 1 - s };
            let time = self.time(tape, t);
            let (keep, moved) = (self.masks[t], 1 - self.masks[t]);
            let ld = &mut log_det;
            if forward {
                v = self.velocity(tape, step, x, grad, v, time, false, ld);
                x = self.position(tape, step, moved, x, v, time, false, ld);
                x = self.position(tape, step, keep, x, v, time, false, ld);
                grad = tape.potential_gradient(self.target, x);
                v = self.velocity(tape, step, x, grad, v, time, false, ld);
            } else {
                v = self.velocity(tape, step, x, grad, v, time, true, ld);
                x = self.position(tape, step, keep, x, v, time, true, ld);
                x = self.position(tape, step, moved, x, v, time, true, ld);
                grad = tape.potential_gradient(self.target, x);
                v = self.velocity(tape, step, x, grad, v, time, true, ld);
            }
            record(tape, x, v, log_det, &mut path);
        }
        Proposed { x, v, log_det }
    }

    /// log of the Metropolis–Hastings acceptance ratio of a proposal from (x, v):
    /// H(x, v) − H(x″, v″) + log|det|, with H = U + ½|v|² (eq. 7).
    pub fn log_accept_ratio(
        &self,
        tape: &mut Tape,
        start: ([f64; 2], [f64; 2]),
        end: &Proposed,
    ) -> Var {
        let (x0, v0) = start;
        let h0 = -self.target.log_prob(x0) + 0.5 * (v0[0] * v0[0] + v0[1] * v0[1]);
        let u1 = tape.potential(self.target, end.x);
        let k0 = tape.mul(end.v[0], end.v[0]);
        let k1 = tape.mul(end.v[1], end.v[1]);
        let k = tape.add(k0, k1);
        let k = tape.scale(k, 0.5);
        let h1 = tape.add(u1, k);
        let gain = tape.sub(end.log_det, h1);
        tape.add_const(gain, h0)
    }
}
