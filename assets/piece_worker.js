// A helper of the shared training step: another instance of the app's wasm module that computes
// its run of each step's pieces for the training worker (src/web/piece_worker.rs,
// src/app/shared_step.rs). Its first message is the module the training worker compiled
// ("module"); the messages after it wait in `inbox` until the instance is ready.
import init, { PieceWorker } from './nhf-playground.js';

const inbox = [];
let helper = null;

function handle() {
  while (helper && inbox.length > 0) {
    const m = inbox.shift();
    if (m.kind === 'setup') {
      const failed = helper.setup(m);
      if (failed !== undefined) self.postMessage({ kind: 'error', error: failed });
    } else if (m.kind === 'pieces') {
      const reply = helper.compute(m);
      const moved = reply.kind === 'pieces' ? [reply.losses.buffer, reply.grads.buffer] : [];
      self.postMessage(reply, moved);
    }
  }
}

self.onmessage = (event) => {
  const m = event.data;
  if (m.kind !== 'module') {
    inbox.push(m);
    handle();
    return;
  }
  init({ module_or_path: m.module })
    .then(() => {
      helper = new PieceWorker();
      handle();
    })
    .catch((e) => self.postMessage({ kind: 'error', error: `a helper could not load the app: ${e}` }));
};
