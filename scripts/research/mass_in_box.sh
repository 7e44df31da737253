#!/usr/bin/env bash
# Where the model's mass goes on the unconfined energies u2–u4: trains each at the density
# default and at the earlier default (`--activation tanh --base standard --iw-draws 1`), seed 1,
# then draws 20,000 samples and counts the share inside the target's box [−4, 4]² and the share
# beyond |x| > 8 along the wave, beside the held-out NLL (whose fresh target samples lie in the
# box) and the grid KL (normalised in the box). docs/FITS.md, "The density default".
#   scripts/research/mass_in_box.sh OUT.jsonl
set -euo pipefail
out=$1
bin=${NHF_BIN:-target/release/nhf-playground}
model=$(mktemp --suffix .json)
for target in u2 u3 u4; do
  for setting in default earlier; do
    flags=()
    [ "$setting" = earlier ] && flags=(--activation tanh --base standard --iw-draws 1)
    line=$("$bin" train --target "$target" --objective density --seed 1 "${flags[@]}" \
      --out "$model" --json 2>/dev/null | tail -1)
    "$bin" sample --model "$model" -n 20000 2>/dev/null | python3 -c '
import json, sys
d = json.loads(sys.argv[1])
pts = [tuple(map(float, l.split(","))) for l in sys.stdin if l[0] in "-0123456789"]
inside = sum(abs(x) <= 4 and abs(y) <= 4 for x, y in pts) / len(pts)
far = sum(abs(x) > 8 for x, y in pts) / len(pts)
print(json.dumps({"target": d["target"], "setting": sys.argv[2], "seed": 1, "in_box": inside,
                  "beyond_8": far, "nll": d["nll"], "kl": d["kl"], "ess": d["ess"]}))' \
      "$line" "$setting" >> "$out"
  done
done
rm -f "$model"
