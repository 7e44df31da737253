// Persistence: settings opened from a link come back after a full reload of the plain address
// (eframe saves them to local storage on beforeunload).
import { assert, fmt } from '../harness.mjs';

const LINK = '#target=pinwheel&blocks=5&dt=0.15&seed=42&views=position,training';

export default {
  name: 'storage',
  about: 'settings survive a reload through local storage',
  async run(t) {
    // A browser of its own, so no other page of this run shares (and overwrites) its storage.
    const app = await t.openApp(LINK);

    await t.check('settings survive a reload through eframe storage (local storage), with no link', async () => {
      const a = await app.settle();
      assert(a.target === 'pinwheel' && a.settings.flow.blocks === 5, `link not applied: ${fmt(a.settings)}`);
      // The address without a hash: a full load, so the settings can only come from storage.
      await app.page.evaluate(() => {
        window.beforeReload = true;
      });
      await app.goto('');
      const b = await app.settle();
      assert(await app.page.evaluate(() => window.beforeReload === undefined), 'the page was not loaded anew');
      assert(JSON.stringify(b.settings) === JSON.stringify(a.settings), `settings not restored:\n ${fmt(a.settings)}\n ${fmt(b.settings)}`);
      const keys = await app.page.evaluate(() => Object.keys(window.localStorage));
      assert(keys.length > 0, 'nothing in local storage');
      return `restored ${b.target}, blocks ${b.settings.flow.blocks}, dt ${b.settings.flow.dt}, seed ${b.settings.train.seed} from local storage (${keys.join(', ')})`;
    });
  },
};
