"""Table and plot of scripts/research/paper_claims.sh's runs: grid KL of fixed against learned
kinetic energy on 8gaussians, mean and standard deviation over seeds for each (L, dt, width).
Usage: python3 scripts/research/paper_claims_plot.py [IN.jsonl] [OUT.png]  (needs matplotlib)"""
import json, statistics, sys
from collections import defaultdict

src = sys.argv[1] if len(sys.argv) > 1 else "docs/fits/paper_claims.jsonl"
png = sys.argv[2] if len(sys.argv) > 2 else "docs/fits/paper_claims.png"
runs = defaultdict(list)
params = {}
for line in open(src):
    d = json.loads(line)
    f = d["flags"].split()
    get = lambda k: f[f.index(k) + 1]
    key = (get("--leapfrog-steps"), get("--dt"), get("--width"))
    runs[(d["kinetic"], key)].append(d["kl"])
    params[(d["kinetic"], key)] = d["params"]
configs = sorted({k for _, k in runs}, key=lambda k: (int(k[0]), int(k[2])))
print("| L | dt | W | kinetic | parameters | grid KL (mean ± sd, 5 seeds) | worst seed |")
print("|---|---|---|---|---|---|---|")
for c in configs:
    for kin in ("fixed", "learned"):
        v = runs.get((kin, c), [])
        if v:
            print(f"| {c[0]} | {c[1]} | {c[2]} | {kin} | {params[(kin, c)]} | "
                  f"{statistics.mean(v):.3f} ± {statistics.stdev(v) if len(v) > 1 else 0:.3f} | {max(v):.3f} |")
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("matplotlib is not installed: pip install matplotlib")
fig, ax = plt.subplots(figsize=(7, 3.6), dpi=110)
for i, kin in enumerate(("fixed", "learned")):
    xs = [j + (i - 0.5) * 0.3 for j in range(len(configs))]
    for x, c in zip(xs, configs):
        v = runs.get((kin, c), [])
        ax.scatter([x] * len(v), v, s=14, color=("tab:blue", "tab:orange")[i], alpha=0.7,
                   label=f"{kin} kinetic" if c == configs[0] else None)
        if v:
            ax.hlines(statistics.mean(v), x - 0.12, x + 0.12, color=("tab:blue", "tab:orange")[i])
ax.set_xticks(range(len(configs)))
ax.set_xticklabels([f"L={c[0]}, dt={c[1]}\nW={c[2]}\n{params.get(('fixed', c), '?')} / {params.get(('learned', c), '?')} par."
                    for c in configs], fontsize=8)
ax.set_ylabel("grid KL (8gaussians), log scale")
# Log scale: one diverged learned-kinetic run (KL 4.8) would otherwise flatten the rest.
ax.set_yscale("log")
ax.set_title("Fixed vs learned kinetic energy: 5 seeds each (bar: mean)", fontsize=10)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(png)
print(f"wrote {png}")
