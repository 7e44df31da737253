#!/usr/bin/env bash
# The JAX screen of a sine first layer (docs/FITS.md, "A sine first layer"), in the order it
# was run, into docs/fits/jax_sine.jsonl: checkerboard with the first layer's initial weights
# at 1 and 2 times their scale; sine on rings, two-spirals and 8gaussians, and tanh on the last
# two (tanh's rings and checkerboard rows are those of docs/fits/jax_optimizers.jsonl and
# jax_checkerboard.jsonl); then checkerboard at 1.5 times the scale.
#   scripts/research/jax_sine_screen.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/jax_sine.jsonl}
"$here/jax_sine.sh" "$out" checkerboard "1 2 3" --act1 sin --omega 1
"$here/jax_sine.sh" "$out" checkerboard "1 2 3" --act1 sin --omega 2
"$here/jax_sine.sh" "$out" "rings two-spirals 8gaussians" "1 2 3" --act1 sin --omega 1
"$here/jax_sine.sh" "$out" "two-spirals 8gaussians" "1 2 3"
"$here/jax_sine.sh" "$out" checkerboard "1 2 3" --act1 sin --omega 1.5
