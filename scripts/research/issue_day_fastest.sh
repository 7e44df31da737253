#!/usr/bin/env bash
# The samples default's time per training step against the issue day's (#17's cost allowance,
# 1.5×), by the fastest of `bench`'s steps: on a noisy machine the fastest step varies by 1–3 %
# from run to run where `issue_day_cost.sh`'s time per iteration of `train` wanders by 10 %. Both sides
# run `bench`'s training step on 8gaussians (the samples objective; its dt of 0.1 does not
# change the work): the issue day's binary (commit 604ae65) at its defaults' shape (K = 4,
# L = 5, batch 512, tanh) and today's at the samples default's (K = 12, L = 2, batch 640, the
# sine first layer), alternating, pinned to core $CORE (0).
#   git worktree add /tmp/old604 604ae65 && (cd /tmp/old604 && cargo build --release)
#   [CORE=0] [REPS=30] scripts/research/issue_day_fastest.sh OLD_BINARY [NEW_BINARY] [ROUNDS]
set -euo pipefail
old=$1
new=${2:-target/release/nhf-playground}
rounds=${3:-8}
# The fastest step (ms) of one bench run, from its summary line.
fastest() {
  taskset -c "${CORE:-0}" "$@" --reps "${REPS:-30}" | tail -1 | sed -E 's/.*\(min ([0-9.]+),.*/\1/'
}
grep -m1 'model name' /proc/cpuinfo
echo "fastest step (ms), core ${CORE:-0}: issue day (K4 L5 B512 tanh) | today (K12 L2 B640 sine) | ratio"
olds=() news=()
for r in $(seq "$rounds"); do
  o=$(fastest "$old" bench --batch 512 --blocks 4 --leapfrog-steps 5)
  n=$(fastest "$new" bench --batch 640 --blocks 12 --leapfrog-steps 2 --activation sine)
  echo "  round $r: $o | $n | $(python3 -c "print(round($n / $o, 3))")"
  olds+=("$o"); news+=("$n")
done
python3 -c 'import sys; o=[float(x) for x in sys.argv[1].split()]; n=[float(x) for x in sys.argv[2].split()]; print(f"fastest of all: {min(o):.2f} | {min(n):.2f} | {min(n)/min(o):.3f}")' "${olds[*]}" "${news[*]}"
