//! The buffers of a loss-and-gradient evaluation ([`super::objective::loss_and_grad`]) and the
//! parameter cotangents it accumulates, sized once per configuration so that training
//! allocates nothing per step.

use super::config::FlowConfig;
use super::encoder::EncoderCache;
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
        let accumulators = self.grad_lanes.iter_mut().zip(&mut self.grad_sums);
        for (g, (lanes, sum)) in grad.iter_mut().zip(accumulators) {
            let mut s = *sum;
            for v in lanes.iter() {
                s += *v;
            }
            *g = s;
            *lanes = zeros();
            *sum = T::zero();
        }
    }
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
