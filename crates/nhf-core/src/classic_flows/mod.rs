//! The normalizing flows the NHF story starts from (Rezende & Mohamed 2015): K planar or radial
//! layers on a standard Gaussian base, trained by the reverse KL to an unnormalised target,
//! as in the paper's Figure 3. Each layer has a cheap log-determinant and a hand-written
//! backward pass ([`planar`], [`radial`]), checked against central differences. docs/MATH.md §9.

pub mod planar;
pub mod radial;

use crate::nhf::adam::Adam;
use crate::nhf::eval::ess_fraction;
use crate::rng::Rng;
use crate::targets::Target;

/// Adam's learning rate of a planar or radial flow unless the user picks another (the CLI's
/// and the playground's default).
pub const DEFAULT_LR: f64 = 1e-2;
/// Base points per training step unless the user picks another.
pub const DEFAULT_BATCH: usize = 128;
/// Layers unless the user picks another (the middle of the paper's 2, 8 and 32).
pub const DEFAULT_LAYERS: usize = 8;

/// Which layer the flow stacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    /// z′ = z + û tanh(wᵀz + b).
    Planar,
    /// z′ = z + β (z − z₀)/(α + ‖z − z₀‖).
    Radial,
}

impl LayerKind {
    fn params(self) -> usize {
        match self {
            Self::Planar => planar::PARAMS,
            Self::Radial => radial::PARAMS,
        }
    }
    fn forward(self, p: &[f64], z: [f64; 2]) -> ([f64; 2], f64) {
        match self {
            Self::Planar => planar::forward(p, z),
            Self::Radial => radial::forward(p, z),
        }
    }
    fn backward(self, p: &[f64], z: [f64; 2], g: [f64; 2], grad: &mut [f64]) -> [f64; 2] {
        match self {
            Self::Planar => planar::backward(p, z, g, grad),
            Self::Radial => radial::backward(p, z, g, grad),
        }
    }
}

/// A flow of K layers of one kind on the base N(0, I).
#[derive(Clone, Debug)]
pub struct ClassicFlow {
    /// The layers' kind.
    pub kind: LayerKind,
    /// K, the number of layers.
    pub layers: usize,
    /// All layers' parameters, layer after layer.
    pub params: Vec<f64>,
}

/// log N(z; 0, I) in two dimensions.
fn log_standard_normal(z: [f64; 2]) -> f64 {
    -0.5 * (z[0] * z[0] + z[1] * z[1]) - (2.0 * std::f64::consts::PI).ln()
}

impl ClassicFlow {
    /// K fresh layers from a seed (near the identity).
    pub fn new(kind: LayerKind, layers: usize, seed: u64) -> Self {
        let mut rng = Rng::seed_from_u64(seed);
        let params = (0..layers)
            .flat_map(|_| match kind {
                LayerKind::Planar => planar::init(&mut rng).to_vec(),
                LayerKind::Radial => radial::init(&mut rng).to_vec(),
            })
            .collect();
        Self {
            kind,
            layers,
            params,
        }
    }

    fn layer(&self, k: usize) -> &[f64] {
        let n = self.kind.params();
        &self.params[k * n..(k + 1) * n]
    }

    /// The path of a base point through the layers: z₀, z₁, …, z_K (for the layer-by-layer
    /// animation), and the log density of z_K under the flow, log q_K(z_K) = log N(z₀) − Σ log|det|.
    pub fn path(&self, z0: [f64; 2]) -> (Vec<[f64; 2]>, f64) {
        let mut zs = Vec::with_capacity(self.layers + 1);
        let log_q = self.path_into(z0, &mut zs);
        (zs, log_q)
    }

    /// [`ClassicFlow::path`] into a buffer the caller keeps (training reuses one, so its loop
    /// allocates nothing).
    pub fn path_into(&self, z0: [f64; 2], zs: &mut Vec<[f64; 2]>) -> f64 {
        zs.clear();
        let mut z = z0;
        let mut log_q = log_standard_normal(z0);
        zs.push(z);
        for k in 0..self.layers {
            let (next, logdet) = self.kind.forward(self.layer(k), z);
            log_q -= logdet;
            z = next;
            zs.push(z);
        }
        log_q
    }

