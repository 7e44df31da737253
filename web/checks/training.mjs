// Training: a real click on Train starts it, it runs in a Web Worker with the same result as in
// the page, the loss is finite and falls, and the grid KL gets computed.
import { assert, fmt, log, sleep } from '../harness.mjs';

export default {
  name: 'training',
  about: 'Train by mouse, the worker, the loss and the grid KL on 8gaussians',
  async run(t) {
    const app = await t.openApp('#target=8gaussians');

    await t.check('clicking the Train button starts training', async () => {
      let s = await app.status();
      if (s.running) {
        log('  (app was already running at start; pausing first so the click has something to do)');
        await app.commandOk({ cmd: 'pause' });
        await app.waitStatus((x) => !x.running, { what: 'running == false before click' });
        s = await app.status();
      }
      const r = s.widgets && s.widgets.train_button;
      assert(Array.isArray(r) && r.length === 4 && r.every(Number.isFinite), `widgets.train_button should be [x,y,w,h], got ${fmt(r)}`);
      const [x, y, w, h] = r;
      assert(w > 0 && h > 0, `train_button has empty size: ${fmt(r)}`);
      const box = await app.canvasBox();
      const cx = box.x + x + w / 2;
      const cy = box.y + y + h / 2;
      assert(cx >= box.x && cy >= box.y && cx <= box.x + box.width && cy <= box.y + box.height, `button centre (${cx},${cy}) outside canvas ${fmt(box)}`);
      const step0 = s.step;
      await app.click(cx, cy);
      await app.waitStatus((x) => x.running, { what: 'running == true after click', describe: () => `clicked at (${cx.toFixed(0)}, ${cy.toFixed(0)}) page px` });
      return { click_page_px: [+cx.toFixed(1), +cy.toFixed(1)], button: r, step_before: step0 };
    });

    await t.check('training advances step', async () => {
      let a = await app.status();
      if (!a.running) {
        // Keep the rest of the group meaningful when only the click failed.
        log('  (not running after the click; starting training with {"cmd":"train"} instead)');
        await app.commandOk({ cmd: 'train' });
        a = await app.waitStatus((x) => x.running, { what: 'running == true after {"cmd":"train"}' });
      }
      const b = await app.waitStatus((x) => x.step > a.step, { timeout: 15_000, what: `step to advance past ${a.step}` });
      return { from: a.step, to: b.step };
    });

    await t.check('training runs in a Web Worker, and equals the same steps taken in the page', async () => {
      const s = await app.status();
      assert(s.training_in === 'worker', `training_in = ${fmt(s.training_in)} (the worker did not start: see the console log)`);
      // Train in the worker from fresh parameters, stop, and note where the run is.
      await app.commandOk({ cmd: 'pause' });
      await app.commandOk({ cmd: 'anim_play', playing: false });
      try {
        await app.commandOk({ cmd: 'reset' });
        await app.commandOk({ cmd: 'train' });
        await app.waitStatus((x) => x.step >= 8, { timeout: 20_000, what: 'eight steps in the worker' });
        await app.commandOk({ cmd: 'pause' });
        await app.waitFrames(3);
        const away = await app.status();
        // The same number of steps, one by one in the page's frame loop.
        await app.commandOk({ cmd: 'reset' });
        for (let k = 0; k < away.step; k++) await app.commandOk({ cmd: 'step' });
        await app.waitFrames(3);
        const here = await app.status();
        assert(here.step === away.step, `steps ${here.step} vs ${away.step}`);
        assert(here.loss === away.loss, `last loss ${here.loss} (page) vs ${away.loss} (worker)`);
        assert(JSON.stringify(here.anim_summary) === JSON.stringify(away.anim_summary),
          `trajectories differ: ${fmt(here.anim_summary)} vs ${fmt(away.anim_summary)}`);
        return { steps: away.step, loss: away.loss };
      } finally {
        // The next check expects a training, animated app, whatever happened here.
        await app.commandOk({ cmd: 'anim_play', playing: true });
        await app.commandOk({ cmd: 'train' });
      }
    });

    await t.check('train a while, loss is a finite number, screenshot', async () => {
      await sleep(3000);
      const s = await app.status();
      log(`  status after training: ${JSON.stringify(s)}`);
      await app.screenshot('02-after-training.png');
      assert(s.running, 'stopped running on its own');
      assert(typeof s.loss === 'number' && Number.isFinite(s.loss), `loss should be a finite number while training, got ${fmt(s.loss)} (NaN/inf serialise as null)`);
      assert(s.error === null || s.error === undefined, `status.error = ${fmt(s.error)}`);
      return { step: s.step, loss: s.loss };
    });

    await t.check('select 8gaussians, train until the loss falls', async () => {
      await app.commandOk({ cmd: 'target', name: '8gaussians' });
      await app.commandOk({ cmd: 'reset' });
      await app.commandOk({ cmd: 'train' });
      const first = await app.waitStatus((x) => x.loss !== null && x.step >= 3, { timeout: 20_000, what: 'a first loss' });
      const f0 = first.frames;
      const t0 = Date.now();
      const later = await app.waitStatus((x) => x.step >= first.step + 150 && x.loss < first.loss - 0.3,
        { timeout: 90_000, interval: 500, what: `loss to fall below ${first.loss - 0.3}` });
      const fps = (later.frames - f0) / ((Date.now() - t0) / 1000);
      log(`  fps while training (Δframes/Δt): ${fps.toFixed(1)}; frame_ms ${later.frame_ms}; ${later.iters_per_sec.toFixed(1)} it/s`);
      await app.commandOk({ cmd: 'pause' });
      return { from: [first.step, first.loss], to: [later.step, later.loss], fps_training: +fps.toFixed(1), frame_ms: later.frame_ms };
    });

    await t.check('the grid KL is computed across frames', async () => {
      const s = await app.waitStatus((x) => x.kl !== null && x.kl_step > 0, { timeout: 30_000, what: 'a grid KL of a trained model' });
      assert(Number.isFinite(s.kl) && s.kl > 0, `kl = ${fmt(s.kl)}`);
      return { kl: s.kl, at: s.kl_step };
    });
  },
};
