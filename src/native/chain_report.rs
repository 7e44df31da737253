//! What the MCMC commands (`hmc`, `l2hmc`) report about their chains: per coordinate the
//! effective sample size, split R̂ and mean (docs/MATH.md §8), and the draws as CSV.

use std::path::Path;

use nhf_playground::hmc::{effective_sample_size, split_r_hat};
use nhf_playground::targets::Target;

/// The chains' figures, one per coordinate.
#[derive(Clone, Copy, Debug)]
pub struct ChainReport {
    /// Effective sample size.
    pub ess: [f64; 2],
    /// Split R̂.
    pub r_hat: [f64; 2],
    /// Mean of all draws.
    pub mean: [f64; 2],
}

impl ChainReport {
    /// The figures of `samples` (one vector of draws per chain).
    pub fn of(samples: &[Vec<[f64; 2]>]) -> Self {
        let mut report = Self {
            ess: [0.0; 2],
            r_hat: [0.0; 2],
            mean: [0.0; 2],
        };
        for axis in 0..2 {
            let chains: Vec<Vec<f64>> = samples
                .iter()
                .map(|c| c.iter().map(|q| q[axis]).collect())
                .collect();
            let refs: Vec<&[f64]> = chains.iter().map(Vec::as_slice).collect();
            report.ess[axis] = effective_sample_size(&refs);
            report.r_hat[axis] = split_r_hat(&refs);
            let all = chains.concat();
            report.mean[axis] = all.iter().sum::<f64>() / all.len().max(1) as f64;
        }
        report
    }

    /// The smaller of the two effective sample sizes.
    pub fn ess_min(&self) -> f64 {
        self.ess[0].min(self.ess[1])
    }
}

/// Writes the draws as CSV (chain, x, y) in the target's display coordinates.
pub fn write_draws(
    path: &Path,
    target: &dyn Target,
    samples: &[Vec<[f64; 2]>],
) -> Result<(), String> {
    let mut csv = String::from("chain,x,y\n");
    for (c, chain) in samples.iter().enumerate() {
        for q in chain {
            let d = target.to_display(*q);
            csv.push_str(&format!("{c},{},{}\n", d[0], d[1]));
        }
    }
    std::fs::write(path, csv).map_err(|e| format!("{}: {e}", path.display()))
}
