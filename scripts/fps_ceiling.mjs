#!/usr/bin/env node
// Frame-rate ceiling of the headless Chromium used by the browser test.
//
//   node scripts/fps_ceiling.mjs              (from the repo root; ~1.5 min)
//
// Launches Chromium with the browser test's launcher (web/harness.mjs: same binary, args,
// 1280x800 viewport, deviceScaleFactor 1, persistent context) and measures the
// requestAnimationFrame rate of small self-contained data: URL pages (a fresh document per
// case, no network):
//   empty      rAF loop only, no canvas
//   clear      full-viewport WebGL2 canvas, gl.clear() each frame
//   tris20k    as clear + ~20k small alpha-blended textured triangles per frame, vertex and
//              index buffers re-uploaded each frame (roughly what egui/glow does)
//   clear640   as clear with a 640x400 canvas
//   tris20k-small  as tris20k with 3x4 px quads instead of 8x12 (separates vertex from fill cost)
// Then repeats some cases with other settings (deviceScaleFactor 2, extra Chromium flags)
// to see whether the ceiling moves. Also reports browser-process CPU use per process type
// (from /proc) during each window, so you can see which process is saturated.
//
// Environment:
//   CHROMIUM      browser binary (default /usr/bin/chromium, as the browser test)
//   FPS_SECS      measurement window per case in seconds (default 5)
//   FPS_WARMUP    warm-up before each window in seconds (default 1)
//   FPS_VARIANTS  0 = only the browser test's launch settings (default 1 = also the variants)
//   FPS_JSON      if set, also write all results as JSON to this path
//   FPS_SESSIONS  regex: run only the sessions whose label matches (e.g. 'e2e|default')
// The browser test's smoke run: FPS_SECS=0.5 FPS_WARMUP=0.2 FPS_VARIANTS=0 FPS_JSON=<file>.

import fs from 'node:fs';
import os from 'node:os';
import { CHROMIUM, CHROMIUM_ARGS, launchChromium } from '../web/harness.mjs';

const SECS = Number(process.env.FPS_SECS || 5);
const WARMUP = Number(process.env.FPS_WARMUP || 1);
const VARIANTS = process.env.FPS_VARIANTS !== '0';
const ONLY = process.env.FPS_SESSIONS ? new RegExp(process.env.FPS_SESSIONS) : null;

// ---------------------------------------------------------------- the test page

