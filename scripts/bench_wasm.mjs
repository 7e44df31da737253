#!/usr/bin/env node
// The training step in the browser: opens dist/ (the release wasm, SIMD128) in the headless
// Chromium of the browser test (web/harness.mjs) and times training steps with the app's
// `{"cmd":"bench"}` test command, the same loop as the CLI `bench`.
//
//   node scripts/bench_wasm.mjs [standard|small ...]   (from the repo root, after `make wasm`)
//
// Prints one JSON line per configuration: {"config":…, "median_ms":…, "min_ms":…, "max_ms":…,
// "gflops":…, "reps":…, "simd128":…}. Environment: CHROMIUM (default /usr/bin/chromium),
// BENCH_REPS (timed steps, default 20; the small configuration takes 5× as many),
// BENCH_WARMUP_REPS (discarded steps first, default 20; 0 skips the warm-up and its 2 s pause),
// BENCH_WORKERS (e.g. "1 2": then the standard step is also timed in the training worker shared
// among that many Web Workers, as training runs it, one line each with "workers"; the animation
// paused and the density grid finished first, as in scripts/bench_workers.mjs).
// The browser test's smoke run: BENCH_REPS=1 BENCH_WARMUP_REPS=0 node scripts/bench_wasm.mjs small

import { openApp } from './open_app.mjs';

const REPS = Number(process.env.BENCH_REPS || 20);
const WARMUP_REPS = Number(process.env.BENCH_WARMUP_REPS ?? 20);
const CONFIGS = process.argv.slice(2).length ? process.argv.slice(2) : ['standard', 'small'];

/** Polls the app's status until `ok` holds; throws after `ms`. */
async function waitFor(app, ok, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const s = await app.status();
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const app = await openApp();
let code = 0;
try {
  // A module with one v128 instruction: does this browser validate SIMD128?
  const simd = await app.page.evaluate(() => WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11])));
  // V8 first runs the wasm from its baseline compiler and optimises it on background threads;
  // a discarded warm-up run lets that finish before the timed steps.
  if (WARMUP_REPS > 0) {
    await app.command({ cmd: 'bench', config: 'standard', reps: WARMUP_REPS });
    await app.page.waitForTimeout(2000);
  }
  for (const config of CONFIGS) {
    const t = await app.command({ cmd: 'bench', config, reps: config === 'small' ? REPS * 5 : REPS });
    console.log(JSON.stringify({ config, median_ms: t.median_ms, min_ms: t.min_ms, max_ms: t.max_ms, gflops: t.gflops, reps: t.reps, simd128: simd }));
  }
  const workerCounts = (process.env.BENCH_WORKERS || '').split(/\s+/).filter(Boolean).map(Number);
  if (workerCounts.length) {
    await app.command({ cmd: 'anim_play', playing: false });
    await waitFor(app, (x) => x.grid_progress >= 1, 60_000, 'the density grid');
    // A first, discarded round: the helpers start and the browser optimises their code.
    for (const round of [0, 1]) {
      for (const workers of workerCounts) {
        await app.command({ cmd: 'bench', config: 'standard', reps: REPS, workers });
        const s = await waitFor(app, (x) => x.bench !== null, 120_000, 'the workers\' timing');
        if (round > 0) {
          const b = s.bench;
          console.log(JSON.stringify({ config: 'standard', workers, median_ms: b.median_ms, min_ms: b.min_ms, max_ms: b.max_ms, reps: b.reps, cores: b.cores }));
        }
      }
    }
  }
} catch (e) {
  console.error(e.stack || String(e));
  code = 1;
} finally {
  await app.close();
}
process.exit(code);
