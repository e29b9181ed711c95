/**
 * MOTChallenge evaluation of a tracker's output against ground truth: CLEAR-MOT (MOTA, MOTP, ID
 * switches, MT/ML) and the ID measures (IDF1), following py-motmetrics / the MOTChallenge devkit.
 *
 * Per frame, predictions sitting on ignored gt boxes are removed first (see `prepareFrames`). Then
 * gt→prediction correspondences from the immediately preceding frame are kept while the pair still
 * has IoU ≥ threshold, and the remaining boxes are matched (most pairs, then lowest Σ 1 − IoU).
 * A gt id matched to a different prediction id than at its last match (in any earlier frame)
 * is one ID switch.
 *
 * Conventions: MOTA, MOTP, IDF1, precision and recall are percentages (0–100), MOTP being the mean
 * IoU of matched pairs (higher is better). Ratios whose denominator is zero are reported as 0, so
 * with no ground truth MOTA = recall = 0, and with no predictions precision = MOTP = IDF1 = 0.
 * MT counts gt tracks matched in ≥ 80 % of their frames, ML those matched in < 20 %.
 */
import { admissible, matchBySimilarity } from './gated-matching.js';
import { identityCounts } from './identity.js';
import { prepareFrames, type EvalFrame } from './mot-frames.js';
import type { MotRow } from './mot-format.js';

export { parseMot, type MotRow } from './mot-format.js';

export interface MotEvalOptions {
  /** IoU a pair needs to count as a match (default 0.5). */
  iou?: number;
}

export interface MotMetrics {
  MOTA: number;
  MOTP: number;
  IDF1: number;
  IDSW: number;
  FP: number;
  FN: number;
  precision: number;
  recall: number;
  /** Counted gt boxes (ignored ones excluded). */
  GT: number;
  /** Prediction boxes left after ignore handling. */
  HYP: number;
  IDTP: number;
  IDFP: number;
  IDFN: number;
  MT: number;
  ML: number;
  /** Distinct frame numbers present in either input. */
  frames: number;
}

export function evaluateMot(gt: readonly MotRow[], pred: readonly MotRow[], opts: MotEvalOptions = {}): MotMetrics {
  const threshold = opts.iou ?? 0.5;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`evaluateMot: iou threshold must be in (0, 1], got ${threshold}`);
  const frames = prepareFrames(gt, pred, threshold);
  const c = clearMot(frames, threshold);
  const id = identityCounts(frames, threshold);
  const pct = (num: number, den: number) => (den > 0 ? (100 * num) / den : 0);
  return {
    MOTA: c.GT > 0 ? 100 * (1 - (c.FN + c.FP + c.IDSW) / c.GT) : 0,
    MOTP: pct(c.iouSum, c.TP),
    IDF1: pct(2 * id.IDTP, 2 * id.IDTP + id.IDFP + id.IDFN),
    IDSW: c.IDSW,
    FP: c.FP,
    FN: c.FN,
    precision: pct(c.TP, c.TP + c.FP),
    recall: pct(c.TP, c.GT),
    GT: c.GT,
    HYP: c.HYP,
    ...id,
    MT: c.MT,
    ML: c.ML,
    frames: frames.length,
  };
}

interface ClearCounts {
  TP: number;
  FP: number;
  FN: number;
  IDSW: number;
  GT: number;
  HYP: number;
  iouSum: number;
  MT: number;
  ML: number;
}

function clearMot(frames: readonly EvalFrame[], threshold: number): ClearCounts {
  const c: ClearCounts = { TP: 0, FP: 0, FN: 0, IDSW: 0, GT: 0, HYP: 0, iouSum: 0, MT: 0, ML: 0 };
  const lastMatch = new Map<number, number>(); // gt id → pred id at its most recent match
  const present = new Map<number, number>(); // gt id → frames it is counted in
  const tracked = new Map<number, number>(); // gt id → frames it is matched in
  let prevMatch = new Map<number, number>(); // matches of the immediately preceding frame only
  let prevFrame = Number.NaN;

  for (const f of frames) {
    if (f.frame !== prevFrame + 1) prevMatch = new Map();
    prevFrame = f.frame;
    const pairs = matchFrame(f, prevMatch, threshold);
    const next = new Map<number, number>();
    for (const [i, j] of pairs) {
      const g = f.gtIds[i]!;
      const p = f.predIds[j]!;
      const last = lastMatch.get(g);
      if (last !== undefined && last !== p) c.IDSW++;
      lastMatch.set(g, p);
      next.set(g, p);
      tracked.set(g, (tracked.get(g) ?? 0) + 1);
      c.iouSum += f.sim[i]![j]!;
    }
    for (const g of f.gtIds) present.set(g, (present.get(g) ?? 0) + 1);
    prevMatch = next;
    c.TP += pairs.length;
    c.FN += f.gtIds.length - pairs.length;
    c.FP += f.predIds.length - pairs.length;
    c.GT += f.gtIds.length;
    c.HYP += f.predIds.length;
  }
  for (const [g, n] of present) {
    const ratio = (tracked.get(g) ?? 0) / n;
    if (ratio >= 0.8) c.MT++;
    else if (ratio < 0.2) c.ML++;
  }
  return c;
}

/** Keeps last frame's correspondences that still overlap enough, then matches the rest. */
function matchFrame(f: EvalFrame, prevMatch: ReadonlyMap<number, number>, threshold: number): Array<[number, number]> {
  const predIndex = new Map(f.predIds.map((p, j) => [p, j]));
  const rowTaken = new Uint8Array(f.gtIds.length);
  const colTaken = new Uint8Array(f.predIds.length);
  const pairs: Array<[number, number]> = [];
  f.gtIds.forEach((g, i) => {
    const p = prevMatch.get(g);
    const j = p === undefined ? undefined : predIndex.get(p);
    if (j === undefined || !admissible(f.sim[i]![j]!, threshold)) return;
    pairs.push([i, j]);
    rowTaken[i] = 1;
    colTaken[j] = 1;
  });
  const rows = f.gtIds.flatMap((_, i) => (rowTaken[i] ? [] : [i]));
  const cols = f.predIds.flatMap((_, j) => (colTaken[j] ? [] : [j]));
  const sub = rows.map((i) => cols.map((j) => f.sim[i]![j]!));
  for (const [a, b] of matchBySimilarity(sub, rows.length, cols.length, threshold)) {
    pairs.push([rows[a]!, cols[b]!]);
  }
  return pairs;
}
