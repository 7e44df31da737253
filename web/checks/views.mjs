// The playground's views: the animation scrubbed and stepped, each view alone, all of them
// together, and refused view names and settings, on a model trained for a moment.
import { assert, fmt } from '../harness.mjs';

const VIEWS = ['position', 'phase', 'densities', 'training', 'energy', 'integrators', 'interpretability'];

export default {
  name: 'views',
  about: 'animation scrubbing and every view, on a briefly trained 8gaussians model',
  async run(t) {
    const app = await t.openApp('#target=8gaussians');
    // A model with something to show: 150 steps, then paused.
    await app.commandOk({ cmd: 'train' });
    await app.waitStatus((x) => x.step >= 150, { timeout: 60_000, interval: 250, what: '150 training steps' });
    await app.commandOk({ cmd: 'pause' });
    await app.waitStatus((x) => !x.running, { what: 'running == false' });

    await t.check('scrub and step the animation', async () => {
      await app.commandOk({ cmd: 'scrub', step: 7 });
      let s = await app.status();
      assert(s.anim_step === 7 && !s.anim_playing, `after scrub: ${s.anim_step}, playing ${s.anim_playing}`);
      await app.commandOk({ cmd: 'anim_step', delta: -1 });
      s = await app.status();
      assert(s.anim_step === 6, `after one step back: ${s.anim_step}`);
      await app.commandOk({ cmd: 'direction', name: 'normalize' });
      s = await app.status();
      assert(s.direction === 'normalize', `direction ${s.direction}`);
      await app.screenshot('04-normalize-paused.png');
      await app.commandOk({ cmd: 'direction', name: 'generate' });
      return s.anim_states;
    });

    for (const only of VIEWS) {
      await t.check(`view ${only} alone, screenshot`, async () => {
        for (const v of VIEWS) await app.commandOk({ cmd: 'view', name: v, visible: v === only });
        await app.waitFrames(4);
        const s = await app.status();
        assert(JSON.stringify(s.views) === JSON.stringify([only]), `views = ${fmt(s.views)}`);
        await app.screenshot(`view-${only}.png`);
        return s.views;
      });
    }

    await t.check('all views back on; bad view and bad setting are refused', async () => {
      for (const v of VIEWS) await app.commandOk({ cmd: 'view', name: v, visible: true });
      const bad = await app.command({ cmd: 'view', name: 'hologram', visible: true });
      assert(bad.ok === false && /unknown view/.test(bad.error), fmt(bad));
      const before = (await app.status()).settings;
      const dt = await app.command({ cmd: 'set', key: 'dt', value: 99 });
      assert(dt.ok === false && /dt/.test(dt.error), fmt(dt));
      const after = (await app.status()).settings;
      assert(JSON.stringify(before) === JSON.stringify(after), 'a refused setting changed the settings');
      await app.commandOk({ cmd: 'set', key: 'blocks', value: 2 });
      const s = await app.status();
      assert(s.settings.flow.blocks === 2 && s.anim_states === 2 * s.settings.flow.leapfrog_steps + 1, `blocks ${s.settings.flow.blocks}, states ${s.anim_states}`);
      await app.commandOk({ cmd: 'set', key: 'blocks', value: 4 });
      await app.waitFrames(3);
      await app.screenshot('05-all-views.png');
      return s.views;
    });
  },
};
