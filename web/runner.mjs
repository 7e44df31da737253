// The check runner of the browser test: named checks with pass/fail counts, check groups that
// each open their own app (checks/*.mjs), a closing `N passed, M failed` line and a non-zero
// exit on any failure. Browser things come from harness.mjs.
//
// A check group is a module whose default export is { name, about, run(t) }. `t` gives
//   t.check(name, fn, { fatal })  runs one check: fn throws (e.g. through assert) to fail it;
//                                 its return value is printed. `fatal` ends the group there.
//   t.openApp(link, options)      the app at a link in a Chromium of its own (harness.openApp),
//                                 served by the run's server, watched for console errors and
//                                 closed when the group ends
//   t.base, t.served, t.watcher   the server's address and request log; the console watcher
// A group opens what it needs itself and never relies on what another group left.

import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM, DIST, RESULTS, Watcher, assert, fmt, log, openApp, sleep, startServer } from './harness.mjs';

// A guard against a hang, not a speed bar: a clean run took 222–241 s on the 2-core CI machine,
// so the limit leaves room for a slow day (each test has its own timeout too).
export const OVERALL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 480_000);

class Fatal extends Error {}

export class Run {
  constructor() {
    this.results = []; // { group, name, ok, detail }
    this.passed = 0;
    this.failed = 0;
    this.watcher = new Watcher();
    this.server = undefined;
    this.apps = new Set(); // open in the current group
    this.group = '';
    this.pageOpened = false; // the final console check only makes sense once a page existed
    this.finished = false;
  }

  /** Runs one named check. Records pass/fail, prints it, returns fn's value (undefined on failure). */
  async check(name, fn, { fatal = false } = {}) {
    const t0 = Date.now();
    try {
      const value = await fn();
      this.passed++;
      this.results.push({ group: this.group, name, ok: true, detail: value });
      const extra = value === undefined ? '' : `  (${fmt(value)})`;
      log(`PASS ${name}${extra}  [${Date.now() - t0} ms]`);
      return value;
    } catch (err) {
      this.failed++;
      // Keep the message, drop JS stack frames (playwright appends them to evaluate errors).
      const msg = (err && err.message ? err.message : String(err))
        .split('\n')
        .filter((l) => !/^\s+at /.test(l))
        .join('\n');
      this.results.push({ group: this.group, name, ok: false, detail: msg });
      log(`FAIL ${name}: ${msg}  [${Date.now() - t0} ms]`);
      if (fatal) throw new Fatal(`${name} failed; later checks need it`);
      return undefined;
    }
  }

  fail(name, detail) {
    this.failed++;
    this.results.push({ group: this.group, name, ok: false, detail });
  }

  /** What a check group's run(t) gets. */
  context(group) {
    return {
      name: group.name,
      base: this.server.base,
      served: this.server.served,
      watcher: this.watcher,
      check: (name, fn, opts) => this.check(name, fn, opts),
      openApp: async (link = '', opts = {}) => {
        // The runner's own signal handlers close the browsers, then print the summary.
        const app = await openApp(link, { ...opts, server: this.server, watcher: this.watcher, label: group.name, handleSignals: false });
        this.pageOpened = true;
        this.apps.add(app);
        const close = app.close;
        app.close = async () => {
          this.apps.delete(app);
          await close();
        };
        return app;
      },
    };
  }

  async preflight() {
    this.group = 'preflight';
    await this.check('dist/ has index.html, a .js and a .wasm', async () => {
      assert(fs.existsSync(path.join(DIST, 'index.html')), `${DIST}/index.html missing — run \`trunk build --release\` first`);
      const files = fs.readdirSync(DIST);
      const js = files.filter((f) => f.endsWith('.js'));
      const wasm = files.filter((f) => f.endsWith('.wasm'));
      assert(js.length > 0, `no .js file in ${DIST}`);
      assert(wasm.length > 0, `no .wasm file in ${DIST}`);
      return { dist: DIST, js, wasm };
    }, { fatal: true });
    await this.check('Chromium binary present', async () => {
      assert(fs.existsSync(CHROMIUM), `${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium, or set CHROMIUM)`);
      return CHROMIUM;
    }, { fatal: true });
    fs.mkdirSync(RESULTS, { recursive: true });
    const base = await this.check('static server listens on 127.0.0.1', async () => {
      this.server = await startServer({ root: DIST });
      return this.server.base;
    }, { fatal: true });
    log(`serving ${DIST} at ${base}`);
  }

