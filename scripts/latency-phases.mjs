// Where a live frame's latency goes: N looped 640x480 10 fps cameras through a built tree's Appliance
// (`node scripts/latency-phases.mjs [ROOT] [N] [SECONDS] [auto]`; needs dist/ and /work/ab/tud-10fps.mp4 or
// CLIP=path). Per inferred frame, from the pipe read (receivedAt) to the detection result:
//   ring   received → handed to the detector (waits while the camera's previous frame is detected)
//   poolq  in the pool's queue until posted to a worker
//   port   posted → its run starts, plus the reply's trip back (behind the worker's other batch; main thread busy)
//   run    the worker's preprocess + inference + decode (inferenceMs)
//   back   reply received → result handed back
// Prints one JSON line: each phase's p50/p90/p99/max, the mean phases of the slowest 5 % of frames,
// main-thread event-loop delay and GC pauses, and the frames written / dropped by the cameras' rings.
// A measuring tool: it wraps a few methods of the built classes, nothing in the product changes.
import { readFileSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
const [root = '.', nArg = '8', secArg = '12', input] = process.argv.slice(2);
const n = Number(nArg);
const seconds = Number(secArg);
const clip = resolve(process.env.CLIP ?? '/work/ab/tud-10fps.mp4');
const dist = (p) => import(resolve(root, 'dist/appliance/src', p));
const { validateConfig } = await dist('config/loader.js');
const { Appliance } = await dist('appliance.js');
const { silentLogger } = await dist('logger.js');
const { FrameRing } = await dist('sources/frame-ring.js');
const { DetectorPool } = await dist('detect/detector-pool.js');
const now = () => performance.timeOrigin + performance.now();

const bySlot = new Map();
const rings = new Set();
const take = FrameRing.prototype.take;
FrameRing.prototype.take = function () {
  const f = take.call(this);
  rings.add(this);
  if (f) bySlot.set(f.data, { receivedAt: f.receivedAt });
  return f;
};
let measuring = false;
const rows = [];
const posted = new Map();
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (m, ...rest) {
  if (m?.type === 'detect') for (const f of m.frames) posted.set(f.id, now());
  return post.call(this, m, ...rest);
};
const onReply = DetectorPool.prototype.onReply;
DetectorPool.prototype.onReply = function (m) {
  if (m.type === 'result') Object.assign(m.result, { postedAt: posted.get(m.id), replyAt: now() }), posted.delete(m.id);
  else if (m.type === 'error') posted.delete(m.id);
  return onReply.call(this, m);
};
const detect = DetectorPool.prototype.detect;
DetectorPool.prototype.detect = function (job) {
  const r = bySlot.get(job.frame);
  const submitAt = now();
  const p = detect.call(this, job);
  p.then((res) => {
    if (!measuring || !r || res.postedAt === undefined) return;
    const done = now();
    rows.push({
      ring: submitAt - r.receivedAt,
      poolq: res.postedAt - submitAt,
      port: res.replyAt - res.postedAt - res.inferenceMs,
      run: res.inferenceMs,
      back: done - res.replyAt,
      total: done - r.receivedAt,
    });
  }, () => {});
  return p;
};
const gcs = [];
new PerformanceObserver((l) => {
  if (measuring) for (const e of l.getEntries()) gcs.push(e.duration);
}).observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 5 });

const tmp = mkdtempSync(join(tmpdir(), 'phases-'));
const cameras = Array.from({ length: n }, (_, i) => ({ id: `cam${i}`, source: clip, loop: true, realtime: true }));
const doc = {
  http: { port: 0 },
  storage: { path: join(tmp, 'p.db'), media_dirs: [dirname(clip)] },
  cameras,
  ...(input === 'auto' ? { detector: { model: resolve(root, 'models/yolox-nano/manifest-any.json'), input: 'auto' } } : {}),
};
const app = new Appliance(validateConfig(doc), silentLogger());
await app.start();
await new Promise((r) => setTimeout(r, 3000));
const count = () => [...rings].reduce((a, r) => ({ written: a.written + r.written, dropped: a.dropped + r.dropped }), { written: 0, dropped: 0 });
const c0 = count();
measuring = true;
loop.enable();
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
loop.disable();
const c1 = count();
await app.stop();

const pct = (a, p) => (a.length ? +a[Math.min(a.length - 1, Math.floor(p * a.length))].toFixed(1) : null);
const phases = ['ring', 'poolq', 'port', 'run', 'back', 'total'];
const out = { n, frames: rows.length, written: c1.written - c0.written, dropped: c1.dropped - c0.dropped };
out.drop_ratio = +(out.dropped / Math.max(1, out.written)).toFixed(4);
for (const k of phases) {
  const a = rows.map((r) => r[k]).sort((x, y) => x - y);
  out[k] = { p50: pct(a, 0.5), p90: pct(a, 0.9), p99: pct(a, 0.99), max: pct(a, 1) };
}
const cut = out.total.p90 === null ? 0 : pct(rows.map((r) => r.total).sort((x, y) => x - y), 0.95);
const tail = rows.filter((r) => r.total >= cut);
out.slowest_5pct_mean = Object.fromEntries(phases.map((k) => [k, +(tail.reduce((s, r) => s + r[k], 0) / Math.max(1, tail.length)).toFixed(1)]));
out.loop_delay_ms = { p50: +(loop.percentile(50) / 1e6).toFixed(1), p99: +(loop.percentile(99) / 1e6).toFixed(1), max: +(loop.max / 1e6).toFixed(1) };
out.gc = { count: gcs.length, total_ms: +gcs.reduce((s, d) => s + d, 0).toFixed(1), max_ms: +Math.max(0, ...gcs).toFixed(1) };
out.load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log(JSON.stringify(out));
process.exit(0);
