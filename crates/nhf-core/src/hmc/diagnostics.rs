//! How good a set of MCMC chains is, for one scalar quantity: the effective sample size from
//! the chains' autocorrelation (Geyer's initial monotone sequence over the chains' combined
//! autocorrelation, as Stan computes it; Gelman et al., BDA3 §11.5) and the split R̂ that
//! compares the chains' halves (Gelman & Rubin 1992, split as in BDA3). docs/MATH.md §8.

use super::autocovariance::lagged_products;

/// Lags summed directly before the rest come from one FFT: about where the O(n·lags) sums
/// cost as much as the transform (16 chains of 2000 draws: a lag 35 µs, the transforms of
/// every lag 4.5 ms; `examples/ess_cost.rs`, AMD EPYC).
const DIRECT_LAGS: usize = 128;

/// The chains' common length (the shortest), and their means and variances over it.
struct Moments {
    n: usize,
    means: Vec<f64>,
    /// Mean of the chains' variances (denominator n − 1): W.
    within: f64,
    /// The pooled variance estimate var⁺ = (n − 1)/n · W + B/n.
    var_plus: f64,
}

fn moments(chains: &[&[f64]]) -> Option<Moments> {
    let n = chains.iter().map(|c| c.len()).min()?;
    let m = chains.len();
    if n < 4 || m == 0 {
        return None;
    }
    let means: Vec<f64> = chains
        .iter()
        .map(|c| c[..n].iter().sum::<f64>() / n as f64)
        .collect();
    let within = chains
        .iter()
        .zip(&means)
        .map(|(c, mu)| c[..n].iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (n - 1) as f64)
        .sum::<f64>()
        / m as f64;
    let grand = means.iter().sum::<f64>() / m as f64;
    let between_over_n = if m > 1 {
        means
            .iter()
            .map(|mu| (mu - grand) * (mu - grand))
            .sum::<f64>()
            / (m - 1) as f64
    } else {
        0.0
    };
    let var_plus = (n - 1) as f64 / n as f64 * within + between_over_n;
    (within.is_finite() && var_plus > 0.0).then_some(Moments {
        n,
        means,
        within,
        var_plus,
    })
}

