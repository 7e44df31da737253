#!/usr/bin/env bash
# More blocks of one leapfrog step each, at no more force evaluations per iteration than the
# samples default (K = 12 of L = 2: 36): K = 16 of L = 1 (32; 16 is the engine's most blocks),
# over the same total time K·L·dt = 7.2 (dt 0.45) or a little less (dt 0.4), on the targets
# short of their bars and rings, then dt 0.45 on the rest of the samples gallery.
# docs/FITS.md, "Blocks of one step, a wider encoder". Two runs at a time.
#   scripts/research/one_step_blocks.sh [OUT.jsonl] ["SEEDS"]
# (docs/fits/one_step_blocks.jsonl was made with these flags and seeds, but as separate sweep.sh
# runs in another order: the fit figures are the same, the ms/iter of a pairing are not.)
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/one_step_blocks.jsonl}
seeds=${2:-"1 2 3"}
targets="checkerboard 8gaussians rings"
"$here/sweep.sh" "$out.a" "$targets" "$seeds" --blocks 16 --leapfrog-steps 1 --dt 0.45 &
"$here/sweep.sh" "$out.b" "$targets" "$seeds" --blocks 16 --leapfrog-steps 1 --dt 0.4 &
wait
# The rest of the samples gallery, with the variant that kept its total time.
"$here/sweep.sh" "$out.c" "two-spirals pinwheel circle8" "$seeds" --blocks 16 --leapfrog-steps 1 --dt 0.45 &
"$here/sweep.sh" "$out.d" "three-modes swissroll moons" "$seeds" --blocks 16 --leapfrog-steps 1 --dt 0.45 &
wait
cat "$out.a" "$out.b" "$out.c" "$out.d" >> "$out"
rm "$out.a" "$out.b" "$out.c" "$out.d"
