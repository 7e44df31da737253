// Opens the release build (dist/) in the headless Chromium of web/e2e.mjs (same binary and
// flags, 1280x800): a static server on a free port, a fresh profile, the page once the app
// draws. Shared by scripts/bench_wasm.mjs and scripts/browser_training.mjs.
//
//   const app = await openApp('#target=8gaussians'); … app.command({cmd:'train'}) …; await app.close();

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
// The flags of web/e2e.mjs, so that this measures the browser the tests use.
const ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** The app at `hash`: { page, status(), command(obj), close() }. */
export async function openApp(hash = '') {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`no ${DIST}/index.html: build the wasm first (make wasm)`);
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
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nhf-script-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1,
  });
  const page = context.pages()[0] || (await context.newPage());
  const close = async () => {
    await context.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/${hash}`);
    await page.waitForFunction(() => window.wasmBindings && JSON.parse(window.wasmBindings.app_status()).frames > 2, null, { timeout: 60_000 });
  } catch (e) {
    await close();
    throw e;
  }
  return {
    page,
    status: async () => JSON.parse(await page.evaluate(() => window.wasmBindings.app_status())),
    command: async (obj) => {
      const answer = JSON.parse(await page.evaluate((json) => window.wasmBindings.app_command(json), JSON.stringify(obj)));
      if (!answer.ok) throw new Error(`${JSON.stringify(obj)}: ${answer.error}`);
      return answer.result;
    },
    close,
  };
}
