//! The two training objectives (docs/MATH.md §2) and their exact gradients through the flow
//! adjoint (§3b): the negative ELBO from samples (§2a) and the reverse KL to an unnormalised
//! density (§2b).

use super::base::Base;
use super::config::FlowConfig;
use super::encoder::{Encoder, Gaussian};
pub use super::groups::Groups;
use super::groups::iw_group;
use super::layout::Layout;
use super::leapfrog::{self, Direction, FlowParams};
use super::mlp::{Lane, TILE, zeros};
use super::real::Real;
pub use super::workspace::Workspace;
pub(crate) use super::workspace::load;
use crate::targets::Target;

/// ln 2π.
pub const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// The random inputs of one training step.
pub enum Inputs<'a> {
    /// §2a: data points and the encoder's standard-normal noise ε (one draw per point).
    Samples {
        /// Points from the target.
        data: &'a [[f64; 2]],
        /// ε ~ N(0, I), one per point.
        eps: &'a [[f64; 2]],
    },
    /// §2b: standard noise for the draws (q₀, p₀) ~ π₀ and the target's unnormalised log
    /// density.
    Density {
        /// ε_q ~ N(0, I); q₀ = m + e^{ℓ_q} ⊙ ε_q (q₀ = ε_q for the standard base).
        q0: &'a [[f64; 2]],
        /// ε_p ~ N(0, I); p₀ = e^{ℓ_p} ⊙ ε_p.
        p0: &'a [[f64; 2]],
        /// The target π̃.
        target: &'a dyn Target,
        /// β ∈ (0, 1], the weight of log π̃ (docs/FITS.md, "Annealing"); 1 is the plain reverse KL.
        beta: f64,
        /// How the draws are scored: alone (the plain reverse KL) or by groups of the
        /// importance-weighted bound (docs/MATH.md §2b).
        groups: Groups,
    },
}

impl Inputs<'_> {
    /// Number of points B.
    pub fn len(&self) -> usize {
        match self {
            Inputs::Samples { data, .. } => data.len(),
            Inputs::Density { q0, .. } => q0.len(),
        }
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The points `range` of the batch (for splitting a step across threads).
    pub fn slice(&self, range: std::ops::Range<usize>) -> Inputs<'_> {
        match self {
            Inputs::Samples { data, eps } => Inputs::Samples {
                data: &data[range.clone()],
                eps: &eps[range],
            },
            Inputs::Density {
                q0,
                p0,
                target,
                beta,
                groups,
            } => Inputs::Density {
                q0: &q0[range.clone()],
                p0: &p0[range],
                target: *target,
                beta: *beta,
                groups: *groups,
            },
        }
    }
}

/// f(x) as a value of type T, given f and ∇f at x's real part: exact for real types, and for
/// dual numbers it carries the derivative through by the chain rule, so a target written in
/// f64 still differentiates exactly.
fn lift<T: Real>(value: f64, grad: [f64; 2], x: [T; 2]) -> T {
    let dx = [
        x[0] - T::from_f64(x[0].to_f64()),
        x[1] - T::from_f64(x[1].to_f64()),
    ];
    T::from_f64(value) + T::from_f64(grad[0]) * dx[0] + T::from_f64(grad[1]) * dx[1]
}

/// The mean loss over the batch and, when `grad` is given, its exact gradient with respect to
/// every parameter (written into `grad`, parameter layout).
///
/// Samples (§2a): loss = −(1/B) Σ ELBO(q_b) with p = μ + σ⊙ε, run through the normalizing map.
/// Density (§2b): loss = (1/B) Σ [log π₀(q₀,p₀) − β log π̃(q_T) − log r(p_T)], run through the
/// generative map, r = N(0, a⁻²I) (fixed kinetic), N(0, I) (learned kinetic), or the learned
/// reverse model r_ψ(p | q_T) (`MomentumModel::Encoder`, §2b).
/// π₀ is the flow's base ([`Base`]): N(0, I), or a learnable diagonal Gaussian whose parameters
/// get their gradients here too.
pub fn loss_and_grad<T: Real>(
    params: &[T],
    config: &FlowConfig,
    layout: &Layout,
    inputs: &Inputs,
    ws: &mut Workspace<T>,
    grad: Option<&mut [T]>,
) -> T {
    leapfrog::transpose_all(params, layout, &mut ws.w2t);
    loss_and_grad_transposed(params, config, layout, inputs, ws, grad)
}

