"""Mean ± sd over seeds of the lines compare_methods.sh wrote: one table per target, one row per
method and size (a planar flow of 2 and of 8 layers are two rows; the files may be several).

Usage: python3 scripts/research/compare_table.py OUT.jsonl [MORE.jsonl ...]
"""
import json
import statistics
import sys
from collections import defaultdict

runs = defaultdict(lambda: defaultdict(list))
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            runs[r.get("spec", r["target"])][(r["method"], r["params"])].append(r)


def cell(rs, key, fmt):
    values = [r[key] for r in rs if r.get(key) is not None]
    if not values:
        return "—"
    m = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{m:{fmt}} ± {sd:{fmt}}"


for target, methods in runs.items():
    print(f"\n**{target}**\n")
    print("| method | seeds | params | binned KL | reverse KL | ESS % | acceptance | gradients | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (method, params), rs in methods.items():
        print(
            f"| {method} | {len(rs)} | {params if params is not None else '—'} "
            f"| {cell(rs, 'kl', '.3f')} | {cell(rs, 'reverse_kl', '.3f')} | {cell(rs, 'ess', '.1f')} "
            f"| {cell(rs, 'acceptance', '.2f')} | {statistics.mean(r['grad_evals'] for r in rs):.3g} "
            f"| {cell(rs, 'seconds', '.1f')} |"
        )
