// Bring your own target: a log-density typed as a formula. A good one becomes the target and
// trains, travels in the link and opens in a new tab; a broken one is refused with a message
// naming the problem, and the run before it is left as it was.
import { assert, fmt } from '../harness.mjs';

/** u1 typed out (docs/TARGETS.md): the ring and the two lobes. */
const U1 = '-0.5*((sqrt(x^2+y^2)-2)/0.4)^2 + log(exp(-0.5*((x-2)/0.6)^2) + exp(-0.5*((x+2)/0.6)^2))';

export default {
  name: 'own_target',
  about: 'a typed log-density becomes the target, travels in a link, and a broken one changes nothing',
  async run(t) {
    const app = await t.openApp('#target=8gaussians');

    await t.check('a typed formula becomes the target and trains', async () => {
      await app.commandOk({ cmd: 'formula', text: U1, box: [-4, 4, -4, 4] });
      await app.commandOk({ cmd: 'train' });
      const s = await app.waitStatus((x) => x.step >= 30 && x.loss !== null, { timeout: 30_000, what: 'training on the formula' });
      assert(s.target === 'formula' && s.objective === 'density', `target ${s.target}, objective ${s.objective}`);
      assert(s.error === null, `error ${fmt(s.error)}`);
      assert(s.link.includes('target=formula') && s.link.includes('formula=') && s.link.includes('box='), `link ${s.link}`);
      await app.screenshot('15-formula.png');
      return { step: s.step, loss: s.loss };
    });

    await t.check('the formula travels in a link to a new tab', async () => {
      await app.commandOk({ cmd: 'pause' });
      const a = await app.status();
      const tab = await app.newTab(a.link);
      try {
        const b = await tab.settle();
        assert(b.target === 'formula' && JSON.stringify(b.settings.formula) === JSON.stringify(a.settings.formula), `formula differs: ${fmt(b.settings.formula)} vs ${fmt(a.settings.formula)}`);
        assert(JSON.stringify(b.anim_summary) !== 'null', 'no trajectories in the new tab');
        return b.settings.formula;
      } finally {
        await tab.close();
      }
    });

    await t.check('a broken formula is refused with the problem named, and the run is unchanged', async () => {
      const before = await app.status();
      const cases = [
        [{ text: 'x + * y', box: [-4, 4, -4, 4] }, /column 5/],
        [{ text: 'exp(x) + foo(y)', box: [-4, 4, -4, 4] }, /foo/],
        [{ text: 'log(x)', box: [-4, 4, -4, 4] }, /not a number at/],
        [{ text: '-x^2', box: [4, -4, -4, 4] }, /xmin < xmax/],
      ];
      const seen = [];
      for (const [args, want] of cases) {
        const reply = await app.command({ cmd: 'formula', ...args });
        assert(reply.ok === false && want.test(reply.error), `${fmt(args)} replied ${fmt(reply)}`);
        const s = await app.status();
        assert(want.test(s.message || ''), `the message shown is ${fmt(s.message)}`);
        seen.push(reply.error);
      }
      const after = await app.status();
      assert(after.step === before.step && after.target === 'formula'
        && JSON.stringify(after.settings) === JSON.stringify(before.settings), 'the refused formulas changed the run');
      await app.screenshot('15-formula-refused.png');
      return seen;
    });
  },
};
