"""Aggregates the JSON lines of scripts/research/sweep.sh (or levers.py) into a markdown table:
one row per (target, flags, S), mean ± sample standard deviation over seeds of each figure; S is
the evaluation's importance draws (lines from before the command line recorded it were made at
S = 64, its default then).
Usage: python3 scripts/research/table.py FILE.jsonl [FILE.jsonl ...]"""
import json, statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for path in sys.argv[1:]:
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            rows[(d.get("target", "?"), d.get("flags", ""), d.get("eval_draws", 64))].append(d)

def cell(runs, key, scale=1.0, fmt="{:.3f}"):
    vals = [r[key] * scale for r in runs if r.get(key) is not None]
    if not vals:
        return "—"
    if len(vals) == 1:
        return fmt.format(vals[0])
    return (fmt + " ± " + fmt).format(statistics.mean(vals), statistics.stdev(vals))

print("| target | flags | S | seeds | grid KL | held-out NLL | ESS % | ms/iter |")
print("|---|---|---|---|---|---|---|---|")
for (target, flags, draws), runs in sorted(rows.items()):
    print(f"| {target} | `{flags or 'defaults'}` | {draws} | {len(runs)} | {cell(runs, 'kl')} | {cell(runs, 'nll')} "
          f"| {cell(runs, 'ess', 100, '{:.1f}')} | {cell(runs, 'ms_per_iter', 1, '{:.2f}')} |")
