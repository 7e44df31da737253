// The one place that knows how to open the NHF Playground in a browser: Debian Chromium's path
// and flags, the static server for ../dist, the app page at a link and a size, the helpers that
// read `app_status()` and send `app_command()`, and screenshots into web/results/. The browser
// test (e2e.mjs with checks/*.mjs, run by runner.mjs) and every measurement script in
// ../scripts import it, so they all measure and test the same browser.
//
//   import { openApp } from './harness.mjs';      // scripts: import from '../web/harness.mjs'
//   const app = await openApp('#target=banana', { size: { width: 1000, height: 650 } });
//   await app.commandOk({ cmd: 'train' }); console.log(await app.status()); await app.close();
//
// Environment: CHROMIUM, E2E_DIST, E2E_PORT, E2E_RESULTS, E2E_LOAD_TIMEOUT_MS, E2E_MIN_COLOURS,
// E2E_QUIET_CONSOLE (see README.md here; docs/TOOLCHAIN.md, "Browser tests", says why).

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..');
export const DIST = path.resolve(process.env.E2E_DIST || path.join(REPO, 'dist'));
export const RESULTS = path.resolve(process.env.E2E_RESULTS || path.join(HERE, 'results'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PORT = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : 0;
export const LOAD_TIMEOUT_MS = Number(process.env.E2E_LOAD_TIMEOUT_MS || 60_000);
export const MIN_COLOURS = Number(process.env.E2E_MIN_COLOURS || 50);
export const QUIET_CONSOLE = process.env.E2E_QUIET_CONSOLE === '1';
export const VIEWPORT = { width: 1280, height: 800 };
export const CANVAS = '#the_canvas_id';

// Verified on this machine; docs/TOOLCHAIN.md, "Browser tests", has the same table.
export const CHROMIUM_ARGS = [
  // Chromium's sandbox needs kernel features or a setuid helper that a container running as
  // root does not provide.
  '--no-sandbox',
  // There is no GPU: WebGL goes through ANGLE on SwiftShader, a CPU renderer, which provides
  // the WebGL2 that eframe's glow backend needs (there is no WebGPU).
  '--use-angle=swiftshader',
  // Current Chromium refuses SwiftShader-backed WebGL unless this is set.
  '--enable-unsafe-swiftshader',
  // No QUIC/UDP attempts; the page is plain HTTP on localhost.
  '--disable-quic',
  // Skips first-run setup.
  '--no-first-run',
  // These three stop the browser's own calls to online services, which cannot succeed offline
  // and would add noise or failed requests.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often have a tiny /dev/shm; Chromium then uses /tmp instead of crashing.
  '--disable-dev-shm-usage',
];

// ---------------------------------------------------------------- small helpers

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function log(line) {
  process.stdout.write(line + '\n');
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function fmt(v) {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Poll `probe` until it returns a truthy value; throws with `describe(last)` on timeout. */
export async function waitFor(probe, { timeout = 10_000, interval = 100, what = 'condition', describe } = {}) {
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

// ---------------------------------------------------------------- the launcher

/**
 * Debian Chromium, headless, on a fresh temporary profile (launchPersistentContext).
 * Options: args (default CHROMIUM_ARGS), viewport (1280x800), deviceScaleFactor (1),
 * touch (emulate a touch screen), handleSignals (default true: Playwright closes the browser
 * and exits on Ctrl-C; false for a caller with its own handlers, such as the check runner).
 * Returns { context, userDataDir, version, close() }.
 */
export async function launchChromium({ args = CHROMIUM_ARGS, viewport = VIEWPORT, deviceScaleFactor = 1, touch = false, handleSignals = true, timeout = 60_000 } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium, or set CHROMIUM)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nhf-chromium-profile-'));
  const removeProfile = () => {
    try {
      fs.rmSync(userDataDir, { recursive: true, force: true });
    } catch {
      /* ignore */
    }
  };
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      // The emulated device scale alone leaves ResizeObserver's devicePixelContentBoxSize at
      // scale 1 while devicePixelRatio says 2 (Chromium 156, headless): eframe sizes its
      // canvas from the first and draws at the second, so only the top-left quarter of the app
      // would show. Forcing the scale on the command line as well makes the two agree, as they
      // do on a real phone.
      args: deviceScaleFactor === 1 ? args : [...args, `--force-device-scale-factor=${deviceScaleFactor}`],
      viewport,
      deviceScaleFactor,
      hasTouch: touch,
      handleSIGINT: handleSignals,
      handleSIGTERM: handleSignals,
      handleSIGHUP: handleSignals,
      timeout,
    });
  } catch (e) {
    removeProfile();
    throw e;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // At most 10 s; the timer is cleared so that it does not keep Node running afterwards.
    let timer;
    await Promise.race([context.close().catch(() => {}), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    removeProfile();
  };
  return { context, userDataDir, version: context.browser()?.version() ?? '?', close };
}

// ---------------------------------------------------------------- static server for ../dist

const MIME = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.map': 'application/json', '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.webp': 'image/webp',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
};

/**
 * Serves `root` on 127.0.0.1 (no caching) under `prefix` (default `/`; e.g. `/nhf-playground/`
 * as on a project page: anything outside it is a 404). Returns { base, served, close() };
 * `served` logs every request.
 */
export async function startServer({ root = DIST, port = PORT, prefix = '/' } = {}) {
  if (!fs.existsSync(path.join(root, 'index.html'))) throw new Error(`no ${root}/index.html: build the wasm first (trunk build --release, or make wasm)`);
  const served = []; // { url, status, type, bytes }
  const server = http.createServer(async (req, res) => {
    let status = 500;
    let type = '';
    let bytes = 0;
    try {
      const url = new URL(req.url, 'http://localhost');
      let rel = decodeURIComponent(url.pathname);
      const under = rel.startsWith(prefix);
      rel = rel.slice(prefix.length - 1);
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
      if (!under) {
        status = 404;
      } else if (file !== root && !file.startsWith(root + path.sep)) {
        status = 403;
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        status = 405;
      } else {
        const st = await fsp.stat(file).catch(() => null);
        if (st && st.isFile()) {
          const body = await fsp.readFile(file);
          status = 200;
          type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
          bytes = body.length;
          res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
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
  await new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`cannot listen on 127.0.0.1:${port || '(any)'}: ${e.code || e.message}${port ? ' — unset E2E_PORT or pick another' : ''}`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  const close = () =>
    new Promise((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    });
  return { base: `http://127.0.0.1:${server.address().port}${prefix}`, served, close };
}

// ---------------------------------------------------------------- what the browser says

/** Collects console messages and problems (console errors, page errors, failed requests, HTTP >= 400, crashes). */
export class Watcher {
  constructor({ echo = !QUIET_CONSOLE } = {}) {
    this.echo = echo;
    this.consoleLines = [];
    this.problems = [];
  }

  attach(page, label = '') {
    const tag = label ? `[${label}] ` : '';
    const problem = (text, shown) => {
      this.problems.push(tag + text);
      log(`  ${tag}${shown}`);
    };
    page.on('console', (msg) => {
      const type = msg.type();
      const loc = msg.location();
      const where = loc && loc.url ? ` (${loc.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, '')}:${loc.lineNumber})` : '';
      const line = `${tag}[browser ${type}] ${msg.text()}${where}`;
      this.consoleLines.push(line);
      const isError = type === 'error' || type === 'assert';
      const panicked = /panicked/i.test(msg.text());
      if (isError || panicked) this.problems.push(`${tag}console.${type}: ${msg.text()}${where}`);
      if (this.echo || isError || panicked) log('  ' + line);
    });
    page.on('pageerror', (err) => {
      const text = `page error: ${err.message}${err.stack ? '\n' + err.stack : ''}`;
      this.consoleLines.push(`${tag}[pageerror] ${text}`);
      problem(text, `[pageerror] ${err.message}`);
    });
    page.on('requestfailed', (req) => {
      // The service worker's own requests are its business: it fills its offline copy in the
      // background (cut off when a check closes the browser) and, offline, answers the page
      // from that copy when the network fails. What counts is what the page gets.
      if (req.serviceWorker()) return;
      // ERR_ABORTED is the browser cancelling a request itself (a tab or browser closed by
      // the check while the training worker's copy of the module was still arriving), never a
      // server's answer; a cancelled download the app needed shows as the app not starting,
      // which the checks see. Every other failure is the page's.
      if (/ERR_ABORTED/.test(req.failure()?.errorText || '')) return;
      const text = `request failed: ${req.method()} ${req.url()} — ${req.failure()?.errorText}`;
      problem(text, `[network] ${text}`);
    });
    page.on('response', (res) => {
      if (res.status() < 400) return;
      const text = `HTTP ${res.status()} for ${res.request().method()} ${res.url()}`;
      problem(text, `[network] ${text}`);
    });
    page.on('crash', () => problem('page crashed', '[page] CRASHED'));
  }

  /** Throws if a panic (or a wasm trap) has been seen so far. */
  noPanicSoFar() {
    const p = this.problems.filter((x) => /panicked|RuntimeError|unreachable/i.test(x));
    assert(p.length === 0, `panic seen: ${p[0]}`);
  }
}

// ---------------------------------------------------------------- the app in a page

/** One page (tab) of the app, talking to it through window.wasmBindings. */
export class App {
  constructor(page, { base, context, watcher, label = '', version = '?' }) {
    Object.assign(this, { page, base, context, watcher, label, version });
    this.close = async () => page.close().catch(() => {});
  }

  /** Navigates to `base + link` (link: '', '#…' or '?…'); returns the response. */
  goto(link = '', { timeout = 30_000 } = {}) {
    return this.page.goto(this.base + link, { waitUntil: 'load', timeout });
  }

  /** Waits until the app runs: bindings exported, the canvas there, #loading gone, `frames` >= minFrames. */
  async waitReady({ timeout = LOAD_TIMEOUT_MS, minFrames = 2 } = {}) {
    const probe = () =>
      this.page.evaluate((minFrames) => {
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
        st.ready = st.hasStatus && st.hasCommand && st.canvas && st.loadingGone && st.frames >= minFrames;
        return st;
      }, minFrames);
    const problems = this.watcher ? this.watcher.problems : [];
    return waitFor(async () => {
      const v = await probe();
      return v.ready ? v : null;
    }, { timeout, interval: 100, what: 'the app to start', describe: () => 'see state below' }).catch(async (e) => {
      const last = await probe().catch((e2) => ({ probeError: e2.message }));
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
  }

  /** Waits until the app has drawn `frames` frames (the address bar is synced every 30); returns the status. */
  settle(frames = 35) {
    return waitFor(async () => {
      const raw = await this.page.evaluate(() => (window.wasmBindings ? window.wasmBindings.app_status() : null)).catch(() => null);
      if (!raw) return null;
      const v = JSON.parse(raw);
      return v.frames >= frames ? v : null;
    }, { timeout: LOAD_TIMEOUT_MS, interval: 200, what: `the app at ${this.page.url().slice(0, 80)}` });
  }

  /** `app_status()` parsed; `_t` (not enumerable) is the page's performance.now() when read. */
  async status() {
    const r = await this.page.evaluate(() => ({ raw: window.wasmBindings.app_status(), t: performance.now() }));
    const s = typeof r.raw === 'string' ? JSON.parse(r.raw) : r.raw;
    assert(s && typeof s === 'object', `app_status() did not return a JSON object: ${fmt(r.raw)}`);
    Object.defineProperty(s, '_t', { value: r.t, enumerable: false });
    return s;
  }

  /** `app_command()` with an object or a raw string; returns the parsed reply, ok or not. */
  async command(cmd) {
    const arg = typeof cmd === 'string' ? cmd : JSON.stringify(cmd);
    const raw = await this.page.evaluate((a) => window.wasmBindings.app_command(a), arg);
    let reply;
    try {
      reply = typeof raw === 'string' ? JSON.parse(raw) : raw;
    } catch {
      throw new Error(`app_command(${arg}) returned non-JSON: ${fmt(raw)}`);
    }
    assert(reply && typeof reply === 'object', `app_command(${arg}) returned ${fmt(raw)}`);
    return reply;
  }

  /** As command(), and throws unless the reply is ok. */
  async commandOk(cmd) {
    const reply = await this.command(cmd);
    assert(reply.ok === true, `app_command(${fmt(cmd)}) replied ${fmt(reply)}`);
    return reply;
  }

  /** Polls the status until `pred(status)` holds; returns that status. */
  waitStatus(pred, { timeout = 5000, interval = 100, what = 'status', describe } = {}) {
    return waitFor(async () => {
      const t = await this.status();
      return pred(t) ? t : null;
    }, { timeout, interval, what, describe });
  }

  /** Waits until at least n more frames have been rendered (real frames, not wall time). */
  async waitFrames(n, timeout = 10_000) {
    const f0 = (await this.status()).frames;
    await waitFor(async () => (await this.status()).frames >= f0 + n, { timeout, interval: 30, what: `${n} more frames after frame ${f0}` });
  }

  /** Saves a screenshot of the viewport as RESULTS/name; returns the PNG. */
  async screenshot(name) {
    const file = path.join(RESULTS, name);
    fs.mkdirSync(RESULTS, { recursive: true });
    const buf = await this.page.screenshot({ path: file, fullPage: false });
    log(`  screenshot: ${file}`);
    return buf;
  }

  /** Decodes a PNG inside the page and counts distinct RGB colours (no native deps needed). */
  countColours(png) {
    return this.page.evaluate(async (b64) => {
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
  }

  async canvasBox() {
    const box = await this.page.locator(CANVAS).boundingBox();
    assert(box, 'canvas has no bounding box');
    return box;
  }

  /** A real click at page pixels: move, let egui see the hover, then press and release on separate frames. */
  async click(x, y) {
    await this.page.mouse.move(x, y);
    await this.waitFrames(2);
    await this.page.mouse.down();
    await this.waitFrames(1);
    await this.page.mouse.up();
  }

  /** The app at `link` in a new tab of the same browser (shared storage); not waited for. */
  async newTab(link = '') {
    const page = await this.context.newPage();
    page.setDefaultTimeout(30_000);
    this.watcher?.attach(page, this.label ? `${this.label} tab` : 'tab');
    const tab = new App(page, { base: this.base, context: this.context, watcher: this.watcher, label: this.label, version: this.version });
    await page.goto(this.base + link);
    return tab;
  }
}

/**
 * The app at `link` in a Chromium of its own (fresh profile, so no settings saved by another
 * run), once it draws. Options: size ({width,height}, default 1280x800), touch, deviceScaleFactor,
 * server (from startServer; default: one of its own, closed with the app), watcher (default:
 * one that only reports problems), label (prefix of its log lines), load (false: launch only,
 * then call app.goto() and app.waitReady() yourself), handleSignals (as launchChromium).
 * app.close() closes what it opened.
 */
export async function openApp(link = '', { size = VIEWPORT, touch = false, deviceScaleFactor = 1, server, watcher, label = '', load = true, handleSignals = true } = {}) {
  const ownServer = !server;
  if (ownServer) server = await startServer();
  let browser;
  try {
    browser = await launchChromium({ viewport: size, touch, deviceScaleFactor, handleSignals });
  } catch (e) {
    if (ownServer) await server.close();
    throw e;
  }
  const page = browser.context.pages()[0] || (await browser.context.newPage());
  page.setDefaultTimeout(30_000);
  watcher = watcher || new Watcher({ echo: false });
  watcher.attach(page, label);
  const app = new App(page, { base: server.base, context: browser.context, watcher, label, version: browser.version });
  app.browser = browser;
  app.server = server;
  app.close = async () => {
    await browser.close();
    if (ownServer) await server.close();
  };
  if (!load) return app;
  try {
    const res = await app.goto(link);
    assert(res && res.status() === 200, `GET /${link} returned ${res && res.status()}`);
    await app.waitReady();
  } catch (e) {
    await app.close();
    throw e;
  }
  return app;
}
