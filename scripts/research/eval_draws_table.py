#!/usr/bin/env python3
"""The table of docs/FITS.md "The measurement: how many draws" from the lines of
scripts/research/eval_draws.sh: per target and draw count S, the grid KL and the held-out NLL
as mean ± sample standard deviation over seeds, and each seed's figure.
Usage: python3 scripts/research/eval_draws_table.py docs/fits/eval_draws.jsonl"""
import collections
import json
import statistics
import sys

runs = collections.defaultdict(list)
for path in sys.argv[1:]:
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            runs[(d["target"], d["eval_draws"])].append(d)


def cell(values):
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    each = ", ".join(f"{v:.4f}" for v in values)
    return f"{statistics.mean(values):.4f} ± {spread:.4f} ({each})"


print("| target | S | grid KL (seeds) | held-out NLL (seeds) |")
print("|---|---|---|---|")
for (target, draws), ds in sorted(runs.items()):
    ds.sort(key=lambda d: d["seed"])
    print(f"| {target} | {draws} | {cell([d['kl'] for d in ds])} | {cell([d['nll'] for d in ds])} |")
