// How a 4:3 camera's picture is placed in YOLOX-Nano's input, option by option, scored against the
// MOT15 ground truth (as `vantage eval-det`: AP50, and recall, precision, FP/frame at the count
// threshold) at the full rate, a half and a third, on each clip and on its mirror image (a second,
// independent look at the same people: a difference that changes sign under the mirror is noise).
// Each clip is decoded once per picture size with the daemon's scaler (ffmpeg bilinear); the options
// only place that picture differently in the input, so they see byte-identical pictures.
//
//   node scripts/input-options.mjs [MOT15_DIR]   (default: ../shared/media/mot15, else appliance/media/mot15)
//
// Options: 416x416 (the square letterbox), auto (planInput, top-left, as shipped), auto's size with the
// picture centred, the picture stretched to fill auto's size, auto with the padding rows replicating
// the picture's last row, and auto with 32 more rows of padding. "mean |Δscore|": the same detections'
// score change against 416x416 (pairs of IoU ≥ 0.7, score ≥ 0.1 in either).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const dist = join(root, 'dist/appliance/src');
const { Detector } = await import(join(dist, 'detect/detector.js'));
const { planInput } = await import(join(dist, 'detect/input-plan.js'));
const { evaluateDetections } = await import(join(dist, 'eval/det-eval.js'));
const { parseMot } = await import(join(dist, 'eval/mot-format.js'));
const { iou } = await import(join(dist, 'math/box.js'));

const media = [process.argv[2], resolve(root, '../shared/media/mot15'), join(root, 'appliance/media/mot15')].find((d) => d && existsSync(d));
const clips = readdirSync(media).filter((d) => existsSync(join(media, d, 'gt.txt'))).sort();
const detector = await Detector.create({ manifestPath: join(root, 'models/yolox-nano/manifest-any.json'), provider: 'cpu', threads: 1, scoreThreshold: 0.1, classes: ['person'] });
const PAD = detector.manifest.input.letterbox.padValue;
const COUNT_THRESHOLD = 0.5;

/** Each option: input size, picture size, picture offset, padding (a value or 'edge'). */
function options(w, h) {
  const auto = planInput(detector.manifest.input, w, h);
  const pic = { cw: auto.width, ch: auto.height };
  const tl = { ...pic, ox: 0, oy: 0, pad: PAD };
  return [
    { name: '416x416', iw: 416, ih: 416, ...tl },
    { name: `auto ${auto.inputWidth}x${auto.inputHeight}`, iw: auto.inputWidth, ih: auto.inputHeight, ...tl },
    { name: 'auto, centred', iw: auto.inputWidth, ih: auto.inputHeight, ...pic, ox: (auto.inputWidth - pic.cw) >> 1, oy: (auto.inputHeight - pic.ch) >> 1, pad: PAD },
    { name: 'auto, stretched', iw: auto.inputWidth, ih: auto.inputHeight, cw: auto.inputWidth, ch: auto.inputHeight, ox: 0, oy: 0, pad: PAD },
    { name: 'auto, edge padding', iw: auto.inputWidth, ih: auto.inputHeight, ...tl, pad: 'edge' },
    { name: 'auto + 32 rows', iw: auto.inputWidth, ih: auto.inputHeight + 32, ...tl },
  ];
}

/** Planar gbrp pictures of a clip scaled to cw×ch (mirrored or not), as the daemon's ffmpeg scales. */
function decode(video, cw, ch, mirror) {
  const vf = `${mirror ? 'hflip,' : ''}scale=${cw}:${ch}:flags=bilinear`;
  const buf = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-threads', '1', '-i', video, '-map', '0:v:0', '-vf', vf, '-pix_fmt', 'gbrp', '-f', 'rawvideo', 'pipe:1'], { maxBuffer: 1 << 30 });
  const n = cw * ch * 3;
  const frames = [];
  for (let o = 0; o + n <= buf.length; o += n) frames.push(buf.subarray(o, o + n));
  return frames;
}

/** The picture placed in the input: padded with a value, or with its nearest edge pixel. */
function place(pic, o) {
  const out = new Uint8Array(o.iw * o.ih * 3);
  for (let c = 0; c < 3; c++) {
    const src = pic.subarray(c * o.cw * o.ch, (c + 1) * o.cw * o.ch);
    const dst = out.subarray(c * o.iw * o.ih, (c + 1) * o.iw * o.ih);
    for (let y = 0; y < o.ih; y++) {
      const sy = Math.min(o.ch - 1, Math.max(0, y - o.oy));
      const inside = y >= o.oy && y < o.oy + o.ch;
      for (let x = 0; x < o.iw; x++) {
        const sx = x - o.ox;
        if (inside && sx >= 0 && sx < o.cw) dst[y * o.iw + x] = src[sy * o.cw + sx];
        else dst[y * o.iw + x] = o.pad === 'edge' ? src[sy * o.cw + Math.min(o.cw - 1, Math.max(0, sx))] : o.pad;
      }
    }
  }
  return out;
}

