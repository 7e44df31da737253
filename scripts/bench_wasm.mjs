#!/usr/bin/env node
// The training step in the browser: serves dist/ (the release wasm, SIMD128), opens it in the
// headless Chromium of web/e2e.mjs (same binary and flags), and times training steps with the
// app's `{"cmd":"bench"}` test command, the same loop as the CLI `bench`.
//
//   node scripts/bench_wasm.mjs [standard|small ...]   (from the repo root, after `make wasm`)
//
// Prints one JSON line per configuration: {"config":…, "median_ms":…, "min_ms":…, "max_ms":…,
// "gflops":…, "reps":…}. Environment: CHROMIUM (default /usr/bin/chromium), BENCH_REPS
// (timed steps, default 20; the small configuration takes 5× as many).

import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const DIST = path.join(HERE, '..', 'dist');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const REPS = Number(process.env.BENCH_REPS || 20);
const CONFIGS = process.argv.slice(2).length ? process.argv.slice(2) : ['standard', 'small'];
// The flags of web/e2e.mjs, so that this measures the browser the tests use.
const ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

if (!fs.existsSync(path.join(DIST, 'index.html'))) {
  console.error(`no ${DIST}/index.html: build the wasm first (make wasm)`);
  process.exit(2);
}
const server = http.createServer((req, res) => {
  const file = path.join(DIST, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html'));
  if (!file.startsWith(DIST) || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nhf-bench-profile-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
let code = 0;
try {
  const page = context.pages()[0] || (await context.newPage());
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.wasmBindings && JSON.parse(window.wasmBindings.app_status()).frames > 2, null, { timeout: 60_000 });
  const simd = await page.evaluate(() => WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11])));
  // V8 first runs the wasm from its baseline compiler and optimises it on background threads;
  // a discarded warm-up run lets that finish (pinned to one core it otherwise overlaps the
  // timed steps).
  await page.evaluate(() => window.wasmBindings.app_command('{"cmd":"bench","config":"standard","reps":20}'));
  await page.waitForTimeout(2000);
  for (const config of CONFIGS) {
    const reps = config === 'small' ? REPS * 5 : REPS;
    const raw = await page.evaluate(([c, n]) => window.wasmBindings.app_command(JSON.stringify({ cmd: 'bench', config: c, reps: n })), [config, reps]);
    const answer = JSON.parse(raw);
    if (!answer.ok) throw new Error(`bench ${config}: ${answer.error}`);
    const t = answer.result;
    console.log(JSON.stringify({ config, median_ms: t.median_ms, min_ms: t.min_ms, max_ms: t.max_ms, gflops: t.gflops, reps: t.reps, simd128: simd }));
  }
} catch (e) {
  console.error(e.stack || String(e));
  code = 1;
} finally {
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