function pageHtml(mode, canvasW, canvasH, quad = [8, 12]) {
  // canvasW/H: CSS size in px, or 0 = full viewport. Backing store = CSS size * devicePixelRatio.
  return `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;padding:0;overflow:hidden;background:#222}
canvas{display:block;${canvasW ? `width:${canvasW}px;height:${canvasH}px` : 'width:100vw;height:100vh'}}
</style></head><body>
${mode === 'empty' ? '<div id="t">rAF only</div>' : '<canvas id="c"></canvas>'}
<script>
'use strict';
const MODE = ${JSON.stringify(mode)};
const st = { frames: 0, stamps: [], jsMs: 0, err: null, info: {} };
window.__st = st;
let draw = () => {};
try {
  if (MODE !== 'empty') {
    const cv = document.getElementById('c');
    const dpr = window.devicePixelRatio || 1;
    const r = cv.getBoundingClientRect();
    cv.width = Math.round(r.width * dpr);
    cv.height = Math.round(r.height * dpr);
    const gl = cv.getContext('webgl2', { antialias: false, alpha: true, depth: false, stencil: false, preserveDrawingBuffer: false });
    if (!gl) throw new Error('no WebGL2 context');
    const dbg = gl.getExtension('WEBGL_debug_renderer_info');
    st.info = {
      canvas: cv.width + 'x' + cv.height, dpr,
      version: gl.getParameter(gl.VERSION),
      vendor: dbg ? gl.getParameter(dbg.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR),
      renderer: dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
    };
    gl.viewport(0, 0, cv.width, cv.height);
    let prog = null, vbo, ibo, verts, idx, nIdx = 0;
    if (MODE === 'tris') {
      const vs = \`#version 300 es
      precision mediump float;
      uniform vec2 u_screen; uniform float u_t;
      in vec2 a_pos; in vec2 a_uv; in vec4 a_col;
      out vec2 v_uv; out vec4 v_col;
      void main(){ vec2 p = a_pos + vec2(sin(u_t)*2.0, 0.0);
        gl_Position = vec4(2.0*p.x/u_screen.x-1.0, 1.0-2.0*p.y/u_screen.y, 0.0, 1.0);
        v_uv = a_uv; v_col = a_col; }\`;
      const fs = \`#version 300 es
      precision mediump float;
      uniform sampler2D u_tex; in vec2 v_uv; in vec4 v_col; out vec4 o;
      void main(){ o = v_col * texture(u_tex, v_uv); }\`;
      const sh = (t, s) => { const x = gl.createShader(t); gl.shaderSource(x, s); gl.compileShader(x);
        if (!gl.getShaderParameter(x, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(x)); return x; };
      prog = gl.createProgram();
      gl.attachShader(prog, sh(gl.VERTEX_SHADER, vs)); gl.attachShader(prog, sh(gl.FRAGMENT_SHADER, fs));
      gl.linkProgram(prog);
      if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(prog));
      gl.useProgram(prog);
      // egui-like vertex: pos f32x2, uv f32x2, colour u8x4 (premultiplied) = 20 bytes; u32 indices.
      const W = r.width, H = r.height, NQ = 10000; // 10k quads = 20k triangles, ~8x12 px each
      const buf = new ArrayBuffer(NQ * 4 * 20); const f = new Float32Array(buf); const u8 = new Uint8Array(buf);
      idx = new Uint32Array(NQ * 6);
      for (let q = 0; q < NQ; q++) {
        const cols = Math.floor(W / 10), rows = Math.floor(H / 14);
        const x = (q % cols) * 10, y = (Math.floor(q / cols) % rows) * 14, w = ${quad[0]}, h = ${quad[1]};
        const c = [ (q*53)&255, (q*97)&255, (q*31)&255, 200 ];
        const P = [[x,y,0,0],[x+w,y,1,0],[x+w,y+h,1,1],[x,y+h,0,1]];
        for (let k = 0; k < 4; k++) { const v = q*4+k; f[v*5]=P[k][0]; f[v*5+1]=P[k][1]; f[v*5+2]=P[k][2]; f[v*5+3]=P[k][3];
          u8[v*20+16]=c[0]; u8[v*20+17]=c[1]; u8[v*20+18]=c[2]; u8[v*20+19]=c[3]; }
        idx.set([q*4, q*4+1, q*4+2, q*4, q*4+2, q*4+3], q*6);
      }
      verts = u8; nIdx = idx.length;
      vbo = gl.createBuffer(); ibo = gl.createBuffer();
      const vao = gl.createVertexArray(); gl.bindVertexArray(vao);
      gl.bindBuffer(gl.ARRAY_BUFFER, vbo); gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, ibo);
      const la = (n) => gl.getAttribLocation(prog, n);
      gl.enableVertexAttribArray(la('a_pos')); gl.vertexAttribPointer(la('a_pos'), 2, gl.FLOAT, false, 20, 0);
      gl.enableVertexAttribArray(la('a_uv')); gl.vertexAttribPointer(la('a_uv'), 2, gl.FLOAT, false, 20, 8);
      gl.enableVertexAttribArray(la('a_col')); gl.vertexAttribPointer(la('a_col'), 4, gl.UNSIGNED_BYTE, true, 20, 16);
      // a small texture (like egui's font atlas), linear filtering
      const tex = gl.createTexture(); gl.bindTexture(gl.TEXTURE_2D, tex);
      const T = 64, td = new Uint8Array(T*T*4);
      for (let i = 0; i < T*T; i++) { const a = ((i % T) ^ (i / T | 0)) & 8 ? 255 : 128; td.set([a,a,a,a], i*4); }
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, T, T, 0, gl.RGBA, gl.UNSIGNED_BYTE, td);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.uniform1i(gl.getUniformLocation(prog, 'u_tex'), 0);
      gl.uniform2f(gl.getUniformLocation(prog, 'u_screen'), W, H);
      gl.enable(gl.BLEND); gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA); // premultiplied, as egui
      st.info.triangles = nIdx / 3;
    }
    const uT = prog && gl.getUniformLocation(prog, 'u_t');
    draw = (t) => {
      const k = (st.frames % 60) / 60;
      gl.clearColor(0.1 + 0.5 * k, 0.2, 0.3, 1.0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      if (prog) {
        gl.uniform1f(uT, t / 1000);
        gl.bufferData(gl.ARRAY_BUFFER, verts, gl.STREAM_DRAW);        // re-upload, as egui does
        gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, idx, gl.STREAM_DRAW);
        gl.drawElements(gl.TRIANGLES, nIdx, gl.UNSIGNED_INT, 0);
      }
      if ((st.frames & 63) === 0) { const e = gl.getError(); if (e) st.err = 'gl error 0x' + e.toString(16); }
    };
  } else {
    const d = document.getElementById('t');
    draw = () => { d.textContent = 'frame ' + st.frames; };
  }
} catch (e) { st.err = String(e && e.message || e); }
function loop(t) {
  const a = performance.now();
  draw(t);
  st.jsMs += performance.now() - a;
  st.frames++;
  st.stamps.push(t);
  if (st.stamps.length > 20000) st.stamps.splice(0, 10000);
  requestAnimationFrame(loop);
}
requestAnimationFrame(loop);
</script></body></html>`;
}

