//! A reverse-mode tape of scalars, in the spirit of micrograd: every operation appends a node
//! holding its value and, for each input, the local derivative ∂node/∂input; [`Tape::backward`]
//! walks the nodes from last to first and sums adjoints along those edges (docs/MATH.md §10c).
//!
//! Why a tape here when the NHF's gradients are written by hand: L2HMC's augmented leapfrog
//! runs four small networks per step and feeds them ∇U, so its training gradient is a long
//! chain of small pieces, one of which (differentiating ∇U) needs the target's Hessian. A tape
//! records that chain once and gets every piece right by construction; the Hessian enters as
//! the local derivatives of the ∇U node ([`Tape::potential_gradient`]).
//!
//! Nodes are f64. A tape is cleared and reused (its vectors keep their capacity), so a training
//! loop that records one proposal at a time allocates nothing after its first proposal.

use crate::targets::Target;

/// A handle to a node of a [`Tape`]: its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Var(u32);

impl Var {
    /// The node at index `i` (a tape's parameters are its first nodes, so parameter i is
    /// `Var::at(i)`).
    pub fn at(i: usize) -> Self {
        Self(u32::try_from(i).expect("a tape of fewer than 2³² nodes"))
    }

    /// The node's index on its tape.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The recorded computation: values, and for each node its incoming edges.
#[derive(Clone, Debug, Default)]
pub struct Tape {
    values: Vec<f64>,
    /// Node i's edges are `edges[edge_start[i]..edge_start[i + 1]]`.
    edge_start: Vec<u32>,
    /// (input node, ∂node/∂input).
    edges: Vec<(u32, f64)>,
}

impl Tape {
    /// An empty tape.
    pub fn new() -> Self {
        Self {
            edge_start: vec![0],
            ..Self::default()
        }
    }

    /// Number of nodes recorded.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no node is recorded.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Forgets every node from index `len` on (the leading nodes, typically the parameters,
    /// stay), keeping the memory.
    pub fn truncate(&mut self, len: usize) {
        self.values.truncate(len);
        self.edge_start.truncate(len + 1);
        let edges = self.edge_start[len] as usize;
        self.edges.truncate(edges);
    }

    /// The value of a node.
    pub fn value(&self, v: Var) -> f64 {
        self.values[v.index()]
    }

    /// Appends a node with the given value and edges.
    fn push(&mut self, value: f64, inputs: &[(Var, f64)]) -> Var {
        let id = u32::try_from(self.values.len()).expect("a tape of fewer than 2³² nodes");
        self.values.push(value);
        self.edges.extend(inputs.iter().map(|(v, d)| (v.0, *d)));
        let end = u32::try_from(self.edges.len()).expect("fewer than 2³² edges");
        self.edge_start.push(end);
        Var(id)
    }

    /// A leaf: an input or a parameter, with no edges.
    pub fn leaf(&mut self, value: f64) -> Var {
        self.push(value, &[])
    }

    /// a + b.
    pub fn add(&mut self, a: Var, b: Var) -> Var {
        self.push(self.value(a) + self.value(b), &[(a, 1.0), (b, 1.0)])
    }

    /// a − b.
    pub fn sub(&mut self, a: Var, b: Var) -> Var {
        self.push(self.value(a) - self.value(b), &[(a, 1.0), (b, -1.0)])
    }

    /// a · b.
    pub fn mul(&mut self, a: Var, b: Var) -> Var {
        let (x, y) = (self.value(a), self.value(b));
        self.push(x * y, &[(a, y), (b, x)])
    }

    /// c · a for a constant c.
    pub fn scale(&mut self, a: Var, c: f64) -> Var {
        self.push(c * self.value(a), &[(a, c)])
    }

    /// a + c for a constant c.
    pub fn add_const(&mut self, a: Var, c: f64) -> Var {
        self.push(self.value(a) + c, &[(a, 1.0)])
    }

    /// eᵃ.
    pub fn exp(&mut self, a: Var) -> Var {
        let e = libm::exp(self.value(a));
        self.push(e, &[(a, e)])
    }

    /// tanh a.
    pub fn tanh(&mut self, a: Var) -> Var {
        let t = libm::tanh(self.value(a));
        self.push(t, &[(a, 1.0 - t * t)])
    }

    /// max(a, 0), with derivative 0 at 0.
    pub fn relu(&mut self, a: Var) -> Var {
        let x = self.value(a);
        if x > 0.0 {
            self.push(x, &[(a, 1.0)])
        } else {
            self.push(0.0, &[])
        }
    }

    /// 1 / a.
    pub fn recip(&mut self, a: Var) -> Var {
        let x = self.value(a);
        self.push(1.0 / x, &[(a, -1.0 / (x * x))])
    }

