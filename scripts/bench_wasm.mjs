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
// BENCH_WARMUP_REPS (discarded steps first, default 20; 0 skips the warm-up and its 2 s pause).
// The browser test's smoke run: BENCH_REPS=1 BENCH_WARMUP_REPS=0 node scripts/bench_wasm.mjs small

import { openApp } from './open_app.mjs';

const REPS = Number(process.env.BENCH_REPS || 20);
const WARMUP_REPS = Number(process.env.BENCH_WARMUP_REPS ?? 20);
const CONFIGS = process.argv.slice(2).length ? process.argv.slice(2) : ['standard', 'small'];

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
} catch (e) {
  console.error(e.stack || String(e));
  code = 1;
} finally {
  await app.close();
}
process.exit(code);
