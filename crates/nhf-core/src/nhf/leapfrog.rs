//! Leapfrog blocks of a separable Hamiltonian H_k(q, p) = K_k(p) + V_k(q) (docs/MATH.md §1), the
//! forward pass that stores every position, and the block adjoint with merged kicks
//! (docs/MATH.md §3b), for one tile of points.

use super::config::{Activation, FlowConfig, Kinetic};
use super::layout::Layout;
use super::mlp::{self, ForceCache, Lane, Mlp, TILE, W2Products, zeros};
use super::real::Real;

/// Which way the flow is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The generative map G = B_K ∘ … ∘ B_1: prior → data, dt > 0.
    Generate,
    /// The normalizing map G⁻¹: data → prior, blocks in reverse order with −dt.
    Normalize,
}

/// The flow's parameters as the integrator reads them: the flat vector, the transposed W₂ of
/// every MLP, and the configuration.
#[derive(Clone, Copy, Debug)]
pub struct FlowParams<'a, T> {
    /// The flat parameter vector (see [`Layout`]).
    pub params: &'a [T],
    /// W₂ᵀ of every MLP, W² values each, in the order V₀, (K₀), V₁, (K₁), …
    pub w2t: &'a [T],
    /// Where each parameter lives.
    pub layout: &'a Layout,
    /// K, L, dt, activation, kinetic energy.
    pub config: &'a FlowConfig,
}

/// Number of MLPs whose W₂ᵀ a flow keeps.
pub fn mlp_count(config: &FlowConfig) -> usize {
    config.blocks
        * if config.kinetic == Kinetic::Learned {
            2
        } else {
            1
        }
}

/// Fills `w2t` with W₂ᵀ of every MLP of `params`.
pub fn transpose_all<T: Real>(params: &[T], layout: &Layout, w2t: &mut [T]) {
    let ww = layout.width * layout.width;
    let mut m = 0;
    for k in 0..layout.blocks {
        mlp::transpose_w2(
            &params[layout.potential(k)],
            layout.width,
            &mut w2t[m * ww..(m + 1) * ww],
        );
        m += 1;
        if let Some(r) = layout.kinetic_mlp(k) {
            mlp::transpose_w2(&params[r], layout.width, &mut w2t[m * ww..(m + 1) * ww]);
            m += 1;
        }
    }
}

impl<'a, T: Real> FlowParams<'a, T> {
    fn mlp_index(&self, k: usize) -> usize {
        if self.config.kinetic == Kinetic::Learned {
            2 * k
        } else {
            k
        }
    }

    /// Block k's potential V_k.
    pub fn potential(&self, k: usize) -> Mlp<'a, T> {
        let ww = self.layout.width * self.layout.width;
        let m = self.mlp_index(k);
        Mlp::new(
            &self.params[self.layout.potential(k)],
            &self.w2t[m * ww..(m + 1) * ww],
            self.layout.width,
            self.config.activation,
        )
    }

    /// Block k's learned kinetic energy K_k (tanh or softplus like the potentials).
    pub fn kinetic_mlp(&self, k: usize) -> Option<Mlp<'a, T>> {
        let ww = self.layout.width * self.layout.width;
        let m = self.mlp_index(k) + 1;
        self.layout.kinetic_mlp(k).map(|r| {
            Mlp::new(
                &self.params[r],
                &self.w2t[m * ww..(m + 1) * ww],
                self.layout.width,
                self.config.activation,
            )
        })
    }

    /// The kinetic scale a (fixed kinetic energy), else 1.
    pub fn scale(&self) -> T {
        self.layout
            .kinetic_scale()
            .map_or(T::one(), |i| self.params[i])
    }

    /// The block and signed step size of leg `s` (0-based, in the order the legs run).
    pub fn leg(&self, direction: Direction, s: usize) -> (usize, T) {
        let dt = T::from_f64(self.config.dt);
        match direction {
            Direction::Generate => (s, dt),
            Direction::Normalize => (self.config.blocks - 1 - s, -dt),
        }
    }

    /// The activation of the MLPs.
    pub fn activation(&self) -> Activation {
        self.config.activation
    }
}

/// The positions x₀ … x_L of every block, the half-step momenta p½ of every step, and the
/// potential's force intermediates at every position, of one tile (docs/MATH.md §3b: store
/// positions rather than reconstruct them; keeping the force intermediates too spares the
/// backward pass a quarter of its work, recomputing them, for 12·W lanes per position).
#[derive(Clone, Debug)]
pub struct Tape<T> {
    steps: usize,
    xs: Vec<[Lane<T>; 2]>,
    half_momenta: Vec<[Lane<T>; 2]>,
    forces: Vec<ForceCache<T>>,
}

impl<T: Real> Tape<T> {
    /// Storage for a configuration.
    pub fn new(config: &FlowConfig) -> Self {
        let (k, l) = (config.blocks, config.leapfrog_steps);
        Self {
            steps: l,
            xs: vec![[zeros(); 2]; k * (l + 1)],
            half_momenta: vec![[zeros(); 2]; k * l],
            forces: vec![ForceCache::new(config.width); k * (l + 1)],
        }
    }
}

