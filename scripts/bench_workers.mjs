#!/usr/bin/env node
// The training step shared among Web Workers, beside one worker: the app's `bench` command with
// `workers` (the steps run in the training worker and its helpers, as training does), in
// headless Chromium, alternating 1 and 2 workers for ROUNDS rounds (default 3) of REPS steps
// (default 30) of the standard configuration, on an idle page (the animation paused, the
// density grid finished).
// Prints one JSON line per timing, then the medians and their ratio.
// CONFIG=small times the small configuration instead: its step is short enough that the
// shared step's fixed cost (the messages, the helpers waking) shows.
// Usage: node scripts/bench_workers.mjs   (after `make wasm`; ROUNDS, REPS, WORKERS=2, CONFIG)
import { openApp } from '../web/harness.mjs';

const rounds = Number(process.env.ROUNDS || 3);
const reps = Number(process.env.REPS || 30);
const many = Number(process.env.WORKERS || 2);
const config = process.env.CONFIG || 'standard';
const app = await openApp('');
await app.commandOk({ cmd: 'anim_play', playing: false });
// An idle page: the density grid finished, so the page draws ten frames a second, not sixty.
await app.waitStatus((x) => x.grid_progress >= 1, { timeout: 60_000, what: 'the density grid' });
const rows = [];
// Round 0 is not counted: the helpers start, and the browser is still optimising code it
// compiled at load.
for (let round = 0; round <= rounds; round++) {
  for (const workers of [1, many]) {
    await app.commandOk({ cmd: 'bench', config, reps, workers });
    const s = await app.waitStatus((x) => x.bench !== null, { timeout: 120_000, what: 'the timing' });
    console.log(JSON.stringify({ round, ...s.bench }));
    if (round > 0) rows.push(s.bench);
  }
}
await app.close();
const medians = (w) => rows.filter((r) => r.workers === w).map((r) => r.median_ms);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [one, two] = [medians(1), medians(many)];
console.log(JSON.stringify({ one_worker_ms: one, workers: many, many_workers_ms: two, ratio_of_medians: +(median(two) / median(one)).toFixed(2), cores: rows[0].cores }));
process.exit(0);
