import { describe, expect, it } from 'vitest';
import { compareCounts, countAccuracy, countCrossings, countFramesFromRows, FIXED_LINES } from './count-eval.js';
import { subsample } from '../eval/detection-cache.js';

describe('count evaluation', () => {
  it('has six fixed lines: horizontal and vertical at 30, 50 and 70%', () => {
    expect(FIXED_LINES.map((l) => l.id)).toEqual(['h30', 'v30', 'h50', 'v50', 'h70', 'v70']);
    expect(FIXED_LINES[0]!.points).toEqual([[0, 0.3], [1, 0.3]]);
    expect(FIXED_LINES[5]!.points).toEqual([[0.7, 0], [0.7, 1]]);
  });

  it('count accuracy is 1 − Σ|error| / Σ true, per line and direction', () => {
    const truth = new Map([['a', { in: 4, out: 6 }], ['b', { in: 0, out: 0 }]]);
    const counted = new Map([['a', { in: 5, out: 3 }], ['b', { in: 1, out: 0 }]]);
    const c = compareCounts(counted, truth);
    expect(c.absError).toBe(1 + 3 + 1);
    expect(c.truth).toBe(10);
    expect(c.accuracy).toBeCloseTo(50, 10);
    expect(c.lines.find((l) => l.line === 'a' && l.direction === 'out')).toEqual({ line: 'a', direction: 'out', counted: 3, truth: 6, error: -3 });
    expect(countAccuracy(0, 0)).toBe(100);
    expect(countAccuracy(2, 0)).toBe(0);
    expect(countAccuracy(30, 10)).toBe(0);
  });

  it('counts MOT rows: two people crossing the middle, each once, in opposite directions', () => {
    // 640×480, boxes 40×100; person 1 walks right across x = 320, person 2 left; 25 fps.
    const rows = Array.from({ length: 40 }, (_, f) => [
      { frame: f + 1, id: 1, box: { x1: 200 + 6 * f, y1: 200, x2: 240 + 6 * f, y2: 300 } },
      { frame: f + 1, id: 2, box: { x1: 420 - 6 * f, y1: 300, x2: 460 - 6 * f, y2: 400 } },
    ]).flat();
    const frames = countFramesFromRows(rows, 25);
    expect(frames).toHaveLength(40);
    expect(frames[39]!.ended).toEqual([1, 2]);
    const run = countCrossings(frames, FIXED_LINES, 640, 480);
    // v50 points down: left → right is 'out', right → left is 'in'.
    expect(run.counts.get('v50')).toEqual({ in: 1, out: 1 });
    expect(run.counts.get('h50')).toEqual({ in: 0, out: 0 });
    expect(run.visitors).toBe(2);
    expect(run.tracks).toBe(2);
  });

  it('subsample keeps every step-th frame from the first and renumbers from 1', () => {
    const frames = Array.from({ length: 10 }, (_, i) => ({ frame: i + 1, t: i / 25 }));
    expect(subsample(frames, 3)).toEqual([
      { frame: 1, t: 0 },
      { frame: 2, t: 3 / 25 },
      { frame: 3, t: 6 / 25 },
      { frame: 4, t: 9 / 25 },
    ]);
    expect(() => subsample(frames, 0)).toThrow(RangeError);
  });
});
