#!/usr/bin/env node
// Training in the browser as a user sees it: opens dist/ in the headless Chromium of
// web/e2e.mjs at 1280x800 with the default settings on 8gaussians, presses Train, and samples
// the status once a second: wall time, iteration, grid KL, fps and the app's own CPU time per
// frame (frame_ms). Reports when the grid KL first reached 0.1.
//
//   node scripts/browser_training.mjs [seconds=30] [link hash]   (after `make wasm`)

import { openApp } from './open_app.mjs';

const SECONDS = Number(process.argv[2] || 30);
const HASH = process.argv[3] || '#target=8gaussians';

const app = await openApp(HASH);
let code = 0;
try {
  await app.command({ cmd: 'train' });
  const t0 = Date.now();
  const rows = [];
  let reached = null;
  while (Date.now() - t0 < SECONDS * 1000) {
    await app.page.waitForTimeout(1000);
    const s = await app.status();
    const row = { t: (Date.now() - t0) / 1000, step: s.step, kl: s.kl, kl_step: s.kl_step, fps: s.fps, frame_ms: s.frame_ms, tick_ms: s.tick_ms, iters_per_sec: s.iters_per_sec, view_ms: s.widgets.view_ms };
    rows.push(row);
    if (reached === null && typeof s.kl === 'number' && s.kl <= 0.1) reached = row;
    console.log(JSON.stringify(row));
  }
  const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const steady = rows.slice(2);
  console.log(JSON.stringify({
    summary: true, seconds: SECONDS, final_step: rows.at(-1).step, final_kl: rows.at(-1).kl,
    kl_at_most_0_1_at_seconds: reached ? reached.t : null,
    median_fps: med(steady.map((r) => r.fps)), median_frame_ms: med(steady.map((r) => r.frame_ms)),
    median_tick_ms: med(steady.map((r) => r.tick_ms)), median_iters_per_sec: med(steady.map((r) => r.iters_per_sec)),
  }));
} catch (e) {
  console.error(e.stack || String(e));
  code = 1;
} finally {
  await app.close();
}
process.exit(code);