/// Buffers the integrator needs for one tile.
#[derive(Clone, Debug)]
pub struct TileWork<T> {
    /// Force intermediates of the learned kinetic energy.
    pub cache: ForceCache<T>,
    /// The stored trajectory.
    pub tape: Tape<T>,
}

impl<T: Real> TileWork<T> {
    /// Buffers for a configuration.
    pub fn new(config: &FlowConfig) -> Self {
        Self {
            cache: ForceCache::new(config.width),
            tape: Tape::new(config),
        }
    }
}

#[inline(always)]
fn axpy<T: Real>(y: &mut Lane<T>, a: T, x: &Lane<T>) {
    for t in 0..TILE {
        y[t] += a * x[t];
    }
}

/// Runs all K·L leapfrog steps on a tile, storing positions and half-step momenta in the tape.
/// After every step, `on_step(leg, step, x, p)` sees the state (for trajectory recording).
pub fn forward<T: Real>(
    fp: &FlowParams<T>,
    direction: Direction,
    x: &mut [Lane<T>; 2],
    p: &mut [Lane<T>; 2],
    work: &mut TileWork<T>,
    mut on_step: impl FnMut(usize, usize, &[Lane<T>; 2], &[Lane<T>; 2]),
) {
    let l = work.tape.steps;
    let a = fp.scale();
    let a2 = a * a;
    let half = T::from_f64(0.5);
    for s in 0..fp.config.blocks {
        let (k, h) = fp.leg(direction, s);
        let v = fp.potential(k);
        let kin = fp.kinetic_mlp(k);
        let [mut gx, mut gy] = mlp::force(&v, [&x[0], &x[1]], &mut work.tape.forces[s * (l + 1)]);
        work.tape.xs[s * (l + 1)] = *x;
        for n in 0..l {
            // p½ = p − (dt/2)∇V(q)
            axpy(&mut p[0], -half * h, &gx);
            axpy(&mut p[1], -half * h, &gy);
            work.tape.half_momenta[s * l + n] = *p;
            // q' = q + dt ∇K(p½)
            match &kin {
                None => {
                    axpy(&mut x[0], h * a2, &p[0]);
                    axpy(&mut x[1], h * a2, &p[1]);
                }
                Some(kin) => {
                    let [kx, ky] = mlp::force(kin, [&p[0], &p[1]], &mut work.cache);
                    axpy(&mut x[0], h, &kx);
                    axpy(&mut x[1], h, &ky);
                }
            }
            work.tape.xs[s * (l + 1) + n + 1] = *x;
            // p' = p½ − (dt/2)∇V(q')
            let cache = &mut work.tape.forces[s * (l + 1) + n + 1];
            [gx, gy] = mlp::force(&v, [&x[0], &x[1]], cache);
            axpy(&mut p[0], -half * h, &gx);
            axpy(&mut p[1], -half * h, &gy);
            on_step(s, n, x, p);
        }
    }
}

