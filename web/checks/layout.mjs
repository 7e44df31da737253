// Layout: the window shrunk to 1000x650 with five views still draws (look at the screenshot),
// and on a touch screen a tap works as a click.
import { VIEWPORT, assert, fmt } from '../harness.mjs';

export default {
  name: 'layout',
  about: 'five views in a window resized to 1000x650; a tap on a touch screen',
  async run(t) {
    const app = await t.openApp('#target=8gaussians');

    await t.check('layout at 1000x650', async () => {
      await app.commandOk({ cmd: 'link', link: '#target=8gaussians&views=position,phase,densities,training,energy' });
      await app.page.setViewportSize({ width: 1000, height: 650 });
      await app.waitFrames(5);
      await app.screenshot('10-layout-1000x650.png');
      await app.page.setViewportSize(VIEWPORT);
      await app.waitFrames(3);
    });
    await app.close();

    await t.check('on a touch screen (800x600), a tap on Train starts training', async () => {
      const tablet = await t.openApp('#target=8gaussians', { size: { width: 800, height: 600 }, touch: true });
      assert(await tablet.page.evaluate(() => navigator.maxTouchPoints > 0), 'no touch screen emulated');
      const s = await tablet.status();
      assert(!s.running, 'already training before the tap');
      const r = s.widgets.train_button;
      assert(Array.isArray(r) && r.length === 4, `widgets.train_button = ${fmt(r)}`);
      const box = await tablet.canvasBox();
      await tablet.page.touchscreen.tap(box.x + r[0] + r[2] / 2, box.y + r[1] + r[3] / 2);
      await tablet.waitStatus((x) => x.running, { what: 'running == true after the tap' });
      await tablet.screenshot('13-touch-800x600.png');
      return `tapped ${fmt(r)}`;
    });
  },
};
