import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { validateLine } from '../math/geometry.js';
import type { LineDef } from '../analytics/zone-engine.js';
import { loadConfig } from '../config/loader.js';
import { detectorFromConfig } from '../detect/from-config.js';
import { VantageError } from '../errors.js';
import { compareCounts, countAccuracy, countCrossings, countFramesFromRows, FIXED_LINES, trackRecording, type CountComparison } from '../analytics/count-eval.js';
import { sessionCounts } from '../analytics/session-counts.js';
import { openDatabase } from '../store/database.js';
import { cachedRecording, subsample } from '../eval/detection-cache.js';
import { parseMot, type MotRow } from '../eval/mot-format.js';
import { recordWith } from '../pipeline/record-detections.js';
import { createLogger } from '../logger.js';
import { trackerOptions } from '../track/options.js';
import { out } from './io.js';

const USAGE =
  'usage: vantage eval-counts VIDEO --gt GT.txt (--line x1,y1,x2,y2 … | --fixed-lines) [--step N] [--cache FILE] [--json] [--config FILE]\n' +
  '       vantage eval-counts --session ID --gt GT.txt [--json] [--config FILE]';
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LINES = 64;
const MAX_STEP = 30;

/**
 * Count accuracy of the appliance's tripwires on a video with MOTChallenge ground truth: the
 * appliance's own tracker and counting rules run on the video, the same counting rules run on the
 * ground-truth tracks, and per line and direction the counts, the absolute error and the count
 * accuracy (1 − |error| / true), plus distinct visitors against true people.
 *
 * With --session ID instead of a VIDEO: what the appliance really counted in that stored file
 * session (its own lines, the crossings and visitors it wrote to the database while analysing the
 * video) against the same counting rules run on the ground truth of the session's video.
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
      session: { type: 'string' },
    },
  });
  if (values.session !== undefined) return evalSession(values.session, positionals, values, env);
  const video = positionals[0];
  if (!video || positionals.length > 1 || !values.gt) throw new VantageError('ERR_USAGE', USAGE);
  if (!existsSync(video)) throw new VantageError('ERR_USAGE', `VIDEO file not found: ${video}`);
  if (!existsSync(values.gt)) throw new VantageError('ERR_USAGE', `--gt file not found: ${values.gt}`);
  const step = Number(values.step);
  if (!Number.isInteger(step) || step < 1 || step > MAX_STEP) throw new VantageError('ERR_USAGE', `--step must be an integer from 1 to ${MAX_STEP}, got "${values.step}"`);
  const lines = parseLines(values.line, values['fixed-lines']);
  const gt = readGt(values.gt);

  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  const log = createLogger('warn', process.stderr).child({ module: 'eval-counts' });
  const detector = () => detectorFromConfig(config.detector, { classes: ['person'] });
  const record = () => recordWith(video, detector, log);
  const rec = values.cache ? await cachedRecording(video, values.cache, record) : await record();

  const { countFrames } = trackRecording(subsample(rec.frames, step), trackerOptions(config.tracker));
  const counted = countCrossings(countFrames, lines, rec.width, rec.height);
  const truth = countCrossings(countFramesFromRows(gt, rec.fps), lines, rec.width, rec.height);
  const cmp = compareCounts(counted.counts, truth.counts);
  return report({ video, fps: rec.fps / step, frames: countFrames.length }, cmp, counted, gt, values.json);
}

/** --session ID: the stored session's counts against its video's ground truth. */
async function evalSession(id: string, positionals: string[], values: { gt?: string | undefined; line: string[]; 'fixed-lines': boolean; step: string; cache?: string | undefined; json: boolean; config?: string | undefined }, env: NodeJS.ProcessEnv): Promise<number> {
  if (positionals.length > 0) throw new VantageError('ERR_USAGE', `give either VIDEO or --session, not both\n${USAGE}`);
  if (!SESSION_ID.test(id)) throw new VantageError('ERR_USAGE', `--session must be a session id (letters, digits, - and _, at most 64), got "${id.slice(0, 80)}"`);
  if (!values.gt) throw new VantageError('ERR_USAGE', USAGE);
  if (values.line.length > 0 || values['fixed-lines']) throw new VantageError('ERR_USAGE', '--session compares the lines the session counted: --line and --fixed-lines are for a VIDEO');
  if (values.step !== '1' || values.cache !== undefined) throw new VantageError('ERR_USAGE', '--session compares what the session counted: --step and --cache are for a VIDEO');
  if (!existsSync(values.gt)) throw new VantageError('ERR_USAGE', `--gt file not found: ${values.gt}`);
  const gtAll = readGt(values.gt);
  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  if (!existsSync(config.storage.path)) throw new VantageError('ERR_USAGE', `no database at ${config.storage.path} (storage.path of the config)`);
  const store = openDatabase(config.storage.path);
  let stored: Awaited<ReturnType<typeof sessionCounts>>;
  try {
    stored = await sessionCounts(store.db, id);
  } finally {
    await store.close();
  }
  const { summary, shapes } = stored.session;
  if (!(summary.source_fps > 0) || !(summary.width > 0) || !(summary.height > 0)) throw new VantageError('ERR_USAGE', `--session ${id}: its summary has no frame rate or size`);
  // The session may have analysed only the start of the video (a duration): the truth over those frames.
  const gt = gtAll.filter((r) => r.frame <= summary.frames);
  const truth = countCrossings(countFramesFromRows(gt, summary.source_fps), shapes.lines, summary.width, summary.height);
  const cmp = compareCounts(stored.counts, truth.counts);
  return report({ session: id, video: stored.session.source, fps: summary.source_fps, frames: summary.frames }, cmp, stored, gt, values.json);
}

