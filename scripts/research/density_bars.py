"""The density objective's bars (issue #17) from sweep.sh's JSON lines: per (target, flags),
the ESS (mean ± sd and each seed), the grid KL, and the coverage figure each target is judged
by: the donut's smallest and largest quadrant share (bar: each 25 % ± 7 %), u1's and the two far
modes' left share (bars: 50 % ± 10 % and ± 12 %). "met" counts the seeds meeting every bar.
Usage: python3 scripts/research/density_bars.py FILE.jsonl [FILE.jsonl ...]"""
import json, statistics, sys
from collections import defaultdict

ESS_BAR = {"banana": 0.35, "donut": 0.20}
rows = defaultdict(list)
for path in sys.argv[1:]:
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            name = "two far modes" if d.get("target") == "custom" else d.get("target", "?")
            rows[(name, d.get("flags", ""))].append(d)


def coverage(name, q):
    """The coverage text of one run and whether it meets its bar (None: no coverage bar)."""
    if q is None:
        return "—", None
    left = q[0] + q[2]
    if name == "donut":
        return f"{min(q):.2f}/{max(q):.2f}", all(abs(s - 0.25) <= 0.07 for s in q)
    if name == "u1":
        return f"{left:.2f}", abs(left - 0.5) <= 0.10
    if name == "two far modes":
        return f"{left:.2f}", abs(left - 0.5) <= 0.12
    return "—", None


def mean_sd(vals, fmt):
    if len(vals) == 1:
        return fmt.format(vals[0])
    return (fmt + " ± " + fmt).format(statistics.mean(vals), statistics.stdev(vals))


print("| target | flags | seeds | ESS % | each seed | grid KL | coverage, each seed | met |")
print("|---|---|---|---|---|---|---|---|")
for (name, flags), runs in sorted(rows.items()):
    runs.sort(key=lambda r: r.get("seed", 0))
    ess = [100 * r["ess"] for r in runs]
    kl = [r["kl"] for r in runs]
    cov = [coverage(name, r.get("quadrants")) for r in runs]
    met = 0
    for r, (_, ok) in zip(runs, cov):
        bar = ESS_BAR.get(name)
        ok_ess = bar is None or r["ess"] >= bar
        met += ok_ess and ok is not False
    judged = name in ESS_BAR or any(ok is not None for _, ok in cov)
    print(f"| {name} | `{flags}` | {len(runs)} | {mean_sd(ess, '{:.1f}')} "
          f"| {', '.join(f'{e:.0f}' for e in ess)} | {mean_sd(kl, '{:.3f}')} "
          f"| {', '.join(c for c, _ in cov)} | {f'{met}/{len(runs)}' if judged else '—'} |")
