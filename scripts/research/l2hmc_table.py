"""Mean and spread over seeds of the lines l2hmc_vs_hmc.sh wrote, one row per method and target.
ESS per gradient counts the kept iterations' gradients only, for both methods.

Usage: python3 scripts/research/l2hmc_table.py OUT.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)
        rows[(r.get("spec", r["target"]), r["method"])].append(r)


def total_gradients(r):
    """Every gradient the draws cost: HMC's warm-up or L2HMC's training included."""
    if r["method"] == "hmc":
        return r["gradient_evaluations"]
    return r["sampling_gradient_evaluations"] + r["training_gradient_evaluations"]


def cell(values, fmt):
    m = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{m:{fmt}} ± {sd:{fmt}}"


print(
    "| target | method | seeds | step size | acceptance | min ESS | ESS per gradient "
    "| ESS per gradient, warm-up or training included | worst R̂ |"
)
print("|---|---|---|---|---|---|---|---|---|")
for (target, method), rs in sorted(rows.items()):
    print(
        f"| {target} | {method} | {len(rs)} | {cell([r['step_size'] for r in rs], '.3f')} "
        f"| {cell([r['acceptance'] for r in rs], '.2f')} "
        f"| {cell([min(r['ess']) for r in rs], '.0f')} "
        f"| {cell([min(r['ess']) / r['sampling_gradient_evaluations'] for r in rs], '.2e')} "
        f"| {cell([min(r['ess']) / total_gradients(r) for r in rs], '.2e')} "
        f"| {max(max(r['r_hat']) for r in rs):.3f} |"
    )
