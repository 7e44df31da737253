#!/usr/bin/env bash
# What it would take for checkerboard to reach its bar (held-out NLL <= 3.72): the samples
# defaults (K = 12, L = 2, dt 0.3, batch 512, 3000 iterations) given more of one thing at a
# time, far over the cost allowance: iterations, blocks, width, batch. Seed 1 (then more seeds
# for whatever moves). docs/FITS.md "Checkerboard: optimisation or capacity".
# Usage: scripts/research/checkerboard_budget.sh OUT.jsonl "SEEDS"
set -euo pipefail
out=$1 seeds=${2:-1}
sweep=scripts/research/sweep.sh
$sweep "$out" checkerboard "$seeds"
$sweep "$out" checkerboard "$seeds" --iters 6000
$sweep "$out" checkerboard "$seeds" --iters 12000
$sweep "$out" checkerboard "$seeds" --blocks 16
$sweep "$out" checkerboard "$seeds" --width 64
$sweep "$out" checkerboard "$seeds" --batch 1024
# Seeds 2-3 of the longer runs, and the rate (seed 1)
$sweep "$out" checkerboard "2 3" --iters 6000
$sweep "$out" checkerboard "2 3" --iters 12000
$sweep "$out" checkerboard 1 --lr 3e-2
$sweep "$out" checkerboard 1 --constant-lr
$sweep "$out" checkerboard 1 --lr 4e-2
