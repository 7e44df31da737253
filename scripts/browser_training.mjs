#!/usr/bin/env node
// Training in the browser as a user sees it: opens dist/ in the headless Chromium of the
// browser test (web/harness.mjs) at 1280x800 with the default settings on 8gaussians, presses
// Train, and samples the status once a second: wall time, iteration, grid KL, fps and eframe's
// wall time per frame (frame_ms). Reports when the grid KL first reached 0.1, and, from /proc,
// the CPU time the page's main thread actually ran per frame (`main_thread_cpu_ms_per_frame`:
// frame_ms minus the time spent waiting for a core, plus the browser's own work on that
// thread), and the cores used by the training worker and by the GPU process (SwiftShader).
//
//   node scripts/browser_training.mjs [seconds=30] [link hash]   (after `make wasm`)
//
// The medians and CPU figures cover the run after its first 2 s; the browser test's smoke run
// (`node scripts/browser_training.mjs 4`) is about the shortest that has them.

import { chromiumCpu, cpuDelta } from './chromium_cpu.mjs';
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
  let cpu0 = null;
  let cpu1 = null;
  while (Date.now() - t0 < SECONDS * 1000) {
    await app.page.waitForTimeout(1000);
    const s = await app.status();
    // The steady window starts after 2 s (as the medians below do).
    if (rows.length === 2) cpu0 = { cpu: chromiumCpu(), frames: s.frames, t: Date.now() };
    else if (rows.length > 2) cpu1 = { cpu: chromiumCpu(), frames: s.frames, t: Date.now() };
    const row = { t: (Date.now() - t0) / 1000, step: s.step, kl: s.kl, kl_step: s.kl_step, fps: s.fps, frame_ms: s.frame_ms, tick_ms: s.tick_ms, iters_per_sec: s.iters_per_sec, view_ms: s.widgets.view_ms };
    rows.push(row);
    if (reached === null && typeof s.kl === 'number' && s.kl <= 0.1) reached = row;
    console.log(JSON.stringify(row));
  }
  const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const steady = rows.slice(2);
  if (!cpu1) throw new Error(`${SECONDS} s is too short: the steady window starts after 2 s and needs two samples`);
  const d = cpuDelta(cpu0.cpu, cpu1.cpu);
  const wall = cpu1.t - cpu0.t;
  const frames = cpu1.frames - cpu0.frames;
  console.log(JSON.stringify({
    summary: true, seconds: SECONDS, final_step: rows.at(-1).step, final_kl: rows.at(-1).kl,
    kl_at_most_0_1_at_seconds: reached ? reached.t : null,
    median_fps: med(steady.map((r) => r.fps)), median_frame_ms: med(steady.map((r) => r.frame_ms)),
    median_tick_ms: med(steady.map((r) => r.tick_ms)), median_iters_per_sec: med(steady.map((r) => r.iters_per_sec)),
    main_thread_cpu_ms_per_frame: d.renderer_main_ms / frames, frames_per_sec: (1000 * frames) / wall,
    main_thread_cores: d.renderer_main_ms / wall, worker_cores: d.worker_ms / wall, renderer_cores: d.renderer_ms / wall, gpu_process_cores: d.gpu_ms / wall,
  }));
} catch (e) {
  console.error(e.stack || String(e));
  code = 1;
} finally {
  await app.close();
}
process.exit(code);
