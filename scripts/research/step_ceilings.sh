#!/usr/bin/env bash
# The training step at the samples default's shape against what the core can do and against
# deliberately altered builds of itself (docs/FITS.md, "The step against the core's
# ceilings"). Prints:
#   - the CPU, its clock (examples/cpu_clock.rs) and the AVX pipes' ceilings on the exact
#     kernels' patterns (examples/avx_throughput.rs);
#   - the fastest step of `bench --reps REPS --batch 640 --blocks 12 --leapfrog-steps 2`
#     (the samples default's batch, blocks and steps, with bench's tanh) for HEAD and for
#     builds of HEAD with one patch of patches/ each, in alternating rounds on one pinned core.
#     The fastest step varies by 1–3 % from run to run on this noisy machine, where the time
#     per iteration of `train` wanders by 10 %. The builds:
#     four_rows_exact_matvec  the exact AVX2 products four rows at a time, as before 867c14e
#         (the same bits);
#     two_units_avx2  the loops over hidden units two units at a time in the AVX2 clones, as
#         the AVX-512 ones take them (the same bits);
#     one_block_of_force_caches, one_block_of_gradients, one_block_of_weights  every block
#         uses block 0's force caches, gradient or weights: wrong numbers, the same arithmetic,
#         so what each one's memory traffic costs is bounded by how much faster it runs;
#     all_three_bounds  the three together.
#   [REPS=30] scripts/research/step_ceilings.sh [ROUNDS]
set -euo pipefail
rounds=${1:-6}
root=$(pwd)
head=$root/target/release/nhf-playground
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -m1 'model name' /proc/cpuinfo
grep -m1 'cpu family' /proc/cpuinfo
taskset -c 1 cargo run --release -q --example cpu_clock
taskset -c 1 cargo run --release -q --example avx_throughput
declare -A builds=(
  [four_rows_exact_matvec]=four_rows_exact_matvec
  [two_units_avx2]=two_units_avx2
  [one_block_of_force_caches]=one_block_of_force_caches
  [one_block_of_gradients]=one_block_of_gradients
  [one_block_of_weights]=one_block_of_weights
  [all_three_bounds]="one_block_of_force_caches one_block_of_gradients one_block_of_weights"
)
names=(four_rows_exact_matvec two_units_avx2 one_block_of_force_caches one_block_of_gradients
  one_block_of_weights all_three_bounds)
for name in "${names[@]}"; do
  wt="$tmp/$name"
  git worktree add -q --detach "$wt" HEAD
  for p in ${builds[$name]}; do (cd "$wt" && git apply "$root/scripts/research/patches/$p.patch"); done
  (cd "$wt" && CARGO_TARGET_DIR="$tmp/target" cargo build --release -q --bin nhf-playground &&
    cp "$tmp/target/release/nhf-playground" "$tmp/$name.bin")
  git worktree remove --force "$wt"
done
# The fastest step (ms) of one bench run.
fastest() {
  taskset -c 1 "$1" bench --reps "${REPS:-30}" --batch 640 --blocks 12 --leapfrog-steps 2 |
    tail -1 | sed -E 's/.*\(min ([0-9.]+),.*/\1/'
}
echo "fastest step (ms), bench --batch 640 --blocks 12 --leapfrog-steps 2, one pinned core:"
for r in $(seq "$rounds"); do
  line="  round $r: HEAD $(fastest "$head")"
  for name in "${names[@]}"; do line="$line | $name $(fastest "$tmp/$name.bin")"; done
  echo "$line"
done
echo "bits of the two same-bits builds against HEAD (model files after 30 iterations):"
for name in four_rows_exact_matvec two_units_avx2; do
  echo "  $name:"; scripts/same_bits.sh "$head" "$tmp/$name.bin" 30 | sed 's/^/    /'
done
