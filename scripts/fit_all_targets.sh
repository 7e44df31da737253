#!/usr/bin/env bash
# Fits every built-in target once with the CLI at its default objective and settings (batch 256)
# and prints a Markdown table; each row links a thumbnail, target density | learned density on
# the grid-KL grid with one colour scale, written to <thumbs>/<id>.png.
# docs/TARGETS_REPORT.md was made with: scripts/fit_all_targets.sh 3000 target/release/nhf-playground docs/targets
# Its density rows were remade when the density default changed with:
#   scripts/fit_all_targets.sh 3000 target/release/nhf-playground docs/targets "u1 u2 u3 u4 banana donut funnel squiggle jla"
# Usage: scripts/fit_all_targets.sh [iters] [binary] [thumbnail dir] [target ids (default: all)]
set -euo pipefail
iters="${1:-600}"
bin="${2:-target/release/nhf-playground}"
thumbs="${3:-docs/targets}"
ids="${4:-$("$bin" targets --json | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')}"
mkdir -p "$thumbs"
echo "| target | objective | iterations | seconds | grid KL (64², S=16) | held-out NLL | ESS | target \\| learned |"
echo "|---|---|---|---|---|---|---|---|"
for id in $ids; do
  line=$("$bin" train --target "$id" --iters "$iters" --batch 256 --grid 64 --draws 16 \
    --png "$thumbs/$id.png" --json 2>/dev/null | tail -n 1)
  python3 - "$id" "$line" "$thumbs" <<'PY'
import json, sys
tid, r, thumbs = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
f = lambda v, d=3: "n/a" if v is None else f"{v:.{d}f}"
img = f"![{tid}]({thumbs.removeprefix('docs/')}/{tid}.png)"
print(f"| {tid} | {r['objective']} | {r['iters']} | {r['seconds']:.1f} | {f(r['kl'])} | {f(r['nll'])} | {f(r['ess'])} | {img} |")
PY
done
