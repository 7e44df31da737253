"""Trace plots as an SVG with no plotting library: for each CSV of draws (chain,x,y, as
`nhf-playground hmc|l2hmc --out` writes), the first chains' draws projected on a direction,
one panel per file, stacked.

Usage: python3 scripts/research/trace_svg.py OUT.svg "DX,DY" SD LABEL=FILE.csv [LABEL=FILE.csv ...]
(DX,DY: the direction, normalised here; SD: the target's sd along it, drawn as ±2 sd lines.)
"""
import csv
import math
import sys

out, direction, sd = sys.argv[1], sys.argv[2], float(sys.argv[3])
dx, dy = (float(v) for v in direction.split(","))
norm = math.hypot(dx, dy)
dx, dy = dx / norm, dy / norm
panels = [arg.rsplit("=", 1) for arg in sys.argv[4:]]
CHAINS, COLOURS = 3, ["#1f77b4", "#d62728", "#2ca02c"]
W, H, PAD, LEFT = 900, 220, 24, 60
lim = 3.2 * sd

svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H * len(panels)}" '
       'font-family="sans-serif" font-size="13">',
       f'<rect width="{W}" height="{H * len(panels)}" fill="white"/>']
for p, (label, path) in enumerate(panels):
    traces = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            c = int(row["chain"])
            if c < CHAINS:
                traces.setdefault(c, []).append(float(row["x"]) * dx + float(row["y"]) * dy)
    top = p * H
    n = max(len(t) for t in traces.values())

    def xy(i, u):
        x = LEFT + (W - LEFT - PAD) * i / max(n - 1, 1)
        y = top + PAD + (H - 2 * PAD) * (1 - (u + lim) / (2 * lim))
        return f"{x:.1f},{y:.1f}"

    for level in (-2 * sd, 0.0, 2 * sd):
        a, b = xy(0, level), xy(n - 1, level)
        svg.append(f'<polyline points="{a} {b}" stroke="#bbb" stroke-dasharray="4 3" fill="none"/>')
        svg.append(f'<text x="{LEFT - 6}" y="{b.split(",")[1]}" text-anchor="end" '
                   f'dominant-baseline="middle">{level:+.0f}</text>')
    for c, t in sorted(traces.items()):
        points = " ".join(xy(i, max(-lim, min(lim, u))) for i, u in enumerate(t))
        svg.append(f'<polyline points="{points}" stroke="{COLOURS[c % 3]}" stroke-width="1" fill="none"/>')
    svg.append(f'<text x="{LEFT}" y="{top + 16}">{label}: {CHAINS} chains, draw 0 to {n - 1}</text>')
svg.append("</svg>")
with open(out, "w") as f:
    f.write("\n".join(svg) + "\n")
