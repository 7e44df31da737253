// Layout on every screen a class meets: phone portrait and landscape, tablet portrait and
// landscape (touch emulated, device scale 2), a laptop. At each size the status's view
// rectangles must lie inside the viewport and not overlap each other or the controls, position
// space must be at least 300 CSS pixels wide on the phone, and a screenshot is kept. On the
// phone the controls open in a drawer and close again; on a touch screen a tap on Train starts
// training.
import { assert, fmt } from '../harness.mjs';

const SIZES = [
  { name: 'phone', width: 390, height: 844, touch: true, screen: 'stacked', minPosition: 300 },
  { name: 'phone-landscape', width: 844, height: 390, touch: true, screen: 'compact', minPosition: 200 },
  { name: 'tablet', width: 768, height: 1024, touch: true, screen: 'stacked', minPosition: 500 },
  { name: 'tablet-landscape', width: 1024, height: 768, touch: true, screen: 'compact', minPosition: 300 },
  { name: 'laptop', width: 1280, height: 800, touch: false, screen: 'wide', minPosition: 300 },
];

const overlap = (a, b) => a[0] < b[0] + b[2] - 0.5 && b[0] < a[0] + a[2] - 0.5 && a[1] < b[1] + b[3] - 0.5 && b[1] < a[1] + a[3] - 0.5;
const inside = (r, w, h) => r[0] >= -0.5 && r[1] >= -0.5 && r[0] + r[2] <= w + 0.5 && r[1] + r[3] <= h + 0.5;

/** Asserts the status's rectangles: views inside the viewport, none overlapping another or the panel. */
function checkRects(s, size) {
  const views = Object.entries(s.widgets.views || {});
  assert(views.length > 0, `no view reported: ${fmt(s.widgets)}`);
  for (const [name, r] of views) {
    assert(inside(r, size.width, size.height), `${name} ${fmt(r)} is not inside ${size.width}x${size.height}`);
    if (s.widgets.panel) assert(!overlap(r, s.widgets.panel), `${name} ${fmt(r)} overlaps the panel ${fmt(s.widgets.panel)}`);
  }
  for (let i = 0; i < views.length; i++) {
    for (let j = i + 1; j < views.length; j++) {
      assert(!overlap(views[i][1], views[j][1]), `${views[i][0]} ${fmt(views[i][1])} overlaps ${views[j][0]} ${fmt(views[j][1])}`);
    }
  }
  return views;
}

export default {
  name: 'layout',
  about: 'five screens (touch on phones and tablets): views inside, no overlap, position wide enough; the drawer; a tap',
  async run(t) {
    for (const size of SIZES) {
      await t.check(`${size.name} ${size.width}x${size.height}${size.touch ? ' touch' : ''}: views inside, none overlapping, position >= ${size.minPosition} px`, async () => {
        const app = await t.openApp('#target=8gaussians&views=position,phase,densities,training,energy', {
          size: { width: size.width, height: size.height },
          touch: size.touch,
          deviceScaleFactor: size.touch ? 2 : 1,
        });
        try {
          await app.waitFrames(5);
          await app.screenshot(`layout-${size.name}-${size.width}x${size.height}.png`);
          const s = await app.status();
          assert(s.widgets.screen === size.screen, `screen ${s.widgets.screen}, expected ${size.screen}`);
          const views = checkRects(s, size);
          const position = s.widgets.views.position;
          assert(position && position[2] >= size.minPosition, `position view ${fmt(position)} narrower than ${size.minPosition}`);
          const train = s.widgets.train_button;
          assert(train && inside(train, size.width, size.height), `Train ${fmt(train)} not on screen`);
          if (size.touch) assert(train[3] >= 44, `Train is ${train[3]} px tall, under 44`);
          if (size.screen === 'stacked') {
            // The drawer: a tap opens the controls over the views, another closes them.
            const b = s.widgets.panel_button;
            assert(b && b[3] >= 44, `the controls button ${fmt(b)}`);
            const box = await app.canvasBox();
            await app.page.touchscreen.tap(box.x + b[0] + b[2] / 2, box.y + b[1] + b[3] / 2);
            const open = await app.waitStatus((x) => x.widgets.panel !== null, { what: 'the drawer open' });
            assert(Object.keys(open.widgets.views).length === 0, `views drawn under the drawer: ${fmt(open.widgets.views)}`);
            await app.screenshot(`layout-${size.name}-drawer.png`);
            await app.page.touchscreen.tap(box.x + b[0] + b[2] / 2, box.y + b[1] + b[3] / 2);
            await app.waitStatus((x) => x.widgets.panel === null && x.widgets.views.position, { what: 'the drawer closed' });
          }
          return views.map(([n, r]) => `${n} ${r.map(Math.round).join(',')}`).join('; ');
        } finally {
          await app.close();
        }
      });
    }

    await t.check('on a touch screen (800x600), a tap on Train starts training', async () => {
      const tablet = await t.openApp('#target=8gaussians', { size: { width: 800, height: 600 }, touch: true });
      try {
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
      } finally {
        await tablet.close();
      }
    });
  },
};
