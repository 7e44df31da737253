// CPU time of the headless Chromium a script opened, read from /proc (Linux): the page's
// renderer main thread (where the app draws), its Web Worker threads (training) and the GPU
// process (SwiftShader). Unlike `frame_ms`, which is eframe's wall-clock stopwatch and so also
// counts the time the page waits for a core, these are the time each thread actually ran.
// No profiler is attached, so measuring does not slow the page.
//
//   const a = chromiumCpu(); …; const b = chromiumCpu(); cpuDelta(a, b).renderer_main_ms

import fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux.

function readStat(file) {
  try {
    const s = fs.readFileSync(file, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS; // utime + stime
  } catch {
    return 0; // the thread ended between listing and reading
  }
}

function threads(pid) {
  const out = [];
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let comm = '';
    try {
      comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    out.push({ tid, comm, ms: readStat(`/proc/${pid}/task/${tid}/stat`) });
  }
  return out;
}

/** Cumulative CPU milliseconds of the Chromium processes running now, by role. */
export function chromiumCpu() {
  const sample = { renderers: {}, gpu_ms: 0 };
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd;
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!/chrom/.test(cmd)) continue;
    if (cmd.includes('--type=gpu-process')) {
      sample.gpu_ms += threads(pid).reduce((a, t) => a + t.ms, 0);
    } else if (cmd.includes('--type=renderer')) {
      const ts = threads(pid);
      sample.renderers[pid] = {
        main_ms: ts.find((t) => t.tid === pid)?.ms ?? 0,
        worker_ms: ts.filter((t) => /DedicatedWorker/.test(t.comm)).reduce((a, t) => a + t.ms, 0),
        total_ms: ts.reduce((a, t) => a + t.ms, 0),
      };
    }
  }
  return sample;
}

/** CPU milliseconds spent between two samples; the renderer is the one that ran the most. */
export function cpuDelta(a, b) {
  let best = null;
  for (const [pid, r] of Object.entries(b.renderers)) {
    const r0 = a.renderers[pid] || { main_ms: 0, worker_ms: 0, total_ms: 0 };
    const d = { renderer_main_ms: r.main_ms - r0.main_ms, worker_ms: r.worker_ms - r0.worker_ms, renderer_ms: r.total_ms - r0.total_ms };
    if (!best || d.renderer_ms > best.renderer_ms) best = d;
  }
  return { ...(best || { renderer_main_ms: 0, worker_ms: 0, renderer_ms: 0 }), gpu_ms: b.gpu_ms - a.gpu_ms };
}
