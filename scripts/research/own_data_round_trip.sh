#!/usr/bin/env bash
# A CSV of 20,000 samples from a known Gaussian mixture, and the same mixture as a JSON file:
# trains on each (same seed, same defaults) and prints both held-out NLLs (nats): `nll` as
# `train` reports it (the JSON target's on fresh exact draws, the CSV's on its held-out tenth,
# 2000 rows it never trained on), and `nll_same_rows`, both models evaluated on the CSV's
# held-out rows (`eval --target mix.csv`), which pairs the comparison point by point.
#
#   scripts/research/own_data_round_trip.sh [BINARY] [ITERS] [SEEDS...]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
iters=${2:-3000}
shift $(( $# > 2 ? 2 : $# )) || true
seeds=${*:-1 2 3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/mix.json" <<'JSON'
{"name": "three blobs", "components": [
  {"weight": 0.5, "mean": [-1.5, 0.0], "cov": [[0.30, 0.15], [0.15, 0.30]]},
  {"weight": 0.3, "mean": [1.5, 1.0], "cov": [[0.20, 0.0], [0.0, 0.50]]},
  {"weight": 0.2, "mean": [1.0, -1.8], "cov": [[0.60, -0.2], [-0.2, 0.15]]}
], "box": [[-4, 4], [-4, 4]]}
JSON
python3 - "$dir/mix.json" "$dir/mix.csv" <<'PY'
import json, math, random, sys
spec = json.load(open(sys.argv[1]))
rng = random.Random(2026)
comps = spec["components"]
weights = [c["weight"] for c in comps]
with open(sys.argv[2], "w") as out:
    out.write("x,y\n")
    for _ in range(20000):
        c = rng.choices(comps, weights)[0]
        (a, b), (_, d) = c["cov"]
        l11 = math.sqrt(a); l21 = b / l11; l22 = math.sqrt(d - l21 * l21)
        z1, z2 = rng.gauss(0, 1), rng.gauss(0, 1)
        out.write(f"{c['mean'][0] + l11 * z1!r},{c['mean'][1] + l21 * z1 + l22 * z2!r}\n")
PY
echo "seed,target,nll,nll_same_rows"
for seed in $seeds; do
  for t in mix.json mix.csv; do
    line=$("$bin" train --target "$dir/$t" --iters "$iters" --seed "$seed" --out "$dir/model.json" --json | tail -n 1)
    same=$("$bin" eval --model "$dir/model.json" --target "$dir/mix.csv" --json | tail -n 1)
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); s=json.loads(sys.argv[2]); print(sys.argv[3], sys.argv[4], r["nll"], s["nll"], sep=",")' "$line" "$same" "$seed" "$t"
  done
done
