//! A flow with its parameters: the generative and normalizing maps on any set of points,
//! sampling, the model's density by importance weighting (docs/MATH.md §2a), trajectory recording
//! for the views, and the learned potentials.

use super::base::Base;
use super::config::{ConfigError, FlowConfig, Kinetic};
use super::encoder::Encoder;
use super::layout::Layout;
use super::leapfrog::{self, Direction, FlowParams};
use super::mlp::{self, Lane, TILE, zeros};
use super::objective::{LN_2PI, Workspace, load};
use super::real::Real;
use crate::rng::Rng;

/// A Neural Hamiltonian Flow: configuration and parameters (f32, as trained).
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    /// Architecture.
    pub config: FlowConfig,
    /// Where each parameter lives.
    pub layout: Layout,
    /// The flat parameter vector.
    pub params: Vec<f32>,
}

/// Every leapfrog state of a set of particles, for the views (step-major: state s of particle
/// i is at index `s * particles + i`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trajectory {
    /// Number of particles.
    pub particles: usize,
    /// Number of states: K·L + 1.
    pub states: usize,
    /// Leapfrog steps per block L.
    pub steps_per_block: usize,
    /// Positions.
    pub q: Vec<[f64; 2]>,
    /// Momenta.
    pub p: Vec<[f64; 2]>,
    /// H = K(p) + V_k(q) of the block that produced the state (the first block for state 0).
    pub energy: Vec<f64>,
    /// Which block (parameter index k) each state belongs to.
    pub block_of_state: Vec<usize>,
}

impl Trajectory {
    /// Position of particle `i` at state `s`.
    pub fn q_at(&self, s: usize, i: usize) -> [f64; 2] {
        self.q[s * self.particles + i]
    }
    /// Momentum of particle `i` at state `s`.
    pub fn p_at(&self, s: usize, i: usize) -> [f64; 2] {
        self.p[s * self.particles + i]
    }
    /// Energy of particle `i` at state `s`.
    pub fn energy_at(&self, s: usize, i: usize) -> f64 {
        self.energy[s * self.particles + i]
    }
}

fn store<T: Real>(lanes: &[Lane<T>; 2], points: &mut [[f64; 2]], start: usize) {
    for (t, pt) in points[start..].iter_mut().take(TILE).enumerate() {
        *pt = [lanes[0][t].to_f64(), lanes[1][t].to_f64()];
    }
}

/// Maps (q, p) in place through the flow in `direction`, with parameters of any precision.
pub fn map_points<T: Real>(
    params: &[T],
    config: &FlowConfig,
    layout: &Layout,
    direction: Direction,
    q: &mut [[f64; 2]],
    p: &mut [[f64; 2]],
    ws: &mut Workspace<T>,
) {
    leapfrog::transpose_all(params, layout, &mut ws.w2t);
    let fp = FlowParams {
        params,
        w2t: &ws.w2t,
        layout,
        config,
    };
    for start in (0..q.len()).step_by(TILE) {
        let mut x = load::<T>(q, start);
        let mut m = load::<T>(p, start);
        leapfrog::forward(
            &fp,
            direction,
            &mut x,
            &mut m,
            &mut ws.tile,
            |_, _, _, _| {},
        );
        store(&x, q, start);
        store(&m, p, start);
    }
}

impl Flow {
    /// A freshly initialised flow for a seed.
    pub fn new(config: FlowConfig, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        let layout = Layout::new(&config);
        let params = layout.init(&mut Rng::seed_from_u64(seed));
        Ok(Self {
            config,
            layout,
            params,
        })
    }

    /// A flow from saved parameters; the length must match the configuration.
    pub fn from_params(config: FlowConfig, params: Vec<f32>) -> Result<Self, ConfigError> {
        config.validate()?;
        let layout = Layout::new(&config);
        if params.len() != layout.len() {
            return Err(ConfigError {
                field: "params",
                message: format!(
                    "{} values, but this configuration has {} parameters",
                    params.len(),
                    layout.len()
                ),
            });
        }
        if params.iter().any(|p| !p.is_finite()) {
            return Err(ConfigError {
                field: "params",
                message: "contains a non-finite value".into(),
            });
        }
        Ok(Self {
            config,
            layout,
            params,
        })
    }