    /// The reverse-KL loss of one base point, log q_K(z_K) − log π̃(z_K) (the paper's free
    /// energy, whose mean over z₀ ~ N(0, I) is KL(q_K ‖ π) − log Z), and its gradient with respect
    /// to every parameter, added to `grad`. `zs` is scratch space for the path.
    pub fn point_loss_and_grad(
        &self,
        target: &dyn Target,
        z0: [f64; 2],
        zs: &mut Vec<[f64; 2]>,
        grad: &mut [f64],
    ) -> f64 {
        let log_q = self.path_into(z0, zs);
        let end = zs[self.layers];
        let loss = log_q - target.log_prob(end);
        let t = target.grad_log_prob(end);
        let mut g = [-t[0], -t[1]];
        let n = self.kind.params();
        for k in (0..self.layers).rev() {
            g = self
                .kind
                .backward(self.layer(k), zs[k], g, &mut grad[k * n..(k + 1) * n]);
        }
        loss
    }
}

/// Training a [`ClassicFlow`] by the reverse KL with Adam.
#[derive(Clone, Debug)]
pub struct ClassicTrainer {
    /// The flow being trained.
    pub flow: ClassicFlow,
    /// Points per step.
    pub batch: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Steps taken.
    pub step: u64,
    /// (step, mean loss) of every step.
    pub history: Vec<(u64, f64)>,
    adam: Adam,
    params32: Vec<f32>,
    grad: Vec<f64>,
    grad32: Vec<f32>,
    /// The path of the current point (reused).
    zs: Vec<[f64; 2]>,
    rng: Rng,
}

impl ClassicTrainer {
    /// A trainer for `flow` drawing its base points from `seed`.
    pub fn new(flow: ClassicFlow, batch: usize, lr: f64, seed: u64) -> Self {
        let n = flow.params.len();
        Self {
            params32: flow.params.iter().map(|p| *p as f32).collect(),
            flow,
            batch: batch.max(1),
            lr,
            step: 0,
            history: Vec::new(),
            adam: Adam::new(n),
            grad: vec![0.0; n],
            grad32: vec![0.0; n],
            zs: Vec::new(),
            rng: Rng::seed_from_u64(seed ^ 0x5eed),
        }
    }

    /// One Adam step on a fresh batch; a step whose loss or gradient is not finite is skipped
    /// (the parameters stay) and reported as an error.
    pub fn train_step(&mut self, target: &dyn Target) -> Result<f64, String> {
        self.grad.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.0;
        for _ in 0..self.batch {
            let z0 = [self.rng.normal(), self.rng.normal()];
            loss += self
                .flow
                .point_loss_and_grad(target, z0, &mut self.zs, &mut self.grad);
        }
        let scale = 1.0 / self.batch as f64;
        loss *= scale;
        if !loss.is_finite() || self.grad.iter().any(|g| !g.is_finite()) {
            return Err(format!(
                "step {}: the loss or its gradient is not finite",
                self.step
            ));
        }
        for (g32, g) in self.grad32.iter_mut().zip(&self.grad) {
            *g32 = (g * scale) as f32;
        }
        self.adam
            .step(&mut self.params32, &self.grad32, self.lr, 100.0);
        for (p, p32) in self.flow.params.iter_mut().zip(&self.params32) {
            *p = f64::from(*p32);
        }
        self.step += 1;
        self.history.push((self.step, loss));
        Ok(loss)
    }

    /// The importance-sampling effective sample size of the flow's samples for the target,
    /// in percent, from `n` fresh draws (needs a normalised or unnormalised log density alike).
    pub fn ess_percent(&self, target: &dyn Target, n: usize, rng: &mut Rng) -> f64 {
        let log_w: Vec<f64> = (0..n)
            .map(|_| {
                let (zs, log_q) = self.flow.path([rng.normal(), rng.normal()]);
                target.log_prob(zs[self.flow.layers]) - log_q
            })
            .collect();
        100.0 * ess_fraction(&log_w)
    }
}

#[cfg(test)]
mod tests;
