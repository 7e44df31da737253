#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there (idempotent).
# Usage: scripts/install-tools.sh [web|test]   (web: what `make web` needs; test: everything)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-test}"

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate exactly (pinned in Cargo.toml).
BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)

say() { printf '[install] %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  say "apt: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

rustup target list --installed | grep -qx wasm32-unknown-unknown || { say "rustup target wasm32"; rustup target add wasm32-unknown-unknown; }
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "trunk $TRUNK_VERSION (about 8 minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$BINDGEN_VERSION"; then
  say "wasm-bindgen-cli $BINDGEN_VERSION (about 3 minutes)"
  cargo install --locked wasm-bindgen-cli --version "$BINDGEN_VERSION" || cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION"
fi
# wasm-opt from npm's binaryen (Debian's binaryen 108 produces a wasm that fails to load),
# and playwright-core for the browser test.
if [ ! -x web/node_modules/.bin/wasm-opt ] || [ ! -d web/node_modules/playwright-core ]; then
  say "npm ci in web/"
  (cd web && npm ci --no-audit --no-fund)
fi

if [ "$what" = test ]; then
  # mesa-vulkan-drivers + libvulkan1: lavapipe, the software Vulkan GPU that the snapshot
  # tests (tests/snapshots.rs) render with through wgpu.
  apt_install chromium xvfb xauth zenity libgl1 libegl1 libgl1-mesa-dri libx11-6 libx11-xcb1 libxcursor1 \
    libxrandr2 libxi6 libxkbcommon-x11-0 xdotool imagemagick mesa-vulkan-drivers libvulkan1
fi
say "tools ready"
