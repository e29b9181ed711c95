/**
 * The bench-mot matrix: every clip at full, half and a third of its frame rate (frames dropped,
 * ground truth renumbered, real time between frames passed to the tracker), tracked online from
 * recorded detections, scored with CLEAR-MOT / IDF1, with count accuracy over the fixed lines and
 * with entry count accuracy and visit dwell error over the fixed zones.
 */
import { compareCounts, countAccuracy, countCrossings, countFramesFromRows, FIXED_LINES, trackRecording } from '../src/analytics/count-eval.js';
import type { ZoneEngineOptions } from '../src/analytics/zone-engine.js';
import { compareVisits, countVisits, FIXED_ZONES } from '../src/analytics/zone-eval.js';
import { subsample, type Recording } from '../src/eval/detection-cache.js';
import { evaluateMot, type MotRow } from '../src/eval/mot-eval.js';
import type { TrackerOptions } from '../src/track/types.js';

export const RATE_STEPS = [1, 2, 3] as const;

export interface BenchClip {
  name: string;
  recording: Recording;
  gt: MotRow[];
}

export interface BenchCell {
  clip: string;
  /** Frames kept: 1 of every `step`. */
  step: number;
  fps: number;
  IDF1: number;
  MOTA: number;
  IDSW: number;
  FP: number;
  FN: number;
  /** Distinct track ids reported online. */
  ids: number;
  /** Distinct visitors (track ids stitched into people by the analytics). */
  visitors: number;
  /** Distinct people in the ground truth. */
  people: number;
  countAccuracy: number;
  countError: number;
  countTruth: number;
  /** Entries into the fixed zones: accuracy %, Σ|error|, Σ true entries. */
  zoneAccuracy: number;
  zoneError: number;
  zoneTruth: number;
  /** Visit dwell error % over the fixed zones (zone-eval.ts). */
  dwellError: number;
}

export function benchCell(clip: BenchClip, step: number, opts: Partial<TrackerOptions>, zoneOpts: Partial<ZoneEngineOptions> = {}): BenchCell {
  const { recording } = clip;
  const frames = subsample(recording.frames, step);
  const gt = subsample(clip.gt, step);
  const { rows, countFrames } = trackRecording(frames, opts);
  const pred: MotRow[] = rows.map((r) => ({ frame: r.frame, id: r.id, box: r.box, score: r.score, considered: true }));
  const m = evaluateMot(gt, pred);
  const { width, height } = recording;
  // The truth: the ground truth at its full frame rate, counted by the same rules.
  const truth = countCrossings(countFramesFromRows(clip.gt.filter((r) => r.considered), recording.fps), FIXED_LINES, width, height, zoneOpts);
  const counted = countCrossings(countFrames, FIXED_LINES, width, height, zoneOpts);
  const cmp = compareCounts(counted.counts, truth.counts);
  // Zones likewise: the ground truth at its full frame rate through the same zone logic.
  const zones = compareVisits(
    countVisits(countFrames, FIXED_ZONES, width, height, zoneOpts),
    countVisits(countFramesFromRows(clip.gt.filter((r) => r.considered), recording.fps), FIXED_ZONES, width, height, zoneOpts),
  );
  return {
    clip: clip.name,
    step,
    fps: recording.fps / step,
    IDF1: m.IDF1,
    MOTA: m.MOTA,
    IDSW: m.IDSW,
    FP: m.FP,
    FN: m.FN,
    ids: counted.tracks,
    visitors: counted.visitors,
    people: new Set(clip.gt.filter((r) => r.considered).map((r) => r.id)).size,
    countAccuracy: cmp.accuracy,
    countError: cmp.absError,
    countTruth: cmp.truth,
    zoneAccuracy: zones.entryAccuracy,
    zoneError: zones.entryError,
    zoneTruth: zones.entryTruth,
    dwellError: zones.dwellError,
  };
}

export interface BenchSummary {
  cells: BenchCell[];
  meanIDF1: number;
  minIDF1: number;
  /** Over all cells together: 100 × (1 − Σ|error| / Σ truth). */
  countAccuracy: number;
  minCountAccuracy: number;
  /** Zone entries over all cells together: 100 × (1 − Σ|error| / Σ true entries). */
  zoneAccuracy: number;
  minZoneAccuracy: number;
  /** Mean over cells of the visit dwell error %. */
  dwellError: number;
}

export function benchMatrix(
  clips: readonly BenchClip[],
  opts: Partial<TrackerOptions>,
  zoneOpts: Partial<ZoneEngineOptions> = {},
  steps: readonly number[] = RATE_STEPS,
): BenchSummary {
  const cells = clips.flatMap((c) => steps.map((s) => benchCell(c, s, opts, zoneOpts)));
  const err = cells.reduce((s, c) => s + c.countError, 0);
  const truth = cells.reduce((s, c) => s + c.countTruth, 0);
  const zoneErr = cells.reduce((s, c) => s + c.zoneError, 0);
  const zoneTruth = cells.reduce((s, c) => s + c.zoneTruth, 0);
  return {
    cells,
    meanIDF1: cells.reduce((s, c) => s + c.IDF1, 0) / cells.length,
    minIDF1: Math.min(...cells.map((c) => c.IDF1)),
    countAccuracy: countAccuracy(err, truth),
    minCountAccuracy: Math.min(...cells.map((c) => c.countAccuracy)),
    zoneAccuracy: countAccuracy(zoneErr, zoneTruth),
    minZoneAccuracy: Math.min(...cells.map((c) => c.zoneAccuracy)),
    dwellError: cells.reduce((s, c) => s + c.dwellError, 0) / cells.length,
  };
}
