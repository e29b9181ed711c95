import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { validateLine } from '../math/geometry.js';
import type { LineDef } from '../analytics/zone-engine.js';
import { loadConfig } from '../config/loader.js';
import { detectorFromConfig } from '../detect/from-config.js';
import { VantageError } from '../errors.js';
import { compareCounts, countCrossings, countFramesFromRows, FIXED_LINES, trackRecording } from '../analytics/count-eval.js';
import { cachedRecording, subsample } from '../eval/detection-cache.js';
import { parseMot, type MotRow } from '../eval/mot-format.js';
import { recordWith } from '../pipeline/record-detections.js';
import { createLogger } from '../logger.js';
import { trackerOptions } from '../track/options.js';
import { out } from './io.js';

const USAGE =
  'usage: vantage eval-counts VIDEO --gt GT.txt (--line x1,y1,x2,y2 … | --fixed-lines) [--step N] [--cache FILE] [--json] [--config FILE]';
const MAX_LINES = 64;
const MAX_STEP = 30;

/**
 * Count accuracy of the appliance's tripwires on a video with MOTChallenge ground truth: the
 * appliance's own tracker and counting rules run on the video, the same counting rules run on the
 * ground-truth tracks, and per line and direction the counts, the absolute error and the count
 * accuracy (1 − |error| / true), plus distinct visitors against true people.
 */
export async function evalCountsCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gt: { type: 'string' },
      line: { type: 'string', multiple: true, default: [] },
      'fixed-lines': { type: 'boolean', default: false },
      step: { type: 'string', default: '1' },
      cache: { type: 'string' },
      json: { type: 'boolean', default: false },
      config: { type: 'string', short: 'c' },
    },
  });
  const video = positionals[0];
  if (!video || positionals.length > 1 || !values.gt) throw new VantageError('ERR_USAGE', USAGE);
  if (!existsSync(video)) throw new VantageError('ERR_USAGE', `VIDEO file not found: ${video}`);
  if (!existsSync(values.gt)) throw new VantageError('ERR_USAGE', `--gt file not found: ${values.gt}`);
  const step = Number(values.step);
  if (!Number.isInteger(step) || step < 1 || step > MAX_STEP) throw new VantageError('ERR_USAGE', `--step must be an integer from 1 to ${MAX_STEP}, got "${values.step}"`);
  const lines = parseLines(values.line, values['fixed-lines']);
  let gt: MotRow[];
  try {
    gt = parseMot(readFileSync(values.gt, 'utf8')).filter((r) => r.considered);
  } catch (e) {
    throw new VantageError('ERR_USAGE', `--gt ${values.gt}: ${(e as Error).message}`);
  }

  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  const log = createLogger('warn', process.stderr).child({ module: 'eval-counts' });
  const detector = () => detectorFromConfig(config.detector, { classes: ['person'] });
  const record = () => recordWith(video, detector, log);
  const rec = values.cache ? await cachedRecording(video, values.cache, record) : await record();

  const { countFrames } = trackRecording(subsample(rec.frames, step), trackerOptions(config.tracker));
  const counted = countCrossings(countFrames, lines, rec.width, rec.height);
  const truth = countCrossings(countFramesFromRows(gt, rec.fps), lines, rec.width, rec.height);
  const cmp = compareCounts(counted.counts, truth.counts);
  const people = new Set(gt.map((r) => r.id)).size;
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const result = {
    video,
    fps: r1(rec.fps / step),
    frames: countFrames.length,
    lines: cmp.lines.map((l) => ({ ...l, accuracy: r1(accuracyOf(l.error, l.truth)) })),
    absError: cmp.absError,
    truth: cmp.truth,
    countAccuracy: r1(cmp.accuracy),
    visitors: counted.visitors,
    tracks: counted.tracks,
    people,
  };
  if (values.json) {
    out(JSON.stringify(result));
    return 0;
  }
  const rows = [`${'line'.padEnd(10)}${'dir'.padEnd(5)}${'counted'.padStart(8)}${'true'.padStart(6)}${'error'.padStart(7)}${'acc %'.padStart(8)}`];
  for (const l of result.lines) {
    rows.push(`${l.line.padEnd(10)}${l.direction.padEnd(5)}${String(l.counted).padStart(8)}${String(l.truth).padStart(6)}${String(l.error).padStart(7)}${l.accuracy.toFixed(1).padStart(8)}`);
  }
  rows.push(`count accuracy ${result.countAccuracy.toFixed(1)}% (Σ|error| ${result.absError} / Σ true ${result.truth})`);
  rows.push(`visitors ${result.visitors} (from ${result.tracks} track ids) vs ${people} true people, at ${result.fps} fps`);
  out(rows.join('\n'));
  return 0;
}

function accuracyOf(error: number, truth: number): number {
  if (truth === 0) return error === 0 ? 100 : 0;
  return Math.max(0, 100 * (1 - Math.abs(error) / truth));
}

/** --line x1,y1,x2,y2 in normalised coordinates (0–1, as in the config), directed from (x1, y1). */
function parseLines(specs: string[], fixed: boolean): LineDef[] {
  if (fixed && specs.length > 0) throw new VantageError('ERR_USAGE', 'give either --line or --fixed-lines, not both');
  if (fixed) return [...FIXED_LINES];
  if (specs.length === 0) throw new VantageError('ERR_USAGE', `at least one --line is needed\n${USAGE}`);
  if (specs.length > MAX_LINES) throw new VantageError('ERR_USAGE', `at most ${MAX_LINES} --line options are allowed (got ${specs.length})`);
  return specs.map((spec, i) => {
    const v = spec.split(',').map((s) => Number(s.trim()));
    if (v.length !== 4 || v.some((n) => !Number.isFinite(n))) {
      throw new VantageError('ERR_USAGE', `--line ${i + 1} must be four numbers x1,y1,x2,y2 (fractions of the frame), got "${spec}"`);
    }
    const points: [[number, number], [number, number]] = [
      [v[0]!, v[1]!],
      [v[2]!, v[3]!],
    ];
    const problem = validateLine(points);
    if (problem) throw new VantageError('ERR_USAGE', `--line ${i + 1}: ${problem}`);
    return { id: `line${i + 1}`, points };
  });
}
