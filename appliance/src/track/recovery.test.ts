import { describe, expect, it } from 'vitest';
import type { Box } from '../math/box.js';
import { EMBEDDING_SIZE } from './appearance.js';
import { ByteTracker } from './byte-tracker.js';
import type { Detection, TrackerUpdate } from './types.js';

const FPS = 25;

function box(cx: number, y1: number, w: number, h: number): Box {
  return { x1: cx - w / 2, y1, x2: cx + w / 2, y2: y1 + h };
}
/** A descriptor that is all one colour bin: two different bins are as unlike as descriptors get. */
function colour(bin: number): Float32Array {
  const e = new Float32Array(EMBEDDING_SIZE);
  e[bin] = 1;
  return e;
}
function det(b: Box, embedding?: Float32Array, score = 0.9): Detection {
  return { box: b, score, classId: 0, embedding };
}
/** Runs frames given as [time in seconds, detections]. */
function run(tracker: ByteTracker, frames: Array<[number, Detection[]]>): TrackerUpdate[] {
  return frames.map(([t, dets]) => tracker.update(dets, t));
}
const ids = (u: TrackerUpdate): number[] => u.tracks.map((t) => t.id);

describe('time-aware motion', () => {
  it('predicts over the real time between frames, so a camera dropping to a quarter of its rate keeps the id', () => {
    // A walker at 250 px/s (10 px per 25 fps frame), box 40 px wide; after 0.4 s the camera delivers
    // only every 4th frame (40 px, a box width, between two frames). Predicting one frame's worth
    // of motion would leave 30 px, IoU 0.14, too little to match.
    const walker = (t: number): Box => box(100 + 250 * t, 200, 40, 100);
    const frameNumbers = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 17, 21, 25, 29, 33];
    // Re-activation off: only the motion model may keep the id.
    const tracker = new ByteTracker({ recoverHeightsPerSecond: 0 });
    const out = run(
      tracker,
      frameNumbers.map((n) => [n / FPS, [det(walker(n / FPS))]]),
    );
    for (const u of out) expect(ids(u)).toEqual([1]);
    expect(out.at(-1)!.events).toEqual([]);
  });

  it('a skipped frame (predict) moves tracks by the real time elapsed', () => {
    const walker = (t: number): Box => box(100 + 250 * t, 200, 40, 100);
    const tracker = new ByteTracker({ outputBox: 'filtered' });
    for (let f = 0; f < 20; f++) tracker.update([det(walker(f / FPS))], f / FPS);
    // Four frame times later the filtered box is about 40 px further on.
    const p = tracker.predict(23 / FPS).tracks[0]!;
    expect((p.box.x1 + p.box.x2) / 2).toBeCloseTo(100 + 250 * (23 / FPS), -1);
  });
});

describe('re-activation after occlusion by position and appearance', () => {
  // A person (colour A) walks right at 3 px/frame, is hidden for 0.8 s, and reappears 70 px lower
  // than where the motion model expects (walked around something): no IoU overlap worth matching,
  // but well within the position gate (1 box height per second of absence, plus half a second).
  const walker = (f: number): Box => box(100 + 3 * f, 200, 40, 100);
  const after = (f: number): Box => box(100 + 3 * f, 270, 40, 100);
  const frames = (look: Float32Array): Array<[number, Detection[]]> =>
    Array.from({ length: 70 }, (_, f): [number, Detection[]] => {
      if (f < 30) return [f / FPS, [det(walker(f), colour(3))]];
      if (f < 50) return [f / FPS, []];
      return [f / FPS, [det(after(f), look)]];
    });

  it('keeps the id of the same-looking person', () => {
    const out = run(new ByteTracker(), frames(colour(3)));
    expect(ids(out[29]!)).toEqual([1]);
    expect(ids(out[50]!)).toEqual([1]);
    expect(ids(out[69]!)).toEqual([1]);
  });

  it('gives a differently-looking person there a new id', () => {
    const out = run(new ByteTracker(), frames(colour(40)));
    expect(ids(out[50]!)).toEqual([]); // unconfirmed for one frame
    expect(ids(out[51]!)).toEqual([2]);
  });

  it('without re-activation the same person gets a new id (what the piece adds)', () => {
    const out = run(new ByteTracker({ recoverHeightsPerSecond: 0 }), frames(colour(3)));
    expect(ids(out[51]!)).toEqual([2]);
  });

  it('does not reach further than the gate: far away is someone else', () => {
    const far = (f: number): Box => box(100 + 3 * f + 300, 200, 40, 100); // 3 box heights off
    const out = run(
      new ByteTracker(),
      Array.from({ length: 60 }, (_, f): [number, Detection[]] => {
        if (f < 30) return [f / FPS, [det(walker(f), colour(3))]];
        if (f < 40) return [f / FPS, []];
        return [f / FPS, [det(far(f), colour(3))]];
      }),
    );
    expect(ids(out[41]!)).toEqual([2]);
  });
});
