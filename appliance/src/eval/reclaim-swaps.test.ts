import { describe, expect, it } from 'vitest';
import { interpolateGaps, type TrackRow } from './interpolate.js';
import { reclaimSwaps } from './reclaim-swaps.js';

/** A person `height` px tall whose centre moves `vx` px/frame from x0 (at frame 0), seen in [from, to]. */
function walker(id: number, from: number, to: number, x0: number, vx: number, height = 200, width = 80): TrackRow[] {
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const f = from + i;
    const cx = x0 + vx * f;
    return { frame: f, id, box: { x1: cx - width / 2, y1: 400 - height, x2: cx + width / 2, y2: 400 }, score: 0.9 };
  });
}

const opts = { maxGapSeconds: 0.5, maxHeights: 0.4, fps: 25 };
const at = (rows: TrackRow[], id: number, frame: number) => rows.find((r) => r.id === id && r.frame === frame);

/**
 * The TUD-Campus case: B walks right at 3 px/frame; A, beside it and walking left at 3 px/frame,
 * takes B's detection in frames 34 and 38 (B is missing there), and A itself is not detected
 * in 35–37.
 */
function swapped(): TrackRow[] {
  const b = walker(2, 1, 60, 0, 3).filter((r) => r.frame !== 34 && r.frame !== 38);
  const a = walker(1, 1, 60, 300, -3).filter((r) => r.frame < 34 || r.frame > 38);
  const lent = walker(1, 34, 38, 0, 3).filter((r) => r.frame === 34 || r.frame === 38); // B's boxes under A's id
  return [...a, ...b, ...lent];
}

describe('reclaimSwaps', () => {
  it('gives rows a neighbour borrowed back to their own track; gap filling then bridges both tracks on their own people', () => {
    const fixed = reclaimSwaps(swapped(), opts);
    expect(at(fixed, 2, 34)).toBeDefined();
    expect(at(fixed, 2, 38)).toBeDefined();
    expect(at(fixed, 1, 34)).toBeUndefined();
    const filled = interpolateGaps(fixed, 50);
    for (let f = 34; f <= 38; f++) {
      const a = at(filled, 1, f)!;
      expect((a.box.x1 + a.box.x2) / 2).toBeCloseTo(300 - 3 * f, 6); // A drawn where A walked
    }
    // Without the repair, gap filling draws A over B in 35–37.
    const unfixed = interpolateGaps(swapped(), 50);
    expect((at(unfixed, 1, 36)!.box.x1 + at(unfixed, 1, 36)!.box.x2) / 2).toBeCloseTo(3 * 36, 6);
  });

  it('leaves alone rows that continue their own track, a missing track seen again too late, and a different size', () => {
    // Two people side by side; B missing for one frame while A (its own motion, overlapping) goes on.
    const side = [...walker(1, 1, 40, 20, 3), ...walker(2, 1, 40, 0, 3).filter((r) => r.frame !== 20)];
    expect(reclaimSwaps(side, opts)).toEqual(side);
    // The borrowed row, but B is seen again only 1 s after it: not a short swap.
    const late = [...walker(2, 1, 33, 0, 3), ...walker(2, 60, 80, 0, 3), ...walker(1, 1, 33, 300, -3), ...walker(1, 34, 34, 0, 3)];
    expect(at(reclaimSwaps(late, opts), 1, 34)).toBeDefined();
    // A row 1.6× B's height is not B.
    const tall = [...walker(2, 1, 60, 0, 3).filter((r) => r.frame !== 34), ...walker(1, 1, 33, 300, -3), ...walker(1, 34, 34, 0, 3, 320, 130)];
    expect(at(reclaimSwaps(tall, opts), 1, 34)).toBeDefined();
  });

  it('works at a lower frame rate (gap in seconds) and keeps every row exactly once', () => {
    const rows = swapped().filter((r) => r.frame % 2 === 0).map((r) => ({ ...r, frame: r.frame / 2 }));
    const fixed = reclaimSwaps(rows, { ...opts, fps: 12.5 });
    expect(fixed).toHaveLength(rows.length);
    expect(at(fixed, 2, 17)).toBeDefined();
    expect(at(fixed, 2, 19)).toBeDefined();
    expect(reclaimSwaps([], opts)).toEqual([]);
  });
});
