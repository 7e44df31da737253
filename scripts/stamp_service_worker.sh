#!/usr/bin/env bash
# Stamps the service worker in a built site with a hash of the files it caches, so each
# deployment installs a new worker with a new cache (assets/sw.js). Trunk runs it after every
# build (Trunk.toml's post_build hook) in its staging directory; give a directory to run it by
# hand. Idempotent: a stamped worker is stamped again from the files as they are.
set -euo pipefail
dir="${1:-${TRUNK_STAGING_DIR:?give the directory of the built site}}"
cd "$dir"
build=$(cat index.html nhf-playground.js nhf-playground_bg.wasm train_worker.js piece_worker.js loader.js manifest.webmanifest | sha256sum | cut -c1-16)
sed -i -E "s/^const BUILD = '[^']*';/const BUILD = '$build';/" sw.js
grep -q "const BUILD = '$build';" sw.js
