#!/usr/bin/env node
// End-to-end browser test for the NHF Playground wasm build.
//
//   cd web && npm ci && node e2e.mjs          (after `trunk build --release` filled ../dist)
//   node e2e.mjs links files                  only these check groups; --list names them all
//
// It serves ../dist on 127.0.0.1, drives Debian Chromium (headless, WebGL2 via SwiftShader)
// with playwright-core, and talks to the app through `window.wasmBindings.app_status()` /
// `app_command()` plus real mouse clicks on the canvas. Any browser console error, uncaught
// page error, failed request (bar the two kinds docs/BROWSER_TESTS.md names) or HTTP status
// >= 400 fails the run. It ends with a short run of each measurement script in ../scripts (the
// `smoke` group).
//
// The checks live in checks/*.mjs, one group per file; each group opens the app in a Chromium
// of its own at its own link, so groups do not depend on one another. harness.mjs has the
// launcher, server and app helpers; runner.mjs counts the checks.
//
// Environment:
//   CHROMIUM              browser binary (default /usr/bin/chromium)
//   E2E_DIST              directory to serve (default ../dist next to this file)
//   E2E_PORT              port for the static server (default: a free one)
//   E2E_RESULTS           where screenshots and logs go (default ./results next to this file)
//   E2E_TIMEOUT_MS        overall time limit (default 480000)
//   E2E_LOAD_TIMEOUT_MS   time allowed for the first frames (default 60000)
//   E2E_MIN_COLOURS       distinct colours required in the first screenshot (default 50)
//   E2E_QUIET_CONSOLE=1   do not echo every browser console message live (errors still shown)
//
// Output ends with a line `N passed, M failed`; exit status 0 only if M == 0.
//
// To add a check: in a group's run(t), `await t.check('name', async () => { ...; assert(cond,
// 'why'); return info; })`. A thrown error marks it failed and the group continues; pass
// `{ fatal: true }` when the group's later checks cannot make sense without this one. A new
// group is a file in checks/ listed below.

import { Run } from './runner.mjs';
import loading from './checks/loading.mjs';
import training from './checks/training.mjs';
import controls from './checks/controls.mjs';
import views from './checks/views.mjs';
import links from './checks/links.mjs';
import drawing from './checks/drawing.mjs';
import layout from './checks/layout.mjs';
import storage from './checks/storage.mjs';
import files from './checks/files.mjs';
import smoke from './checks/smoke.mjs';
import methods from './checks/methods.mjs';
import offline from './checks/offline.mjs';
import frameCost from './checks/frame_cost.mjs';
import missingFeatures from './checks/missing_features.mjs';
import ownTarget from './checks/own_target.mjs';
import workers from './checks/workers.mjs';

const GROUPS = [loading, training, controls, views, links, drawing, layout, frameCost, offline, missingFeatures, storage, files, ownTarget, workers, methods, smoke];

process.exit(await new Run().main(GROUPS, process.argv.slice(2)));