// ---------------------------------------------------------------- /proc CPU accounting

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64/arm64

function procTable() {
  const out = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(rest[1]);
      const ticks = Number(rest[11]) + Number(rest[12]); // utime + stime
      // Chromium rewrites its argv into one space-separated string, so search the whole text.
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.set(Number(d), { ppid, ticks, cmd });
    } catch { /* process went away */ }
  }
  return out;
}

function chromeTicks(userDataDir) {
  const t = procTable();
  const root = [...t.entries()].find(([, p]) => p.cmd.includes(userDataDir) && !p.cmd.includes('--type='));
  if (!root) return null;
  const byType = {};
  const want = new Set([root[0]]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of t) if (!want.has(pid) && want.has(p.ppid)) { want.add(pid); grew = true; }
  }
  for (const pid of want) {
    const p = t.get(pid);
    const ty = (p.cmd.match(/--type=(\S+)/) || [, 'browser'])[1];
    const sub = (p.cmd.match(/--utility-sub-type=(\S+)/) || [])[1];
    const key = ty === 'utility' && sub ? `utility:${sub.split('.').pop()}` : ty;
    byType[key] = (byType[key] || 0) + p.ticks;
  }
  return byType;
}

// Busy CPU ticks of the whole machine (all processes), to spot other load during a window.
function machineTicks() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7]; // user nice system irq softirq steal
}

function sum(o) {
  return o ? Object.values(o).reduce((a, b) => a + b, 0) : 0;
}

function cpuDiff(a, b, secs) {
  if (!a || !b) return {};
  const out = {};
  for (const k of Object.keys(b)) {
    const d = (b[k] - (a[k] || 0)) / CLK_TCK / secs;
    if (d >= 0.02) out[k] = +d.toFixed(2);
  }
  return out;
}

function loadavg() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

// ---------------------------------------------------------------- one browser session

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function session(label, { args = CHROMIUM_ARGS, deviceScaleFactor = 1, cases }) {
  if (ONLY && !ONLY.test(label)) return { version: '?', results: [] };
  const results = [];
  let browser;
  try {
    browser = await launchChromium({ args, deviceScaleFactor });
    const { context, userDataDir, version } = browser;
    const page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => console.log(`  [pageerror] ${e.message}`));
    for (const c of cases) {
      // a fresh document per case (setContent would reuse the JS realm)
      await page.goto('data:text/html;base64,' + Buffer.from(pageHtml(c.mode, c.w || 0, c.h || 0, c.quad)).toString('base64'));
      await sleep(WARMUP * 1000);
      const f0 = await page.evaluate(() => ({ frames: window.__st.frames, t: performance.now(), js: window.__st.jsMs }));
      const cpu0 = chromeTicks(userDataDir);
      const m0 = machineTicks();
      const w0 = Date.now();
      await sleep(SECS * 1000);
      const cpu1 = chromeTicks(userDataDir);
      const m1 = machineTicks();
      const wall = (Date.now() - w0) / 1000;
      // cores used by everything except this Chromium (node+playwright included, normally ~0.05)
      const other = Math.max(0, (m1 - m0 - (sum(cpu1) - sum(cpu0))) / CLK_TCK / wall);
      const r = await page.evaluate((t0) => {
        const s = window.__st;
        const now = performance.now();
        const st = s.stamps.filter((x) => x >= t0);
        const iv = [];
        for (let i = 1; i < st.length; i++) iv.push(st[i] - st[i - 1]);
        iv.sort((a, b) => a - b);
        const q = (p) => (iv.length ? iv[Math.min(iv.length - 1, Math.floor(p * iv.length))] : NaN);
        return { frames: s.frames, t: now, js: s.jsMs, err: s.err, info: s.info, p50: q(0.5), p95: q(0.95), max: iv[iv.length - 1] };
      }, f0.t);
      const n = r.frames - f0.frames;
      const secs = (r.t - f0.t) / 1000;
      const row = {
        session: label,
        case: c.name,
        dpr: deviceScaleFactor,
        canvas: r.info.canvas || '-',
        fps: +(n / secs).toFixed(1),
        frame_ms_p50: +r.p50.toFixed(1),
        frame_ms_p95: +r.p95.toFixed(1),
        frame_ms_max: +r.max.toFixed(1),
        js_ms_per_frame: +((r.js - f0.js) / Math.max(1, n)).toFixed(2),
        cpu_cores: cpuDiff(cpu0, cpu1, wall),
        other_cores: +other.toFixed(2),
        load: loadavg(),
        err: r.err,
      };
      if (r.info.renderer) row.renderer = r.info.renderer;
      row.version = version;
      results.push(row);
      console.log(
        `${label.padEnd(28)} ${c.name.padEnd(13)} dpr${deviceScaleFactor} ${row.canvas.padEnd(9)} ` +
          `${String(row.fps).padStart(6)} fps  p50 ${row.frame_ms_p50} ms p95 ${row.frame_ms_p95} ms  js ${row.js_ms_per_frame} ms/f  ` +
          `chromium cores ${JSON.stringify(row.cpu_cores)}  other cores ${row.other_cores}${row.other_cores > 0.3 ? ' (BUSY MACHINE)' : ''}${row.err ? '  ERROR ' + row.err : ''}`,
      );
    }
    return { version, results };
  } catch (e) {
    console.log(`${label}: FAILED: ${e.message.split('\n')[0]}`);
    return { version: '?', results, error: e.message };
  } finally {
    if (browser) await browser.close();
  }
}