  async runGroup(group) {
    this.group = group.name;
    log(`\n== ${group.name}: ${group.about}`);
    try {
      await group.run(this.context(group));
    } catch (e) {
      if (e instanceof Fatal) {
        log(`ABORT ${group.name}: ${e.message}`);
      } else {
        this.fail(`${group.name}: unexpected error`, e.stack || String(e));
        log(`ERROR in ${group.name}: ${e.stack || e}`);
      }
      // Best-effort screenshot of the failure state.
      const app = [...this.apps][0];
      if (app) {
        const file = path.join(RESULTS, `failure-${group.name}.png`);
        await app.page.screenshot({ path: file, timeout: 5000 }).then(() => log(`  screenshot: ${file}`), () => {});
      }
    } finally {
      await this.closeApps();
    }
  }

  async closeApps() {
    for (const app of [...this.apps]) await app.close().catch(() => {});
  }

  async cleanup() {
    await this.closeApps();
    const s = this.server;
    this.server = undefined;
    if (s) await s.close();
  }

  writeLogs() {
    try {
      fs.mkdirSync(RESULTS, { recursive: true });
      fs.writeFileSync(path.join(RESULTS, 'browser-console.log'), this.watcher.consoleLines.join('\n') + '\n');
      const { passed, failed, results } = this;
      const { problems } = this.watcher;
      const served = this.server ? this.server.served : this.served || [];
      fs.writeFileSync(path.join(RESULTS, 'e2e-report.json'), JSON.stringify({ passed, failed, results, problems, served }, null, 2) + '\n');
    } catch (e) {
      log(`(could not write logs to ${RESULTS}: ${e.message})`);
    }
  }

  summary() {
    if (this.finished) return;
    this.finished = true;
    this.writeLogs();
    log('');
    const { problems } = this.watcher;
    if (problems.length) {
      log(`Browser problems (${problems.length}):`);
      for (const p of problems) log(`  ${p}`);
    }
    const failedNames = this.results.filter((r) => !r.ok).map((r) => r.name);
    if (failedNames.length) log(`Failed: ${failedNames.join('; ')}`);
    log(`Screenshots and logs: ${RESULTS}`);
    log(`${this.passed} passed, ${this.failed} failed`);
  }

  /** Ends the process after cleaning up, whatever state the run is in. */
  async abort(name, detail, code) {
    this.fail(name, detail);
    this.served = this.server?.served;
    await Promise.race([this.cleanup(), sleep(15_000)]);
    this.summary();
    process.exit(code);
  }

  /**
   * Runs the groups named in argv (all when none; `--list` lists them), then the console check.
   * Returns the exit status: 0 only if every check passed.
   */
  async main(groups, argv = []) {
    if (argv.includes('--list') || argv.includes('--help') || argv.includes('-h')) {
      log('usage: node e2e.mjs [group ...]   (no group: all of them, in this order)');
      for (const g of groups) log(`  ${g.name.padEnd(10)} ${g.about}`);
      return 0;
    }
    const unknown = argv.filter((a) => !groups.some((g) => g.name === a));
    if (unknown.length) {
      log(`unknown check group(s): ${unknown.join(', ')}; known: ${groups.map((g) => g.name).join(', ')}`);
      return 2;
    }
    const selected = argv.length ? groups.filter((g) => argv.includes(g.name)) : groups;

    const timer = setTimeout(() => {
      log(`\nOVERALL TIMEOUT: the run took longer than ${OVERALL_TIMEOUT_MS} ms; aborting.`);
      this.abort('overall timeout', `${OVERALL_TIMEOUT_MS} ms`, 1);
    }, OVERALL_TIMEOUT_MS);
    for (const sig of ['SIGINT', 'SIGTERM']) {
      process.on(sig, () => {
        log(`\nreceived ${sig}; cleaning up`);
        this.abort(`interrupted by ${sig}`, undefined, 130);
      });
    }

    try {
      await this.preflight();
      for (const g of selected) await this.runGroup(g);
    } catch (e) {
      if (e instanceof Fatal) {
        log(`ABORT: ${e.message}`);
      } else {
        this.fail('unexpected error', e.stack || String(e));
        log(`ERROR ${e.stack || e}`);
      }
    } finally {
      this.group = 'end';
      // Whatever happened, the browser console must have been clean.
      if (this.pageOpened) {
        await this.check('no console errors, page errors or failed requests', async () => {
          const { problems } = this.watcher;
          assert(problems.length === 0, `${problems.length} problem(s), first: ${problems[0]}`);
        });
      }
      this.served = this.server?.served;
      await this.cleanup();
      clearTimeout(timer);
      this.summary();
    }
    return this.failed === 0 && this.passed > 0 ? 0 : 1;
  }
}
