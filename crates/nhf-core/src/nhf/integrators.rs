//! Explicit Euler against leapfrog on one block's Hamiltonian H = K(p) + V_k(q), for the
//! playground's "why leapfrog?" comparison: the energy error and the symplectic area of a small
//! loop of particles, which leapfrog preserves exactly (it is a composition of shears) and
//! Euler does not.

use super::flow::Flow;
use super::leapfrog::{self, FlowParams};
use super::mlp::{self, Lane, TILE};
use super::objective::{Workspace, load};

/// The integrators compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrator {
    /// q' = q + dt ∇K(p), p' = p − dt ∇V(q), both from the old state.
    Euler,
    /// Half kick, drift, half kick (docs/MATH.md §1).
    Leapfrog,
}

/// Every state of a set of particles under one integrator (state s of particle i at
/// `s * particles + i`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntegratorRun {
    /// Number of particles.
    pub particles: usize,
    /// Positions.
    pub q: Vec<[f64; 2]>,
    /// Momenta.
    pub p: Vec<[f64; 2]>,
    /// H = K(p) + V_k(q) of each state.
    pub energy: Vec<f64>,
}

impl IntegratorRun {
    /// States recorded (steps + 1).
    pub fn states(&self) -> usize {
        self.energy.len().checked_div(self.particles).unwrap_or(0)
    }

    /// The symplectic area of the particles taken as a closed loop at state `s`: the sum of
    /// the signed areas of its projections onto the (q₁, p₁) and (q₂, p₂) planes (shoelace).
    /// A symplectic map preserves it exactly.
    pub fn loop_area(&self, s: usize) -> f64 {
        let n = self.particles;
        let mut area = 0.0;
        for i in 0..n {
            let j = (i + 1) % n;
            let (a, b) = (s * n + i, s * n + j);
            for d in 0..2 {
                area += 0.5 * (self.q[a][d] * self.p[b][d] - self.q[b][d] * self.p[a][d]);
            }
        }
        area
    }
}

