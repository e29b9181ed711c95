/**
 * Groups ground truth and predictions by frame and applies MOTChallenge ignore handling, leaving
 * per frame only the counted gt boxes, the surviving predictions, and their IoU matrix.
 */
import { iou } from '../math/box.js';
import { matchBySimilarity } from './gated-matching.js';
import type { MotRow } from './mot-format.js';

export interface EvalFrame {
  frame: number;
  /** Ids of the counted (considered) gt boxes in this frame. */
  gtIds: number[];
  /** Ids of the predictions left after ignore handling. */
  predIds: number[];
  /** IoU, indexed [gt][pred]. */
  sim: number[][];
}

/**
 * Frames in ascending order (every frame that has any gt or prediction row). Predictions matched
 * (IoU ≥ threshold, same assignment as the evaluation) to an ignored gt box are dropped, then the
 * ignored gt boxes are dropped. Throws when an id occurs twice in one frame of either input.
 */
export function prepareFrames(gt: readonly MotRow[], pred: readonly MotRow[], threshold: number): EvalFrame[] {
  const byFrame = new Map<number, { gt: MotRow[]; pred: MotRow[] }>();
  const slot = (frame: number) => {
    let s = byFrame.get(frame);
    if (!s) byFrame.set(frame, (s = { gt: [], pred: [] }));
    return s;
  };
  for (const r of gt) slot(r.frame).gt.push(r);
  for (const r of pred) slot(r.frame).pred.push(r);

  const frames: EvalFrame[] = [];
  for (const frame of [...byFrame.keys()].sort((a, b) => a - b)) {
    const s = byFrame.get(frame)!;
    assertUniqueIds(s.gt, frame, 'ground truth');
    assertUniqueIds(s.pred, frame, 'prediction');
    const all = s.gt.map((g) => s.pred.map((p) => iou(g.box, p.box)));
    const dropPred = new Uint8Array(s.pred.length);
    if (s.gt.some((g) => !g.considered)) {
      for (const [i, j] of matchBySimilarity(all, s.gt.length, s.pred.length, threshold)) {
        if (!s.gt[i]!.considered) dropPred[j] = 1;
      }
    }
    const rows = s.gt.flatMap((g, i) => (g.considered ? [i] : []));
    const cols = s.pred.flatMap((_, j) => (dropPred[j] ? [] : [j]));
    frames.push({
      frame,
      gtIds: rows.map((i) => s.gt[i]!.id),
      predIds: cols.map((j) => s.pred[j]!.id),
      sim: rows.map((i) => cols.map((j) => all[i]![j]!)),
    });
  }
  return frames;
}

function assertUniqueIds(rows: readonly MotRow[], frame: number, what: string): void {
  const seen = new Set<number>();
  for (const r of rows) {
    if (seen.has(r.id)) throw new Error(`${what}: id ${r.id} occurs more than once in frame ${frame}`);
    seen.add(r.id);
  }
}
