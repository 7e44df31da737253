#!/usr/bin/env bash
# Our training step against the JAX reference (scripts/jax_nhf), one thread each, pinned
# to one core, alternating runs in the same shell so both see the same machine load. "native"
# is the default exact kernels (the browser's bits), "fast" the opt-in --fast kernels (fused
# multiply-adds where the CPU has AVX and FMA). Prints the
# median of each side over the rounds and their ratio, for the standard configuration
# (B=512 W=32 L=10 K=4) and the small one (B=256 W=16 L=5 K=2). With a built dist/ (make wasm)
# each round also times the wasm build in headless Chromium (scripts/bench_wasm.mjs). The wasm
# runs on one thread, but Chromium is not pinned: its GPU process (SwiftShader, at a higher
# priority) keeps compositing while the page computes, and pinned to the same core it takes
# up to half of it (docs/PERFORMANCE.md has both figures). The wasm round also times the
# standard step in the training worker, alone and shared among N Web Workers (a second table).
# Usage: scripts/bench_vs_jax.sh [rounds] [binary]   (JAX venv: $JAXENV, default /tmp/jaxenv)
set -euo pipefail
rounds="${1:-3}"
bin="${2:-target/release/nhf-playground}"
jaxenv="${JAXENV:-/tmp/jaxenv}"
peer="$(cd "$(dirname "$0")" && pwd)/jax_nhf"
[ -x "$bin" ] || cargo build --release
if [ ! -x "$jaxenv/bin/python" ]; then
  python3 -m venv "$jaxenv"
  "$jaxenv/bin/pip" install -q "jax[cpu]"
fi
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
ours_std=() ours_small=() fast_std=() fast_small=() jax_std=() jax_small=() wasm_std=() wasm_small=() wasm_w1=() wasm_wn=()
# Web Workers for the shared step's table: every core but one, and two on a two-core machine
# (the count the in-browser bar of docs/PERFORMANCE.md is set for). WORKERS overrides it.
nworkers="${WORKERS:-$(( $(nproc) > 2 ? $(nproc) - 1 : 2 ))}"
root="$(cd "$(dirname "$0")/.." && pwd)"
with_wasm=0
[ -f "$root/dist/index.html" ] && with_wasm=1
for r in $(seq "$rounds"); do
  ours_std+=("$(taskset -c 0 "$bin" bench --json | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])')")
  ours_small+=("$(taskset -c 0 "$bin" bench --batch 256 --width 16 --leapfrog-steps 5 --blocks 2 --json | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])')")
  fast_std+=("$(taskset -c 0 "$bin" bench --fast --json | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])')")
  fast_small+=("$(taskset -c 0 "$bin" bench --fast --batch 256 --width 16 --leapfrog-steps 5 --blocks 2 --json | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])')")
  out="$(cd "$peer" && taskset -c 0 "$jaxenv/bin/python" bench_jax.py 2>/dev/null)"
  jax_std+=("$(echo "$out" | sed -n 's/^H= 32 B= 512 L=10 K=4 .*step \([0-9.]*\) ms.*/\1/p')")
  jax_small+=("$(echo "$out" | sed -n 's/^H= 16 B= 256 L= 5 K=2 .*step \([0-9.]*\) ms.*/\1/p')")
  if ((with_wasm)); then
    wout="$(BENCH_WORKERS="1 $nworkers" node "$root/scripts/bench_wasm.mjs")"
    wasm_std+=("$(echo "$wout" | python3 -c 'import json,sys; print([json.loads(l)["median_ms"] for l in sys.stdin if "\"standard\"" in l][0])')")
    wasm_small+=("$(echo "$wout" | python3 -c 'import json,sys; print([json.loads(l)["median_ms"] for l in sys.stdin if "\"small\"" in l][0])')")
    wasm_w1+=("$(echo "$wout" | python3 -c 'import json,sys; print([d["median_ms"] for d in map(json.loads, sys.stdin) if d.get("workers") == 1][0])')")
    wasm_wn+=("$(echo "$wout" | python3 -c 'import json,sys; n=int(sys.argv[1]); print([d["median_ms"] for d in map(json.loads, sys.stdin) if d.get("workers") == n][0])' "$nworkers")")
  else
    wasm_std+=(nan) wasm_small+=(nan) wasm_w1+=(nan) wasm_wn+=(nan)
  fi
  echo "round $r: standard ours ${ours_std[-1]} ms, fast ${fast_std[-1]} ms, JAX ${jax_std[-1]} ms, wasm ${wasm_std[-1]} ms, wasm in 1 worker ${wasm_w1[-1]} ms, in $nworkers workers ${wasm_wn[-1]} ms | small ours ${ours_small[-1]} ms, JAX ${jax_small[-1]} ms, wasm ${wasm_small[-1]} ms" >&2
done
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1); $(grep -o -w 'avx512f' /proc/cpuinfo | head -n 1 || echo 'no avx512f')"
python3 - "${ours_std[*]}" "${jax_std[*]}" "${ours_small[*]}" "${jax_small[*]}" "${wasm_std[*]}" "${wasm_small[*]}" "${fast_std[*]}" "${fast_small[*]}" <<'PY'
import statistics as st, sys
o, j, os_, js, w, ws, f, fs = ([float(x) for x in a.split()] for a in sys.argv[1:9])
print("| configuration | native exact (median ms) | native fast | JAX | exact / JAX | fast / JAX | wasm in Chromium | wasm / JAX |")
print("|---|---|---|---|---|---|---|---|")
for name, a, fa, b, c in (("standard B=512 W=32 L=10 K=4", o, f, j, w), ("small B=256 W=16 L=5 K=2", os_, fs, js, ws)):
    mb = st.median(b)
    print(f"| {name} | {st.median(a):.2f} | {st.median(fa):.2f} | {mb:.2f} | {st.median(a) / mb:.2f} | {st.median(fa) / mb:.2f} | {st.median(c):.2f} | {st.median(c) / mb:.2f} |")
PY
python3 - "${jax_std[*]}" "${wasm_w1[*]}" "${wasm_wn[*]}" "$nworkers" <<'PY'
import math, statistics as st, sys
j, w1, wn = ([float(x) for x in a.split()] for a in sys.argv[1:4])
n = sys.argv[4]
if not all(math.isnan(x) for x in w1):
    mj, m1, mn = st.median(j), st.median(w1), st.median(wn)
    print()
    print(f"| standard, wasm in the training worker | 1 worker (median ms) | {n} workers | 1 worker / JAX | {n} workers / JAX | {n} / 1 |")
    print("|---|---|---|---|---|---|")
    print(f"| B=512 W=32 L=10 K=4 | {m1:.2f} | {mn:.2f} | {m1 / mj:.2f} | {mn / mj:.2f} | {mn / m1:.2f} |")
PY
