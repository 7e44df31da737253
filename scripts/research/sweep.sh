#!/usr/bin/env bash
# One line of JSON per run of the release CLI's `train`, for the fits study (docs/FITS.md).
# Usage: scripts/research/sweep.sh OUT.jsonl "TARGETS" "SEEDS" [extra train flags...]
#   e.g. scripts/research/sweep.sh /tmp/lr.jsonl "rings two-spirals" "1 2 3" --lr 3e-2
# Each line is the CLI's --json line with the flags added as "flags".
set -euo pipefail
out=$1 targets=$2 seeds=$3
shift 3
bin=${NHF_BIN:-target/release/nhf-playground}
for t in $targets; do
  for s in $seeds; do
    # A run that fails (a diverged training) is recorded with its message as "error", so one
    # failure neither stops the sweep nor goes unreported.
    line=$("$bin" train --target "$t" --seed "$s" --json "$@" 2>"$out.err" | tail -1) || true
    [ -n "$line" ] || line=$(tail -1 "$out.err")
    python3 -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
except ValueError:
    d = {"target": sys.argv[4], "error": sys.argv[1]}
d["flags"] = sys.argv[2]; d["seed"] = int(sys.argv[3]); print(json.dumps(d))' \
      "$line" "$*" "$s" "$t" >> "$out"
  done
done
rm -f "$out.err"
