#!/usr/bin/env node
// End-to-end browser test for the NHF Playground wasm build.
//
//   cd web && npm ci && node e2e.mjs          (after `trunk build --release` filled ../dist)
//
// It serves ../dist on 127.0.0.1, drives Debian Chromium (headless, WebGL2 via SwiftShader)
// with playwright-core, and talks to the app through `window.wasmBindings.app_status()` /
// `app_command()` plus real mouse clicks on the canvas. Any browser console error, uncaught
// page error, failed request or HTTP status >= 400 fails the run.
//
// Environment:
//   CHROMIUM              browser binary (default /usr/bin/chromium)
//   E2E_DIST              directory to serve (default ../dist next to this file)
//   E2E_PORT              port for the static server (default: a free one)
//   E2E_RESULTS           where screenshots and logs go (default ./results next to this file)
//   E2E_TIMEOUT_MS        overall time limit (default 240000)
//   E2E_LOAD_TIMEOUT_MS   time allowed for the first frames (default 60000)
//   E2E_MIN_COLOURS       distinct colours required in the first screenshot (default 50)
//   E2E_QUIET_CONSOLE=1   do not echo every browser console message live (errors still shown)
//
// Output ends with a line `N passed, M failed`; exit status 0 only if M == 0.
//
// To add a check: `await check('name', async () => { ...; assert(cond, 'why'); return info; })`.
// A thrown error marks it failed and the run continues; pass `{ fatal: true }` when later
// checks cannot make sense without this one.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(process.env.E2E_DIST || path.join(HERE, '..', 'dist'));
const RESULTS = path.resolve(process.env.E2E_RESULTS || path.join(HERE, 'results'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PORT = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : 0;
const OVERALL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 240_000);
const LOAD_TIMEOUT_MS = Number(process.env.E2E_LOAD_TIMEOUT_MS || 60_000);
const MIN_COLOURS = Number(process.env.E2E_MIN_COLOURS || 50);
const QUIET_CONSOLE = process.env.E2E_QUIET_CONSOLE === '1';
const VIEWPORT = { width: 1280, height: 800 };
const CANVAS = '#the_canvas_id';

// Verified on this machine (design/TOOLCHAIN.md, "Browser tests").
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// ---------------------------------------------------------------- results bookkeeping

const results = []; // { name, ok, detail }
let passed = 0;
let failed = 0;

class Fatal extends Error {}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function fmt(v) {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Run one named check. Records pass/fail, prints it, returns fn's value (undefined on failure). */
async function check(name, fn, { fatal = false } = {}) {
  const t0 = Date.now();
  try {
    const value = await fn();
    passed++;
    results.push({ name, ok: true, detail: value });
    const extra = value === undefined ? '' : `  (${fmt(value)})`;
    log(`PASS ${name}${extra}  [${Date.now() - t0} ms]`);
    return value;
  } catch (err) {
    failed++;
    // Keep the message, drop JS stack frames (playwright appends them to evaluate errors).
    const msg = (err && err.message ? err.message : String(err))
      .split('\n')
      .filter((l) => !/^\s+at /.test(l))
      .join('\n');
    results.push({ name, ok: false, detail: msg });
    log(`FAIL ${name}: ${msg}  [${Date.now() - t0} ms]`);
    if (fatal) throw new Fatal(`${name} failed; later checks need it`);
    return undefined;
  }
}

function log(line) {
  process.stdout.write(line + '\n');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a truthy value; throws with `describe(last)` on timeout. */
async function waitFor(probe, { timeout = 10_000, interval = 100, what = 'condition', describe } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastErr;
  for (;;) {
    try {
      last = await probe();
      lastErr = undefined;
      if (last) return last;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() >= deadline) {
      const why = lastErr ? `last error: ${lastErr.message}` : describe ? describe(last) : `last value: ${fmt(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; ${why}`);
    }
    await sleep(interval);
  }
}

// ---------------------------------------------------------------- static server

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
};

const served = []; // { url, status, type, bytes }

function startServer(root, port) {
  const server = http.createServer(async (req, res) => {
    let status = 500;
    let type = '';
    let bytes = 0;
    try {
      const url = new URL(req.url, 'http://localhost');
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
      if (file !== root && !file.startsWith(root + path.sep)) {
        status = 403;
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        status = 405;
      } else {
        let st;
        try {
          st = await fsp.stat(file);
        } catch {
          st = null;
        }
        if (st && st.isFile()) {
          const body = await fsp.readFile(file);
          status = 200;
          type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
          bytes = body.length;
          res.writeHead(200, {
            'Content-Type': type,
            'Content-Length': body.length,
            'Cache-Control': 'no-store',
          });
          res.end(req.method === 'HEAD' ? undefined : body);
        } else {
          status = 404;
        }
      }
    } catch (e) {
      status = 500;
      log(`[server] error for ${req.url}: ${e.message}`);
    }
    if (status !== 200) {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${status}\n`);
    }
    served.push({ url: req.url, status, type, bytes });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------- browser state collection

const consoleLines = []; // every console message, for results/browser-console.log
const problems = []; // console errors, page errors, failed requests, HTTP >= 400

function recordConsole(msg) {
  const type = msg.type();
  const loc = msg.location();
  const where = loc && loc.url ? ` (${loc.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, '')}:${loc.lineNumber})` : '';
  const line = `[browser ${type}] ${msg.text()}${where}`;
  consoleLines.push(line);
  const isError = type === 'error' || type === 'assert';
  const panicked = /panicked/i.test(msg.text());
  if (isError || panicked) problems.push(`console.${type}: ${msg.text()}${where}`);
  if (!QUIET_CONSOLE || isError || panicked) log('  ' + line);
}

// ---------------------------------------------------------------- main

let server;
let context;
let userDataDir;
let finished = false;
let pageOpened = false; // the final console check only makes sense once a page existed

async function cleanup() {
  const c = context;
  context = undefined;
  if (c) {
    await Promise.race([c.close().catch(() => {}), sleep(10_000)]);
  }
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections?.();
    await new Promise((r) => s.close(() => r()));
  }
  if (userDataDir) {
    try {
      fs.rmSync(userDataDir, { recursive: true, force: true });
    } catch {
      /* ignore */
    }
    userDataDir = undefined;
  }
}

function writeLogs() {
  try {
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, 'browser-console.log'), consoleLines.join('\n') + '\n');
    fs.writeFileSync(
      path.join(RESULTS, 'e2e-report.json'),
      JSON.stringify({ passed, failed, results, problems, served }, null, 2) + '\n',
    );
  } catch (e) {
    log(`(could not write logs to ${RESULTS}: ${e.message})`);
  }
}

function summary() {
  if (finished) return;
  finished = true;
  writeLogs();
  log('');
  if (problems.length) {
    log(`Browser problems (${problems.length}):`);
    for (const p of problems) log(`  ${p}`);
  }
  const failedNames = results.filter((r) => !r.ok).map((r) => r.name);
  if (failedNames.length) log(`Failed: ${failedNames.join('; ')}`);
  log(`Screenshots and logs: ${RESULTS}`);
  log(`${passed} passed, ${failed} failed`);
}

const overallTimer = setTimeout(async () => {
  log(`\nOVERALL TIMEOUT: the run took longer than ${OVERALL_TIMEOUT_MS} ms; aborting.`);
  failed++;
  results.push({ name: 'overall timeout', ok: false, detail: `${OVERALL_TIMEOUT_MS} ms` });
  await Promise.race([cleanup(), sleep(15_000)]);
  summary();
  process.exit(1);
}, OVERALL_TIMEOUT_MS);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    log(`\nreceived ${sig}; cleaning up`);
    failed++;
    results.push({ name: `interrupted by ${sig}`, ok: false });
    await Promise.race([cleanup(), sleep(10_000)]);
    summary();
    process.exit(130);
  });
}

async function main() {
  // ---- preconditions
  await check(
    'dist/ has index.html, a .js and a .wasm',
    async () => {
      assert(fs.existsSync(path.join(DIST, 'index.html')), `${DIST}/index.html missing — run \`trunk build --release\` first`);
      const files = fs.readdirSync(DIST);
      const js = files.filter((f) => f.endsWith('.js'));
      const wasm = files.filter((f) => f.endsWith('.wasm'));
      assert(js.length > 0, `no .js file in ${DIST}`);
      assert(wasm.length > 0, `no .wasm file in ${DIST}`);
      return { dist: DIST, js, wasm };
    },
    { fatal: true },
  );
  await check(
    'Chromium binary present',
    async () => {
      assert(fs.existsSync(CHROMIUM), `${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium, or set CHROMIUM)`);
      return CHROMIUM;
    },
    { fatal: true },
  );
  fs.mkdirSync(RESULTS, { recursive: true });

  // ---- server + browser
  const base = await check(
    'static server listens on 127.0.0.1',
    async () => {
      try {
        server = await startServer(DIST, PORT);
      } catch (e) {
        throw new Error(`cannot listen on 127.0.0.1:${PORT || '(any)'}: ${e.code || e.message}${PORT ? ' — unset E2E_PORT or pick another' : ''}`);
      }
      return `http://127.0.0.1:${server.address().port}/`;
    },
    { fatal: true },
  );
  log(`serving ${DIST} at ${base}`);

  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nhf-e2e-profile-'));
  await check(
    'Chromium launches (headless, SwiftShader)',
    async () => {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: VIEWPORT,
        deviceScaleFactor: 1,
        timeout: 60_000,
      });
      return context.browser()?.version() ?? 'ok';
    },
    { fatal: true },
  );
  const page = context.pages()[0] || (await context.newPage());
  pageOpened = true;
  page.setDefaultTimeout(30_000);

  page.on('console', recordConsole);
  page.on('pageerror', (err) => {
    const text = `page error: ${err.message}${err.stack ? '\n' + err.stack : ''}`;
    problems.push(text);
    consoleLines.push(`[pageerror] ${text}`);
    log(`  [pageerror] ${err.message}`);
  });
  page.on('requestfailed', (req) => {
    const text = `request failed: ${req.method()} ${req.url()} — ${req.failure()?.errorText}`;
    problems.push(text);
    log(`  [network] ${text}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) {
      const text = `HTTP ${res.status()} for ${res.request().method()} ${res.url()}`;
      problems.push(text);
      log(`  [network] ${text}`);
    }
  });
  page.on('crash', () => {
    problems.push('page crashed');
    log('  [page] CRASHED');
  });

  // ---- helpers that talk to the app
  const status = async () => {
    const r = await page.evaluate(() => {
      const raw = window.wasmBindings.app_status();
      return { raw, t: performance.now() };
    });
    const s = typeof r.raw === 'string' ? JSON.parse(r.raw) : r.raw;
    assert(s && typeof s === 'object', `app_status() did not return a JSON object: ${fmt(r.raw)}`);
    Object.defineProperty(s, '_t', { value: r.t, enumerable: false });
    return s;
  };
  const command = async (cmd) => {
    const arg = typeof cmd === 'string' ? cmd : JSON.stringify(cmd);
    const raw = await page.evaluate((a) => window.wasmBindings.app_command(a), arg);
    let reply;
    try {
      reply = typeof raw === 'string' ? JSON.parse(raw) : raw;
    } catch {
      throw new Error(`app_command(${arg}) returned non-JSON: ${fmt(raw)}`);
    }
    assert(reply && typeof reply === 'object', `app_command(${arg}) returned ${fmt(raw)}`);
    return reply;
  };
  const commandOk = async (cmd) => {
    const reply = await command(cmd);
    assert(reply.ok === true, `app_command(${fmt(cmd)}) replied ${fmt(reply)}`);
    return reply;
  };
  /** Wait until at least n more frames have been rendered (real frames, not wall time). */
  const waitFrames = async (n, timeout = 10_000) => {
    const f0 = (await status()).frames;
    await waitFor(async () => (await status()).frames >= f0 + n, { timeout, interval: 30, what: `${n} more frames after frame ${f0}` });
  };
  const noPanicSoFar = () => {
    const p = problems.filter((x) => /panicked|RuntimeError|unreachable/i.test(x));
    assert(p.length === 0, `panic seen: ${p[0]}`);
  };
  const screenshot = async (name) => {
    const file = path.join(RESULTS, name);
    const buf = await page.screenshot({ path: file, fullPage: false });
    log(`  screenshot: ${file}`);
    return buf;
  };
  /** Decode a PNG inside the page and count distinct RGB colours (no native deps needed). */
  const countColours = async (png) =>
    page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const oc = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = oc.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return { colours: seen.size, width: bmp.width, height: bmp.height };
    }, png.toString('base64'));

  // ---- load
  const tLaunch = Date.now();
  await check(
    'page loads (HTTP 200)',
    async () => {
      const res = await page.goto(base, { waitUntil: 'load', timeout: 30_000 });
      assert(res && res.status() === 200, `GET / returned ${res && res.status()}`);
      return `${Date.now() - tLaunch} ms`;
    },
    { fatal: true },
  );

  let s0 = await check(
    `first frames within ${LOAD_TIMEOUT_MS / 1000} s (wasmBindings, frames >= 2, #loading gone)`,
    async () => {
      const probe = () =>
        page.evaluate(() => {
          const wb = window.wasmBindings;
          const el = document.getElementById('loading');
          let loadingGone = true;
          if (el && el.isConnected) {
            const cs = getComputedStyle(el);
            loadingGone = el.hidden || cs.display === 'none' || cs.visibility === 'hidden';
          }
          const st = {
            bindings: !!wb,
            hasStatus: !!(wb && typeof wb.app_status === 'function'),
            hasCommand: !!(wb && typeof wb.app_command === 'function'),
            canvas: !!document.getElementById('the_canvas_id'),
            loadingGone,
            loadingText: el && el.isConnected ? el.textContent.trim().slice(0, 200) : null,
            frames: null,
            statusError: null,
          };
          if (st.hasStatus) {
            try {
              const s = JSON.parse(wb.app_status());
              st.frames = s.frames;
              st.appError = s.error ?? null;
            } catch (e) {
              st.statusError = String(e);
            }
          }
          st.ready = st.hasStatus && st.hasCommand && st.canvas && st.loadingGone && st.frames >= 2;
          return st;
        });
      const st = await waitFor(async () => {
        const v = await probe();
        return v.ready ? v : null;
      }, {
        timeout: LOAD_TIMEOUT_MS,
        interval: 100,
        what: 'the app to start',
        describe: () => 'see state below',
      }).catch(async (e) => {
        let last = null;
        try {
          last = await probe();
        } catch (e2) {
          last = { probeError: e2.message };
        }
        throw new Error(
          `${e.message}\n    app did not start: window.wasmBindings ${last.bindings ? 'present' : 'MISSING'}` +
            `, app_status ${last.hasStatus ? 'ok' : 'MISSING'}, app_command ${last.hasCommand ? 'ok' : 'MISSING'}` +
            `, canvas ${last.canvas ? 'ok' : 'MISSING'}, frames=${last.frames}` +
            `, #loading ${last.loadingGone ? 'gone' : `still shown: "${last.loadingText}"`}` +
            (last.statusError ? `, app_status() threw/invalid JSON: ${last.statusError}` : '') +
            (last.probeError ? `, probe error: ${last.probeError}` : '') +
            (problems.length ? `\n    browser problems so far: ${problems.slice(0, 5).join(' | ')}` : ''),
        );
      });
      return { ms_since_launch: Date.now() - tLaunch, frames: st.frames };
    },
    { fatal: true },
  );

  s0 = await status();
  log(`  initial status: ${JSON.stringify(s0)}`);

  await check('status has the documented fields', async () => {
    const want = { frames: 'number', step: 'number', running: 'boolean', target: 'string', fps: 'number', anim_step: 'number', widgets: 'object' };
    for (const [k, t] of Object.entries(want)) assert(typeof s0[k] === t, `status.${k} should be ${t}, got ${fmt(s0[k])}`);
    assert(s0.loss === null || typeof s0.loss === 'number', `status.loss should be number|null, got ${fmt(s0.loss)}`);
    assert(s0.error === null || typeof s0.error === 'string', `status.error should be string|null, got ${fmt(s0.error)}`);
    assert(s0.target === '8gaussians', `initial target should be 8gaussians, got ${fmt(s0.target)}`);
  });

  await check('app reports no error', async () => {
    assert(s0.error === null || s0.error === undefined, `status.error = ${fmt(s0.error)}`);
  });

  await check('wasm served as application/wasm', async () => {
    const w = served.filter((r) => r.url.split('?')[0].endsWith('.wasm'));
    assert(w.length > 0, 'the page never requested a .wasm file');
    assert(w.every((r) => r.status === 200 && r.type === 'application/wasm'), `wasm responses: ${fmt(w)}`);
    return w.map((r) => `${r.url} ${(r.bytes / 1e6).toFixed(2)} MB`).join(', ');
  });

  await check('the WebGL2 context draws opaque, without multisampling (egui feathers its edges itself)', async () => {
    const attrs = await page.evaluate(() => {
      const gl = document.getElementById('the_canvas_id').getContext('webgl2');
      return gl && gl.getContextAttributes();
    });
    assert(attrs, 'no WebGL2 context on the canvas');
    assert(attrs.antialias === false && attrs.depth === false && attrs.alpha === false, `context attributes: ${fmt(attrs)}`);
    return `antialias ${attrs.antialias}, depth ${attrs.depth}, alpha ${attrs.alpha}`;
  });

  let firstPng;
  await check('screenshot after first frame', async () => {
    await waitFrames(2);
    firstPng = await screenshot('01-first-frame.png');
    return `${(firstPng.length / 1024).toFixed(0)} KiB`;
  });
  if (firstPng) {
    await check(`first screenshot is not blank (>= ${MIN_COLOURS} colours)`, async () => {
      const c = await countColours(firstPng);
      assert(c.colours >= MIN_COLOURS, `only ${c.colours} distinct colours in ${c.width}x${c.height}`);
      return c;
    });
  }

  // ---- frames keep advancing; fps
  await check('frames keep advancing over ~3 s', async () => {
    const samples = [await status()];
    for (let i = 0; i < 3; i++) {
      await sleep(1000);
      samples.push(await status());
    }
    for (let i = 1; i < samples.length; i++) {
      assert(samples[i].frames > samples[i - 1].frames, `frames stalled between samples: ${samples.map((x) => x.frames).join(' → ')}`);
    }
    const a = samples[0];
    const b = samples[samples.length - 1];
    const measured = (b.frames - a.frames) / ((b._t - a._t) / 1000);
    log(`  fps measured (Δframes/Δt): ${measured.toFixed(1)}; app's own fps: ${Number(b.fps).toFixed(1)}`);
    return { frames: samples.map((x) => x.frames), fps_measured: +measured.toFixed(1), fps_app: b.fps };
  });

  // ---- train via a real mouse click on the canvas
  let afterClick;
  await check('clicking the Train button starts training', async () => {
    let s = await status();
    if (s.running) {
      log('  (app was already running at start; pausing first so the click has something to do)');
      await commandOk({ cmd: 'pause' });
      await waitFor(async () => !(await status()).running, { timeout: 5000, what: 'running == false before click' });
      s = await status();
    }
    const r = s.widgets && s.widgets.train_button;
    assert(Array.isArray(r) && r.length === 4 && r.every(Number.isFinite), `widgets.train_button should be [x,y,w,h], got ${fmt(r)}`);
    const [x, y, w, h] = r;
    assert(w > 0 && h > 0, `train_button has empty size: ${fmt(r)}`);
    const box = await page.locator(CANVAS).boundingBox();
    assert(box, 'canvas has no bounding box');
    const cx = box.x + x + w / 2;
    const cy = box.y + y + h / 2;
    assert(cx >= box.x && cy >= box.y && cx <= box.x + box.width && cy <= box.y + box.height, `button centre (${cx},${cy}) outside canvas ${fmt(box)}`);
    const step0 = s.step;
    // Move, let egui see the hover, then press and release on separate frames.
    await page.mouse.move(cx, cy);
    await waitFrames(2);
    await page.mouse.down();
    await waitFrames(1);
    await page.mouse.up();
    afterClick = await waitFor(async () => {
      const t = await status();
      return t.running ? t : null;
    }, { timeout: 5000, what: 'running == true after click', describe: (v) => `clicked at (${cx.toFixed(0)}, ${cy.toFixed(0)}) page px` });
    return { click_page_px: [+cx.toFixed(1), +cy.toFixed(1)], button: r, step_before: step0 };
  });

  await check('training advances step', async () => {
    let a = await status();
    if (!a.running) {
      // Keep the rest of the run meaningful when only the click failed.
      log('  (not running after the click; starting training with {"cmd":"train"} instead)');
      await commandOk({ cmd: 'train' });
      a = await waitFor(async () => {
        const t = await status();
        return t.running ? t : null;
      }, { timeout: 5000, what: 'running == true after {"cmd":"train"}' });
    }
    const b = await waitFor(async () => {
      const t = await status();
      return t.step > a.step ? t : null;
    }, { timeout: 15_000, what: `step to advance past ${a.step}` });
    return { from: a.step, to: b.step };
  });

  await check('training runs in a Web Worker, and equals the same steps taken in the page', async () => {
    const s = await status();
    assert(s.training_in === 'worker', `training_in = ${fmt(s.training_in)} (the worker did not start: see the console log)`);
    // Train in the worker from fresh parameters, stop, and note where the run is.
    await commandOk({ cmd: 'pause' });
    await commandOk({ cmd: 'anim_play', playing: false });
    try {
      await commandOk({ cmd: 'reset' });
      await commandOk({ cmd: 'train' });
      await waitFor(async () => ((await status()).step >= 8 ? true : null), { timeout: 20_000, what: 'eight steps in the worker' });
      await commandOk({ cmd: 'pause' });
      await waitFrames(3);
      const away = await status();
      // The same number of steps, one by one in the page's frame loop.
      await commandOk({ cmd: 'reset' });
      for (let k = 0; k < away.step; k++) await commandOk({ cmd: 'step' });
      await waitFrames(3);
      const here = await status();
      assert(here.step === away.step, `steps ${here.step} vs ${away.step}`);
      assert(here.loss === away.loss, `last loss ${here.loss} (page) vs ${away.loss} (worker)`);
      assert(JSON.stringify(here.anim_summary) === JSON.stringify(away.anim_summary),
        `trajectories differ: ${fmt(here.anim_summary)} vs ${fmt(away.anim_summary)}`);
      return { steps: away.step, loss: away.loss };
    } finally {
      // The next checks expect a training, animated app, whatever happened here.
      await commandOk({ cmd: 'anim_play', playing: true });
      await commandOk({ cmd: 'train' });
    }
  });

  await check('train a while, loss is a finite number, screenshot', async () => {
    await sleep(3000);
    const s = await status();
    log(`  status after training: ${JSON.stringify(s)}`);
    await screenshot('02-after-training.png');
    assert(s.running, 'stopped running on its own');
    assert(typeof s.loss === 'number' && Number.isFinite(s.loss), `loss should be a finite number while training, got ${fmt(s.loss)} (NaN/inf serialise as null)`);
    assert(s.error === null || s.error === undefined, `status.error = ${fmt(s.error)}`);
    return { step: s.step, loss: s.loss };
  });

  // ---- commands
  await check('{"cmd":"pause"} stops training', async () => {
    const reply = await commandOk({ cmd: 'pause' });
    const s = await waitFor(async () => {
      const t = await status();
      return !t.running ? t : null;
    }, { timeout: 5000, what: 'running == false' });
    await waitFrames(3);
    const later = await status();
    assert(later.step === s.step, `step still advancing while paused: ${s.step} → ${later.step}`);
    return { reply, step: later.step };
  });

  for (const bad of [{ cmd: 'fly' }, 'this is not json', { cmd: 'target', name: 'no-such-target' }]) {
    await check(`invalid command ${fmt(bad)} → ok:false with an error`, async () => {
      const reply = await command(bad);
      assert(reply.ok === false, `expected ok:false, got ${fmt(reply)}`);
      assert(typeof reply.error === 'string' && reply.error.length > 0, `expected a non-empty error message, got ${fmt(reply)}`);
      return reply.error;
    });
  }

  await check('app survives invalid commands (frames advance, no panic)', async () => {
    await waitFrames(5);
    noPanicSoFar();
    const s = await status();
    assert(s.target === '8gaussians', `target changed by an invalid command: ${s.target}`);
  });

  await check('{"cmd":"target","name":"banana"} switches target', async () => {
    await commandOk({ cmd: 'target', name: 'banana' });
    const s = await waitFor(async () => {
      const t = await status();
      return t.target === 'banana' ? t : null;
    }, { timeout: 5000, what: 'status.target == "banana"' });
    return s.target;
  });

  await check('{"cmd":"anim_step","delta":1} changes anim_step', async () => {
    const a = (await status()).anim_step;
    await commandOk({ cmd: 'anim_step', delta: 1 });
    const s = await waitFor(async () => {
      const t = await status();
      return t.anim_step !== a ? t : null;
    }, { timeout: 5000, what: `anim_step to change from ${a}` });
    return { from: a, to: s.anim_step };
  });

  await check('{"cmd":"reset"} → ok, step back to 0, not running', async () => {
    await commandOk({ cmd: 'reset' });
    const s = await waitFor(async () => {
      const t = await status();
      return t.step === 0 && !t.running ? t : null;
    }, { timeout: 5000, what: 'step == 0 and running == false after reset' });
    return { step: s.step, target: s.target };
  });

  await check('{"cmd":"train"} starts training, {"cmd":"pause"} stops it', async () => {
    const a = await status();
    await commandOk({ cmd: 'train' });
    const b = await waitFor(async () => {
      const t = await status();
      return t.running && t.step > a.step ? t : null;
    }, { timeout: 15_000, what: `running and step > ${a.step} after {"cmd":"train"}` });
    await commandOk({ cmd: 'pause' });
    await waitFor(async () => !(await status()).running, { timeout: 5000, what: 'running == false' });
    return { step: b.step, target: b.target };
  });

  // ---- the playground's views (issue 5)
  await check('select 8gaussians, train until the loss falls', async () => {
    await commandOk({ cmd: 'target', name: '8gaussians' });
    await commandOk({ cmd: 'reset' });
    await commandOk({ cmd: 'train' });
    const first = await waitFor(async () => {
      const t = await status();
      return t.loss !== null && t.step >= 3 ? t : null;
    }, { timeout: 20_000, what: 'a first loss' });
    const f0 = first.frames;
    const t0 = Date.now();
    const later = await waitFor(async () => {
      const t = await status();
      return t.step >= first.step + 150 && t.loss < first.loss - 0.3 ? t : null;
    }, { timeout: 90_000, interval: 500, what: `loss to fall below ${first.loss - 0.3}` });
    const fps = (later.frames - f0) / ((Date.now() - t0) / 1000);
    log(`  fps while training (Δframes/Δt): ${fps.toFixed(1)}; frame_ms ${later.frame_ms}; ${later.iters_per_sec.toFixed(1)} it/s`);
    await commandOk({ cmd: 'pause' });
    return { from: [first.step, first.loss], to: [later.step, later.loss], fps_training: +fps.toFixed(1), frame_ms: later.frame_ms };
  });

  await check('the grid KL is computed across frames', async () => {
    const s = await waitFor(async () => {
      const t = await status();
      return t.kl !== null && t.kl_step > 0 ? t : null;
    }, { timeout: 30_000, what: 'a grid KL of a trained model' });
    assert(Number.isFinite(s.kl) && s.kl > 0, `kl = ${fmt(s.kl)}`);
    return { kl: s.kl, at: s.kl_step };
  });

  await check('scrub and step the animation', async () => {
    await commandOk({ cmd: 'scrub', step: 7 });
    let s = await status();
    assert(s.anim_step === 7 && !s.anim_playing, `after scrub: ${s.anim_step}, playing ${s.anim_playing}`);
    await commandOk({ cmd: 'anim_step', delta: -1 });
    s = await status();
    assert(s.anim_step === 6, `after one step back: ${s.anim_step}`);
    await commandOk({ cmd: 'direction', name: 'normalize' });
    s = await status();
    assert(s.direction === 'normalize', `direction ${s.direction}`);
    await screenshot('04-normalize-paused.png');
    await commandOk({ cmd: 'direction', name: 'generate' });
    return s.anim_states;
  });

  const VIEWS = ['position', 'phase', 'densities', 'training', 'energy', 'integrators', 'interpretability'];
  for (const only of VIEWS) {
    await check(`view ${only} alone, screenshot`, async () => {
      for (const v of VIEWS) await commandOk({ cmd: 'view', name: v, visible: v === only });
      await waitFrames(4);
      const s = await status();
      assert(JSON.stringify(s.views) === JSON.stringify([only]), `views = ${fmt(s.views)}`);
      await screenshot(`view-${only}.png`);
      return s.views;
    });
  }
  await check('all views back on; bad view and bad setting are refused', async () => {
    for (const v of VIEWS) await commandOk({ cmd: 'view', name: v, visible: true });
    const bad = await command({ cmd: 'view', name: 'hologram', visible: true });
    assert(bad.ok === false && /unknown view/.test(bad.error), fmt(bad));
    const before = (await status()).settings;
    const dt = await command({ cmd: 'set', key: 'dt', value: 99 });
    assert(dt.ok === false && /dt/.test(dt.error), fmt(dt));
    const after = (await status()).settings;
    assert(JSON.stringify(before) === JSON.stringify(after), 'a refused setting changed the settings');
    await commandOk({ cmd: 'set', key: 'blocks', value: 2 });
    const s = await status();
    assert(s.settings.flow.blocks === 2 && s.anim_states === 2 * s.settings.flow.leapfrog_steps + 1, `blocks ${s.settings.flow.blocks}, states ${s.anim_states}`);
    await commandOk({ cmd: 'set', key: 'blocks', value: 4 });
    await waitFrames(3);
    await screenshot('05-all-views.png');
    return s.views;
  });

  // ---- #6: links, presets, classroom, painting
  /** Opens the app in a new tab at `url`, waits for frames, returns { page, status }. */
  /** Waits until the app in `tab` has drawn 35 frames (the address bar is synced every 30). */
  const settledStatus = (tab, url) =>
    waitFor(async () => {
      const raw = await tab.evaluate(() => (window.wasmBindings ? window.wasmBindings.app_status() : null)).catch(() => null);
      if (!raw) return null;
      const v = JSON.parse(raw);
      return v.frames >= 35 ? v : null;
    }, { timeout: LOAD_TIMEOUT_MS, interval: 200, what: `the app in a new tab at ${url.slice(0, 80)}` });
  const openTab = async (url) => {
    const tab = await context.newPage();
    tab.on('pageerror', (err) => problems.push(`page error (tab): ${err.message}`));
    await tab.goto(url);
    return { tab, st: await settledStatus(tab, url) };
  };

  await check('a link opened in a new tab reproduces settings and trajectories', async () => {
    await commandOk({ cmd: 'link', link: '#target=moons&blocks=2&leapfrog_steps=6&seed=11&views=position,phase&dir=generate' });
    await waitFrames(2);
    const a = await status();
    assert(a.settings.target === 'moons' && a.settings.flow.blocks === 2 && a.settings.train.seed === 11, `link not applied: ${fmt(a.settings)}`);
    assert(typeof a.link === 'string' && a.link.startsWith('#target=moons'), `status.link = ${fmt(a.link)}`);
    assert(Array.isArray(a.anim_summary) && a.anim_summary.length === 4, `anim_summary = ${fmt(a.anim_summary)}`);
    const { tab, st: b } = await openTab(base + a.link);
    try {
      assert(JSON.stringify(b.settings) === JSON.stringify(a.settings), `settings differ:\n ${fmt(a.settings)}\n ${fmt(b.settings)}`);
      assert(JSON.stringify(b.anim_summary) === JSON.stringify(a.anim_summary), `trajectories differ: ${fmt(a.anim_summary)} vs ${fmt(b.anim_summary)}`);
      const url = tab.url();
      assert(url.includes('#target=moons') && url.includes('seed=11'), `the address bar does not hold the link: ${url}`);
    } finally {
      await tab.close();
    }
    // For the native window test: the desktop app must reproduce the same trajectories.
    fs.writeFileSync(path.join(RESULTS, 'browser-link.json'), JSON.stringify({ link: a.link, anim_summary: a.anim_summary }) + '\n');
    return a.anim_summary;
  });

  await check('a broken link shows a message and a working app with its settings kept', async () => {
    const { tab, st } = await openTab(base + '#target=banana&blocks=999&dt=NaN');
    try {
      assert(/cannot be opened/.test(st.message || '') && /blocks/.test(st.message), `message = ${fmt(st.message)}`);
      assert(st.settings.flow.blocks !== 999 && st.target !== 'banana', `the broken link changed settings: ${st.target}, blocks ${st.settings.flow.blocks}`);
      const raw = await tab.evaluate(() => window.wasmBindings.app_command('{"cmd":"step"}'));
      assert(JSON.parse(raw).ok === true, `step after a broken link: ${raw}`);
      const after = JSON.parse(await tab.evaluate(() => window.wasmBindings.app_status()));
      assert(after.step === 1 && Number.isFinite(after.loss), `after a step: step ${after.step}, loss ${after.loss}`);
      await tab.screenshot({ path: path.join(RESULTS, '06-broken-link.png') });
      // Bad links by command too: refused, nothing changes.
      const before = (await status()).link;
      for (const bad of ['#zoom=99', '#views=hologram', '#drawing=2x2,0,1,0,1,%%%', 'target=' + 'x'.repeat(70000)]) {
        const r = await command({ cmd: 'link', link: bad });
        assert(r.ok === false && typeof r.error === 'string', `${bad.slice(0, 30)} accepted: ${fmt(r)}`);
      }
      assert((await status()).link === before, 'a refused link changed the state');
      return st.message;
    } finally {
      await tab.close();
    }
  });

  await check('preset and classroom mode', async () => {
    await commandOk({ cmd: 'preset', name: 'potential-is-neg-log-p' });
    await waitFrames(3);
    let s = await status();
    assert(s.preset === 'potential-is-neg-log-p' && s.views.includes('interpretability'), `preset ${s.preset}, views ${s.views}`);
    assert(Number.isFinite(s.widgets.potential_correlation), `potential_correlation = ${s.widgets.potential_correlation}`);
    await screenshot('07-preset-potential.png');
    await commandOk({ cmd: 'link', link: s.link + '&hide=model,status&zoom=1.4' });
    await waitFrames(3);
    s = await status();
    assert(JSON.stringify(s.hidden_panels) === '["model","status"]' && s.zoom === 1.4, `classroom: ${fmt(s.hidden_panels)} zoom ${s.zoom}`);
    await screenshot('08-classroom.png');
    await commandOk({ cmd: 'link', link: '#target=8gaussians' });
    return s.link;
  });

  await check('painting the drawn target with the mouse makes it the target', async () => {
    await commandOk({ cmd: 'target', name: 'drawn' });
    await commandOk({ cmd: 'clear_canvas' });
    await waitFrames(3);
    const s = await status();
    const sq = s.widgets.position_square;
    assert(Array.isArray(sq) && sq[2] > 100, `position_square = ${fmt(sq)}`);
    const box = await page.locator(CANVAS).boundingBox();
    const at = (fx, fy) => [box.x + sq[0] + fx * sq[2], box.y + sq[1] + fy * sq[3]];
    await page.mouse.move(...at(0.25, 0.3));
    await waitFrames(1);
    await page.mouse.down();
    for (let k = 1; k <= 12; k++) {
      await page.mouse.move(...at(0.25 + 0.04 * k, 0.3 + 0.03 * k));
      await waitFrames(1);
    }
    await page.mouse.up();
    const done = await waitFor(async () => {
      const t = await status();
      return t.message === 'the picture is the new target' ? t : null;
    }, { timeout: 10_000, what: 'the painted picture to become the target' });
    assert(done.link.includes('drawing='), 'the link does not carry the drawing');
    await screenshot('09-painted.png');
    return done.message;
  });

  await check('layout at 1000x650', async () => {
    await commandOk({ cmd: 'link', link: '#target=8gaussians&views=position,phase,densities,training,energy' });
    await page.setViewportSize({ width: 1000, height: 650 });
    await waitFrames(5);
    await screenshot('10-layout-1000x650.png');
    await page.setViewportSize(VIEWPORT);
    await waitFrames(3);
  });

  await check('save the model (download), load it back through the file picker, refuse a broken file', async () => {
    await commandOk({ cmd: 'link', link: '#target=moons&seed=4' });
    await commandOk({ cmd: 'step' });
    await commandOk({ cmd: 'step' });
    const trained = await status();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), commandOk({ cmd: 'save_model' })]);
    const file = path.join(RESULTS, 'saved-model.json');
    await download.saveAs(file);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert(saved.format === 'nhf-playground-model' && saved.step === 2 && saved.target === 'moons', `saved: ${saved.format} step ${saved.step} ${saved.target}`);
    assert(download.suggestedFilename() === 'nhf-moons-step2.json', download.suggestedFilename());
    const [csv] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), commandOk({ cmd: 'export_samples', n: 2000 })]);
    const csvFile = path.join(RESULTS, 'samples.csv');
    await csv.saveAs(csvFile);
    const rows = fs.readFileSync(csvFile, 'utf8').trim().split('\n');
    assert(rows.length > 1900 && rows.slice(1).every((r) => r.split(',').map(Number).every(Number.isFinite)), `samples.csv: ${rows.length} rows, first ${rows[1]}`);
    await commandOk({ cmd: 'target', name: 'banana' });
    // The picker needs a real click (browsers open file pickers only on a user gesture).
    const pickFile = async (files) => {
      const s = await status();
      const [x, y, w, h] = s.widgets.load_button;
      const box = await page.locator(CANVAS).boundingBox();
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser', { timeout: 15_000 }),
        (async () => {
          await page.mouse.move(box.x + x + w / 2, box.y + y + h / 2);
          await waitFrames(2);
          await page.mouse.down();
          await waitFrames(1);
          await page.mouse.up();
        })(),
      ]);
      await chooser.setFiles(files);
    };
    await pickFile(file);
    const loaded = await waitFor(async () => {
      const t = await status();
      return /model loaded/.test(t.message || '') ? t : null;
    }, { timeout: 15_000, what: 'the model to load' });
    assert(loaded.target === 'moons' && loaded.step === 2 && loaded.settings.train.seed === 4, `loaded: ${loaded.target} step ${loaded.step}`);
    assert(JSON.stringify(loaded.anim_summary) !== JSON.stringify(null), 'no trajectories after loading');
    await pickFile({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nhf-playground-model","version":1,') });
    const refused = await waitFor(async () => {
      const t = await status();
      return /kept/.test(t.message || '') ? t : null;
    }, { timeout: 15_000, what: 'the broken file to be refused' });
    assert(refused.step === 2 && refused.target === 'moons' && refused.link === loaded.link, 'a broken file changed the state');
    await screenshot('11-broken-model-file.png');
    await commandOk({ cmd: 'dismiss_error' });
    // A custom Gaussian mixture file becomes the target; a bad one is refused with the field.
    const mixture = '{"name":"two blobs","components":[{"weight":1,"mean":[-2,0],"cov":[[0.3,0],[0,0.3]]},{"weight":1,"mean":[2,1],"cov":[[0.4,0.1],[0.1,0.3]]}]}';
    await pickFile({ name: 'two-blobs.json', mimeType: 'application/json', buffer: Buffer.from(mixture) });
    const custom = await waitFor(async () => {
      const t = await status();
      return /custom mixture loaded/.test(t.message || '') ? t : null;
    }, { timeout: 15_000, what: 'the mixture to load' });
    assert(custom.target === 'custom' && custom.link.includes('mixture='), `after the mixture: ${custom.target}, ${custom.link.slice(0, 80)}`);
    await pickFile({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(mixture.replace('"weight":1,"mean":[-2,0]', '"weight":-1,"mean":[-2,0]')) });
    const badMix = await waitFor(async () => {
      const t = await status();
      return /mixture file/.test(t.message || '') ? t : null;
    }, { timeout: 15_000, what: 'the bad mixture to be refused' });
    assert(/weight/.test(badMix.message) && badMix.link === custom.link, `bad mixture: ${badMix.message}`);
    await screenshot('12-custom-mixture.png');
    await commandOk({ cmd: 'dismiss_error' });
    return `${trained.step} steps saved and loaded; broken file: ${refused.message.slice(0, 60)}`;
  });

  await check('export the views as a PNG download', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), commandOk({ cmd: 'export_view' })]);
    const file = path.join(RESULTS, 'exported-view.png');
    await download.saveAs(file);
    const png = fs.readFileSync(file);
    assert(png.slice(1, 4).toString() === 'PNG', 'not a PNG');
    const w = png.readUInt32BE(16);
    const h = png.readUInt32BE(20);
    assert(w > 600 && w < VIEWPORT.width && h > 500 && h <= VIEWPORT.height, `exported ${w}x${h}`);
    const { colours } = await countColours(png);
    assert(colours >= MIN_COLOURS, `exported view has ${colours} colours`);
    const s = await status();
    assert(/view saved as/.test(s.message || ''), `message ${s.message}`);
    return `${w}x${h}, ${colours} colours`;
  });

  await check('settings survive a reload through eframe storage (local storage), with no link', async () => {
    const { tab, st: a } = await openTab(base + '#target=pinwheel&blocks=5&dt=0.15&seed=42&views=position,training');
    try {
      assert(a.target === 'pinwheel' && a.settings.flow.blocks === 5, `link not applied: ${fmt(a.settings)}`);
      // The address without a hash: a full load, so the settings can only come from storage
      // (eframe saves them on beforeunload).
      // The main page shares this local storage and saves its own settings every 30 s. If
      // that save lands between this tab's save (on unload) and its reload, the reload reads
      // the main page's settings: then the cycle runs once more. A tab that never saves fails
      // both times.
      const mainSettings = JSON.stringify((await status()).settings);
      let b;
      for (let attempt = 0; attempt < 2; attempt++) {
        if (attempt > 0) {
          log('  (the reload read the main page\'s settings, saved meanwhile: once more)');
          await tab.goto('about:blank');
          await tab.goto(base + '#target=pinwheel&blocks=5&dt=0.15&seed=42&views=position,training');
          await settledStatus(tab, base);
        }
        await tab.evaluate(() => { window.beforeReload = true; });
        await tab.goto(base);
        b = await settledStatus(tab, base);
        assert(await tab.evaluate(() => window.beforeReload === undefined), 'the page was not loaded anew');
        if (JSON.stringify(b.settings) !== mainSettings) break;
      }
      assert(JSON.stringify(b.settings) === JSON.stringify(a.settings), `settings not restored:\n ${fmt(a.settings)}\n ${fmt(b.settings)}`);
      const keys = await tab.evaluate(() => Object.keys(window.localStorage));
      assert(keys.length > 0, 'nothing in local storage');
      return `restored ${b.target}, blocks ${b.settings.flow.blocks}, dt ${b.settings.flow.dt}, seed ${b.settings.train.seed} from local storage (${keys.join(', ')})`;
    } finally {
      await tab.close();
    }
  });

  await check('frames still advancing at the end', async () => {
    await waitFrames(3);
    noPanicSoFar();
    await screenshot('03-final.png');
  });
}

let exitCode = 1;
try {
  await main();
} catch (e) {
  if (!(e instanceof Fatal)) {
    failed++;
    results.push({ name: 'unexpected error', ok: false, detail: e.stack || String(e) });
    log(`ERROR ${e.stack || e}`);
  } else {
    log(`ABORT: ${e.message}`);
  }
  // Best-effort screenshot of the failure state.
  try {
    const p = context && context.pages()[0];
    if (p) {
      fs.mkdirSync(RESULTS, { recursive: true });
      await p.screenshot({ path: path.join(RESULTS, 'failure.png'), timeout: 5000 });
      log(`  screenshot: ${path.join(RESULTS, 'failure.png')}`);
    }
  } catch {
    /* ignore */
  }
} finally {
  // Whatever happened, the browser console must have been clean.
  if (pageOpened) {
    await check('no console errors, page errors or failed requests', async () => {
      assert(problems.length === 0, `${problems.length} problem(s), first: ${problems[0]}`);
    });
  }
  await cleanup();
  clearTimeout(overallTimer);
  summary();
  exitCode = failed === 0 && passed > 0 ? 0 : 1;
}
process.exit(exitCode);
