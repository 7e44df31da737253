#!/usr/bin/env bash
# The app's icons for the web app manifest (assets/icons/icon-192.png, icon-512.png): on the
# app's background, a magma ring (a target's density) around a bright centre (the flow's
# Gaussian base). Needs ImageMagick (scripts/install-tools.sh test installs it). Run by hand
# when the icon changes; the PNGs are committed.
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"
for size in 512 192; do
  s=$((size / 2))
  convert -size "${size}x${size}" xc:'#1b1b1b' \
    -fill none -stroke '#fb8861' -strokewidth $((size * 6 / 100)) -draw "circle $s,$s $s,$((size * 18 / 100))" \
    -stroke '#b73779' -strokewidth $((size * 4 / 100)) -draw "circle $s,$s $s,$((size * 30 / 100))" \
    -stroke none -fill '#fcfdbf' -draw "circle $s,$s $s,$((size * 42 / 100))" \
    "icon-$size.png"
done