function readGt(path: string): MotRow[] {
  try {
    return parseMot(readFileSync(path, 'utf8')).filter((r) => r.considered);
  } catch (e) {
    throw new VantageError('ERR_USAGE', `--gt ${path}: ${(e as Error).message}`);
  }
}

/** Prints the comparison (a table, or one JSON object with --json). */
function report(
  source: { session?: string; video: string; fps: number; frames: number },
  cmp: CountComparison,
  counted: { visitors: number; tracks: number },
  gt: readonly MotRow[],
  json: boolean,
): number {
  const people = new Set(gt.map((r) => r.id)).size;
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const result = {
    ...source,
    fps: r1(source.fps),
    lines: cmp.lines.map((l) => ({ ...l, accuracy: r1(countAccuracy(Math.abs(l.error), l.truth)) })),
    absError: cmp.absError,
    truth: cmp.truth,
    countAccuracy: r1(cmp.accuracy),
    visitors: counted.visitors,
    tracks: counted.tracks,
    people,
  };
  if (json) {
    out(JSON.stringify(result));
    return 0;
  }
  const rows = source.session !== undefined ? [`session ${source.session} (${source.video}): the counts it stored`] : [];
  rows.push(`${'line'.padEnd(10)}${'dir'.padEnd(5)}${'counted'.padStart(8)}${'true'.padStart(6)}${'error'.padStart(7)}${'acc %'.padStart(8)}`);
  for (const l of result.lines) {
    rows.push(`${l.line.padEnd(10)}${l.direction.padEnd(5)}${String(l.counted).padStart(8)}${String(l.truth).padStart(6)}${String(l.error).padStart(7)}${l.accuracy.toFixed(1).padStart(8)}`);
  }
  rows.push(`count accuracy ${result.countAccuracy.toFixed(1)}% (Σ|error| ${result.absError} / Σ true ${result.truth})`);
  rows.push(`visitors ${result.visitors} (from ${result.tracks} track ids) vs ${people} true people, at ${result.fps} fps`);
  out(rows.join('\n'));
  return 0;
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