    /// Number of trainable parameters.
    pub fn param_count(&self) -> usize {
        self.layout.len()
    }

    /// The kinetic scale a (fixed kinetic energy).
    pub fn kinetic_scale(&self) -> Option<f64> {
        self.layout
            .kinetic_scale()
            .map(|i| f64::from(self.params[i]))
    }

    /// The parameters widened to f64 (for reference computations).
    pub fn params_f64(&self) -> Vec<f64> {
        self.params.iter().map(|&p| f64::from(p)).collect()
    }

    /// Maps (q, p) in place in `direction` (f32 arithmetic, as trained).
    pub fn map(&self, direction: Direction, q: &mut [[f64; 2]], p: &mut [[f64; 2]]) {
        let mut ws = Workspace::<f32>::new(&self.config);
        map_points(
            &self.params,
            &self.config,
            &self.layout,
            direction,
            q,
            p,
            &mut ws,
        );
    }

    /// The flow's base distribution π₀ (standard, or its learned diagonal Gaussian).
    pub fn base(&self) -> Base<f64> {
        Base::of(&self.params, &self.layout).to_f64()
    }

    /// `n` draws (q₀, p₀) ~ π₀ from the flow's base (standard noise mapped by the base, so the
    /// standard base gives exactly the plain N(0, I) draws).
    pub fn base_draws(&self, n: usize, rng: &mut Rng) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
        let mut q: Vec<[f64; 2]> = (0..n).map(|_| [rng.normal(), rng.normal()]).collect();
        let mut p: Vec<[f64; 2]> = (0..n).map(|_| [rng.normal(), rng.normal()]).collect();
        if self.layout.base().is_some() {
            let base = self.base();
            for (qi, pi) in q.iter_mut().zip(&mut p) {
                (*qi, *pi) = base.from_noise(*qi, *pi);
            }
        }
        (q, p)
    }

    /// log r(p | q) of the density objective's momentum model at each (q, p) (the final state
    /// of the generative map): the learned reverse model r_ψ(p | q) when the flow has an
    /// encoder, else r = N(0, a⁻²I) (fixed kinetic) or N(0, I) (learned kinetic).
    pub fn log_momentum_model(&self, q: &[[f64; 2]], p: &[[f64; 2]]) -> Vec<f64> {
        let mut out = vec![0.0; q.len()];
        match self.layout.encoder() {
            Some(r) => {
                let enc = Encoder::new(&self.params[r], self.config.encoder_width);
                let mut cache = super::encoder::EncoderCache::new(self.config.encoder_width);
                for start in (0..q.len()).step_by(TILE) {
                    let x = load::<f32>(q, start);
                    let g = enc.forward([&x[0], &x[1]], &mut cache);
                    for (t, o) in out[start..].iter_mut().take(TILE).enumerate() {
                        let mut sum = -LN_2PI;
                        for d in 0..2 {
                            let ls = f64::from(g.log_sigma[d][t]);
                            let u = (p[start + t][d] - f64::from(g.mu[d][t])) * (-ls).exp();
                            sum -= 0.5 * u * u + ls;
                        }
                        *o = sum;
                    }
                }
            }
            None => {
                let a = self.kinetic_scale().unwrap_or(1.0);
                for (o, pi) in out.iter_mut().zip(p) {
                    let p2 = pi[0] * pi[0] + pi[1] * pi[1];
                    *o = if self.config.kinetic == Kinetic::Learned {
                        -0.5 * p2 - LN_2PI
                    } else {
                        -0.5 * a * a * p2 + (a * a).ln() - LN_2PI
                    };
                }
            }
        }
        out
    }

    /// `n` samples q_T of the model: (q₀, p₀) ~ π₀ pushed through the generative map.
    pub fn sample(&self, n: usize, rng: &mut Rng) -> Vec<[f64; 2]> {
        let (mut q, mut p) = self.base_draws(n, rng);
        self.map(Direction::Generate, &mut q, &mut p);
        q
    }

    /// Records every leapfrog state of the particles (q₀, p₀) run in `direction`, with their
    /// energies under the block that moved them.
    pub fn trajectory(&self, q0: &[[f64; 2]], p0: &[[f64; 2]], direction: Direction) -> Trajectory {
        let (k_blocks, l) = (self.config.blocks, self.config.leapfrog_steps);
        let n = q0.len();
        let states = k_blocks * l + 1;
        let mut out = Trajectory {
            particles: n,
            states,
            steps_per_block: l,
            q: vec![[0.0; 2]; states * n],
            p: vec![[0.0; 2]; states * n],
            energy: vec![0.0; states * n],
            block_of_state: vec![0; states],
        };
        let mut ws = Workspace::<f32>::new(&self.config);
        leapfrog::transpose_all(&self.params, &self.layout, &mut ws.w2t);
        let fp = FlowParams {
            params: &self.params,
            w2t: &ws.w2t,
            layout: &self.layout,
            config: &self.config,
        };
        for s in 0..states {
            out.block_of_state[s] = fp.leg(direction, s.saturating_sub(1) / l).0;
        }
        let mut cache = mlp::ForceCache::new(self.config.width);
        for start in (0..n).step_by(TILE) {
            let mut x = load::<f32>(q0, start);
            let mut m = load::<f32>(p0, start);
            let live = (n - start).min(TILE);
            let mut record = |s: usize,
                              x: &[Lane<f32>; 2],
                              m: &[Lane<f32>; 2],
                              cache: &mut mlp::ForceCache<f32>| {
                let k = out.block_of_state[s];
                let h = energy_lanes(&fp, k, x, m, cache);
                for t in 0..live {
                    let idx = s * n + start + t;
                    out.q[idx] = [f64::from(x[0][t]), f64::from(x[1][t])];
                    out.p[idx] = [f64::from(m[0][t]), f64::from(m[1][t])];
                    out.energy[idx] = f64::from(h[t]);
                }
            };
            record(0, &x, &m, &mut cache);
            leapfrog::forward(
                &fp,
                direction,
                &mut x,
                &mut m,
                &mut ws.tile,
                |leg, step, xs, ms| {
                    record(leg * l + step + 1, xs, ms, &mut cache);
                },
            );
        }
        out
    }

    /// V_k(q) at each point (the learned potential of block k, up to its dropped constant).
    pub fn potential(&self, block: usize, q: &[[f64; 2]]) -> Vec<f64> {
        let mut ws = Workspace::<f32>::new(&self.config);
        leapfrog::transpose_all(&self.params, &self.layout, &mut ws.w2t);
        let fp = FlowParams {
            params: &self.params,
            w2t: &ws.w2t,
            layout: &self.layout,
            config: &self.config,
        };
        let v = fp.potential(block.min(self.config.blocks - 1));
        let mut out = vec![0.0; q.len()];
        for start in (0..q.len()).step_by(TILE) {
            let x = load::<f32>(q, start);
            let e = mlp::energy(&v, [&x[0], &x[1]], &mut ws.tile.cache);
            for (t, o) in out[start..].iter_mut().take(TILE).enumerate() {
                *o = f64::from(e[t]);
            }
        }
        out
    }

    /// log ρ(q) by the importance-weighted bound with `draws` momenta per point (docs/MATH.md §2a):
    /// log (1/S) Σ_s exp(log π₀(G⁻¹(q, p_s)) − log f(p_s | q)), p_s ~ f. Flows without an
    /// encoder (trained by reverse KL) use the momentum target as proposal: N(0, a⁻²I) with the
    /// fixed kinetic energy, N(0, I) with a learned one.
    pub fn log_density(&self, q: &[[f64; 2]], draws: usize, rng: &mut Rng, out: &mut [f64]) {
        let mut ws = Workspace::<f32>::new(&self.config);
        log_density_with(self, q, draws, rng, out, &mut ws);
    }
}