/// [`loss_and_grad`] with `ws.w2t` already holding the transposes of `params`' W₂
/// ([`leapfrog::transpose_all`]): for a caller that evaluates several pieces of one batch at
/// the same parameters and transposes once for all of them.
pub fn loss_and_grad_transposed<T: Real>(
    params: &[T],
    config: &FlowConfig,
    layout: &Layout,
    inputs: &Inputs,
    ws: &mut Workspace<T>,
    grad: Option<&mut [T]>,
) -> T {
    let fp = FlowParams {
        params,
        w2t: &ws.w2t,
        layout,
        config,
    };
    let n = inputs.len();
    let inv_b = T::from_f64(1.0 / n as f64);
    let half = T::from_f64(0.5);
    let ln_2pi = T::from_f64(LN_2PI);
    let want_grad = grad.is_some();
    let a = fp.scale();
    let base = Base::of(params, layout);
    // e^{−ℓ}: the standard base's are exactly 1, so its arithmetic below is exact identities
    // and a flow without a learnable base computes bit for bit what it always did.
    let inv_sq = [(-base.log_scale_q[0]).exp(), (-base.log_scale_q[1]).exp()];
    let inv_sp = [(-base.log_scale_p[0]).exp(), (-base.log_scale_p[1]).exp()];
    let log_scales = base.log_scale_sum();
    let mut loss_sum = T::zero();
    let mut a_bar: Lane<T> = zeros();
    let mut a_direct = T::zero();
    // Cotangents of m, ℓ_q, ℓ_p (used only when the base is learnable).
    let mut base_bar = [T::zero(); 6];
    for start in (0..n).step_by(TILE) {
        let live = (n - start).min(TILE);
        let (mut x_bar, mut p_bar) = ([zeros(); 2], [zeros(); 2]);
        match inputs {
            Inputs::Samples { data, eps } => {
                let enc_range = layout
                    .encoder()
                    .expect("the samples objective needs an encoder");
                let q = load::<T>(data, start);
                let e = load::<T>(eps, start);
                let enc = Encoder::new(&params[enc_range.clone()], config.encoder_width);
                let g = enc.forward([&q[0], &q[1]], &mut ws.encoder);
                let mut sigma = [zeros(); 2];
                let mut p = [zeros(); 2];
                for d in 0..2 {
                    for t in 0..TILE {
                        sigma[d][t] = g.log_sigma[d][t].exp();
                        p[d][t] = g.mu[d][t] + sigma[d][t] * e[d][t];
                    }
                }
                let mut x = q;
                leapfrog::forward(
                    &fp,
                    Direction::Normalize,
                    &mut x,
                    &mut p,
                    &mut ws.tile,
                    |_, _, _, _| {},
                );
                // −ELBO = ½|z_q|² + ½|z_p|² + Σℓ − ½|ε|² − Σ log σ + ln 2π, with z the end state
                // standardised by the base (z = x_T, p_T for the standard base; the Gaussian
                // constants of π₀ and f_ψ combined).
                let mut z = [zeros(); 2];
                let mut zp = [zeros(); 2];
                for d in 0..2 {
                    for t in 0..TILE {
                        z[d][t] = (x[d][t] - base.mean_q[d]) * inv_sq[d];
                        zp[d][t] = p[d][t] * inv_sp[d];
                    }
                }
                for t in 0..live {
                    loss_sum += half
                        * (z[0][t] * z[0][t]
                            + z[1][t] * z[1][t]
                            + zp[0][t] * zp[0][t]
                            + zp[1][t] * zp[1][t])
                        - half * (e[0][t] * e[0][t] + e[1][t] * e[1][t])
                        - g.log_sigma[0][t]
                        - g.log_sigma[1][t]
                        + ln_2pi
                        + log_scales;
                }
                if !want_grad {
                    continue;
                }
                for d in 0..2 {
                    for t in 0..live {
                        x_bar[d][t] = z[d][t] * inv_sq[d] * inv_b;
                        p_bar[d][t] = zp[d][t] * inv_sp[d] * inv_b;
                        // ∂/∂m = −x̄; ∂/∂ℓ of ½z² + ℓ is (1 − z²).
                        base_bar[d] -= x_bar[d][t];
                        base_bar[2 + d] += (T::one() - z[d][t] * z[d][t]) * inv_b;
                        base_bar[4 + d] += (T::one() - zp[d][t] * zp[d][t]) * inv_b;
                    }
                }
                leapfrog::backward(
                    &fp,
                    Direction::Normalize,
                    &mut x_bar,
                    &mut p_bar,
                    &mut a_bar,
                    &mut ws.tile,
                    &mut ws.grad_lanes,
                    &mut ws.grad_sums,
                );
                // p₀ = μ + σ⊙ε: μ̄ = p̄₀, (log σ)̄ = p̄₀⊙σ⊙ε − 1/B (the −Σ log σ term).
                let mut bar = Gaussian {
                    mu: p_bar,
                    log_sigma: [zeros(); 2],
                };
                for d in 0..2 {
                    for t in 0..live {
                        bar.log_sigma[d][t] = p_bar[d][t] * sigma[d][t] * e[d][t] - inv_b;
                    }
                }
                enc.backward(
                    [&q[0], &q[1]],
                    &bar,
                    &mut ws.encoder,
                    &mut ws.grad_lanes[enc_range],
                );
            }
            Inputs::Density {
                q0,
                p0,
                target,
                beta,
                groups,
            } => {
                let eq = load::<T>(q0, start);
                let ep = load::<T>(p0, start);
                // log π₀(q₀, p₀) = −½|ε|² − Σℓ − 2 ln 2π at q₀ = m + e^{ℓ_q}ε_q, p₀ = e^{ℓ_p}ε_p.
                let mut x = [zeros(); 2];
                let mut p = [zeros(); 2];
                let mut log_prior: Lane<T> = zeros();
                for t in 0..TILE {
                    let (q, m) = base.from_noise([eq[0][t], eq[1][t]], [ep[0][t], ep[1][t]]);
                    (x[0][t], x[1][t], p[0][t], p[1][t]) = (q[0], q[1], m[0], m[1]);
                    log_prior[t] = -half
                        * (eq[0][t] * eq[0][t]
                            + eq[1][t] * eq[1][t]
                            + ep[0][t] * ep[0][t]
                            + ep[1][t] * ep[1][t])
                        - T::from_f64(2.0) * ln_2pi
                        - log_scales;
                }
                let beta = T::from_f64(*beta);
                leapfrog::forward(
                    &fp,
                    Direction::Generate,
                    &mut x,
                    &mut p,
                    &mut ws.tile,
                    |_, _, _, _| {},
                );
                let dreg = groups.dreg && want_grad;
                // §3d: ∇_z log q(z) = J⁻ᵀ∇log π₀(q₀, p₀) = Ω J Ωᵀ ∇log π₀ (the flow is
                // symplectic), so one tangent pass from Ωᵀ∇log π₀ = (ε_p e^{−ℓ_p}, −ε_q e^{−ℓ_q})
                // gives it as (δp_T, −δq_T).
                let mut score_q = [zeros(); 2];
                let mut score_p = [zeros(); 2];
                if dreg {
                    let (mut dq, mut dp) = ([zeros(); 2], [zeros(); 2]);
                    for d in 0..2 {
                        for t in 0..TILE {
                            dq[d][t] = ep[d][t] * inv_sp[d];
                            dp[d][t] = -eq[d][t] * inv_sq[d];
                        }
                    }
                    leapfrog::tangent(&fp, Direction::Generate, &mut dq, &mut dp, &mut ws.tile);
                    for d in 0..2 {
                        for t in 0..TILE {
                            score_q[d][t] = dp[d][t];
                            score_p[d][t] = -dq[d][t];
                        }
                    }
                }
                let learned = layout.kinetic_scale().is_none();
                // The learned reverse model r_ψ(p_T | q_T), when the flow has one.
                let reverse = layout
                    .encoder()
                    .map(|r| (r.clone(), Encoder::new(&params[r], config.encoder_width)));
                let rg = reverse
                    .as_ref()
                    .map(|(_, enc)| enc.forward([&x[0], &x[1]], &mut ws.encoder));
                let mut r_bar = Gaussian {
                    mu: [zeros(); 2],
                    log_sigma: [zeros(); 2],
                };
                // Each draw's loss and its direct ∂/∂a (fixed kinetic energy), kept per lane
                // so the importance-weighted bound can weight them by group.
                let mut point_loss: Lane<T> = zeros();
                let mut point_a: Lane<T> = zeros();
                // The ratio of a draw's path weight to its direct weight: wₛ under the doubly
                // reparameterised gradient, else 1.
                let mut point_path: Lane<T> = [T::one(); TILE];
                for t in 0..live {
                    let xt = [x[0][t].to_f64(), x[1][t].to_f64()];
                    let g = target.grad_log_prob(xt);
                    let log_target = lift(target.log_prob(xt), g, [x[0][t], x[1][t]]);
                    let p2 = p[0][t] * p[0][t] + p[1][t] * p[1][t];
                    let log_r = match &rg {
                        // −½|u|² − Σ log σ − ln 2π with u = (p_T − μ) / σ.
                        Some(r) => {
                            let mut sum = -ln_2pi;
                            for d in 0..2 {
                                let u = (p[d][t] - r.mu[d][t]) * (-r.log_sigma[d][t]).exp();
                                sum -= half * u * u + r.log_sigma[d][t];
                            }
                            sum
                        }
                        None if learned => -half * p2 - ln_2pi,
                        None => -half * a * a * p2 + (a * a).ln() - ln_2pi,
                    };
                    point_loss[t] = log_prior[t] - beta * log_target - log_r;
                    if want_grad {
                        x_bar[0][t] = -beta * T::from_f64(g[0]) * inv_b;
                        x_bar[1][t] = -beta * T::from_f64(g[1]) * inv_b;
                        match &rg {
                            Some(r) => {
                                // ∂/∂p_T = u/σ, ∂/∂μ = −u/σ, ∂/∂log σ = 1 − u².
                                for d in 0..2 {
                                    let inv_s = (-r.log_sigma[d][t]).exp();
                                    let u = (p[d][t] - r.mu[d][t]) * inv_s;
                                    p_bar[d][t] = u * inv_s * inv_b;
                                    r_bar.mu[d][t] = -p_bar[d][t];
                                    r_bar.log_sigma[d][t] = (T::one() - u * u) * inv_b;
                                }
                            }
                            None => {
                                let m = if learned { T::one() } else { a * a };
                                p_bar[0][t] = m * p[0][t] * inv_b;
                                p_bar[1][t] = m * p[1][t] * inv_b;
                                if !learned {
                                    // ∂/∂a of −log r = ½a²|p|² − ln a² + const.
                                    point_a[t] = (a * p2 - T::from_f64(2.0) / a) * inv_b;
                                }
                            }
                        }
                        // §3d: the path derivative of log q(z_T), which the score term of the
                        // standard estimate cancels exactly.
                        if dreg {
                            for d in 0..2 {
                                x_bar[d][t] += score_q[d][t] * inv_b;
                                p_bar[d][t] += score_p[d][t] * inv_b;
                            }
                        }
                    }
                }
                if groups.draws <= 1 {
                    for t in 0..live {
                        loss_sum += point_loss[t];
                        a_direct += point_a[t];
                    }
                } else {
                    // §2b: each group of S draws scores −log (1/S Σ e^{−ℓₛ}), weighted by its
                    // size; the gradient seeds of draw s are its plain ones times S·wₛ, wₛ the
                    // softmax of −ℓ over the group (mixed with the plain loss by α).
                    let mut weight: Lane<T> = zeros();
                    for group in (0..live).step_by(groups.draws) {
                        let g = group..(group + groups.draws).min(live);
                        loss_sum +=
                            iw_group(&point_loss[g.clone()], &mut weight[g.clone()], groups.mix);
                        if dreg {
                            // wₛ itself: the weight is |g|·wₛ (a tile's last group may be short).
                            let inv_size = T::from_f64(1.0 / g.len() as f64);
                            for t in g {
                                point_path[t] = weight[t] * inv_size;
                            }
                        }
                    }
                    for t in 0..live {
                        a_direct += point_a[t] * weight[t];
                        // §3d: the path seeds weighted by S·wₛ² instead of S·wₛ; r_ψ's own
                        // parameters (and a's direct term) keep S·wₛ.
                        let path = weight[t] * point_path[t];
                        for d in 0..2 {
                            x_bar[d][t] *= path;
                            p_bar[d][t] *= path;
                            r_bar.mu[d][t] *= weight[t];
                            r_bar.log_sigma[d][t] *= weight[t];
                        }
                    }
                }
                if want_grad && let Some((range, enc)) = &reverse {
                    // r_ψ reads q_T: its input cotangent joins x̄_T before the flow's adjoint.
                    let q_bar = enc.backward(
                        [&x[0], &x[1]],
                        &r_bar,
                        &mut ws.encoder,
                        &mut ws.grad_lanes[range.clone()],
                    );
                    for d in 0..2 {
                        for t in 0..TILE {
                            x_bar[d][t] += q_bar[d][t] * point_path[t];
                        }
                    }
                }
                if want_grad {
                    leapfrog::backward(
                        &fp,
                        Direction::Generate,
                        &mut x_bar,
                        &mut p_bar,
                        &mut a_bar,
                        &mut ws.tile,
                        &mut ws.grad_lanes,
                        &mut ws.grad_sums,
                    );
                    // Back through q₀ = m + e^{ℓ_q}ε_q, p₀ = e^{ℓ_p}ε_p; the −Σℓ of log π₀
                    // adds −1 per ℓ (once for the batch mean).
                    let sq = [base.log_scale_q[0].exp(), base.log_scale_q[1].exp()];
                    let sp = [base.log_scale_p[0].exp(), base.log_scale_p[1].exp()];
                    for d in 0..2 {
                        for t in 0..live {
                            base_bar[d] += x_bar[d][t];
                            base_bar[2 + d] += x_bar[d][t] * sq[d] * eq[d][t];
                            base_bar[4 + d] += p_bar[d][t] * sp[d] * ep[d][t];
                        }
                    }
                }
            }
        }
    }
    // log π₀'s −Σℓ: the direct (score) term of the learnable base, which the doubly
    // reparameterised gradient leaves out (its path term came through the seeds).
    if let Inputs::Density { groups, .. } = inputs
        && want_grad
        && !groups.dreg
    {
        for b in &mut base_bar[2..] {
            *b -= T::one();
        }
    }
    if let Some(grad) = grad {
        ws.take_gradient(grad);
        if let Some(i) = layout.kinetic_scale() {
            let mut s = a_direct;
            for v in a_bar {
                s += v;
            }
            grad[i] = s;
        }
        if let Some(r) = layout.base() {
            grad[r].copy_from_slice(&base_bar);
        }
    }
    loss_sum * inv_b
}
