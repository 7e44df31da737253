//! The buffers of a loss-and-gradient evaluation ([`super::objective::loss_and_grad`]) and the
//! parameter cotangents it accumulates, sized once per configuration so that training
//! allocates nothing per step.

use super::config::FlowConfig;
use super::encoder::EncoderCache;
use super::lanes::{LaneVec, with_avx_clone};
use super::layout::Layout;
use super::leapfrog::{self, TileWork};
use super::mlp::{Lane, TILE, zeros};
use super::real::Real;

/// Every buffer a loss-and-gradient evaluation needs, sized once per configuration.
#[derive(Clone, Debug)]
pub struct Workspace<T> {
    /// W₂ᵀ of every MLP.
    pub w2t: Vec<T>,
    /// The tile integrator's buffers.
    pub tile: TileWork<T>,
    /// The encoder's hidden activations.
    pub encoder: EncoderCache<T>,
    /// Per-lane parameter cotangents, summed over lanes at the end. Zero between calls:
    /// [`Workspace::take_gradient`] zeroes them as it reads them, which saves a pass over them
    /// per call (a step makes one call per piece of its batch).
    pub(crate) grad_lanes: Vec<Lane<T>>,
    /// Parameter cotangents already summed over points, one value per parameter: only the fast
    /// kernels write here (W̄₂, [`super::mlp::force_vjp`]); zero between calls too.
    pub(crate) grad_sums: Vec<T>,
}

impl<T: Real> Workspace<T> {
    /// Buffers for a configuration.
    pub fn new(config: &FlowConfig) -> Self {
        let layout = Layout::new(config);
        Self {
            w2t: vec![T::zero(); leapfrog::mlp_count(config) * config.width * config.width],
            tile: TileWork::new(config),
            encoder: EncoderCache::new(config.encoder_width),
            grad_lanes: vec![zeros(); layout.len()],
            grad_sums: vec![T::zero(); layout.len()],
        }
    }

    /// Writes each parameter's accumulated cotangent into `grad` (its point sum, then its lanes
    /// in order) and zeroes both accumulators for the next evaluation.
    ///
    /// Wherever the fast kernels did not run, the point sums are still +0, the start
    /// of the plain sum over the lanes, so every other kernel's gradient keeps its bits.
    pub(crate) fn take_gradient(&mut self, grad: &mut [T]) {
        fold(grad, &mut self.grad_lanes, &mut self.grad_sums);
    }
}

with_avx_clone! {
    /// `grad[i] = sums[i] + lanes[i][0] + … + lanes[i][7]`, added in that order, zeroing
    /// both accumulators; returns how many parameters it folded. Eight parameters at a time in
    /// the AVX clones ([`LaneVec::fold_gradient`]), with the same bits.
    fn fold<T: Real>(grad: &mut [T], lanes: &mut [Lane<T>], sums: &mut [T]) -> usize = fold_body;
}

/// The body of [`fold`], compiled once per instruction set.
#[inline(always)]
fn fold_body<T: Real, V: LaneVec<T>>(
    grad: &mut [T],
    lanes: &mut [Lane<T>],
    sums: &mut [T],
) -> usize {
    let done = V::fold_gradient(grad, lanes, sums);
    let rest = lanes[done..].iter_mut().zip(&mut sums[done..]);
    for (g, (lanes, sum)) in grad[done..].iter_mut().zip(rest) {
        let mut s = *sum;
        for v in lanes.iter() {
            s += *v;
        }
        *g = s;
        *lanes = zeros();
        *sum = T::zero();
    }
    grad.len()
}

/// Loads up to TILE points into lanes (zeros past the end).
pub(crate) fn load<T: Real>(points: &[[f64; 2]], start: usize) -> [Lane<T>; 2] {
    let mut out = [zeros(); 2];
    for (t, pt) in points[start..].iter().take(TILE).enumerate() {
        out[0][t] = T::from_f64(pt[0]);
        out[1][t] = T::from_f64(pt[1]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The dispatched fold (eight parameters at a time in the AVX clones) against the
    /// baseline lanes' scalar loop: the same bits, −0, infinities and NaN among the inputs, a
    /// length that leaves a remainder, and both accumulators zeroed.
    #[test]
    fn the_fold_gives_the_scalar_bits() {
        let mut rng = Rng::seed_from_u64(23);
        let n = 8 * 5 + 3;
        let mut lanes: Vec<Lane<f32>> = (0..n)
            .map(|_| std::array::from_fn(|_| (1e3 * rng.normal()) as f32))
            .collect();
        let mut sums: Vec<f32> = (0..n)
            .map(|i| if i % 3 == 0 { 0.0 } else { rng.normal() as f32 })
            .collect();
        lanes[0] = [-0.0; TILE];
        lanes[1][3] = f32::INFINITY;
        lanes[2][5] = f32::NAN;
        sums[4] = -0.0;
        lanes[4] = [-0.0; TILE];
        let (mut lanes2, mut sums2) = (lanes.clone(), sums.clone());
        let (mut g1, mut g2) = (vec![0.0f32; n], vec![0.0f32; n]);
        fold(&mut g1, &mut lanes, &mut sums);
        fold_body::<f32, <f32 as Real>::V>(&mut g2, &mut lanes2, &mut sums2);
        let bits = |g: &[f32]| g.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&g1), bits(&g2));
        assert!(g1[1].is_infinite() && g1[2].is_nan() && g1[4].to_bits() == (-0.0f32).to_bits());
        assert!(
            lanes
                .iter()
                .flatten()
                .chain(&sums)
                .all(|x| x.to_bits() == 0)
        );
    }
}
