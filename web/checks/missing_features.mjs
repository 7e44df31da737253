// A browser without WebGL or without WebAssembly: the loading screen says what is missing in
// words, never a blank page. Each case is a fresh Chromium whose page has the feature taken away
// before any script runs; its console is watched by a watcher of its own (the app failing to
// start there is the expected outcome, not a problem of the run).
import { Watcher, assert, fmt, openApp, waitFor } from '../harness.mjs';

const CASES = [
  {
    what: 'WebGL',
    // Every WebGL context request fails, as in a browser with hardware acceleration off.
    remove: () => {
      const real = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        return /webgl/i.test(String(kind)) ? null : real.call(this, kind, ...rest);
      };
    },
    shot: '14-no-webgl.png',
  },
  {
    what: 'WebAssembly',
    remove: () => {
      delete globalThis.WebAssembly;
    },
    shot: '14-no-wasm.png',
  },
];

export default {
  name: 'missing_features',
  about: 'without WebGL or WebAssembly, the page says what it needs instead of staying blank',
  async run(t) {
    for (const c of CASES) {
      await t.check(`without ${c.what}, the loading screen says the app needs ${c.what}`, async () => {
        const app = await openApp('', { load: false, watcher: new Watcher({ echo: false }), label: `no ${c.what}` });
        try {
          await app.page.addInitScript(c.remove);
          const res = await app.goto('');
          assert(res && res.status() === 200, `GET / returned ${res && res.status()}`);
          let shown = '';
          const text = await waitFor(async () => {
            shown = await app.page.evaluate(() => document.getElementById('loading')?.innerText || '');
            return shown.includes(`needs ${c.what}`) ? shown : null;
          }, { timeout: 20_000, what: `the message naming ${c.what}`, describe: () => `the loading screen says ${fmt(shown)}` });
          const visible = await app.page.evaluate(() => {
            const r = document.getElementById('loading').getBoundingClientRect();
            return r.width > 100 && r.height > 20;
          });
          assert(visible, 'the message is not visible');
          await app.screenshot(c.shot);
          return text.replace(/\s+/g, ' ').slice(0, 90);
        } finally {
          await app.close();
        }
      });
    }
  },
};
