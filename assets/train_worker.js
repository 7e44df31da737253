// The training worker: a second instance of the app's wasm module that runs training jobs
// off the page's main thread (see src/web/worker_host.rs). Messages that arrive while the module
// loads wait in `inbox`; between slices of training the loop yields through a MessageChannel
// (setTimeout would add its 4 ms clamp to every slice) so that "stop" and new jobs get in.
import init, { TrainWorker } from './nhf-playground.js';

const inbox = [];
let worker = null;
let looping = false;
const tick = new MessageChannel();

function handle() {
  while (worker && inbox.length > 0) {
    const m = inbox.shift();
    if (m.kind === 'start') {
      const failed = worker.start(m);
      if (failed !== undefined) self.postMessage(failed);
    } else if (m.kind === 'stop') {
      worker.stop();
    }
  }
  if (worker && worker.active() && !looping) {
    looping = true;
    tick.port2.postMessage(null);
  }
}

tick.port1.onmessage = () => {
  looping = false;
  // Takes the orders that came in, and re-arms the loop while a job runs.
  handle();
  if (!worker.active()) return;
  const report = worker.run_slice();
  if (report !== undefined) {
    self.postMessage(report, [report.params.buffer, report.m.buffer, report.v.buffer, report.cells.buffer]);
  }
};

self.onmessage = (event) => {
  inbox.push(event.data);
  handle();
};

init()
  .then(() => {
    worker = new TrainWorker();
    handle();
  })
  .catch((e) => self.postMessage({ kind: 'error', error: `the worker could not load the app: ${e}` }));
