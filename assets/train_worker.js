// The training worker: a second instance of the app's wasm module that runs training jobs
// off the page's main thread (see src/web/worker_host.rs). Messages that arrive while the module
// loads wait in `inbox`; between slices of training the loop yields through a MessageChannel
// (setTimeout would add its 4 ms clamp to every slice) so that "stop" and new jobs get in.
//
// With more than one worker (the `workers` setting; 0 means all cores but one), each step is
// shared with helper workers (assets/piece_worker.js): this worker draws the batch, sends each
// helper its order, computes its own pieces, waits for the replies and sums the pieces in their
// fixed order (src/app/shared_step.rs), so the run is the same bits with any number of workers.
import init, { TrainWorker } from './nhf-playground.js';

const inbox = [];
let worker = null;
let looping = false;
// A slice of shared steps is in flight: new orders wait until it ends.
let busy = false;
const tick = new MessageChannel();
const cores = self.navigator.hardwareConcurrency || 1;
// The helpers: { w: Worker, pending: the resolver of the reply awaited, broken: why not }.
// The pool only grows: a helper a job does not need waits for the next (a new one would load
// and compile the module again, and run slowly until its code is optimised).
let helpers = [];
// How many of them the current job uses.
let active = 0;
// A "bench" order waiting for the loop: time steps instead of training.
let benchOrder = null;

function spawnHelper() {
  const h = { w: new Worker('./piece_worker.js', { type: 'module' }), pending: null, broken: null };
  // The compiled module, not its URL: the helper neither downloads nor compiles it again.
  h.w.postMessage({ kind: 'module', module: compiled });
  const answer = (data) => {
    const resolve = h.pending;
    h.pending = null;
    if (resolve) resolve(data);
    else if (data.kind === 'error') h.broken = data.error;
  };
  h.w.onmessage = (event) => answer(event.data);
  h.w.onerror = (event) => {
    h.broken = `a helper failed: ${event.message}`;
    answer({ kind: 'error', error: h.broken });
  };
  return h;
}

// As many helpers as the job wants, each told the job.
function fitHelpers(header) {
  active = worker.workers(cores) - 1;
  while (helpers.length < active) helpers.push(spawnHelper());
  for (const h of helpers.slice(0, active)) h.w.postMessage({ kind: 'setup', header });
}

function handle() {
  if (busy) return;
  while (worker && inbox.length > 0) {
    const m = inbox.shift();
    if (m.kind === 'start') {
      const failed = worker.start(m);
      if (failed !== undefined) self.postMessage(failed);
      else fitHelpers(m.header);
    } else if (m.kind === 'stop') {
      worker.stop();
    } else if (m.kind === 'bench') {
      try {
        fitHelpers(worker.start_bench(m.config, m.workers));
        benchOrder = m;
      } catch (e) {
        self.postMessage({ kind: 'bench', result: JSON.stringify({ error: `${e}` }) });
      }
    }
  }
  if (worker && worker.active() && !looping) {
    looping = true;
    tick.port2.postMessage(null);
  }
}

// One step shared with the helpers; false when the job has nothing to do.
async function sharedStep() {
  // A helper that failed is left out: fewer workers give the same bits.
  for (const h of helpers.filter((h) => h.broken)) {
    console.warn(`training goes on without a helper: ${h.broken}`);
    h.w.terminate();
  }
  active -= helpers.slice(0, active).filter((h) => h.broken).length;
  helpers = helpers.filter((h) => !h.broken);
  const n = active + 1;
  if (!worker.begin_step()) return false;
  const replies = helpers.slice(0, active).map(
    (h, i) =>
      new Promise((resolve) => {
        h.pending = resolve;
        const order = worker.order(i + 1, n);
        h.w.postMessage(order, [order.params.buffer, order.a.buffer, order.b.buffer]);
      }),
  );
  worker.own_pieces(n);
  for (const reply of await Promise.all(replies)) {
    // A refused reply's pieces are computed here by finish_step.
    const why = worker.take_reply(reply);
    if (why !== undefined) console.warn(`a helper's pieces are computed here: ${why}`);
  }
  worker.finish_step();
  return true;
}

// Steps shared with the helpers for one slice; returns the slice's report.
async function sharedSlice() {
  const start = performance.now();
  while ((await sharedStep()) && worker.active() && performance.now() - start < worker.slice_ms());
  return worker.report();
}

// Untimed steps before a bench's timed ones: they wait for new helpers to load, and give the
// engine time to optimise the hot code.
const WARM_UP_STEPS = 10;

// Times a bench order's steps: the median, fastest and slowest milliseconds per step.
async function timeSteps(order) {
  const times = [];
  for (let i = 0; i < WARM_UP_STEPS + order.reps; i++) {
    const t = performance.now();
    if (!(await sharedStep())) break;
    if (i >= WARM_UP_STEPS) times.push(performance.now() - t);
  }
  worker.stop();
  times.sort((a, b) => a - b);
  return {
    config: order.config,
    reps: times.length,
    workers: active + 1,
    cores,
    median_ms: times[times.length >> 1],
    min_ms: times[0],
    max_ms: times[times.length - 1],
  };
}

tick.port1.onmessage = async () => {
  looping = false;
  // The slice in flight arms the next tick when it ends.
  if (busy) return;
  // Takes the orders that came in, and re-arms the loop while a job runs.
  handle();
  if (benchOrder !== null) {
    const order = benchOrder;
    benchOrder = null;
    busy = true;
    try {
      const result = await timeSteps(order);
      self.postMessage({ kind: 'bench', result: JSON.stringify(result) });
    } finally {
      busy = false;
    }
    handle();
    return;
  }
  if (!worker.active()) return;
  busy = true;
  let report;
  try {
    report = active > 0 ? await sharedSlice() : worker.run_slice();
  } finally {
    busy = false;
  }
  if (report !== undefined) {
    self.postMessage(report, [report.params.buffer, report.m.buffer, report.v.buffer, report.cells.buffer]);
  }
  handle();
};

self.onmessage = (event) => {
  inbox.push(event.data);
  handle();
};

// The module compiled here once, then instantiated here and in every helper.
let compiled = null;
fetch(new URL('./nhf-playground_bg.wasm', import.meta.url))
  .then((response) => {
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    return response.arrayBuffer();
  })
  .then((bytes) => WebAssembly.compile(bytes))
  .then((module) => {
    compiled = module;
    return init({ module_or_path: module });
  })
  .then(() => {
    worker = new TrainWorker();
    handle();
  })
  .catch((e) => self.postMessage({ kind: 'error', error: `the worker could not load the app: ${e}` }));
