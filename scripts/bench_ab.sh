#!/usr/bin/env bash
# Two builds of the command line, alternating on one pinned core: ROUNDS pairs of
# `bench --reps 200` (extra arguments go to `bench`, e.g. --fast, or --batch 256 --width 16 --leapfrog-steps 5 --blocks 2 for the small configuration); prints
# each pair and the minimum of each side (the least disturbed run on a shared machine).
# Used for commit-against-commit figures in docs/PERFORMANCE.md: copy each build's
# target/release/nhf-playground aside first.
#   scripts/bench_ab.sh ROUNDS BIN_A BIN_B [bench args…]
set -euo pipefail
rounds=$1 a_bin=$2 b_bin=$3
shift 3
ms() { taskset -c 0 "$1" bench --reps 200 "${@:2}" --json | tail -1 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])'; }
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
as=() bs=()
for r in $(seq "$rounds"); do
  a=$(ms "$a_bin" "$@"); b=$(ms "$b_bin" "$@")
  echo "round $r: A $a ms, B $b ms"
  as+=("$a"); bs+=("$b")
done
python3 -c 'import sys, statistics as s; a=[float(x) for x in sys.argv[1].split()]; b=[float(x) for x in sys.argv[2].split()]; print(f"min: A {min(a):.3f} ms, B {min(b):.3f} ms, B/A {min(b)/min(a):.3f}; median: A {s.median(a):.3f}, B {s.median(b):.3f}, B/A {s.median(b)/s.median(a):.3f}")' "${as[*]}" "${bs[*]}"
