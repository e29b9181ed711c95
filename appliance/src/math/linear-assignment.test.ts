import { describe, expect, it } from 'vitest';
import { hungarian, linearAssignment } from './linear-assignment.js';

function bruteForce(cost: number[][]): number {
  const n = cost.length;
  const m = cost[0]!.length;
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const rec = (i: number, acc: number): void => {
    if (i === n) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      rec(i + 1, acc + cost[i]![j]!);
      used[j] = false;
    }
  };
  rec(0, 0);
  return best;
}

describe('hungarian', () => {
  it('finds the optimum of a classic 3x3 case', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    const a = Array.from(hungarian(cost));
    expect(a).toEqual([1, 0, 2]);
  });

  it('matches brute force on random rectangular matrices, both orientations', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = 0; t < 60; t++) {
      const n = 1 + Math.floor(rnd() * 5);
      const m = n + Math.floor(rnd() * 3);
      const cost = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(rnd() * 100)));
      const a = hungarian(cost);
      const total = Array.from(a).reduce((s, j, i) => s + cost[i]![j]!, 0);
      expect(new Set(a).size).toBe(n);
      expect(total).toBe(bruteForce(cost));
      // Transposed: more rows than columns, every column used once.
      const t2 = Array.from({ length: m }, (_, j) => cost.map((r) => r[j]!));
      const b = hungarian(t2);
      expect(Array.from(b).filter((j) => j >= 0).length).toBe(n);
      const totalT = Array.from(b).reduce((s, j, i) => (j >= 0 ? s + t2[i]![j]! : s), 0);
      expect(totalT).toBe(total);
    }
  });
});

describe('linearAssignment', () => {
  it('never pairs above the threshold and reports the leftovers', () => {
    const cost = [
      [0.1, 0.9],
      [0.95, 0.99],
    ];
    const r = linearAssignment(cost, 2, 2, 0.8);
    expect(r.matches).toEqual([[0, 0]]);
    expect(r.unmatchedRows).toEqual([1]);
    expect(r.unmatchedCols).toEqual([1]);
  });

  it('prefers two good pairs over one excellent pair that blocks them', () => {
    // Row 0 could take col 0 at 0.0, but then row 1 (only admissible with col 0) is left out.
    const cost = [
      [0.0, 0.3],
      [0.35, 0.99],
    ];
    const r = linearAssignment(cost, 2, 2, 0.8);
    expect(r.matches.sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('handles empty sides', () => {
    expect(linearAssignment([], 0, 3, 0.5)).toEqual({ matches: [], unmatchedRows: [], unmatchedCols: [0, 1, 2] });
    expect(linearAssignment([[], []], 2, 0, 0.5)).toEqual({ matches: [], unmatchedRows: [0, 1], unmatchedCols: [] });
  });
});
