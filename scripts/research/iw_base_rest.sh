#!/usr/bin/env bash
# The rest of the density gallery (squiggle, jla) at the density defaults of the time and with
# --base learned --iw-draws 4 (docs/FITS.md, "The bound with a learnable base"), seeds 1-3.
#   scripts/research/iw_base_rest.sh [OUT.jsonl]
set -euo pipefail
out=${1:-docs/fits/iw_base_rest.jsonl}
here=$(dirname "$0")
"$here/sweep.sh" "$out.part0" "squiggle jla" "1 2 3" --objective density --base standard --iw-draws 1 &
"$here/sweep.sh" "$out.part1" "squiggle jla" "1 2 3" --objective density --base learned --iw-draws 4
wait
cat "$out".part* >> "$out"
rm -f "$out".part*
