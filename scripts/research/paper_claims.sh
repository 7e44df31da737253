#!/usr/bin/env bash
# The fixed-kinetic NHF paper's claim (Souveton et al. 2023: the fixed kinetic energy is more
# robust with fewer parameters) on 8gaussians: fixed against learned kinetic energy over 5 seeds
# and a 2x2 grid of (L, dt) x width, at the CLI's other defaults. The grid KL is evaluated on a
# 64² grid with 32 draws (cheaper than the CLI's 128²/64; the same for every run).
# Writes JSON lines to $1 (default docs/fits/paper_claims.jsonl); plot with
# python3 scripts/research/paper_claims_plot.py.
set -euo pipefail
out=${1:-docs/fits/paper_claims.jsonl}
for kinetic in fixed learned; do
  for ld in "5 0.2" "10 0.1"; do
    set -- $ld
    for width in 16 32; do
      scripts/research/sweep.sh "$out" 8gaussians "1 2 3 4 5" \
        --blocks 8 --kinetic "$kinetic" --leapfrog-steps "$1" --dt "$2" --width "$width" --grid 64 --draws 32
    done
  done
done