/** Detections of every frame in source pixels (mirrored back when the clip was mirrored). */
async function run(frames, o, w, h, mirror) {
  const sx = o.cw / w;
  const sy = o.ch / h;
  // The detector maps through the scale only; the offset is taken off here, then the box is clipped.
  const lb = { srcWidth: o.iw / sx, srcHeight: o.ih / sy, inputWidth: o.iw, inputHeight: o.ih, width: o.cw, height: o.ch, scaleX: sx, scaleY: sy };
  const clip = (v, hi) => Math.min(hi, Math.max(0, v));
  const out = [];
  for (let i = 0; i < frames.length; i++) {
    const r = await detector.detect({ frame: place(frames[i], o), letterbox: lb });
    const detections = [];
    for (const d of r.detections) {
      let x1 = clip(d.box.x1 - o.ox / sx, w);
      let x2 = clip(d.box.x2 - o.ox / sx, w);
      if (mirror) [x1, x2] = [w - x2, w - x1];
      const box = { x1, y1: clip(d.box.y1 - o.oy / sy, h), x2, y2: clip(d.box.y2 - o.oy / sy, h) };
      if (box.x2 - box.x1 >= 1 && box.y2 - box.y1 >= 1) detections.push({ box, score: d.score });
    }
    out.push({ frame: i + 1, detections });
  }
  return out;
}

/** Mean score change of the same detections (IoU ≥ 0.7) against the reference; unpaired ones count in full. */
function meanScoreChange(ref, other) {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < ref.length; k++) {
    const used = new Set();
    for (const d of ref[k].detections) {
      let j = -1;
      let best = 0.7;
      other[k].detections.forEach((e, i) => {
        const v = used.has(i) ? 0 : iou(d.box, e.box);
        if (v >= best) [best, j] = [v, i];
      });
      if (j >= 0) used.add(j);
      sum += Math.abs(d.score - (j >= 0 ? other[k].detections[j].score : 0));
      n++;
    }
    other[k].detections.forEach((e, i) => {
      if (!used.has(i)) [sum, n] = [sum + e.score, n + 1];
    });
  }
  return n ? sum / n : 0;
}

const r3 = (v) => Math.round(v * 1000) / 1000;
const results = [];
for (const clip of clips) {
  const video = join(media, clip, `${clip}.mp4`);
  const gt = parseMot(readFileSync(join(media, clip, 'gt.txt'), 'utf8'));
  const [w, h] = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', video], { encoding: 'utf8' }).trim().split(',').map(Number);
  for (const mirror of [false, true]) {
    const pictures = new Map();
    let ref;
    for (const o of options(w, h)) {
      const key = `${o.cw}x${o.ch}`;
      if (!pictures.has(key)) pictures.set(key, decode(video, o.cw, o.ch, mirror));
      const preds = await run(pictures.get(key), o, w, h, mirror);
      ref ??= preds;
      const change = r3(meanScoreChange(ref, preds));
      for (const every of [1, 2, 3]) {
        const m = evaluateDetections(gt, preds.filter((f) => (f.frame - 1) % every === 0), { iou: 0.5, scoreThreshold: COUNT_THRESHOLD });
        results.push({ clip: mirror ? `${clip} (mirrored)` : clip, option: o.name, input: `${o.iw}x${o.ih}`, fps_fraction: `1/${every}`, AP50: r3(m.ap), recall: r3(m.recall), precision: r3(m.precision), fp_per_frame: r3(m.fpPerFrame), mean_score_change: change });
      }
    }
  }
}
await detector.close();

const cols = ['clip', 'option', 'input', 'fps_fraction', 'AP50', 'recall', 'precision', 'fp_per_frame', 'mean_score_change'];
const width = { clip: 26, option: 20, fps_fraction: 6, mean_score_change: 18 };
console.log(cols.map((c) => c.padStart(width[c] ?? 10)).join(' '));
for (const r of results) console.log(cols.map((c) => String(r[c]).padStart(width[c] ?? 10)).join(' '));
console.log(JSON.stringify({ bench: 'input-options', media, count_threshold: COUNT_THRESHOLD, results }));
