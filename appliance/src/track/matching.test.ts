import { describe, expect, it } from 'vitest';
import { linearAssignment, type Assignment } from '../math/linear-assignment.js';
import { gatedAssignment } from './matching.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
/** Objective of the gated problem: matched costs plus thresh/2 per unmatched row or column. */
const objective = (cost: Float64Array[], a: Assignment, thresh: number): number =>
  a.matches.reduce((s, [i, j]) => s + cost[i]![j]!, 0) + ((a.unmatchedRows.length + a.unmatchedCols.length) * thresh) / 2;

describe('gatedAssignment', () => {
  it('reaches the same optimum as linearAssignment on the whole matrix', () => {
    const rand = rng(42);
    for (let trial = 0; trial < 300; trial++) {
      const rows = Math.floor(rand() * 12);
      const cols = Math.floor(rand() * 12);
      const density = rand();
      const cost = Array.from({ length: rows }, () => {
        const r = new Float64Array(cols);
        for (let j = 0; j < cols; j++) r[j] = rand() < density ? rand() * 0.9 : rand() < 0.5 ? 1 : Infinity;
        return r;
      });
      const thresh = 0.5 + rand() * 0.3;
      const got = gatedAssignment(cost, rows, cols, thresh);
      const want = linearAssignment(cost, rows, cols, thresh);
      expect(objective(cost, got, thresh)).toBeCloseTo(objective(cost, want, thresh), 9);
      for (const [i, j] of got.matches) expect(cost[i]![j]!).toBeLessThanOrEqual(thresh);
      expect(got.matches.length + got.unmatchedRows.length).toBe(rows);
      expect(got.matches.length + got.unmatchedCols.length).toBe(cols);
      expect(new Set(got.matches.map((m) => m[1])).size).toBe(got.matches.length);
      expect(got.unmatchedRows).toEqual([...got.unmatchedRows].sort((a, b) => a - b));
      expect(got.unmatchedCols).toEqual([...got.unmatchedCols].sort((a, b) => a - b));
    }
  });

  it('handles empty sides and all-inadmissible matrices', () => {
    expect(gatedAssignment([], 0, 3, 0.8)).toEqual({ matches: [], unmatchedRows: [], unmatchedCols: [0, 1, 2] });
    const cost = [Float64Array.of(Infinity, 0.9), Float64Array.of(NaN, 1)];
    expect(gatedAssignment(cost, 2, 2, 0.8)).toEqual({ matches: [], unmatchedRows: [0, 1], unmatchedCols: [0, 1] });
  });
});
