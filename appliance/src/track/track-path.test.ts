import { describe, expect, it } from 'vitest';
import { TrackPath } from './track-path.js';

describe('TrackPath', () => {
  it('measures the full path and keeps about one point per interval plus the last', () => {
    const p = new TrackPath(0.5, 500);
    for (let f = 0; f <= 30; f++) p.add(f / 10, f * 3, f * 4); // 5 px per step
    expect(p.length).toBeCloseTo(150, 9);
    expect(p.points().map((q) => q[0])).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    p.add(3.1, 93, 124);
    expect(p.points().at(-1)).toEqual([3.1, 93, 124]);
    expect(p.points()).toHaveLength(8);
  });

  it('stays within the cap on long tracks, evenly spread', () => {
    const p = new TrackPath(0.5, 500);
    for (let f = 0; f <= 25 * 3600; f++) p.add(f / 25, f, 0); // one hour at 25 fps
    const pts = p.points();
    expect(pts.length).toBeLessThanOrEqual(500);
    expect(pts.length).toBeGreaterThan(200);
    expect(pts[0]![0]).toBe(0);
    expect(pts.at(-1)![0]).toBe(3600);
    const gaps = pts.slice(1, -1).map((q, i) => q[0] - pts[i]![0]);
    expect((Math.max(...gaps) - Math.min(...gaps)) / Math.max(...gaps)).toBeLessThan(0.1);
  });

  it('a single point is its own path', () => {
    const p = new TrackPath();
    p.add(2, 10, 20);
    expect(p.points()).toEqual([[2, 10, 20]]);
    expect(p.length).toBe(0);
  });
});
