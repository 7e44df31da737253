#!/usr/bin/env bash
# Fits every built-in target once with the CLI at its default objective and prints a Markdown
# table (docs/TARGETS_REPORT.md was made with this). Usage: scripts/fit_all_targets.sh [iters] [binary]
set -euo pipefail
iters="${1:-600}"
bin="${2:-target/release/nhf-playground}"
echo "| target | objective | iterations | seconds | grid KL (64², S=16) | held-out NLL | ESS |"
echo "|---|---|---|---|---|---|---|"
for id in $("$bin" targets --json | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'); do
  line=$("$bin" train --target "$id" --iters "$iters" --batch 256 --grid 64 --draws 16 --json 2>/dev/null | tail -n 1)
  python3 - "$id" "$line" <<'PY'
import json, sys
tid, r = sys.argv[1], json.loads(sys.argv[2])
f = lambda v, d=3: "n/a" if v is None else f"{v:.{d}f}"
print(f"| {tid} | {r['objective']} | {r['iters']} | {r['seconds']:.1f} | {f(r['kl'])} | {f(r['nll'])} | {f(r['ess'])} |")
PY
done