    /// b + Σᵢ wᵢ xᵢ: one neuron's pre-activation as one node (its edges reach every weight and
    /// every input), so a small network costs a few dozen nodes rather than hundreds.
    pub fn neuron(&mut self, bias: Var, weights: &[Var], inputs: &[Var]) -> Var {
        debug_assert_eq!(weights.len(), inputs.len());
        // Edges go straight onto the tape (no scratch array to fill per neuron).
        let mut value = self.value(bias);
        self.edges.push((bias.0, 1.0));
        for (w, x) in weights.iter().zip(inputs) {
            let (wv, xv) = (self.value(*w), self.value(*x));
            value += wv * xv;
            self.edges.push((w.0, xv));
            self.edges.push((x.0, wv));
        }
        self.push(value, &[])
    }

    /// U's gradient ∇U(x) = −∇ log π(x) as two nodes whose local derivatives are the Hessian of
    /// U, −∇² log π: backpropagating through them is a Hessian–vector product (docs/MATH.md
    /// §10c).
    pub fn potential_gradient(&mut self, target: &dyn Target, x: [Var; 2]) -> [Var; 2] {
        let q = [self.value(x[0]), self.value(x[1])];
        let g = target.grad_log_prob(q);
        let h = target.hessian_log_prob(q);
        [
            self.push(-g[0], &[(x[0], -h[0][0]), (x[1], -h[0][1])]),
            self.push(-g[1], &[(x[0], -h[1][0]), (x[1], -h[1][1])]),
        ]
    }

    /// U(x) = −log π(x) as a node whose local derivatives are ∇U.
    pub fn potential(&mut self, target: &dyn Target, x: [Var; 2]) -> Var {
        let q = [self.value(x[0]), self.value(x[1])];
        let g = target.grad_log_prob(q);
        self.push(-target.log_prob(q), &[(x[0], -g[0]), (x[1], -g[1])])
    }

    /// The adjoints ∂out/∂node of every node, into `adjoints` (resized to the tape's length).
    pub fn backward(&self, out: Var, adjoints: &mut Vec<f64>) {
        adjoints.clear();
        adjoints.resize(self.values.len(), 0.0);
        adjoints[out.index()] = 1.0;
        for node in (0..=out.index()).rev() {
            let a = adjoints[node];
            if a == 0.0 {
                continue;
            }
            let (lo, hi) = (self.edge_start[node], self.edge_start[node + 1]);
            for &(input, d) in &self.edges[lo as usize..hi as usize] {
                adjoints[input as usize] += a * d;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(a, b) = tanh(a·b + eᵃ) / b − relu(b − 3a): the tape's gradient against central
    /// differences.
    #[test]
    fn gradients_match_central_differences() {
        let f = |a: f64, b: f64, tape: &mut Tape| {
            let (va, vb) = (tape.leaf(a), tape.leaf(b));
            let ab = tape.mul(va, vb);
            let ea = tape.exp(va);
            let s = tape.add(ab, ea);
            let t = tape.tanh(s);
            let rb = tape.recip(vb);
            let q = tape.mul(t, rb);
            let a3 = tape.scale(va, 3.0);
            let d = tape.sub(vb, a3);
            let r = tape.relu(d);
            let out = tape.sub(q, r);
            (va, vb, out)
        };
        for (a, b) in [(0.3, 1.7), (-0.4, 0.5), (0.1, -2.0)] {
            let mut tape = Tape::new();
            let (va, vb, out) = f(a, b, &mut tape);
            let mut adj = Vec::new();
            tape.backward(out, &mut adj);
            let value = |a: f64, b: f64| {
                let mut t = Tape::new();
                let (_, _, o) = f(a, b, &mut t);
                t.value(o)
            };
            let h = 1e-6;
            let da = (value(a + h, b) - value(a - h, b)) / (2.0 * h);
            let db = (value(a, b + h) - value(a, b - h)) / (2.0 * h);
            assert!(
                (adj[va.index()] - da).abs() < 1e-8,
                "{} vs {da}",
                adj[va.index()]
            );
            assert!(
                (adj[vb.index()] - db).abs() < 1e-8,
                "{} vs {db}",
                adj[vb.index()]
            );
        }
    }

    /// A neuron node is the sum it says, and truncating keeps the leading nodes' values.
    #[test]
    fn neuron_and_truncate() {
        let mut tape = Tape::new();
        let w = [tape.leaf(2.0), tape.leaf(-1.0)];
        let b = tape.leaf(0.5);
        let mark = tape.len();
        let x = [tape.leaf(3.0), tape.leaf(4.0)];
        let n = tape.neuron(b, &w, &x);
        assert_eq!(tape.value(n), 0.5 + 6.0 - 4.0);
        let mut adj = Vec::new();
        tape.backward(n, &mut adj);
        assert_eq!(&adj[..3], &[3.0, 4.0, 1.0]);
        assert_eq!(adj[x[0].index()], 2.0);
        tape.truncate(mark);
        assert_eq!(tape.len(), 3);
        let y = tape.leaf(1.0);
        assert_eq!(y.index(), 3);
        assert_eq!(tape.value(w[1]), -1.0);
    }
}