/// The effective number of independent draws the chains are worth for estimating a mean:
/// M·N / τ with τ = −1 + 2 Σₖ Pₖ, Pₖ = ρ̂₂ₖ + ρ̂₂ₖ₊₁ summed while positive and made
/// monotone, ρ̂ₜ = 1 − (W − mean autocovariance at lag t) / var⁺. NaN when there are fewer than
/// four draws per chain or the chains do not vary.
pub fn effective_sample_size(chains: &[&[f64]]) -> f64 {
    let Some(mo) = moments(chains) else {
        return f64::NAN;
    };
    let (n, m) = (mo.n, chains.len());
    // The autocovariance at lag t, averaged over the chains (denominator n, as Stan's): by
    // direct sums for the first lags, which is all that chains that mix well need, and for
    // every lag at once by FFT if the sum below runs past them (slow chains: O(n log n)
    // rather than O(n²), `examples/ess_cost.rs`).
    let direct = |t: usize| -> f64 {
        chains
            .iter()
            .zip(&mo.means)
            .map(|(c, mu)| {
                (0..n - t)
                    .map(|i| (c[i] - mu) * (c[i + t] - mu))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / (n * m) as f64
    };
    let mut all_lags: Option<Vec<f64>> = None;
    let mut rho = |t: usize| {
        let acov = if t < DIRECT_LAGS {
            direct(t)
        } else {
            all_lags.get_or_insert_with(|| lagged_products(chains, &mo.means, n))[t]
                / (n * m) as f64
        };
        1.0 - (mo.within - acov) / mo.var_plus
    };
    let mut sum = 0.0;
    let mut previous = f64::INFINITY;
    let mut t = 0;
    while t + 1 < n {
        let pair = rho(t) + rho(t + 1);
        if pair <= 0.0 {
            break;
        }
        let pair = pair.min(previous);
        sum += pair;
        previous = pair;
        t += 2;
    }
    let tau = (-1.0 + 2.0 * sum).max(1.0 / ((m * n) as f64).log10());
    (m * n) as f64 / tau
}

/// Split R̂: each chain cut in two halves, then the potential scale reduction
/// √(var⁺ / W) over the halves. Near 1 when the chains agree; above 1.01 they have not mixed.
/// NaN when there are fewer than four draws per chain or the chains do not vary.
pub fn split_r_hat(chains: &[&[f64]]) -> f64 {
    let Some(n) = chains.iter().map(|c| c.len()).min() else {
        return f64::NAN;
    };
    let half = n / 2;
    let halves: Vec<&[f64]> = chains
        .iter()
        .flat_map(|c| [&c[..half], &c[n - half..n]])
        .collect();
    moments(&halves).map_or(f64::NAN, |mo| (mo.var_plus / mo.within).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn ar1(phi: f64, n: usize, rng: &mut Rng) -> Vec<f64> {
        let mut x = rng.normal() / (1.0 - phi * phi).sqrt();
        (0..n)
            .map(|_| {
                x = phi * x + rng.normal();
                x
            })
            .collect()
    }

    /// Independent draws are worth about their number; an AR(1) chain with φ = 0.9 about
    /// 1/τ of it, τ = (1 + φ)/(1 − φ) = 19.
    #[test]
    fn ess_is_the_number_of_draws_over_the_autocorrelation_time() {
        let mut rng = Rng::seed_from_u64(3);
        let iid: Vec<Vec<f64>> = (0..4).map(|_| ar1(0.0, 2000, &mut rng)).collect();
        let refs: Vec<&[f64]> = iid.iter().map(Vec::as_slice).collect();
        let ess = effective_sample_size(&refs);
        assert!((ess / 8000.0 - 1.0).abs() < 0.15, "iid: {ess}");
        let slow: Vec<Vec<f64>> = (0..4).map(|_| ar1(0.9, 5000, &mut rng)).collect();
        let refs: Vec<&[f64]> = slow.iter().map(Vec::as_slice).collect();
        let ess = effective_sample_size(&refs);
        let want = 20_000.0 / 19.0;
        assert!(
            (ess / want - 1.0).abs() < 0.25,
            "AR(1): {ess}, want about {want}"
        );
    }

    /// Chains that agree give R̂ near 1; chains stuck in different places give a large R̂, and
    /// so does one chain that drifts (its halves disagree).
    #[test]
    fn split_r_hat_tells_mixed_chains_from_stuck_ones() {
        let mut rng = Rng::seed_from_u64(4);
        let good: Vec<Vec<f64>> = (0..4).map(|_| ar1(0.5, 2000, &mut rng)).collect();
        let refs: Vec<&[f64]> = good.iter().map(Vec::as_slice).collect();
        let r = split_r_hat(&refs);
        assert!((r - 1.0).abs() < 0.01, "mixed: {r}");
        let stuck: Vec<Vec<f64>> = (0..4)
            .map(|k| {
                ar1(0.5, 500, &mut rng)
                    .iter()
                    .map(|x| x + 3.0 * f64::from(k))
                    .collect()
            })
            .collect();
        let refs: Vec<&[f64]> = stuck.iter().map(Vec::as_slice).collect();
        assert!(split_r_hat(&refs) > 1.5);
        let drift: Vec<f64> = (0..1000)
            .map(|i| f64::from(i) / 100.0 + rng.normal())
            .collect();
        assert!(split_r_hat(&[&drift]) > 1.2);
        assert!(split_r_hat(&[&[1.0, 1.0, 1.0, 1.0, 1.0]]).is_nan());
        assert!(effective_sample_size(&[&[1.0, 2.0]]).is_nan());
    }
}
