// Painting: with the hand-drawn target, dragging on the position view paints, and letting go
// makes the picture the target (and puts it in the link).
import { assert, fmt } from '../harness.mjs';

export default {
  name: 'drawing',
  about: 'painting the hand-drawn target with the mouse, and with a finger on a phone; pinch and two-finger pan of the position view',
  async run(t) {
    const app = await t.openApp('#target=8gaussians');

    await t.check('painting the drawn target with the mouse makes it the target', async () => {
      await app.commandOk({ cmd: 'target', name: 'drawn' });
      await app.commandOk({ cmd: 'clear_canvas' });
      await app.waitFrames(3);
      const s = await app.status();
      const sq = s.widgets.position_square;
      assert(Array.isArray(sq) && sq[2] > 100, `position_square = ${fmt(sq)}`);
      const box = await app.canvasBox();
      const at = (fx, fy) => [box.x + sq[0] + fx * sq[2], box.y + sq[1] + fy * sq[3]];
      const mouse = app.page.mouse;
      await mouse.move(...at(0.25, 0.3));
      await app.waitFrames(1);
      await mouse.down();
      for (let k = 1; k <= 12; k++) {
        await mouse.move(...at(0.25 + 0.04 * k, 0.3 + 0.03 * k));
        await app.waitFrames(1);
      }
      await mouse.up();
      const done = await app.waitStatus((x) => x.message === 'the picture is the new target', { timeout: 10_000, what: 'the painted picture to become the target' });
      assert(done.link.includes('drawing='), 'the link does not carry the drawing');
      await app.screenshot('09-painted.png');
      return done.message;
    });

    await t.check('on a phone (390x844, touch), a finger drag paints the drawn target', async () => {
      const phone = await t.openApp('#target=drawn', { size: { width: 390, height: 844 }, touch: true, deviceScaleFactor: 2 });
      try {
        await phone.commandOk({ cmd: 'clear_canvas' });
        await phone.waitFrames(3);
        const s = await phone.status();
        const sq = s.widgets.position_square;
        assert(Array.isArray(sq) && sq[2] >= 200, `position_square = ${fmt(sq)}`);
        const box = await phone.canvasBox();
        const at = (fx, fy) => ({ x: box.x + sq[0] + fx * sq[2], y: box.y + sq[1] + fy * sq[3] });
        // Playwright's touchscreen only taps; a drag is a sequence of raw touch events.
        const cdp = await phone.context.newCDPSession(phone.page);
        const touch = (type, p) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ ...p, id: 1 }] : [] });
        await touch('touchStart', at(0.3, 0.3));
        await phone.waitFrames(1);
        for (let k = 1; k <= 12; k++) {
          await touch('touchMove', at(0.3 + 0.03 * k, 0.3 + 0.03 * k));
          await phone.waitFrames(1);
        }
        await touch('touchEnd');
        const done = await phone.waitStatus((x) => x.message === 'the picture is the new target', { timeout: 10_000, what: 'the finger-painted picture to become the target' });
        assert(done.link.includes('drawing='), 'the link does not carry the drawing');
        await phone.screenshot('09-painted-by-finger.png');
        return done.message;
      } finally {
        await phone.close();
      }
    });
    await t.check('on a phone, a pinch zooms the position view, two fingers pan it, "whole box" resets it', async () => {
      const phone = await t.openApp('#target=8gaussians', { size: { width: 390, height: 844 }, touch: true, deviceScaleFactor: 2 });
      try {
        await phone.waitFrames(3);
        const s = await phone.status();
        const sq = s.widgets.position_square;
        assert(s.widgets.position_zoom === 1, `zoom before: ${fmt(s.widgets.position_zoom)}`);
        const home = s.widgets.position_center;
        const box = await phone.canvasBox();
        const at = (fx, fy) => ({ x: box.x + sq[0] + fx * sq[2], y: box.y + sq[1] + fy * sq[3] });
        const cdp = await phone.context.newCDPSession(phone.page);
        const fingers = (type, a, b) => cdp.send('Input.dispatchTouchEvent', {
          type, touchPoints: a ? [{ ...a, id: 1 }, { ...b, id: 2 }] : [],
        });
        await fingers('touchStart', at(0.45, 0.5), at(0.55, 0.5));
        await phone.waitFrames(1);
        for (let k = 1; k <= 8; k++) {
          const d = 0.03 * k;
          await fingers('touchMove', at(0.45 - d, 0.5), at(0.55 + d, 0.5));
          await phone.waitFrames(1);
        }
        const zoomed = (await phone.status()).widgets;
        assert(zoomed.position_zoom > 2, `a pinch from 0.1 to 0.58 of the square zoomed to ${fmt(zoomed.position_zoom)}`);
        for (let k = 1; k <= 4; k++) {
          const d = 0.03 * k;
          await fingers('touchMove', at(0.21 - d, 0.5 + d), at(0.79 - d, 0.5 + d));
          await phone.waitFrames(1);
        }
        await fingers('touchEnd');
        const panned = (await phone.waitStatus((x) => x.widgets.position_reset != null, { what: 'the whole-box button' })).widgets;
        assert(panned.position_center[0] > zoomed.position_center[0], `fingers moving left move the view right: ${fmt(zoomed.position_center)} → ${fmt(panned.position_center)}`);
        assert(panned.position_center[1] > zoomed.position_center[1], `fingers moving down move the view up: ${fmt(zoomed.position_center)} → ${fmt(panned.position_center)}`);
        await phone.screenshot('09-pinched.png');
        const r = panned.position_reset;
        await phone.page.touchscreen.tap(box.x + r[0] + r[2] / 2, box.y + r[1] + r[3] / 2);
        const reset = await phone.waitStatus((x) => x.widgets.position_zoom === 1, { what: 'the whole box again after the tap' });
        assert(fmt(reset.widgets.position_center) === fmt(home), `centre ${fmt(reset.widgets.position_center)} against ${fmt(home)}`);
        return `zoom ${zoomed.position_zoom.toFixed(2)}, centre ${fmt(panned.position_center)}, reset`;
      } finally {
        await phone.close();
      }
    });
  },
};
