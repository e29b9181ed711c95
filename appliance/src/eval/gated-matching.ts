/**
 * Per-frame box matching used by the evaluator: among pairs whose similarity (IoU) reaches the
 * threshold, take as many pairs as possible, and among those the set with the lowest total
 * 1 − IoU. This is what py-motmetrics (lap with infeasible pairs) and the MATLAB devkit (Hungarian
 * with Inf for inadmissible pairs) do. `linearAssignment`'s "unmatched costs threshold/2" gating can
 * trade two matches for one better one, which would change MOTA, so it is not used here.
 */
import { hungarian } from '../math/linear-assignment.js';

/** Tolerance for IoU exactly at the threshold (TrackEval compares against threshold − machine eps). */
const EPS = 1e-12;

export function admissible(similarity: number, threshold: number): boolean {
  return similarity >= threshold - EPS;
}

/** Matched [row, col] pairs of a rows×cols similarity matrix; only admissible pairs are returned. */
export function matchBySimilarity(
  sim: ArrayLike<number>[],
  rows: number,
  cols: number,
  threshold: number,
): Array<[number, number]> {
  if (rows === 0 || cols === 0) return [];
  // Every admissible cost is ≤ 1, so a full matching's admissible part costs < min(rows, cols) < big:
  // one more admissible pair always beats any saving in cost.
  const big = rows + cols + 1;
  let any = false;
  const cost: Float64Array[] = [];
  for (let i = 0; i < rows; i++) {
    const r = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const s = sim[i]![j]!;
      const ok = admissible(s, threshold);
      any ||= ok;
      r[j] = ok ? 1 - s : big;
    }
    cost.push(r);
  }
  if (!any) return [];
  const rowToCol = hungarian(cost, cols);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < rows; i++) {
    const j = rowToCol[i]!;
    if (j >= 0 && cost[i]![j]! < big) pairs.push([i, j]);
  }
  return pairs;
}
