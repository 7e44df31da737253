#!/usr/bin/env bash
# Two builds of the command line, alternating on one pinned core: ROUNDS pairs of
# `bench --reps 200` (extra arguments go to `bench`, e.g. --fast, or --batch 256 --width 16 --leapfrog-steps 5 --blocks 2 for the small configuration); prints
# each pair and the minimum of each side (the least disturbed run on a shared machine): of the
# runs' medians, and of their fastest steps, which on a noisy machine (the AMD EPYC of
# docs/PERFORMANCE.md, whose run medians wander by ±10 %) vary by only 1–3 %.
# Used for commit-against-commit figures in docs/PERFORMANCE.md: copy each build's
# target/release/nhf-playground aside first.
#   [REPS=200] scripts/bench_ab.sh ROUNDS BIN_A BIN_B [bench args…]
set -euo pipefail
rounds=$1 a_bin=$2 b_bin=$3
shift 3
# The fastest step from the summary line, which every build prints (older builds' JSON lacks it).
ms() { taskset -c 0 "$1" bench --reps "${REPS:-200}" "${@:2}" --json | tail -2 |
  python3 -c 'import json,re,sys; l=sys.stdin.read().splitlines(); print(json.loads(l[-1])["ms_per_step"], re.search(r"\(min ([0-9.]+)", l[-2]).group(1))'; }
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
as=() bs=() af=() bf=()
for r in $(seq "$rounds"); do
  read -r a a_fast < <(ms "$a_bin" "$@"); read -r b b_fast < <(ms "$b_bin" "$@")
  echo "round $r: A $a ms (fastest step $a_fast), B $b ms (fastest step $b_fast)"
  as+=("$a"); bs+=("$b"); af+=("$a_fast"); bf+=("$b_fast")
done
python3 -c 'import sys, statistics as s; a, b, af, bf = ([float(x) for x in v.split()] for v in sys.argv[1:5]); print(f"min of medians: A {min(a):.3f} ms, B {min(b):.3f} ms, B/A {min(b)/min(a):.3f}; median: A {s.median(a):.3f}, B {s.median(b):.3f}, B/A {s.median(b)/s.median(a):.3f}; fastest step: A {min(af):.3f}, B {min(bf):.3f}, B/A {min(bf)/min(af):.3f}")' "${as[*]}" "${bs[*]}" "${af[*]}" "${bf[*]}"