/// H = K(p) + V_k(q) for a tile.
fn energy_lanes(
    fp: &FlowParams<f32>,
    k: usize,
    x: &[Lane<f32>; 2],
    m: &[Lane<f32>; 2],
    cache: &mut mlp::ForceCache<f32>,
) -> Lane<f32> {
    let mut h = mlp::energy(&fp.potential(k), [&x[0], &x[1]], cache);
    match fp.kinetic_mlp(k) {
        Some(kin) => {
            let kv = mlp::energy(&kin, [&m[0], &m[1]], cache);
            for t in 0..TILE {
                h[t] += kv[t];
            }
        }
        None => {
            let a = fp.scale();
            for t in 0..TILE {
                h[t] += 0.5 * a * a * (m[0][t] * m[0][t] + m[1][t] * m[1][t]);
            }
        }
    }
    h
}

/// [`Flow::log_density`] with caller-owned buffers (for progressive grid evaluation).
pub fn log_density_with(
    flow: &Flow,
    q: &[[f64; 2]],
    draws: usize,
    rng: &mut Rng,
    out: &mut [f64],
    ws: &mut Workspace<f32>,
) {
    let draws = draws.max(1);
    leapfrog::transpose_all(&flow.params, &flow.layout, &mut ws.w2t);
    let fp = FlowParams {
        params: &flow.params,
        w2t: &ws.w2t,
        layout: &flow.layout,
        config: &flow.config,
    };
    let encoder = flow
        .layout
        .encoder()
        .map(|r| Encoder::new(&flow.params[r], flow.config.encoder_width));
    let a = f64::from(fp.scale());
    let learned = flow.config.kinetic == Kinetic::Learned;
    let base = flow.base();
    for start in (0..q.len()).step_by(TILE) {
        let x0 = load::<f32>(q, start);
        let (mu, log_sigma) = match &encoder {
            Some(enc) => {
                let g = enc.forward([&x0[0], &x0[1]], &mut ws.encoder);
                (g.mu, g.log_sigma)
            }
            None => {
                let ls = if learned {
                    0.0
                } else {
                    -(a.abs().max(1e-12)).ln() as f32
                };
                ([zeros(); 2], [[ls; TILE]; 2])
            }
        };
        // Running log-sum-exp per lane.
        let mut best = [f64::NEG_INFINITY; TILE];
        let mut acc = [0.0f64; TILE];
        for _ in 0..draws {
            let mut p = [zeros(); 2];
            let mut log_f = [-LN_2PI; TILE];
            for t in 0..TILE {
                for d in 0..2 {
                    let e = rng.normal();
                    let ls = f64::from(log_sigma[d][t]);
                    p[d][t] = (f64::from(mu[d][t]) + ls.exp() * e) as f32;
                    log_f[t] += -0.5 * e * e - ls;
                }
            }
            let mut x = x0;
            leapfrog::forward(
                &fp,
                Direction::Normalize,
                &mut x,
                &mut p,
                &mut ws.tile,
                |_, _, _, _| {},
            );
            for t in 0..TILE {
                let (xx, pp) = (
                    [f64::from(x[0][t]), f64::from(x[1][t])],
                    [f64::from(p[0][t]), f64::from(p[1][t])],
                );
                let log_w = base.log_prob(xx, pp) - log_f[t];
                if !log_w.is_finite() {
                    continue;
                }
                if log_w > best[t] {
                    acc[t] = acc[t] * (best[t] - log_w).exp() + 1.0;
                    best[t] = log_w;
                } else {
                    acc[t] += (log_w - best[t]).exp();
                }
            }
        }
        for (t, o) in out[start..q.len()].iter_mut().take(TILE).enumerate() {
            *o = if acc[t] > 0.0 {
                best[t] + (acc[t] / draws as f64).ln()
            } else {
                f64::NEG_INFINITY
            };
        }
    }
}
