//! The small networks of L2HMC's augmented leapfrog (Levy, Hoffman & Sohl-Dickstein 2018, §3.2;
//! docs/MATH.md §10a): from two 2D inputs and the step's time embedding to three 2D heads,
//! the scaling S, the translation T and the transformation Q.
//!
//! One hidden layer mixes the inputs, a second follows, both ReLU, as in the paper's 2D
//! experiments (10 units each). S and Q are squashed, λ ⊙ tanh(·) with a learnable λ = e^ℓ, so
//! the exponentials they feed stay bounded; the heads start near zero, so an untrained L2HMC
//! is HMC.

use super::tape::{Tape, Var};
use crate::rng::Rng;

/// Where one network's parameters sit in the flat parameter vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    /// Index of its first parameter.
    pub offset: usize,
    /// Units per hidden layer.
    pub hidden: usize,
}

/// The most units a hidden layer may have (the layers are built in arrays of this size on
/// the stack).
pub const MAX_HIDDEN: usize = 64;

/// Inputs of the first layer: two 2D inputs and the 2D time embedding.
const INPUTS: usize = 6;

/// The three heads of one application.
#[derive(Clone, Copy, Debug)]
pub struct Heads {
    /// S: log-scale of the updated coordinates.
    pub scale: [Var; 2],
    /// T: translation.
    pub translate: [Var; 2],
    /// Q: log-scale of the force or the velocity it multiplies.
    pub transform: [Var; 2],
}

impl Network {
    /// Number of parameters of a network with `hidden` units per layer: the first layer
    /// (6 inputs), the second, three heads of 2 outputs and the two heads' λ.
    pub fn params(hidden: usize) -> usize {
        hidden * INPUTS + hidden + hidden * hidden + hidden + 3 * (2 * hidden + 2) + 4
    }

    /// Number of its parameters.
    pub fn len(&self) -> usize {
        Self::params(self.hidden)
    }

    /// Whether it has no parameters (never: every network has at least its heads' biases).
    pub fn is_empty(&self) -> bool {
        false
    }

    fn w1(&self) -> usize {
        self.offset
    }
    fn b1(&self) -> usize {
        self.w1() + self.hidden * INPUTS
    }
    fn w2(&self) -> usize {
        self.b1() + self.hidden
    }
    fn b2(&self) -> usize {
        self.w2() + self.hidden * self.hidden
    }
    /// Head k (0 S, 1 T, 2 Q): its weights, then its two biases.
    fn head(&self, k: usize) -> usize {
        self.b2() + self.hidden + k * (2 * self.hidden + 2)
    }
    /// ℓ of S (k = 0) or Q (k = 1).
    fn log_lambda(&self, k: usize) -> usize {
        self.head(3) + 2 * k
    }

    /// Fresh parameters into `params[offset..offset + len]`: Gaussian weights with variance
    /// 2·factor / fan-in (the paper's variance scaling), where the second input's columns get
    /// `second_factor` (2 for the position network, whose second input is a velocity), and the
    /// heads 0.001 of it, so S, T and Q start near zero.
    pub fn init(&self, params: &mut [f64], second_factor: f64, rng: &mut Rng) {
        let h = self.hidden;
        for i in 0..h {
            for j in 0..INPUTS {
                let factor = if j / 2 == 1 { second_factor } else { 1.0 } / 3.0;
                params[self.w1() + i * INPUTS + j] =
                    (2.0 * factor / INPUTS as f64).sqrt() * rng.normal();
            }
            for j in 0..h {
                params[self.w2() + i * h + j] = (2.0 / h as f64).sqrt() * rng.normal();
            }
        }
        for k in 0..3 {
            for w in &mut params[self.head(k)..self.head(k) + 2 * h] {
                *w = (2.0 * 0.001 / h as f64).sqrt() * rng.normal();
            }
        }
    }

    /// The heads at inputs `a`, `b` and the time embedding `time`, recorded on `tape` (whose
    /// first nodes are the parameters).
    pub fn apply(&self, tape: &mut Tape, a: [Var; 2], b: [Var; 2], time: [Var; 2]) -> Heads {
        let h = self.hidden;
        let p = |i: usize| Var::at(i);
        let inputs = [a[0], a[1], b[0], b[1], time[0], time[1]];
        let mut first = [p(0); MAX_HIDDEN];
        let mut weights = [p(0); MAX_HIDDEN];
        for (i, slot) in first.iter_mut().enumerate().take(h) {
            for (j, w) in weights.iter_mut().enumerate().take(INPUTS) {
                *w = p(self.w1() + i * INPUTS + j);
            }
            let pre = tape.neuron(p(self.b1() + i), &weights[..INPUTS], &inputs);
            *slot = tape.relu(pre);
        }
        let mut second = [p(0); MAX_HIDDEN];
        for (i, slot) in second.iter_mut().enumerate().take(h) {
            for (j, w) in weights.iter_mut().enumerate().take(h) {
                *w = p(self.w2() + i * h + j);
            }
            let pre = tape.neuron(p(self.b2() + i), &weights[..h], &first[..h]);
            *slot = tape.relu(pre);
        }
        let mut head = |tape: &mut Tape, k: usize| {
            let mut out = [p(0); 2];
            for (o, slot) in out.iter_mut().enumerate() {
                for (j, w) in weights.iter_mut().enumerate().take(h) {
                    *w = p(self.head(k) + o * h + j);
                }
                *slot = tape.neuron(p(self.head(k) + 2 * h + o), &weights[..h], &second[..h]);
            }
            out
        };
        let (s, t, q) = (head(tape, 0), head(tape, 1), head(tape, 2));
        let squash = |tape: &mut Tape, raw: [Var; 2], k: usize| {
            let mut out = raw;
            for (o, slot) in out.iter_mut().enumerate() {
                let lambda = tape.exp(p(self.log_lambda(k) + o));
                let th = tape.tanh(raw[o]);
                *slot = tape.mul(lambda, th);
            }
            out
        };
        Heads {
            scale: squash(tape, s, 0),
            translate: t,
            transform: squash(tape, q, 1),
        }
    }
}
