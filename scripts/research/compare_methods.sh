#!/usr/bin/env bash
# `nhf-playground compare` at its defaults on several targets and seeds, one JSON line per
# method and run, appended to $1; table by scripts/research/compare_table.py.
# Usage: compare_methods.sh OUT.jsonl "TARGETS" "SEEDS" [extra compare flags...]
set -euo pipefail
out=$1 targets=$2 seeds=$3
shift 3
bin=${NHF_BIN:-target/release/nhf-playground}
for target in $targets; do
  for seed in $seeds; do
    "$bin" compare --target "$target" --seed "$seed" --json "$@" \
      | sed 's/^{/{"spec":"'"$(basename "$target")"'",/' >> "$out"
  done
done
