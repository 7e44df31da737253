#!/usr/bin/env bash
# The engine crate's boundary as a fact, not a convention: nhf-core depends on no UI, windowing,
# browser or image crate, and builds for wasm32 with no features. Run by `make lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$(cargo tree -p nhf-core -e normal --prefix none --no-dedupe | awk '{print $1}' | sort -u)
bad=$(grep -xE 'egui|eframe|egui_plot|egui-winit|winit|web-sys|js-sys|wasm-bindgen|image|rfd|clap' <<<"$deps" || true)
if [[ -n "$bad" ]]; then
  echo "nhf-core must not depend on: $bad" >&2
  exit 1
fi
cargo build -q -p nhf-core --lib --target wasm32-unknown-unknown --no-default-features
echo "engine boundary: $(wc -l <<<"$deps") crates, none of UI, browser or image; builds for wasm32"
