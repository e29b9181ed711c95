import { describe, expect, it } from 'vitest';
import { continuation, linkTracklets } from './link-tracklets.js';
import type { TrackRow } from './interpolate.js';

/** A person 100 px tall walking right at 4 px/frame, seen in [from, to]. */
function walker(id: number, from: number, to: number, x0 = 0, height = 100, y = 300): TrackRow[] {
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const f = from + i;
    const cx = x0 + 4 * f;
    return { frame: f, id, box: { x1: cx - 20, y1: y - height, x2: cx + 20, y2: y }, score: 0.9 };
  });
}

const opts = { maxGapFrames: 50, maxHeights: 0.4 };
const ids = (rows: TrackRow[]) => [...new Set(rows.map((r) => r.id))].sort((a, b) => a - b);

describe('linkTracklets', () => {
  it('joins a track to the one that starts where it was heading, after an occlusion', () => {
    const rows = [...walker(1, 1, 30), ...walker(7, 45, 80)];
    expect(ids(linkTracklets(rows, opts))).toEqual([1]);
  });

  it('chains fragments, and keeps apart what is too far, too late, a different size or overlapping', () => {
    const chain = linkTracklets([...walker(1, 1, 20), ...walker(2, 30, 40), ...walker(3, 50, 60)], opts);
    expect(ids(chain)).toEqual([1]);
    expect(ids(linkTracklets([...walker(1, 1, 30), ...walker(2, 45, 80, 200)], opts))).toEqual([1, 2]); // 200 px off
    expect(ids(linkTracklets([...walker(1, 1, 30), ...walker(2, 90, 120)], opts))).toEqual([1, 2]); // 60 frames later
    expect(ids(linkTracklets([...walker(1, 1, 30), ...walker(2, 40, 80, 0, 200, 400)], opts))).toEqual([1, 2]); // twice the size
    expect(ids(linkTracklets([...walker(1, 1, 30), ...walker(2, 25, 60)], opts))).toEqual([1, 2]); // both seen at once
  });

  it('gives each ended track at most one continuation, the nearest in time', () => {
    const out = linkTracklets([...walker(1, 1, 30), ...walker(2, 35, 60), ...walker(3, 40, 70)], opts);
    expect(out.filter((r) => r.frame >= 35 && r.frame <= 39).every((r) => r.id === 1)).toBe(true);
    expect(ids(out)).toEqual([1, 3]);
  });

  it('continuation: the same rule for a gap inside one track (what the offline gap filling draws across)', () => {
    const before = walker(1, 1, 30);
    const at = (f: number, x0 = 0, height = 100) => walker(1, f, f, x0, height)[0]!;
    expect(continuation(before, at(45), 0.4)).toBeCloseTo(0, 5); // where it was heading
    expect(continuation(before, at(45, 200), 0.4)).toBeUndefined(); // 2 heights off
    expect(continuation(before, at(45, 0, 150), 0.4)).toBeUndefined(); // 1.5× the height
    expect(continuation(before, at(45, 0, 130), 0.4)).toBeDefined();
  });

  it('continuation: the heading is the last second of the track, in frames at the rows\' frame rate', () => {
    // Walks right at 4 px/frame for frames 1–20, then stands still for frames 21–30.
    const rows = walker(1, 1, 30).map((r) => (r.frame <= 20 ? r : { ...r, box: { ...walker(1, 20, 20)[0]!.box }, frame: r.frame }));
    const later = { ...rows.at(-1)!, frame: 60 }; // 30 frames later, still standing there
    // At 10 fps its last second is standing: it is where it was heading.
    expect(continuation(rows, later, 0.4, 10)).toBeCloseTo(0, 5);
    // At 25 fps its last second still walks: it was heading 0.7 heights further on.
    expect(continuation(rows, later, 0.4, 25)).toBeUndefined();
  });
});
