import { describe, expect, it } from 'vitest';
import { interpolateGaps } from './interpolate.js';

const row = (frame: number, id: number, x: number) => ({ frame, id, box: { x1: x, y1: 0, x2: x + 10, y2: 20 }, score: 0.8 });

describe('interpolateGaps', () => {
  it('fills a same-id gap linearly, leaves longer gaps and other ids alone', () => {
    const out = interpolateGaps([row(1, 1, 0), row(5, 1, 40), row(1, 2, 100), row(20, 2, 200)], 10);
    const one = out.filter((r) => r.id === 1);
    expect(one.map((r) => [r.frame, r.box.x1])).toEqual([[1, 0], [2, 10], [3, 20], [4, 30], [5, 40]]);
    expect(out.filter((r) => r.id === 2).map((r) => r.frame)).toEqual([1, 20]); // a 19-frame gap is too long
    expect(out.map((r) => r.frame)).toEqual([...out.map((r) => r.frame)].sort((a, b) => a - b));
  });

  it('with a continuation rule, leaves empty the gaps it refuses', () => {
    const rows = [row(1, 1, 0), row(5, 1, 40), row(10, 1, 300)];
    // Only gaps the object could have walked (≤ 15 px a frame) are drawn.
    const out = interpolateGaps(rows, 10, (before, after) => (after.box.x1 - before.at(-1)!.box.x1) / (after.frame - before.at(-1)!.frame) <= 15);
    expect(out.map((r) => r.frame)).toEqual([1, 2, 3, 4, 5, 10]);
  });
});
