// The CPU cost of privacy.blur on the live view (issue 19): for each bundled MOT15 clip, every frame's
// true person boxes (ground truth) are blurred on an I420 picture of the clip's size as the live view
// makes it (a 640×640 model input's letterbox), exactly as a watched camera with `privacy.blur: people`
// does before encoding (live-video/i420-blur.ts), beside the cost of making the I420 picture itself.
// CPU time of this process (user), so other load on the machine counts little. Prints one JSON line
// per clip. Needs the build (dist/).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const dist = join(root, 'dist/appliance/src');
const { blurI420 } = await import(join(dist, 'live-video/i420-blur.js'));
const { letterboxedToI420 } = await import(join(dist, 'live-video/frame-i420.js'));
const { letterbox } = await import(join(dist, 'detect/types.js'));
const { blurRegions } = await import(join(dist, 'config/privacy.js'));
const { parseMot } = await import(join(dist, 'eval/mot-format.js'));

const mot = process.env.VANTAGE_MOT_DIR ?? '/work/shared/media/mot15';
for (const clip of ['TUD-Campus', 'TUD-Stadtmitte']) {
  const ini = readFileSync(join(mot, clip, 'seqinfo.ini'), 'utf8');
  const num = (k) => Number(new RegExp(`${k}=(\\d+)`).exec(ini)[1]);
  const [w, h, fps] = [num('imWidth'), num('imHeight'), num('frameRate')];
  const byFrame = new Map();
  for (const r of parseMot(readFileSync(join(mot, clip, 'gt.txt'), 'utf8'))) {
    if (!r.considered) continue;
    byFrame.set(r.frame, [...(byFrame.get(r.frame) ?? []), r.box]);
  }
  const lb = letterbox(w, h, 640, 640);
  const frame = new Uint8Array(640 * 640 * 3);
  for (let i = 0; i < frame.length; i++) frame[i] = (i * 2654435761) >>> 24;
  let pic = letterboxedToI420(frame, lb);
  const frames = [...byFrame.keys()].sort((a, b) => a - b);
  const rounds = 5;
  let t = process.cpuUsage();
  for (let k = 0; k < rounds; k++) for (const _ of frames) pic = letterboxedToI420(frame, lb, pic);
  const convertMs = process.cpuUsage(t).user / 1000 / (rounds * frames.length);
  const each = [];
  for (let k = 0; k < rounds; k++) {
    for (const f of frames) {
      const regions = blurRegions('people', byFrame.get(f), w, h);
      t = process.cpuUsage();
      blurI420(pic, lb, regions);
      each.push(process.cpuUsage(t).user / 1000);
    }
  }
  each.sort((a, b) => a - b);
  const mean = each.reduce((a, b) => a + b, 0) / each.length;
  const people = frames.reduce((n, f) => n + byFrame.get(f).length, 0) / frames.length;
  const r2 = (v) => Math.round(v * 100) / 100;
  console.log(JSON.stringify({ bench: 'live-blur', clip, source: `${w}x${h}`, picture: `${pic.width}x${pic.height}`, fps, peoplePerFrame: r2(people), convertCpuMs: r2(convertMs), blurCpuMs: r2(mean), blurCpuMsP95: r2(each[Math.floor(0.95 * each.length)]), coreShareAtFps: r2((mean * fps) / 1000) }));
}
