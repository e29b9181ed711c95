import { describe, expect, it } from 'vitest';
import { benchTracker, syntheticScene } from './tracker-bench.js';

describe('benchTracker', () => {
  it('returns a finite time per frame', () => {
    const r = benchTracker(20, 200);
    expect(Number.isFinite(r.ms_per_frame)).toBe(true);
    expect(r.ms_per_frame).toBeGreaterThan(0);
  });

  it('builds a deterministic scene', () => {
    expect(syntheticScene(5, 10, 3)).toEqual(syntheticScene(5, 10, 3));
  });
});
