#!/usr/bin/env bash
# Keeps the research scripts working: runs each that needs only the release CLI on a tiny
# budget (the figures they print are not checked, only that they run and print them). Run by
# `make test` after the native stage has built the binary. Not run here, with the reason:
# levers.py and bench_vs_jax.sh need JAX from PyPI (bench_vs_jax.sh installs it itself);
# paper_claims_plot.py needs matplotlib; paper_claims.sh and iteration_cost.sh are the same
# sweep.sh calls as below at full budget (minutes each).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/nhf-playground}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
NHF_BIN="$bin" scripts/research/sweep.sh "$tmp/sweep.jsonl" "8gaussians banana" "1 2" \
  --iters 5 --grid 8 --draws 1
# Into a file first: `grep -q` stops reading at its match, and the table's writer then dies
# of a broken pipe, which pipefail turns into a failure (it did, at random).
python3 scripts/research/table.py "$tmp/sweep.jsonl" > "$tmp/table.md"
grep -q "8gaussians" "$tmp/table.md"
scripts/fit_all_targets.sh 3 "$bin" "$tmp/thumbs" > "$tmp/report.md"
rows=$(grep -c '^| [a-z0-9]' "$tmp/report.md")
[ "$rows" -ge 20 ] || { echo "fit_all_targets.sh printed $rows rows"; exit 1; }
echo "research scripts: sweep.sh + table.py (4 runs), fit_all_targets.sh ($rows targets) ran"
