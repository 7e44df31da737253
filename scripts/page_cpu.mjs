#!/usr/bin/env node
// The page's own CPU time per frame while training, from Chromium's sampling profiler: the
// main thread's busy samples (everything but "(idle)") over the frames drawn meanwhile.
// `frame_ms` in app_status is wall time (eframe's stopwatch around logic and paint), which
// also counts the time the main thread waits for a core on a busy machine; this is the CPU
// part alone. With a build that keeps names (see docs/PERFORMANCE.md) it also lists the
// functions that take the most time.
//
//   node scripts/page_cpu.mjs [seconds=8] [link hash]   (after `make wasm`)

import { openApp } from './open_app.mjs';

const SECONDS = Number(process.argv[2] || 8);
const HASH = process.argv[3] || '#target=8gaussians';

const app = await openApp(HASH);
let code = 0;
try {
  await app.command({ cmd: 'train' });
  await app.page.waitForTimeout(5000);
  const cdp = await app.page.context().newCDPSession(app.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  const before = await app.status();
  await cdp.send('Profiler.start');
  await app.page.waitForTimeout(SECONDS * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  const after = await app.status();
  const frames = after.frames - before.frames;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map();
  profile.samples.forEach((id, k) => {
    const dt = profile.timeDeltas[k + 1] ?? 0;
    const name = byId.get(id).callFrame.functionName || '(anonymous)';
    micros.set(name, (micros.get(name) || 0) + dt);
  });
  const total = profile.endTime - profile.startTime;
  const idle = micros.get('(idle)') || 0;
  const busyMs = (total - idle) / 1000;
  const top = [...micros].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 15)
    .map(([n, us]) => ({ fn: n.slice(0, 100), ms_per_frame: +(us / 1000 / frames).toFixed(2) }));
  console.log(JSON.stringify({
    seconds: SECONDS, frames, fps: +(frames / (total / 1e6)).toFixed(2),
    busy_ms_per_frame: +(busyMs / frames).toFixed(2), busy_share: +(busyMs / (total / 1000)).toFixed(3),
    frame_ms_status: after.frame_ms, iters_per_sec: after.iters_per_sec, training_in: after.training_in, top,
  }, null, 1));
} catch (e) {
  console.error(e.stack || String(e));
  code = 1;
} finally {
  await app.close();
}
process.exit(code);
