import { describe, expect, it } from 'vitest';
import { SteadyHeight, STEADY_HEIGHT_SECONDS } from './steady-height.js';

describe('steady height', () => {
  it('is the only observation when there is one, NaN before any', () => {
    const s = new SteadyHeight();
    expect(s.value).toBeNaN();
    s.add(0, 120, 0.3);
    expect(s.value).toBe(120);
  });

  it('confident whole-body boxes outvote partial low-score ones at any frame rate', () => {
    for (const fps of [5, 10, 25]) {
      const s = new SteadyHeight();
      let t = 0;
      for (; t < 1; t += 1 / fps) s.add(t, 100 + (Math.round(t * fps) % 3), 0.85); // 100–102 px, some jitter
      // The person walks behind something: three partial boxes at a low score.
      for (const h of [80, 70, 60]) s.add((t += 1 / fps), h, 0.3);
      expect(s.value).toBeGreaterThanOrEqual(100);
      expect(s.value).toBeLessThanOrEqual(102);
    }
  });

  it('forgets observations older than its window, so it follows a person walking towards the camera', () => {
    const s = new SteadyHeight();
    s.add(0, 60, 0.9);
    s.add(0.5, 60, 0.9);
    for (let k = 0; k < 3; k++) s.add(0.6 + STEADY_HEIGHT_SECONDS + k * 0.1, 90, 0.9);
    expect(s.value).toBe(90);
  });

  it('ignores a box without a positive finite height', () => {
    const s = new SteadyHeight();
    s.add(0, 100, 0.9);
    s.add(0.1, 0, 0.9);
    s.add(0.2, Number.NaN, 0.9);
    expect(s.value).toBe(100);
  });
});
