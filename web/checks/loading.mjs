// The app loads at its plain address: the browser starts, the page and the wasm arrive, the
// first frames are drawn and keep coming, and the status has its documented fields.
import { LOAD_TIMEOUT_MS, MIN_COLOURS, assert, fmt, log, sleep } from '../harness.mjs';

export default {
  name: 'loading',
  about: 'the page, the wasm and the first frames at the plain address',
  async run(t) {
    let app;
    await t.check('Chromium launches (headless, SwiftShader)', async () => {
      app = await t.openApp('', { load: false });
      return app.version;
    }, { fatal: true });

    const tLaunch = Date.now();
    await t.check('page loads (HTTP 200)', async () => {
      const res = await app.goto('');
      assert(res && res.status() === 200, `GET / returned ${res && res.status()}`);
      return `${Date.now() - tLaunch} ms`;
    }, { fatal: true });

    await t.check(`first frames within ${LOAD_TIMEOUT_MS / 1000} s (wasmBindings, frames >= 2, #loading gone)`, async () => {
      const st = await app.waitReady();
      return { ms_since_launch: Date.now() - tLaunch, frames: st.frames };
    }, { fatal: true });

    const s0 = await app.status();
    log(`  initial status: ${JSON.stringify(s0)}`);

    await t.check('status has the documented fields', async () => {
      const want = { frames: 'number', step: 'number', running: 'boolean', target: 'string', fps: 'number', anim_step: 'number', widgets: 'object' };
      for (const [k, ty] of Object.entries(want)) assert(typeof s0[k] === ty, `status.${k} should be ${ty}, got ${fmt(s0[k])}`);
      assert(s0.loss === null || typeof s0.loss === 'number', `status.loss should be number|null, got ${fmt(s0.loss)}`);
      assert(s0.error === null || typeof s0.error === 'string', `status.error should be string|null, got ${fmt(s0.error)}`);
      assert(s0.target === '8gaussians', `initial target should be 8gaussians, got ${fmt(s0.target)}`);
    });

    await t.check('app reports no error', async () => {
      assert(s0.error === null || s0.error === undefined, `status.error = ${fmt(s0.error)}`);
    });

    await t.check('wasm served as application/wasm', async () => {
      const w = t.served.filter((r) => r.url.split('?')[0].endsWith('.wasm'));
      assert(w.length > 0, 'the page never requested a .wasm file');
      assert(w.every((r) => r.status === 200 && r.type === 'application/wasm'), `wasm responses: ${fmt(w)}`);
      return w.map((r) => `${r.url} ${(r.bytes / 1e6).toFixed(2)} MB`).join(', ');
    });

    await t.check('the WebGL2 context draws opaque, without multisampling (egui feathers its edges itself)', async () => {
      const attrs = await app.page.evaluate(() => {
        const gl = document.getElementById('the_canvas_id').getContext('webgl2');
        return gl && gl.getContextAttributes();
      });
      assert(attrs, 'no WebGL2 context on the canvas');
      assert(attrs.antialias === false && attrs.depth === false && attrs.alpha === false, `context attributes: ${fmt(attrs)}`);
      return `antialias ${attrs.antialias}, depth ${attrs.depth}, alpha ${attrs.alpha}`;
    });

    let firstPng;
    await t.check('screenshot after first frame', async () => {
      await app.waitFrames(2);
      firstPng = await app.screenshot('01-first-frame.png');
      return `${(firstPng.length / 1024).toFixed(0)} KiB`;
    });
    if (firstPng) {
      await t.check(`first screenshot is not blank (>= ${MIN_COLOURS} colours)`, async () => {
        const c = await app.countColours(firstPng);
        assert(c.colours >= MIN_COLOURS, `only ${c.colours} distinct colours in ${c.width}x${c.height}`);
        return c;
      });
    }

    await t.check('frames keep advancing over ~3 s', async () => {
      const samples = [await app.status()];
      for (let i = 0; i < 3; i++) {
        await sleep(1000);
        samples.push(await app.status());
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
  },
};
