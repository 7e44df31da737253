// Painting: with the hand-drawn target, dragging on the position view paints, and letting go
// makes the picture the target (and puts it in the link).
import { assert, fmt } from '../harness.mjs';

export default {
  name: 'drawing',
  about: 'painting the hand-drawn target with the mouse',
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
  },
};
