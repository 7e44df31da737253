// The test commands: pause, target, anim_step, reset, train; invalid commands are refused with
// a message and leave the app as it was.
import { assert, fmt } from '../harness.mjs';

export default {
  name: 'controls',
  about: 'app_command: pause, invalid commands, target, anim_step, reset, train',
  async run(t) {
    const app = await t.openApp('#target=8gaussians');
    // Training, so that pause has something to stop.
    await app.commandOk({ cmd: 'train' });
    await app.waitStatus((x) => x.running && x.step > 0, { timeout: 15_000, what: 'training to start' });

    await t.check('{"cmd":"pause"} stops training', async () => {
      const reply = await app.commandOk({ cmd: 'pause' });
      const s = await app.waitStatus((x) => !x.running, { what: 'running == false' });
      await app.waitFrames(3);
      const later = await app.status();
      assert(later.step === s.step, `step still advancing while paused: ${s.step} → ${later.step}`);
      return { reply, step: later.step };
    });

    for (const bad of [{ cmd: 'fly' }, 'this is not json', { cmd: 'target', name: 'no-such-target' }]) {
      await t.check(`invalid command ${fmt(bad)} → ok:false with an error`, async () => {
        const reply = await app.command(bad);
        assert(reply.ok === false, `expected ok:false, got ${fmt(reply)}`);
        assert(typeof reply.error === 'string' && reply.error.length > 0, `expected a non-empty error message, got ${fmt(reply)}`);
        return reply.error;
      });
    }

    await t.check('app survives invalid commands (frames advance, no panic)', async () => {
      await app.waitFrames(5);
      t.watcher.noPanicSoFar();
      const s = await app.status();
      assert(s.target === '8gaussians', `target changed by an invalid command: ${s.target}`);
    });

    await t.check('{"cmd":"target","name":"banana"} switches target', async () => {
      await app.commandOk({ cmd: 'target', name: 'banana' });
      const s = await app.waitStatus((x) => x.target === 'banana', { what: 'status.target == "banana"' });
      return s.target;
    });

    await t.check('{"cmd":"anim_step","delta":1} changes anim_step', async () => {
      const a = (await app.status()).anim_step;
      await app.commandOk({ cmd: 'anim_step', delta: 1 });
      const s = await app.waitStatus((x) => x.anim_step !== a, { what: `anim_step to change from ${a}` });
      return { from: a, to: s.anim_step };
    });

    await t.check('{"cmd":"reset"} → ok, step back to 0, not running', async () => {
      await app.commandOk({ cmd: 'reset' });
      const s = await app.waitStatus((x) => x.step === 0 && !x.running, { what: 'step == 0 and running == false after reset' });
      return { step: s.step, target: s.target };
    });

    await t.check('{"cmd":"train"} starts training, {"cmd":"pause"} stops it', async () => {
      const a = await app.status();
      await app.commandOk({ cmd: 'train' });
      const b = await app.waitStatus((x) => x.running && x.step > a.step, { timeout: 15_000, what: `running and step > ${a.step} after {"cmd":"train"}` });
      await app.commandOk({ cmd: 'pause' });
      await app.waitStatus((x) => !x.running, { what: 'running == false' });
      return { step: b.step, target: b.target };
    });
  },
};
