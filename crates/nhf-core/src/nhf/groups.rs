//! How the density objective scores its draws (docs/MATH.md §2b): alone (the plain reverse KL)
//! or by groups of the importance-weighted bound, and how the gradient is estimated from them
//! (§3d).

#[cfg(doc)]
use super::mlp::TILE;
use super::real::Real;

/// How the density objective scores its draws (docs/MATH.md §2b).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Groups {
    /// S, the draws per group of the importance-weighted bound: 1 is the plain reverse KL;
    /// S > 1 (a divisor of [`TILE`]) scores each S consecutive draws together.
    pub draws: usize,
    /// α ∈ [0, 1], the share of the group score in each group's loss; the rest, 1 − α, is
    /// the plain per-draw loss of the same draws. 1 is the bound alone.
    pub mix: f64,
    /// The doubly reparameterised gradient (docs/MATH.md §3d; Tucker et al. 2019): the flow's
    /// and the base's parameters get only the draws' path derivatives, weighted by wₛ², and
    /// the score term, whose noise grows with S, is left out. The loss is the same; only its
    /// gradient estimate changes (in expectation it is the same gradient). Needs `mix` = 1.
    pub dreg: bool,
}

impl Groups {
    /// Every draw scored alone: the plain reverse KL.
    pub const PLAIN: Groups = Groups {
        draws: 1,
        mix: 1.0,
        dreg: false,
    };
}

/// One group of the importance-weighted bound (docs/MATH.md §2b): given the group's per-draw
/// losses ℓₛ (the plain reverse-KL terms), returns |g|·(−log (1/|g|) Σ e^{−ℓₛ}) and writes
/// each draw's gradient weight |g|·wₛ, wₛ = e^{−ℓₛ} / Σ e^{−ℓ} (stabilised by the smallest ℓ).
/// With the mix α < 1 the group's loss is α times that plus (1 − α) Σₛ ℓₛ, and each weight
/// α|g|wₛ + (1 − α).
pub(crate) fn iw_group<T: Real>(losses: &[T], weight: &mut [T], mix: f64) -> T {
    let mut low = losses[0];
    for &l in &losses[1..] {
        if l.to_f64() < low.to_f64() {
            low = l;
        }
    }
    let mut total = T::zero();
    for (w, &l) in weight.iter_mut().zip(losses) {
        *w = (low - l).exp();
        total += *w;
    }
    let size = T::from_f64(losses.len() as f64);
    for w in weight.iter_mut() {
        *w = *w * size / total;
    }
    let bound = size * (low - (total / size).ln());
    if mix == 1.0 {
        // The bound alone, computed exactly as it was before the mix existed.
        return bound;
    }
    let (alpha, rest) = (T::from_f64(mix), T::from_f64(1.0 - mix));
    let mut plain = T::zero();
    for (w, &l) in weight.iter_mut().zip(losses) {
        *w = alpha * *w + rest;
        plain += l;
    }
    alpha * bound + rest * plain
}
