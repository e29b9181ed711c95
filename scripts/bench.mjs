// make bench: throughput of each stage and of the whole path on the bundled clip, measured in one
// run so ratios are comparable on a noisy machine. Prints progress, then one JSON object last.
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(new URL('..', import.meta.url).pathname);
const dist = (p) => resolve(root, 'dist/appliance/src', p);
const { Detector } = await import(dist('detect/detector.js'));
const { analyzeFile } = await import(dist('pipeline/analyze-file.js'));
const { CameraSource } = await import(dist('sources/camera-source.js'));
const { silentLogger } = await import(dist('logger.js'));
const { benchTracker } = await import(dist('track/tracker-bench.js'));
const { embed } = await import(dist('track/appearance.js'));
const { DEFAULT_MODEL_MANIFEST } = await import(dist('config/paths.js'));

const clip = resolve(root, 'appliance/media/mot15/TUD-Stadtmitte/TUD-Stadtmitte.mp4');
const log = silentLogger();
const threads = Number(process.env.VANTAGE_BENCH_THREADS ?? 2);
const det = await Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: process.env.VANTAGE_BENCH_PROVIDER ?? 'cpu', threads, scoreThreshold: 0.1, classes: [] });
const say = (m) => process.stderr.write(`${m}\n`);

// 1. decode + letterbox alone: ffmpeg → ring, consumer releases at once.
async function decodeFps() {
  const src = new CameraSource({ id: 'bench', spec: { url: clip, loop: false, realtime: false, rtspTransport: 'tcp' }, inputWidth: det.inputWidth, inputHeight: det.inputHeight, pixFmt: det.pixelFormat, padValue: 114, policy: 'backpressure', slots: 4, retry: false }, log);
  let frames = 0;
  src.onFrame(() => { for (let f = src.ring.take(); f; f = src.ring.take()) { frames++; src.release(f); } });
  const t0 = performance.now();
  const ended = new Promise((r) => src.onEnd(r));
  src.start();
  await ended;
  const s = (performance.now() - t0) / 1000;
  await src.stop();
  return frames / s;
}

// 2. the ONNX session alone on its preallocated input.
async function inferenceFps(n = 150) {
  for (let i = 0; i < 10; i++) await det.inferOnly();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await det.inferOnly();
  return n / ((performance.now() - t0) / 1000);
}

// 3. the whole path, every frame, as fast as possible (best of 2).
async function pipelineFps() {
  let best = 0;
  for (let i = 0; i < 2; i++) best = Math.max(best, (await analyzeFile(clip, det, { countThreshold: 0.5, log })).fps);
  return best;
}

// 4. appearance descriptors for 20 boxes on a real letterboxed frame.
function appearanceMs() {
  const frame = new Uint8Array(416 * 416 * 3).map((_, i) => (i * 7919) & 255);
  const view = { data: frame, width: 416, height: 416, scale: 0.65 };
  const boxes = Array.from({ length: 20 }, (_, k) => ({ x1: 20 + k * 25, y1: 100, x2: 80 + k * 25, y2: 300 }));
  const n = 500;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) for (const b of boxes) embed(view, b);
  return (performance.now() - t0) / n;
}

say('decode…');
const decode_fps = await decodeFps();
say('inference…');
const inference_fps = await inferenceFps();
say('pipeline…');
const pipeline_fps = await pipelineFps();
say('tracker…');
const tracker = benchTracker(20, 2000);
const appearance_ms = appearanceMs();
await det.close();
const r1 = (v) => Math.round(v * 10) / 10;
console.log(JSON.stringify({
  provider: det.provider,
  threads,
  clip: 'TUD-Stadtmitte 640x480 179 frames',
  decode_fps: r1(decode_fps),
  inference_fps: r1(inference_fps),
  pipeline_fps: r1(pipeline_fps),
  pipeline_efficiency: Math.round((pipeline_fps / Math.min(decode_fps, inference_fps)) * 1000) / 1000,
  tracker_ms_per_frame_20_objects: Math.round(tracker.ms_per_frame * 1000) / 1000,
  appearance_ms_per_frame_20_objects: Math.round(appearance_ms * 1000) / 1000,
  tracking_ms_per_frame_20_objects: Math.round((tracker.ms_per_frame + appearance_ms) * 1000) / 1000,
}));
