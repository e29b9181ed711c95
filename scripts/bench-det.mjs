// make bench-det: the detector alone (vantage eval-det) on every clip of a MOT15 folder, for each
// model × input, at the clip's full frame rate, a half and a third (every 2nd / 3rd frame). Prints a
// table and one JSON line. Runs alternate between the configurations clip by clip (A B C A B C …), so
// the ms/frame ratios against the first configuration compare runs made side by side.
//
//   node scripts/bench-det.mjs [MOT15_DIR]   (default: ../shared/media/mot15, else appliance/media/mot15)
//   BENCH_DET_EVERY="1 2 3"   BENCH_DET_REPEAT=1   (runs of each cell; ms is their median)
//   PEER_PAIRS=5   (vantage analyze against ../shared/bench/python-peer.py, scripts/peer-ratio.mjs; 0 = skip)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist/appliance/src/main.js');
const media = [process.argv[2], resolve(root, '../shared/media/mot15'), join(root, 'appliance/media/mot15')].find((d) => d && existsSync(d));
const clips = readdirSync(media).filter((d) => existsSync(join(media, d, 'gt.txt'))).sort();
const configs = [
  { name: 'yolox-nano 416x416', args: ['--model', 'models/yolox-nano/manifest.json', '--input', '416x416'] },
  { name: 'yolox-nano auto', args: ['--model', 'models/yolox-nano/manifest-any.json', '--input', 'auto'] },
  { name: 'yolox-nano 576x416', args: ['--model', 'models/yolox-nano/manifest-any.json', '--input', '576x416'] },
  { name: 'picodet-s 416', args: ['--model', 'models/picodet-s/manifest.json'] },
];
const everies = (process.env.BENCH_DET_EVERY ?? '1 2 3').split(/\s+/).filter(Boolean).map(Number);
const repeat = Math.max(1, Number(process.env.BENCH_DET_REPEAT ?? 1));
const run = (args) => JSON.parse(execFileSync(process.execPath, [cli, 'eval-det', ...args], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1));
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const results = [];
for (const clip of clips) {
  for (const every of everies) {
    const ms = new Map(configs.map((c) => [c.name, []]));
    let last = {};
    for (let i = 0; i < repeat; i++) {
      for (const c of configs) {
        const r = run([join(media, clip, `${clip}.mp4`), '--gt', join(media, clip, 'gt.txt'), '--every', String(every), ...c.args]);
        ms.get(c.name).push(r.ms_per_frame);
        last[c.name] = r;
      }
    }
    const base = median(ms.get(configs[0].name));
    for (const c of configs) {
      const r = last[c.name];
      const m = median(ms.get(c.name));
      results.push({ clip, fps_fraction: `1/${every}`, config: c.name, input: r.input, frames: r.frames, AP50: r.AP50, recall: r.recall, precision: r.precision, fp_per_frame: r.fp_per_frame, ms_per_frame: m, ms_ratio: Math.round((m / base) * 100) / 100 });
    }
  }
}
// Inference time side by side: the two inputs of a 4:3 camera on one YOLOX-Nano session, and PicoDet-S,
// alternated run by run (A B C A B C …), so load from anything else on the box falls on all alike.
// Median ms of each and the ratios to 416x416.
async function pairedInference(runs = Number(process.env.BENCH_DET_PAIRS ?? 200)) {
  const { Detector } = await import(join(root, 'dist/appliance/src/detect/detector.js'));
  const open = (m) => Detector.create({ manifestPath: join(root, m), provider: 'cpu', threads: 1, scoreThreshold: 0.1, classes: [] });
  const yolox = await open('models/yolox-nano/manifest-any.json');
  const picodet = await open('models/picodet-s/manifest.json');
  const lb = yolox.plan(640, 480);
  const cells = [
    { name: 'yolox-nano 416x416', det: yolox, at: { width: 416, height: 416 }, ms: [] },
    { name: `yolox-nano ${lb.inputWidth}x${lb.inputHeight}`, det: yolox, at: { width: lb.inputWidth, height: lb.inputHeight }, ms: [] },
    { name: 'picodet-s 416x416', det: picodet, at: { width: 416, height: 416 }, ms: [] },
  ];
  try {
    for (const c of cells) await c.det.inferenceOnlyFps(1, 1, 3, c.at);
    for (let i = 0; i < runs; i++) for (const c of cells) c.ms.push(1000 / (await c.det.inferenceOnlyFps(1, 1, 0, c.at)));
  } finally {
    await yolox.close();
    await picodet.close();
  }
  const base = median(cells[0].ms);
  return { runs, cells: cells.map((c) => ({ config: c.name, ms: Math.round(median(c.ms) * 100) / 100, ratio: Math.round((median(c.ms) / base) * 1000) / 1000 })) };
}
const paired = await pairedInference();
// CPU per frame against the Python peer, whole processes alternated (scripts/peer-ratio.mjs).
const { peerRatio } = await import('./peer-ratio.mjs');
const peer = Number(process.env.PEER_PAIRS ?? 5) > 0 ? await peerRatio() : { skipped: 'PEER_PAIRS=0' };

const cols = ['clip', 'fps_fraction', 'config', 'input', 'frames', 'AP50', 'recall', 'precision', 'fp_per_frame', 'ms_per_frame', 'ms_ratio'];
const width = { clip: 16, config: 20, fps_fraction: 6 };
console.log(cols.map((c) => c.padStart(width[c] ?? 10)).join(' '));
for (const r of results) console.log(cols.map((c) => String(r[c]).padStart(width[c] ?? 10)).join(' '));
console.log(`inference alone (a 4:3 camera), ${paired.runs} alternated runs each: ${paired.cells.map((c) => `${c.config} ${c.ms} ms (${c.ratio})`).join(', ')}`);
console.log(peer.skipped ? `against python-peer.py: skipped (${peer.skipped})` : `against python-peer.py (${peer.clip}), ${peer.pairs} alternated pairs: CPU per frame ${peer.cpu_ratio}× the peer's (pairs ${peer.runs.map((r) => r.cpu_ratio).join(', ')}), wall ${peer.wall_ratio}×; person detections ≥ 0.1: vantage ${peer.detections.vantage}, peer ${peer.detections.peer}`);
console.log(JSON.stringify({ bench: 'det', media, inference_4x3: paired, peer: peer.skipped ? peer : { clip: peer.clip, loop: peer.loop, pairs: peer.pairs, cpu_ratio: peer.cpu_ratio, wall_ratio: peer.wall_ratio, cpu_ratio_pairs: peer.runs.map((r) => r.cpu_ratio), detections: peer.detections }, ms: 'median per cell, one inline single-thread session; ms_ratio against the first config, runs alternated', results }));
