#!/usr/bin/env bash
# Where the samples default's training step spends its time, by function: `perf record` of
# the CPU clock (a timer, so it works in a VM without hardware counters) over ITERS (300)
# iterations of checkerboard at the samples default, pinned to core 0. Prints the functions
# above 0.3 %. `perf annotate -i $PERF_DATA --stdio -s SYMBOL` then shows the hot instructions.
#   [ITERS=300] [PERF_DATA=/tmp/samples_profile.data] scripts/research/samples_profile.sh [BINARY]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
data=${PERF_DATA:-/tmp/samples_profile.data}
grep -m1 'model name' /proc/cpuinfo
taskset -c 0 perf record -q -e cpu-clock -F 4000 -o "$data" \
  "$bin" train --target checkerboard --iters "${ITERS:-300}" --grid 8 --draws 1 >/dev/null 2>&1
perf report -i "$data" --no-children --sort symbol --percent-limit 0.3 --stdio 2>/dev/null |
  grep -E '^ +[0-9.]+%' | sed -E 's/ +- +- *$//; s/ +$//'
