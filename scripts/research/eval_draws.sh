#!/usr/bin/env bash
# How many importance draws S the evaluation needs (docs/FITS.md "The measurement: how many
# draws"): trains each target at the defaults (seeds as given), saves the model, and evaluates
# it with S = 64, 256 and 1024 draws (the evaluation's seed is the training seed + 1, as
# `train` uses). One JSON line per evaluation (`eval --json`, which records "eval_draws"), with
# "target" and "seed" added.
#   scripts/research/eval_draws.sh OUT.jsonl "TARGETS" "SEEDS" ["DRAWS"]
#   e.g. scripts/research/eval_draws.sh docs/fits/eval_draws.jsonl "8gaussians checkerboard" "1 2 3"
set -euo pipefail
out=$1 targets=$2 seeds=$3 draws=${4:-"64 256 1024"}
bin=${NHF_BIN:-target/release/nhf-playground}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for t in $targets; do
  for s in $seeds; do
    "$bin" train --target "$t" --seed "$s" --draws 1 --grid 8 --out "$dir/model.json" >/dev/null 2>&1
    for d in $draws; do
      line=$("$bin" eval --model "$dir/model.json" --draws "$d" --seed $((s + 1)) --json 2>/dev/null | tail -1)
      python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["target"]=sys.argv[2]; d["seed"]=int(sys.argv[3]); print(json.dumps(d))' \
        "$line" "$t" "$s" >> "$out"
    done
  done
done
