//! A batch as fixed pieces of [`PIECE`] points: the unit of work that threads (native) and Web
//! Workers (browser) share out.
//!
//! The pieces depend only on the batch size, never on how many workers compute them, and
//! their gradients are summed in piece order by [`sum_pieces`]; so a training step gives the
//! same bits whether one worker computes every piece or sixteen share them, natively and in
//! the browser. (Splitting the batch by the number of workers, as the first threaded step did,
//! changed the summation order with the count.)

use std::ops::Range;

use super::flow::Flow;
use super::lanes::{Lane, LaneVec, TILE, with_avx_clone};
use super::leapfrog::transpose_all;
use super::objective::{Inputs, Workspace, loss_and_grad_transposed};
use super::real::Real;

/// Points in one piece: four tiles. Small enough that a batch of 256 is eight pieces to share
/// out, large enough that the per-piece bookkeeping (zeroing and reducing the per-lane
/// gradient, about 2 % of a piece's work at the standard width) stays small.
pub const PIECE: usize = 32;

/// How many pieces a batch of `batch` points has (at least one).
pub fn piece_count(batch: usize) -> usize {
    batch.div_ceil(PIECE).max(1)
}

/// The points of piece `i` of a batch of `batch` points.
pub fn piece_range(batch: usize, i: usize) -> Range<usize> {
    (i * PIECE).min(batch)..((i + 1) * PIECE).min(batch)
}

/// The pieces worker `w` of `workers` computes: a contiguous run, the first workers taking one
/// more when the pieces do not divide evenly.
pub fn pieces_of_worker(pieces: usize, workers: usize, w: usize) -> Range<usize> {
    let workers = workers.max(1);
    let (each, extra) = (pieces / workers, pieces % workers);
    let start = w * each + w.min(extra);
    start..start + each + usize::from(w < extra)
}

/// The mean losses and gradients of pieces `first`, `first + 1`, … of the batch, one per entry
/// of `losses` (the gradients one after another in `grads`); [`sum_pieces`] weighs each by the
/// piece's share of the batch, `|piece| / B`, so that they sum to the batch mean (docs/MATH.md
/// §2, the loss as a mean over the batch). W₂ is transposed once for all of them: the pieces
/// share the parameters, and the transposes were 1.5 % of a step when each piece made its own.
pub fn pieces_loss_and_grad(
    flow: &Flow,
    inputs: &Inputs,
    first: usize,
    ws: &mut Workspace<f32>,
    losses: &mut [f32],
    grads: &mut [f32],
) {
    let (n, p) = (inputs.len(), flow.params.len());
    transpose_all(&flow.params, &flow.layout, &mut ws.w2t);
    for (k, (loss, grad)) in losses.iter_mut().zip(grads.chunks_exact_mut(p)).enumerate() {
        let range = piece_range(n, first + k);
        if range.is_empty() {
            grad.fill(0.0);
            *loss = 0.0;
            continue;
        }
        *loss = loss_and_grad_transposed(
            &flow.params,
            &flow.config,
            &flow.layout,
            &inputs.slice(range),
            ws,
            Some(grad),
        );
    }
}

/// The batch's mean loss and gradient from its pieces' (a batch of `batch` points), each
/// weighed by its share `|piece| / B` and summed in piece order — the fixed order that makes a
/// step independent of the number of workers. `grads` holds the pieces' gradients one after
/// another.
pub fn sum_pieces(batch: usize, losses: &[f32], grads: &[f32], out: &mut [f32]) -> f32 {
    let n = out.len();
    out.fill(0.0);
    let mut loss = 0.0;
    for (i, (l, g)) in losses.iter().zip(grads.chunks_exact(n)).enumerate() {
        let w = piece_range(batch, i).len() as f32 / batch as f32;
        loss += w * l;
        add_scaled(out, w, g);
    }
    loss
}

with_avx_clone! {
    /// `out[i] += w · g[i]`, a multiply then an add, element by element: compiled for AVX where
    /// the CPU has it, which only widens the loop, so the bits are the same.
    fn add_scaled<T: Real>(out: &mut [T], w: T, g: &[T]) -> () = add_scaled_body;
}

/// The body of [`add_scaled`], compiled once per instruction set.
#[inline(always)]
fn add_scaled_body<T: Real, V: LaneVec<T>>(out: &mut [T], w: T, g: &[T]) {
    let (mut out8, mut g8) = (out.chunks_exact_mut(TILE), g.chunks_exact(TILE));
    for (o, x) in (&mut out8).zip(&mut g8) {
        let (o, x): (&mut Lane<T>, &Lane<T>) = (o.try_into().unwrap(), x.try_into().unwrap());
        *o = (V::load(o) + V::splat(w) * V::load(x)).store();
    }
    for (o, x) in out8.into_remainder().iter_mut().zip(g8.remainder()) {
        *o += w * *x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_batch_once_for_any_worker_count() {
        for batch in [1, 31, 32, 33, 100, 256, 512] {
            let pieces = piece_count(batch);
            let covered: Vec<usize> = (0..pieces).flat_map(|i| piece_range(batch, i)).collect();
            assert_eq!(covered, (0..batch).collect::<Vec<_>>(), "batch {batch}");
            for workers in 1..=20 {
                let runs: Vec<usize> = (0..workers)
                    .flat_map(|w| pieces_of_worker(pieces, workers, w))
                    .collect();
                assert_eq!(runs, (0..pieces).collect::<Vec<_>>(), "{workers} workers");
            }
        }
    }

    /// The dispatched `out += w·g` (eight lanes at a time in the AVX clones) gives the scalar
    /// loop's bits, over a length that leaves a remainder.
    #[test]
    fn the_scaled_sum_gives_the_scalar_bits() {
        let mut rng = crate::rng::Rng::seed_from_u64(3);
        let n = 8 * 6 + 5;
        let g: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
        let start: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
        let w = 0.3f32;
        let mut got = start.clone();
        add_scaled(&mut got, w, &g);
        let want: Vec<u32> = start
            .iter()
            .zip(&g)
            .map(|(o, x)| (o + w * x).to_bits())
            .collect();
        assert_eq!(got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want);
    }

    #[test]
    fn the_sum_starts_from_the_first_piece_exactly() {
        // 0 + 1·x is x: one piece alone is its own sum, bit for bit.
        let mut out = [7.0f32; 3];
        let loss = sum_pieces(20, &[0.1], &[1e-30, -0.0, 3.5], &mut out);
        assert_eq!(loss.to_bits(), 0.1f32.to_bits());
        assert_eq!(
            out.map(f32::to_bits),
            [1e-30f32, 0.0, 3.5].map(f32::to_bits)
        );
    }
}
