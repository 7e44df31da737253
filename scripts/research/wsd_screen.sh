#!/usr/bin/env bash
# Screen of a warmup-free "stable then decay" schedule against the cosine decay: the rate stays
# at its peak, then falls linearly to zero over the last fraction F of the iterations. Needs a
# command line built with the throw-away patch docs/fits/wsd_screen.diff (it reads F from the
# environment variable NHF_EXP_WSD; the engine itself reads no environment), given as NHF_BIN.
# Each line gets "env": "NHF_EXP_WSD=F". docs/FITS.md, "A stable-then-decay schedule".
#   NHF_BIN=/tmp/nhf_wsd scripts/research/wsd_screen.sh OUT.jsonl "TARGETS" "SEEDS" "F…" [flags…]
set -euo pipefail
here=$(dirname "$0")
out=$1 targets=$2 seeds=$3 fractions=$4
shift 4
for f in $fractions; do
  tmp=$(mktemp)
  NHF_EXP_WSD=$f "$here/sweep.sh" "$tmp" "$targets" "$seeds" "$@"
  python3 -c 'import json,sys; [print(json.dumps({**json.loads(l), "env": "NHF_EXP_WSD=" + sys.argv[1]})) for l in open(sys.argv[2])]' "$f" "$tmp" >> "$out"
  rm -f "$tmp"
done
