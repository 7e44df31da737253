// A short run of each measurement script in ../scripts (docs/PERFORMANCE.md), so that `make
// test` notices when one breaks. Each runs as its own process, with its own server and browser,
// shortened by an argument or an environment variable; the numbers are not looked at, only that
// the script finished and printed what it documents. (open_app.mjs and chromium_cpu.mjs are
// libraries that these run through.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, assert, log } from '../harness.mjs';

const TIMEOUT_MS = 120_000;

/** Runs `node scripts/<script> ...args` from the repo root; returns { stdout, stderr } or throws. */
function runScript(script, args = [], env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join('scripts', script), ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = (s) => s.trim().split('\n').slice(-5).join('\n    ');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`exit ${code ?? signal}${signal === 'SIGTERM' ? ` (killed after ${TIMEOUT_MS} ms)` : ''}\n    ${tail(stderr) || tail(stdout)}`));
    });
  });
}

/** The JSON objects among the lines of `text`. */
function jsonLines(text) {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

export default {
  name: 'smoke',
  about: 'a few seconds of each measurement script in scripts/',
  async run(t) {
    await t.check('smoke: BENCH_REPS=1 BENCH_WARMUP_REPS=0 node scripts/bench_wasm.mjs small', async () => {
      const { stdout } = await runScript('bench_wasm.mjs', ['small'], { BENCH_REPS: '1', BENCH_WARMUP_REPS: '0' });
      const rows = jsonLines(stdout);
      assert(rows.length === 1 && rows[0].config === 'small', `printed ${stdout.trim()}`);
      const r = rows[0];
      assert(Number.isFinite(r.median_ms) && r.median_ms > 0 && r.reps === 5, `bench: ${JSON.stringify(r)}`);
      return `median ${r.median_ms} ms, simd128 ${r.simd128}`;
    });

    await t.check('smoke: node scripts/browser_training.mjs 4', async () => {
      const { stdout } = await runScript('browser_training.mjs', ['4']);
      const rows = jsonLines(stdout);
      const summary = rows.find((r) => r.summary);
      assert(summary, `no summary line in: ${stdout.trim().slice(-300)}`);
      assert(rows.length >= 4 && summary.final_step > 0, `${rows.length - 1} samples, final step ${summary.final_step}`);
      assert(Number.isFinite(summary.frames_per_sec) && summary.frames_per_sec > 0, `frames_per_sec ${summary.frames_per_sec}`);
      return `${summary.final_step} steps, ${summary.frames_per_sec.toFixed(1)} frames/s`;
    });

    await t.check('smoke: RENDER_WARMUP_S=0.5 RENDER_SECS=1 node scripts/render_cost.mjs "#target=8gaussians" train', async () => {
      const { stdout } = await runScript('render_cost.mjs', ['#target=8gaussians', 'train'], { RENDER_WARMUP_S: '0.5', RENDER_SECS: '1' });
      const rows = jsonLines(stdout);
      assert(rows.length === 1 && rows[0].train === true, `printed ${stdout.trim()}`);
      assert(rows[0].fps > 0 && Number.isFinite(rows[0].gpu_cores), `render_cost: ${JSON.stringify(rows[0])}`);
      return `${rows[0].fps} fps, GPU process ${rows[0].gpu_cores} cores`;
    });

    await t.check('smoke: FPS_SECS=0.5 FPS_WARMUP=0.2 FPS_VARIANTS=0 node scripts/fps_ceiling.mjs', async () => {
      const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nhf-fps-smoke-')), 'fps.json');
      try {
        const { stdout } = await runScript('fps_ceiling.mjs', [], { FPS_SECS: '0.5', FPS_WARMUP: '0.2', FPS_VARIANTS: '0', FPS_JSON: json });
        assert(fs.existsSync(json), `no ${json}; printed ${stdout.trim().slice(-300)}`);
        const rows = JSON.parse(fs.readFileSync(json, 'utf8'));
        assert(rows.length === 5, `${rows.length} cases measured (5 expected): ${stdout.trim().slice(-300)}`);
        const bad = rows.filter((r) => !(r.fps > 0) || r.err);
        assert(bad.length === 0, `cases without frames or with an error: ${JSON.stringify(bad)}`);
        log(`  ${rows.map((r) => `${r.case} ${r.fps} fps`).join(', ')}`);
        return rows.find((r) => r.renderer)?.renderer;
      } finally {
        fs.rmSync(path.dirname(json), { recursive: true, force: true });
      }
    });
  },
};
