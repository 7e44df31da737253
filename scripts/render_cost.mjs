#!/usr/bin/env node
// What one frame of the page costs Chromium's GPU process (SwiftShader: rasterising on the CPU),
// for a link, paused or training: opens dist/ as scripts/browser_training.mjs does (1280x800),
// waits 3 s, then over 8 s reads frames drawn and each Chromium thread's CPU time from /proc.
// Prints fps, the GPU process's cores and milliseconds per frame, the page's main-thread
// milliseconds per frame, the worker's cores and the iterations trained.
//
//   node scripts/render_cost.mjs ["#target=8gaussians&views=energy"] [train]   (after `make wasm`)
//
// Environment: RENDER_WARMUP_S (the wait, default 3), RENDER_SECS (the window, default 8); the
// browser test's smoke run uses RENDER_WARMUP_S=0.5 RENDER_SECS=1.
import { chromiumCpu, cpuDelta } from './chromium_cpu.mjs';
import { openApp } from './open_app.mjs';
const HASH = process.argv[2] || '#target=8gaussians';
const TRAIN = process.argv[3] === 'train';
const WARMUP_S = Number(process.env.RENDER_WARMUP_S || 3);
const SECS = Number(process.env.RENDER_SECS || 8);
const app = await openApp(HASH);
try {
  if (TRAIN) await app.command({ cmd: 'train' });
  await app.page.waitForTimeout(WARMUP_S * 1000);
  const s0 = await app.status(); const c0 = chromiumCpu(); const t0 = Date.now();
  await app.page.waitForTimeout(SECS * 1000);
  const s1 = await app.status(); const c1 = chromiumCpu(); const t1 = Date.now();
  const d = cpuDelta(c0, c1); const wall = t1 - t0; const frames = s1.frames - s0.frames;
  console.log(JSON.stringify({ hash: HASH, train: TRAIN, fps: +(1000*frames/wall).toFixed(1), gpu_cores: +(d.gpu_ms/wall).toFixed(2), gpu_ms_per_frame: +(d.gpu_ms/frames).toFixed(1), main_ms_per_frame: +(d.renderer_main_ms/frames).toFixed(1), worker_cores: +(d.worker_ms/wall).toFixed(2), renderer_cores: +(d.renderer_ms/wall).toFixed(2), its: s1.step - s0.step, frame_ms: s1.frame_ms }));
} finally {
  await app.close();
}
