// Bring your own target: a log-density typed as a formula, and a file of samples. A good one
// becomes the target and trains (a formula also travels in the link and opens in a new tab);
// a broken one is refused with a message naming the problem, and the run before it is left as
// it was.
import { assert, fmt } from '../harness.mjs';
import { choose } from './file_picker.mjs';

/** The mixture `mixtureCsv` samples, as a custom-mixture file. */
const MIXTURE = {
  name: 'two blobs',
  components: [
    { weight: 0.5, mean: [-1.5, 0], cov: [[0.25, 0], [0, 0.25]] },
    { weight: 0.5, mean: [1.5, 1], cov: [[0.25, 0], [0, 0.25]] },
  ],
};
/** Iterations of each run of the round trip (the playground's defaults otherwise). */
const ROUND_TRIP_ITERS = 1500;

/**
 * `n` samples of an equal mixture of N((-1.5, 0), 0.5²I) and N((1.5, 1), 0.5²I) as CSV,
 * from a seeded generator (the same file every run).
 */
function mixtureCsv(n) {
  let state = 12345;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  const lines = ['x,y'];
  for (let k = 0; k < n; k += 1) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    const [mx, my] = uniform() < 0.5 ? [-1.5, 0] : [1.5, 1];
    lines.push(`${(mx + 0.5 * r * Math.cos(a)).toFixed(6)},${(my + 0.5 * r * Math.sin(a)).toFixed(6)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** u1 typed out (docs/TARGETS.md): the ring and the two lobes. */
const U1 = '-0.5*((sqrt(x^2+y^2)-2)/0.4)^2 + log(exp(-0.5*((x-2)/0.6)^2) + exp(-0.5*((x+2)/0.6)^2))';

export default {
  name: 'own_target',
  about: 'a typed log-density or a file of samples becomes the target; a broken one changes nothing',
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
  
    await t.check('a CSV of 20,000 samples chosen in the file picker becomes the target and trains', async () => {
      await choose(app, { name: 'two-blobs.csv', mimeType: 'text/csv', buffer: Buffer.from(mixtureCsv(20_000)) });
      const loaded = await app.waitStatus((x) => x.target === 'samples', { timeout: 20_000, what: 'the samples to load' });
      assert(loaded.samples.rows === 20_000 && loaded.samples.name === 'two-blobs.csv', `samples ${fmt(loaded.samples)}`);
      assert(loaded.objective === 'samples' && loaded.error === null, `objective ${loaded.objective}, error ${fmt(loaded.error)}`);
      assert(/20000 rows from two-blobs.csv/.test(loaded.message || ''), `message ${fmt(loaded.message)}`);
      assert(loaded.link.includes('target=samples') && loaded.link.includes(`data=${loaded.samples.hash}`), `link ${loaded.link}`);
      const [x0, x1, y0, y1] = loaded.samples.box;
      assert(x0 < -2.5 && x1 > 2.5 && y0 < -1 && y1 > 2 && x1 < 5, `box ${fmt(loaded.samples.box)}`);
      await app.commandOk({ cmd: 'train' });
      const first = await app.waitStatus((x) => x.nll !== null && x.step >= 20, { timeout: 30_000, what: 'a held-out NLL' });
      const later = await app.waitStatus((x) => x.nll !== null && x.step >= first.step + 400, { timeout: 90_000, what: '400 more iterations' });
      assert(later.nll < first.nll, `the held-out NLL did not fall: ${first.nll} at ${first.step}, ${later.nll} at ${later.step}`);
      await app.commandOk({ cmd: 'pause' });
      await app.screenshot('16-samples.png');
      return { first: [first.step, first.nll], later: [later.step, later.nll], box: loaded.samples.box };
    });

    await t.check('round trip: the CSV trains to the held-out NLL of the same mixture loaded as JSON', async () => {
      // The same seed and schedule for both; each run ends at the end of its schedule.
      const fit = async (what) => {
        await app.commandOk({ cmd: 'set', key: 'schedule_iters', value: ROUND_TRIP_ITERS });
        await app.commandOk({ cmd: 'train' });
        await app.waitStatus((x) => !x.running && x.step === ROUND_TRIP_ITERS, { timeout: 120_000, what: `${what} to train ${ROUND_TRIP_ITERS} iterations` });
        return (await app.commandOk({ cmd: 'heldout_nll', points: 2000 })).result;
      };
      await choose(app, { name: 'two-blobs.csv', mimeType: 'text/csv', buffer: Buffer.from(mixtureCsv(20_000)) });
      await app.waitStatus((x) => x.target === 'samples' && x.step === 0, { timeout: 20_000, what: 'the samples to load again' });
      const csv = await fit('the CSV');
      await choose(app, { name: 'two-blobs.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(MIXTURE)) });
      await app.waitStatus((x) => x.target === 'custom' && x.step === 0, { timeout: 20_000, what: 'the mixture to load' });
      const json = await fit('the mixture');
      const gap = csv.nll - json.nll;
      assert(Math.abs(gap) <= 0.05, `CSV ${csv.nll} on ${csv.points} held-out rows against JSON ${json.nll} on ${json.points} fresh draws: ${gap}`);
      await app.commandOk({ cmd: 'pause' });
      return { iterations: ROUND_TRIP_ITERS, csv: csv.nll, json: json.nll, gap };
    });

    await t.check('a broken CSV in the file picker is refused with its line named, and the run is unchanged', async () => {
      await app.commandOk({ cmd: 'pause' });
      const before = await app.status();
      const cases = [
        ['cells.csv', 'x,y\n1,2\n3,abc\n', /cells\.csv line 3/],
        ['nan.csv', '1,2\n3,4\n5,nan\n', /nan\.csv line 3/],
        ['few.csv', '1,2\n3,4\n', /only 2/],
      ];
      const seen = [];
      for (const [name, text, want] of cases) {
        await choose(app, { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
        const s = await app.waitStatus((x) => want.test(x.message || ''), { timeout: 15_000, what: `the refusal of ${name}` });
        assert(s.error && want.test(s.error), `error ${fmt(s.error)}`);
        seen.push(s.error);
      }
      const after = await app.status();
      assert(after.target === before.target && after.step === before.step && JSON.stringify(after.samples) === JSON.stringify(before.samples)
        && JSON.stringify(after.settings) === JSON.stringify(before.settings), 'a refused file changed the run');
      await app.screenshot('16-samples-refused.png');
      return seen;
    });
  },
};
