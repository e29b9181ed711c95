// make bench-mot: the online tracker on every bundled MOT15 clip at full, half and a third of its
// frame rate (frames dropped, ground truth renumbered, real time between frames given to the
// tracker), with IDF1, MOTA, ID switches, ids and visitors against true people, and count accuracy
// over the fixed lines (horizontal and vertical at 30/50/70% of the frame), and zone entry accuracy
// and visit dwell error over the fixed zones (quadrants and the 30–70% bands, zone-eval.ts) with the
// zone rule of the config (analytics.zone_*). Prints the matrix, the means, and one JSON line.
//
// Detections (with their colour descriptors) are recorded once per clip into .cache/bench-mot/ so
// re-runs only re-run the tracker. Options:
//   --set key=value   override a tracker option (camelCase TrackerOptions field; repeatable), or
//                     with a zone. prefix a counting option (ZoneEngineOptions, e.g. zone.lineHysteresis)
//   --clips A,B       only these clips
//   --json-only       print only the JSON line
//   --model M         detect with this model manifest (default: detector.model)
//   --input I         detector input: auto or WIDTHxHEIGHT (default: detector.input)
// Recordings are cached per clip, model and input.
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(new URL('..', import.meta.url).pathname);
const dist = join(root, 'dist/appliance/src');
const { loadConfig } = await import(join(dist, 'config/loader.js'));
const { detectorFromConfig } = await import(join(dist, 'detect/from-config.js'));
const { createLogger } = await import(join(dist, 'logger.js'));
const { cachedRecording } = await import(join(dist, 'eval/detection-cache.js'));
const { recordWith } = await import(join(dist, 'pipeline/record-detections.js'));
const { benchMatrix } = await import(join(root, 'dist/appliance/bench/mot-matrix.js'));
const { parseMot } = await import(join(dist, 'eval/mot-format.js'));
const { trackerOptions } = await import(join(dist, 'track/options.js'));
const { zoneTimingOptions } = await import(join(dist, 'analytics/engines/zones.js'));

const { values } = parseArgs({
  options: {
    set: { type: 'string', multiple: true, default: [] },
    clips: { type: 'string' },
    'json-only': { type: 'boolean', default: false },
    model: { type: 'string' },
    input: { type: 'string' },
  },
});
const { config } = loadConfig({ env: {} });
const detectorConfig = { ...config.detector, ...(values.model ? { model: resolve(values.model) } : {}), ...(values.input ? { input: values.input } : {}) };
const log = createLogger('warn', process.stderr);
const opts = trackerOptions(config.tracker);
const zoneOpts = zoneTimingOptions(config.analytics);
for (const kv of values.set) {
  const [key, v] = kv.split('=');
  const zone = key.startsWith('zone.');
  const k = zone ? key.slice(5) : key;
  if (!zone && !(k in opts)) throw new Error(`--set: unknown tracker option "${k}"`);
  (zone ? zoneOpts : opts)[k] = v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v);
}

const media = join(root, 'appliance/media/mot15');
const cacheDir = join(root, '.cache/bench-mot');
mkdirSync(cacheDir, { recursive: true });
const names = values.clips ? values.clips.split(',') : ['TUD-Stadtmitte', 'TUD-Campus'];
const clips = [];
for (const name of names) {
  const video = join(media, name, `${name}.mp4`);
  const detector = () => detectorFromConfig(detectorConfig, { classes: ['person'] });
  const tag = `${basename(dirname(detectorConfig.model))}-${basename(detectorConfig.model, '.json')}-${detectorConfig.input}`;
  const recording = await cachedRecording(video, join(cacheDir, `${name}.${tag}.json`), () => recordWith(video, detector, log));
  clips.push({ name, recording, gt: parseMot(readFileSync(join(media, name, 'gt.txt'), 'utf8')) });
}

const r = benchMatrix(clips, opts, zoneOpts);
const f1 = (v) => (Math.round(v * 10) / 10).toFixed(1);
if (!values['json-only']) {
  const head = ['clip', 'rate', 'fps', 'IDF1', 'MOTA', 'IDSW', 'FP', 'FN', 'ids/people', 'visitors', 'count acc', 'err/true', 'zone acc', 'err/true', 'dwell err'];
  const w = [16, 6, 6, 7, 7, 6, 6, 6, 12, 10, 10, 10, 10, 10, 10];
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('');
  console.log(line(head));
  for (const c of r.cells) {
    console.log(line([c.clip, `1/${c.step}`, f1(c.fps), f1(c.IDF1), f1(c.MOTA), c.IDSW, c.FP, c.FN, `${c.ids}/${c.people}`, c.visitors, f1(c.countAccuracy), `${c.countError}/${c.countTruth}`, f1(c.zoneAccuracy), `${c.zoneError}/${c.zoneTruth}`, `${f1(c.dwellError)}%`]));
  }
  console.log(`mean IDF1 ${f1(r.meanIDF1)} (min ${f1(r.minIDF1)})   count accuracy ${f1(r.countAccuracy)}% (min cell ${f1(r.minCountAccuracy)}%)   zone entries ${f1(r.zoneAccuracy)}% (min cell ${f1(r.minZoneAccuracy)}%), dwell error ${f1(r.dwellError)}%`);
}
console.log(JSON.stringify({ bench: 'mot', model: detectorConfig.model.replace(`${root}/`, ''), input: detectorConfig.input, options: opts, zoneOptions: zoneOpts, ...r }));
