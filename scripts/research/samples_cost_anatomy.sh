#!/usr/bin/env bash
# Where the samples default's time per iteration goes on this CPU (docs/FITS.md, "The samples
# default's cost on AVX2, taken apart"). Prints:
#   - the core's clock (examples/cpu_clock.rs);
#   - the time per iteration against the number of blocks K (2 to 16 blocks' tapes and
#     gradients, from well inside the core's 512 KB L2 cache to well outside it);
#   - HEAD against four patched builds of itself, each built in a worktree, alternating:
#     patches/one_block_of_force_caches.patch  every block writes and reads the same block's
#         force caches (wrong numbers, the same arithmetic; a tape of 3 caches, not 36), which
#         bounds what the tape's memory traffic costs;
#     patches/one_block_of_gradients.patch  every block adds into the first block's gradient
#         (wrong numbers, the same arithmetic), which bounds what the per-lane gradients'
#         traffic costs;
#     patches/w2_products_once_per_piece.patch  a real candidate, the same bits: each tile of a
#         batch piece keeps its tape and a block's W̄₂ products are added once per piece;
#     patches/eight_rows_exact_matvec.patch  a real candidate, the same bits: the exact AVX
#         matrix–vector products take eight rows at a time instead of four. Since 867c14e
#         HEAD has eight rows, so with EIGHT_ROWS_IN_HEAD=1 (the default from then on) the
#         script builds patches/four_rows_exact_matvec.patch instead, the old four rows.
# Everything pinned to core 1 (taskset), ITERS (300) iterations of checkerboard at the samples
# default. docs/fits/samples_cost_anatomy.txt has a run of five rounds (its clock line from an
# earlier form of this script, the same loop of dependent adds in C), then the two candidates
# against HEAD again over ten rounds of 600 iterations, run by hand with the same `ms`
# (iteration_ms.sh's, which this script sources).
#   [ITERS=300] scripts/research/samples_cost_anatomy.sh [ROUNDS]
set -euo pipefail
rounds=${1:-3}
root=$(pwd)
head=$root/target/release/nhf-playground
export ITERS=${ITERS:-300} PIN=1
. "$root/scripts/research/iteration_ms.sh"
# `ms BINARY FLAGS…`: the shared `ms` of iteration_ms.sh on another binary, on checkerboard.
ms_of() { bin=$1 ms --target checkerboard "${@:2}"; }
tmp=$(mktemp -d)
taskset -c 1 cargo run --release -q --example cpu_clock
grep -m1 'model name' /proc/cpuinfo
grep -m1 'cpu family' /proc/cpuinfo
echo "ms per iteration against blocks K:"
for r in $(seq "$rounds"); do
  line="  round $r:"
  for k in 2 4 6 8 10 12 16; do line="$line K$k $(ms_of "$head" --blocks "$k")"; done
  echo "$line"
done
rows=eight_rows_exact_matvec
[ "${EIGHT_ROWS_IN_HEAD:-1}" = 1 ] && rows=four_rows_exact_matvec
patches=(one_block_of_force_caches one_block_of_gradients w2_products_once_per_piece "$rows")
for p in "${patches[@]}"; do
  wt="$tmp/$p"
  git worktree add -q --detach "$wt" HEAD
  (cd "$wt" && git apply "$root/scripts/research/patches/$p.patch" &&
    CARGO_TARGET_DIR="$tmp/target" cargo build --release -q --bin nhf-playground &&
    cp "$tmp/target/release/nhf-playground" "$tmp/$p.bin")
  git worktree remove --force "$wt"
done
for r in $(seq "$rounds"); do
  line="  round $r: HEAD $(ms_of "$head")"
  for p in "${patches[@]}"; do line="$line | $p $(ms_of "$tmp/$p.bin")"; done
  echo "$line"
done
echo "bits of the two candidates against HEAD (model files after 30 iterations):"
for p in w2_products_once_per_piece "$rows"; do
  echo "  $p:"; scripts/same_bits.sh "$head" "$tmp/$p.bin" 30 | sed 's/^/    /'
done
rm -rf "$tmp"
