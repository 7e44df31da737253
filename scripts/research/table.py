"""Aggregates the JSON lines of scripts/research/sweep.sh (or levers.py) into a markdown table:
one row per (target, flags), mean ± sample standard deviation over seeds of each figure.
Usage: python3 scripts/research/table.py FILE.jsonl [FILE.jsonl ...]"""
import json, statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for path in sys.argv[1:]:
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            rows[(d.get("target", "?"), d.get("flags", ""))].append(d)

def cell(runs, key, scale=1.0, fmt="{:.3f}"):
    vals = [r[key] * scale for r in runs if r.get(key) is not None]
    if not vals:
        return "—"
    if len(vals) == 1:
        return fmt.format(vals[0])
    return (fmt + " ± " + fmt).format(statistics.mean(vals), statistics.stdev(vals))

print("| target | flags | seeds | grid KL | held-out NLL | ESS % | ms/iter |")
print("|---|---|---|---|---|---|---|")
for (target, flags), runs in sorted(rows.items()):
    print(f"| {target} | `{flags or 'defaults'}` | {len(runs)} | {cell(runs, 'kl')} | {cell(runs, 'nll')} "
          f"| {cell(runs, 'ess', 100, '{:.1f}')} | {cell(runs, 'ms_per_iter', 1, '{:.2f}')} |")