// ---------------------------------------------------------------- main

const ALL = [
  { name: 'empty', mode: 'empty' },
  { name: 'clear', mode: 'clear' },
  { name: 'tris20k', mode: 'tris' },
  { name: 'clear640', mode: 'clear', w: 640, h: 400 },
  { name: 'tris20k-small', mode: 'tris', quad: [3, 4] }, // same vertex work, ~1/8 of the pixels
];
const CLEAR = [ALL[1]];

if (!fs.existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} not found (set CHROMIUM)`);
  process.exit(2);
}
console.log(`Chromium ${CHROMIUM}; window ${SECS}s + ${WARMUP}s warm-up per case; ${os.cpus().length} CPUs; load ${loadavg()}`);
const tStart = Date.now();
const all = [];
const main = await session('e2e.mjs settings', { cases: ALL });
all.push(...main.results);
let renderer = main.results.find((r) => r.renderer)?.renderer;
if (VARIANTS) {
  const without = (a) => CHROMIUM_ARGS.filter((x) => x !== a);
  const runs = [
    ['deviceScaleFactor 2', { deviceScaleFactor: 2, cases: [ALL[1], ALL[2]] }],
    ['+--disable-gpu-vsync', { args: [...CHROMIUM_ARGS, '--disable-gpu-vsync'], cases: CLEAR }],
    // rAF no longer waits for the display: 'clear' then only shows the rAF/IPC overhead, while
    // 'tris20k' shows raw SwiftShader throughput (the rAF callback blocks on GL back-pressure).
    ['+--disable-frame-rate-limit', { args: [...CHROMIUM_ARGS, '--disable-frame-rate-limit'], cases: [ALL[1], ALL[2]] }],
    // Chromium's own default picks ANGLE/SwiftShader for WebGL only (--use-angle=swiftshader-webgl)
    ['no --use-angle (default)', { args: without('--use-angle=swiftshader'), cases: [ALL[0], ALL[1], ALL[2], ALL[4]] }],
  ];
  for (const [label, opts] of runs) {
    const r = await session(label, opts);
    all.push(...r.results);
  }
}
const version = main.version !== '?' ? main.version : all[0]?.version;
renderer = renderer || all.find((r) => r.renderer)?.renderer;
console.log(`\nChromium version: ${version}`);
console.log(`WebGL renderer:   ${renderer}`);
for (const r of all) if (r.renderer && r.renderer !== renderer) console.log(`  (${r.session}: renderer ${r.renderer})`);
console.log(`total ${((Date.now() - tStart) / 1000).toFixed(0)} s`);
if (process.env.FPS_JSON) fs.writeFileSync(process.env.FPS_JSON, JSON.stringify(all, null, 2));