/// Pulls the cotangents (x̄, p̄) at the end of the flow back to its start through the tape of
/// the last [`forward`] (docs/MATH.md §3b, merged kicks), adding parameter cotangents into the
/// per-lane accumulator `grad` (parameter layout; the fast kernels put W̄₂ into `sums`,
/// see [`mlp::force_vjp`]) and the kinetic scale's into `a_bar`.
#[allow(clippy::too_many_arguments)] // the adjoint's state, its buffers and its two sinks
pub fn backward<T: Real>(
    fp: &FlowParams<T>,
    direction: Direction,
    x_bar: &mut [Lane<T>; 2],
    p_bar: &mut [Lane<T>; 2],
    a_bar: &mut Lane<T>,
    work: &mut TileWork<T>,
    grad: &mut [Lane<T>],
    sums: &mut [T],
) {
    let l = work.tape.steps;
    let a = fp.scale();
    let a2 = a * a;
    let half = T::from_f64(0.5);
    let two = T::from_f64(2.0);
    for s in (0..fp.config.blocks).rev() {
        let (k, h) = fp.leg(direction, s);
        let v = fp.potential(k);
        let kin = fp.kinetic_mlp(k);
        let v_range = fp.layout.potential(k);
        // The last half kick: VJP at x_L with u = −(dt/2)p̄, through the force intermediates
        // the forward pass left at x_L.
        let kick = |f: T,
                    xs: &[Lane<T>; 2],
                    x_bar: &mut [Lane<T>; 2],
                    p_bar: &[Lane<T>; 2],
                    force_cache: &mut ForceCache<T>,
                    grad: &mut [Lane<T>],
                    sums: &mut [T]| {
            let mut u = [zeros(); 2];
            for t in 0..TILE {
                u[0][t] = -f * p_bar[0][t];
                u[1][t] = -f * p_bar[1][t];
            }
            let [qbx, qby] = mlp::force_vjp(
                &v,
                [&xs[0], &xs[1]],
                [&u[0], &u[1]],
                force_cache,
                &mut grad[v_range.clone()],
                &mut sums[v_range.clone()],
                W2Products::Later,
            );
            for t in 0..TILE {
                x_bar[0][t] += qbx[t];
                x_bar[1][t] += qby[t];
            }
        };
        let x_last = work.tape.xs[s * (l + 1) + l];
        let cache = &mut work.tape.forces[s * (l + 1) + l];
        kick(half * h, &x_last, x_bar, p_bar, cache, grad, sums);
        for n in (0..l).rev() {
            // Drift q_{n+1} = q_n + dt ∇K(p½): p̄ += dt ∇²K(p½) x̄.
            let ph = work.tape.half_momenta[s * l + n];
            match &kin {
                None => {
                    // ∇K = a²p: p̄ += dt a² x̄, ā += dt 2a (p½ · x̄).
                    for t in 0..TILE {
                        a_bar[t] += h * two * a * (ph[0][t] * x_bar[0][t] + ph[1][t] * x_bar[1][t]);
                    }
                    axpy(&mut p_bar[0], h * a2, &x_bar[0]);
                    axpy(&mut p_bar[1], h * a2, &x_bar[1]);
                }
                Some(kin) => {
                    let mut u = [zeros(); 2];
                    for t in 0..TILE {
                        u[0][t] = h * x_bar[0][t];
                        u[1][t] = h * x_bar[1][t];
                    }
                    let range = fp.layout.kinetic_mlp(k).unwrap_or_default();
                    mlp::force(kin, [&ph[0], &ph[1]], &mut work.cache);
                    let [pbx, pby] = mlp::force_vjp(
                        kin,
                        [&ph[0], &ph[1]],
                        [&u[0], &u[1]],
                        &mut work.cache,
                        &mut grad[range.clone()],
                        &mut sums[range],
                        W2Products::Now,
                    );
                    for t in 0..TILE {
                        p_bar[0][t] += pbx[t];
                        p_bar[1][t] += pby[t];
                    }
                }
            }
            // The kick at x_n: the first half kick of step n merged with the last half kick
            // of step n − 1 (weight dt), or alone at the block's start (weight dt/2).
            let f = if n > 0 { h } else { half * h };
            let xn = work.tape.xs[s * (l + 1) + n];
            let cache = &mut work.tape.forces[s * (l + 1) + n];
            kick(f, &xn, x_bar, p_bar, cache, grad, sums);
        }
        // The block's kicks left their W̄₂ products in their caches: one pass adds them all.
        let caches = &work.tape.forces[s * (l + 1)..(s + 1) * (l + 1)];
        mlp::add_w2_products(
            v.width,
            caches,
            &mut grad[v_range.clone()],
            &mut sums[v_range],
        );
    }
}

/// Pushes a tangent (δq, δp) at the start of the flow to its end through the tape of the last
/// [`forward`]: (δq, δp) ← J·(δq, δp), J the Jacobian of the flow's state map
/// (docs/MATH.md §3d). Kicks at the stored positions use the potential's Hessian–vector
/// products, merged as in [`backward`] (the end of step n − 1 and the start of step n kick
/// with the same δq). Overwrites the VJP scratch of the tape's force caches, which
/// [`backward`] refills.
pub fn tangent<T: Real>(
    fp: &FlowParams<T>,
    direction: Direction,
    dx: &mut [Lane<T>; 2],
    dp: &mut [Lane<T>; 2],
    work: &mut TileWork<T>,
) {
    let l = work.tape.steps;
    let a = fp.scale();
    let a2 = a * a;
    let half = T::from_f64(0.5);
    for s in 0..fp.config.blocks {
        let (k, h) = fp.leg(direction, s);
        let v = fp.potential(k);
        let kin = fp.kinetic_mlp(k);
        for n in 0..=l {
            // δp −= f ∇²V(x_n) δq, with f = dt/2 at the block's ends and dt inside.
            let f = if n == 0 || n == l { half * h } else { h };
            let cache = &mut work.tape.forces[s * (l + 1) + n];
            let [hx, hy] = mlp::force_hvp(&v, [&dx[0], &dx[1]], cache);
            axpy(&mut dp[0], -f, &hx);
            axpy(&mut dp[1], -f, &hy);
            if n == l {
                break;
            }
            // Drift: δq += dt ∇²K(p½) δp½.
            match &kin {
                None => {
                    axpy(&mut dx[0], h * a2, &dp[0]);
                    axpy(&mut dx[1], h * a2, &dp[1]);
                }
                Some(kin) => {
                    let ph = work.tape.half_momenta[s * l + n];
                    mlp::force(kin, [&ph[0], &ph[1]], &mut work.cache);
                    let [kx, ky] = mlp::force_hvp(kin, [&dp[0], &dp[1]], &mut work.cache);
                    axpy(&mut dx[0], h, &kx);
                    axpy(&mut dx[1], h, &ky);
                }
            }
        }
    }
}
