//! Chains' autocovariances at every lag in O(n log n), by the fast Fourier transform (as Stan
//! computes them): the direct sum over lags costs O(n²) once chains mix slowly, 30 ms per
//! coordinate for 16 chains of 2000 draws against 6 ms this way (`examples/ess_cost.rs`), a
//! visible stutter when the chains view re-estimates the ESS twice a second.
//!
//! With x centred and zero-padded to N ≥ 2n, the circular autocorrelation of the padded
//! sequence equals the linear one, Σᵢ xᵢ xᵢ₊ₜ, and it is the inverse transform of |X|². A small
//! radix-2 transform is written here rather than taken from a crate: the wasm size budget has
//! no room for a general FFT library, and this one is thirty lines a student can check.

use std::f64::consts::PI;

/// cos and sin of −2πk/N for k < N/2: the transforms' twiddle factors, computed once per size
/// (from libm, so the result is the same on wasm and native).
struct Twiddles {
    cos: Vec<f64>,
    sin: Vec<f64>,
}

impl Twiddles {
    fn new(n: usize) -> Self {
        let angle = |k: usize| -2.0 * PI * k as f64 / n as f64;
        Self {
            cos: (0..n / 2).map(|k| libm::cos(angle(k))).collect(),
            sin: (0..n / 2).map(|k| libm::sin(angle(k))).collect(),
        }
    }
}

/// In-place radix-2 Cooley–Tukey transform of `re + i·im` (length a power of two, the
/// twiddles' size); the inverse when `inverse` (without the 1/N factor).
fn fft(re: &mut [f64], im: &mut [f64], twiddles: &Twiddles, inverse: bool) {
    let n = re.len();
    debug_assert!(n.is_power_of_two() && im.len() == n && twiddles.cos.len() * 2 == n);
    // Bit-reversal permutation.
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let sign = if inverse { -1.0 } else { 1.0 };
    let mut len = 2;
    while len <= n {
        let (stride, half) = (n / len, len / 2);
        for start in (0..n).step_by(len) {
            for k in 0..half {
                let (wr, wi) = (twiddles.cos[k * stride], sign * twiddles.sin[k * stride]);
                let (a, b) = (start + k, start + k + half);
                let tr = re[b] * wr - im[b] * wi;
                let ti = re[b] * wi + im[b] * wr;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

/// Σᵢ (xᵢ − μ)(xᵢ₊ₜ − μ) for every lag t = 0 … n − 1, summed over the chains (each with its
/// mean), for the first `n` draws of each chain. One transform size, twiddle table and pair of
/// buffers serve every chain.
pub fn lagged_products(chains: &[&[f64]], means: &[f64], n: usize) -> Vec<f64> {
    let mut total = vec![0.0; n];
    if n == 0 {
        return total;
    }
    let size = (2 * n).next_power_of_two();
    let twiddles = Twiddles::new(size);
    let (mut re, mut im) = (vec![0.0; size], vec![0.0; size]);
    for (x, mean) in chains.iter().zip(means) {
        re.iter_mut().for_each(|r| *r = 0.0);
        im.iter_mut().for_each(|i| *i = 0.0);
        for (r, v) in re.iter_mut().zip(&x[..n]) {
            *r = v - mean;
        }
        fft(&mut re, &mut im, &twiddles, false);
        for (r, i) in re.iter_mut().zip(im.iter_mut()) {
            *r = *r * *r + *i * *i;
            *i = 0.0;
        }
        fft(&mut re, &mut im, &twiddles, true);
        for (t, r) in total.iter_mut().zip(&re) {
            *t += r / size as f64;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Against the direct sum at every lag, for lengths that are and are not powers of two,
    /// summed over two chains.
    #[test]
    fn matches_the_direct_sum() {
        let mut rng = Rng::seed_from_u64(7);
        for n in [1, 2, 5, 37, 64, 1000] {
            let chains: Vec<Vec<f64>> = (0..2)
                .map(|_| (0..n).map(|_| 3.0 + rng.normal()).collect())
                .collect();
            let means: Vec<f64> = chains
                .iter()
                .map(|x| x.iter().sum::<f64>() / n as f64)
                .collect();
            let refs: Vec<&[f64]> = chains.iter().map(Vec::as_slice).collect();
            let fast = lagged_products(&refs, &means, n);
            let scale: f64 = chains
                .iter()
                .zip(&means)
                .map(|(x, m)| x.iter().map(|v| (v - m) * (v - m)).sum::<f64>())
                .sum();
            for t in 0..n {
                let direct: f64 = chains
                    .iter()
                    .zip(&means)
                    .map(|(x, m)| (0..n - t).map(|i| (x[i] - m) * (x[i + t] - m)).sum::<f64>())
                    .sum();
                assert!(
                    (fast[t] - direct).abs() <= 1e-12 * scale.max(1.0),
                    "n {n}, lag {t}: {} vs {direct}",
                    fast[t]
                );
            }
        }
        assert!(lagged_products(&[], &[], 0).is_empty());
    }
}
