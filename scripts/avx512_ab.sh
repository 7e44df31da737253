#!/usr/bin/env bash
# The kernels with and without their AVX-512VL clones (NHF_NO_AVX512), alternating on one
# pinned core, ROUNDS pairs of `bench --reps 200` (the exact kernels, or with --fast the fast
# ones); prints each pair and the minimum of each side (the least disturbed run on a shared
# machine). docs/PERFORMANCE.md, "An Intel Xeon with AVX-512" and "Sixteen lanes with the
# same bits".
#   scripts/avx512_ab.sh [ROUNDS] [binary] [--fast]
set -euo pipefail
rounds=${1:-8}
bin=${2:-target/release/nhf-playground}
fast=${3:-}
ms() { taskset -c 0 "$@" bench $fast --reps 200 --json | tail -1 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])'; }
said() { taskset -c 0 "$@" bench $fast --reps 1 --json | tail -1 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["kernels"])'; }
a=$(said "$bin"); b=$(said env NHF_NO_AVX512=1 "$bin")
echo "kernels: \"$a\" against \"$b\""
if [ "$a" = "$b" ]; then
  echo "this CPU has no AVX-512VL (or, with --fast, no FMA): both sides would run the same kernels" >&2
  exit 1
fi
with=() without=()
for r in $(seq "$rounds"); do
  a=$(ms "$bin"); b=$(ms env NHF_NO_AVX512=1 "$bin")
  echo "round $r: AVX-512VL $a ms, without $b ms"
  with+=("$a"); without+=("$b")
done
python3 -c 'import sys; a=[float(x) for x in sys.argv[1].split()]; b=[float(x) for x in sys.argv[2].split()]; print(f"min: AVX-512VL {min(a):.3f} ms, without {min(b):.3f} ms, ratio {min(a)/min(b):.3f}")' "${with[*]}" "${without[*]}"
