// The methods beside the NHF (HMC, L2HMC, planar, radial): each is picked through the test interface, run until it moves,
// and kept as a screenshot; a comparison link runs two of them side by side; a bad method name is refused and changes nothing.
import { assert, fmt } from '../harness.mjs';

export default {
  name: 'methods',
  about: 'hmc, l2hmc, planar, radial, a comparison: pick, run, status figures, screenshot; bad name refused',
  async run(t) {
    const app = await t.openApp('#target=banana');

    await t.check('{"cmd":"method","name":"hmc"}: the chains run, acceptance and R-hat appear', async () => {
      await app.commandOk({ cmd: 'method', name: 'hmc' });
      await app.commandOk({ cmd: 'set', key: 'hmc_warmup', value: 50 });
      await app.commandOk({ cmd: 'set', key: 'hmc_rate', value: 500 });
      await app.commandOk({ cmd: 'train' });
      const s = await app.waitStatus(
        (x) => x.method === 'hmc' && x.acceptance !== null && x.r_hat !== null,
        { timeout: 30_000, what: 'HMC past its warm-up with diagnostics' },
      );
      assert(s.acceptance > 0.3 && s.acceptance <= 1, `acceptance ${s.acceptance}`);
      await app.commandOk({ cmd: 'pause' });
      await app.commandOk({ cmd: 'step' });
      await app.commandOk({ cmd: 'scrub', step: 5 });
      await app.waitFrames(4);
      await app.screenshot('method-hmc.png');
      return { iteration: s.method_iteration, acceptance: s.acceptance, r_hat: s.r_hat, ess_per_grad: s.ess_per_grad };
    });

    await t.check('{"cmd":"method","name":"l2hmc"}: trains, then samples with acceptance and R-hat', async () => {
      await app.commandOk({ cmd: 'method', name: 'l2hmc' });
      await app.commandOk({ cmd: 'set', key: 'l2hmc_train', value: 40 });
      await app.commandOk({ cmd: 'set', key: 'hmc_rate', value: 500 });
      await app.commandOk({ cmd: 'train' });
      const s = await app.waitStatus(
        (x) => x.method === 'l2hmc' && x.acceptance !== null && x.r_hat !== null,
        { timeout: 60_000, what: 'L2HMC past its training with diagnostics' },
      );
      assert(s.acceptance > 0.1 && s.acceptance <= 1, `acceptance ${s.acceptance}`);
      assert(s.step_size > 0, `step size ${s.step_size}`);
      await app.commandOk({ cmd: 'pause' });
      await app.commandOk({ cmd: 'step' });
      await app.commandOk({ cmd: 'scrub', step: 5 });
      await app.waitFrames(4);
      await app.screenshot('method-l2hmc.png');
      return { iteration: s.method_iteration, acceptance: s.acceptance, r_hat: s.r_hat, step_size: s.step_size };
    });

    for (const [method, target] of [['planar', 'u1'], ['radial', 'u2']]) {
      await t.check(`{"cmd":"method","name":"${method}"} on ${target}: trains, reports an ESS`, async () => {
        await app.commandOk({ cmd: 'target', name: target });
        await app.commandOk({ cmd: 'method', name: method });
        await app.commandOk({ cmd: 'train' });
        const s = await app.waitStatus(
          (x) => x.method === method && x.method_iteration > 200 && x.ess !== null,
          { timeout: 30_000, what: `${method} training with an ESS` },
        );
        await app.commandOk({ cmd: 'pause' });
        await app.commandOk({ cmd: 'scrub', step: 4 });
        await app.waitFrames(4);
        await app.screenshot(`method-${method}.png`);
        return { steps: s.method_iteration, ess: s.ess };
      });
    }

    await t.check('a bad method is refused and the method stays', async () => {
      const reply = await app.command({ cmd: 'method', name: 'mcmc' });
      assert(reply.ok === false && /method/.test(reply.error), `reply ${fmt(reply)}`);
      const s = await app.status();
      assert(s.method === 'radial', `method ${s.method}`);
      await app.commandOk({ cmd: 'method', name: 'nhf' });
      const back = await app.waitStatus((x) => x.method === 'nhf', { what: 'back to the NHF' });
      t.watcher.noPanicSoFar();
      return back.method;
    });

    await t.check('a comparison link runs planar and HMC side by side and reports their figures', async () => {
      await app.commandOk({ cmd: 'link', link: '#target=banana&compare=planar,hmc' });
      const s = await app.waitStatus(
        (x) => Array.isArray(x.compare) && x.compare.length === 2 && x.compare.every((m) => m.state === 'done'),
        { timeout: 90_000, what: 'both methods of the comparison measured' },
      );
      for (const m of s.compare) {
        assert(Number.isFinite(m.kl) && m.kl < 2, `${m.method}: binned KL ${m.kl}`);
        assert(m.grad_evals > 0 && m.seconds >= 0, `${m.method}: ${fmt(m)}`);
      }
      const [planar, hmc] = s.compare;
      assert(planar.params === 40 && planar.acceptance === null, `planar ${fmt(planar)}`);
      assert(hmc.params === null && hmc.acceptance > 0.3, `hmc ${fmt(hmc)}`);
      assert(/compare=planar,hmc/.test(s.link), `link ${s.link}`);
      await app.waitFrames(4);
      await app.screenshot('method-compare.png');
      await app.commandOk({ cmd: 'compare', methods: '' });
      await app.waitStatus((x) => x.compare === null, { what: 'the comparison closed' });
      return s.compare.map((m) => `${m.method} KL ${m.kl.toFixed(3)}`).join(', ');
    });
  },
};
