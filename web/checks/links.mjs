// Links: one opened in a new tab reproduces settings and trajectories (and is written out for
// the native window test), a broken one is refused with a message, presets and classroom mode.
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS, assert, fmt } from '../harness.mjs';

export default {
  name: 'links',
  about: 'links in new tabs, broken links, a preset and classroom mode',
  async run(t) {
    const app = await t.openApp('#target=8gaussians');

    await t.check('a link opened in a new tab reproduces settings and trajectories', async () => {
      await app.commandOk({ cmd: 'link', link: '#target=moons&blocks=2&leapfrog_steps=6&seed=11&views=position,phase&dir=generate' });
      await app.waitFrames(2);
      const a = await app.status();
      assert(a.settings.target === 'moons' && a.settings.flow.blocks === 2 && a.settings.train.seed === 11, `link not applied: ${fmt(a.settings)}`);
      assert(typeof a.link === 'string' && a.link.startsWith('#target=moons'), `status.link = ${fmt(a.link)}`);
      assert(Array.isArray(a.anim_summary) && a.anim_summary.length === 4, `anim_summary = ${fmt(a.anim_summary)}`);
      const tab = await app.newTab(a.link);
      try {
        const b = await tab.settle();
        assert(JSON.stringify(b.settings) === JSON.stringify(a.settings), `settings differ:\n ${fmt(a.settings)}\n ${fmt(b.settings)}`);
        assert(JSON.stringify(b.anim_summary) === JSON.stringify(a.anim_summary), `trajectories differ: ${fmt(a.anim_summary)} vs ${fmt(b.anim_summary)}`);
        const url = tab.page.url();
        assert(url.includes('#target=moons') && url.includes('seed=11'), `the address bar does not hold the link: ${url}`);
      } finally {
        await tab.close();
      }
      // For the native window test: the desktop app must reproduce the same trajectories.
      fs.writeFileSync(path.join(RESULTS, 'browser-link.json'), JSON.stringify({ link: a.link, anim_summary: a.anim_summary }) + '\n');
      return a.anim_summary;
    });

    await t.check('a broken link shows a message and a working app with its settings kept', async () => {
      const tab = await app.newTab('#target=banana&blocks=999&dt=NaN');
      try {
        const st = await tab.settle();
        assert(/cannot be opened/.test(st.message || '') && /blocks/.test(st.message), `message = ${fmt(st.message)}`);
        assert(st.settings.flow.blocks !== 999 && st.target !== 'banana', `the broken link changed settings: ${st.target}, blocks ${st.settings.flow.blocks}`);
        const raw = await tab.page.evaluate(() => window.wasmBindings.app_command('{"cmd":"step"}'));
        assert(JSON.parse(raw).ok === true, `step after a broken link: ${raw}`);
        const after = JSON.parse(await tab.page.evaluate(() => window.wasmBindings.app_status()));
        assert(after.step === 1 && Number.isFinite(after.loss), `after a step: step ${after.step}, loss ${after.loss}`);
        await tab.page.screenshot({ path: path.join(RESULTS, '06-broken-link.png') });
        // Bad links by command too: refused, nothing changes.
        const before = (await app.status()).link;
        for (const bad of ['#zoom=99', '#views=hologram', '#drawing=2x2,0,1,0,1,%%%', 'target=' + 'x'.repeat(70000)]) {
          const r = await app.command({ cmd: 'link', link: bad });
          assert(r.ok === false && typeof r.error === 'string', `${bad.slice(0, 30)} accepted: ${fmt(r)}`);
        }
        assert((await app.status()).link === before, 'a refused link changed the state');
        return st.message;
      } finally {
        await tab.close();
      }
    });

    await t.check('preset and classroom mode', async () => {
      await app.commandOk({ cmd: 'preset', name: 'potential-is-neg-log-p' });
      await app.waitFrames(3);
      let s = await app.status();
      assert(s.preset === 'potential-is-neg-log-p' && s.views.includes('interpretability'), `preset ${s.preset}, views ${s.views}`);
      assert(Number.isFinite(s.widgets.potential_correlation), `potential_correlation = ${s.widgets.potential_correlation}`);
      await app.screenshot('07-preset-potential.png');
      await app.commandOk({ cmd: 'link', link: s.link + '&hide=model,status&zoom=1.4' });
      await app.waitFrames(3);
      s = await app.status();
      assert(JSON.stringify(s.hidden_panels) === '["model","status"]' && s.zoom === 1.4, `classroom: ${fmt(s.hidden_panels)} zoom ${s.zoom}`);
      await app.screenshot('08-classroom.png');
      await app.commandOk({ cmd: 'link', link: '#target=8gaussians' });
      return s.link;
    });
  },
};