/// Runs `steps` steps of size `dt` of block `block`'s dynamics from (q0, p0).
pub fn run(
    flow: &Flow,
    block: usize,
    integrator: Integrator,
    q0: &[[f64; 2]],
    p0: &[[f64; 2]],
    steps: usize,
    dt: f64,
) -> IntegratorRun {
    let params = flow.params_f64();
    let mut ws = Workspace::<f64>::new(&flow.config);
    leapfrog::transpose_all(&params, &flow.layout, &mut ws.w2t);
    let fp = FlowParams {
        params: &params,
        w2t: &ws.w2t,
        layout: &flow.layout,
        config: &flow.config,
    };
    let k = block.min(flow.config.blocks - 1);
    let v = fp.potential(k);
    let kin = fp.kinetic_mlp(k);
    let a2 = fp.scale() * fp.scale();
    let n = q0.len();
    let mut out = IntegratorRun {
        particles: n,
        q: vec![[0.0; 2]; (steps + 1) * n],
        p: vec![[0.0; 2]; (steps + 1) * n],
        energy: vec![0.0; (steps + 1) * n],
    };
    let cache = &mut ws.tile.cache;
    // ∇K(p) and K(p).
    let grad_k = |m: &[Lane<f64>; 2], cache: &mut mlp::ForceCache<f64>| -> [Lane<f64>; 2] {
        match &kin {
            Some(kin) => mlp::force(kin, [&m[0], &m[1]], cache),
            None => [m[0].map(|x| a2 * x), m[1].map(|x| a2 * x)],
        }
    };
    for start in (0..n).step_by(TILE) {
        let live = (n - start).min(TILE);
        let mut x = load::<f64>(q0, start);
        let mut m = load::<f64>(p0, start);
        for s in 0..=steps {
            let mut h = mlp::energy(&v, [&x[0], &x[1]], cache);
            match &kin {
                Some(kin) => {
                    let kv = mlp::energy(kin, [&m[0], &m[1]], cache);
                    (0..TILE).for_each(|t| h[t] += kv[t]);
                }
                None => (0..TILE)
                    .for_each(|t| h[t] += 0.5 * a2 * (m[0][t] * m[0][t] + m[1][t] * m[1][t])),
            }
            for t in 0..live {
                let idx = s * n + start + t;
                out.q[idx] = [x[0][t], x[1][t]];
                out.p[idx] = [m[0][t], m[1][t]];
                out.energy[idx] = h[t];
            }
            if s == steps {
                break;
            }
            match integrator {
                Integrator::Euler => {
                    let g = mlp::force(&v, [&x[0], &x[1]], cache);
                    let dk = grad_k(&m, cache);
                    for d in 0..2 {
                        for t in 0..TILE {
                            x[d][t] += dt * dk[d][t];
                            m[d][t] -= dt * g[d][t];
                        }
                    }
                }
                Integrator::Leapfrog => {
                    let g = mlp::force(&v, [&x[0], &x[1]], cache);
                    (0..2).for_each(|d| (0..TILE).for_each(|t| m[d][t] -= 0.5 * dt * g[d][t]));
                    let dk = grad_k(&m, cache);
                    (0..2).for_each(|d| (0..TILE).for_each(|t| x[d][t] += dt * dk[d][t]));
                    let g = mlp::force(&v, [&x[0], &x[1]], cache);
                    (0..2).for_each(|d| (0..TILE).for_each(|t| m[d][t] -= 0.5 * dt * g[d][t]));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nhf::FlowConfig;

    fn loop_points(n: usize, radius: f64) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
        (0..n)
            .map(|i| {
                let t = std::f64::consts::TAU * i as f64 / n as f64;
                (
                    [0.3 + radius * t.cos(), -0.2],
                    [0.1 + radius * t.sin(), 0.4],
                )
            })
            .unzip()
    }

    #[test]
    fn leapfrog_keeps_the_symplectic_area_and_euler_does_not() {
        let flow = Flow::new(FlowConfig::default(), 3).unwrap();
        let (q, p) = loop_points(400, 0.05);
        let lf = run(&flow, 0, Integrator::Leapfrog, &q, &p, 30, 0.2);
        let eu = run(&flow, 0, Integrator::Euler, &q, &p, 30, 0.2);
        let a0 = lf.loop_area(0);
        assert!((a0 - std::f64::consts::PI * 0.05 * 0.05).abs() < 1e-4 * a0.abs() + 1e-6);
        // A 400-gon's area under a smooth symplectic map stays equal up to the polygon's
        // discretisation of the deformed loop.
        let lf_err = (lf.loop_area(30) / a0 - 1.0).abs();
        let eu_err = (eu.loop_area(30) / a0 - 1.0).abs();
        assert!(lf_err < 1e-3, "leapfrog area changed by {lf_err}");
        assert!(
            eu_err > 10.0 * lf_err,
            "Euler {eu_err} vs leapfrog {lf_err}"
        );
        assert_eq!(lf.states(), 31);
    }

    #[test]
    fn leapfrog_energy_error_stays_small_and_euler_drifts() {
        let flow = Flow::new(FlowConfig::default(), 5).unwrap();
        let (q, p) = loop_points(16, 1.0);
        let drift = |r: &IntegratorRun| {
            let s = r.states() - 1;
            (0..r.particles)
                .map(|i| (r.energy[s * r.particles + i] - r.energy[i]).abs())
                .sum::<f64>()
                / r.particles as f64
        };
        let lf = drift(&run(&flow, 0, Integrator::Leapfrog, &q, &p, 100, 0.1));
        let eu = drift(&run(&flow, 0, Integrator::Euler, &q, &p, 100, 0.1));
        assert!(eu > 5.0 * lf, "Euler drift {eu} vs leapfrog {lf}");
    }
}
