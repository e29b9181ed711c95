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

describe('re-finding judges size and distance by the steady height', () => {
  // Each case at 5, 10 and 25 fps: times are in seconds, sizes in box heights of the 100 px person.
  const RATES = [5, 10, 25];
  const A = colour(3);
  /** Frames at `fps` from t0 (inclusive) to t1 (exclusive), each with the detections `at(t)`; t0, t1 on frame times. */
  const span = (fps: number, t0: number, t1: number, at: (t: number) => Detection[]): Array<[number, Detection[]]> => {
    const out: Array<[number, Detection[]]> = [];
    for (let k = Math.round(t0 * fps); k < Math.round(t1 * fps); k++) out.push([k / fps, at(k / fps)]);
    return out;
  };
  /** The id of the track whose box is nearest `b` in the last update of `out` (0 if none). */
  const idAt = (out: TrackerUpdate[], b: Box): number => {
    let best = 0;
    let bestD = Infinity;
    for (const tr of out.at(-1)!.tracks) {
      const d = Math.hypot(tr.box.x1 - b.x1, tr.box.y2 - b.y2);
      if (d < bestD) [best, bestD] = [tr.id, d];
    }
    return best;
  };

  /**
   * Person A, 100 px tall, stands for 1.2 s (score 0.9), then for 0.2 s only their top 70 % is seen
   * at a low score (walking behind something), then nothing for 0.6 s; then `next` appears at the
   * place where A was, and stays for 0.4 s.
   */
  function partialThenGone(fps: number, next: Box): TrackerUpdate[] {
    const tracker = new ByteTracker();
    return run(tracker, [
      ...span(fps, 0, 1.2, () => [det(box(300, 200, 40, 100), A)]),
      ...span(fps, 1.2, 1.4, () => [det(box(300, 200, 40, 70), A, 0.3)]),
      ...span(fps, 1.4, 2.0, () => []),
      ...span(fps, 2.0, 2.4, () => [det(next, A)]),
    ]);
  }

  for (const fps of RATES) {
    it(`${fps} fps: after a partial last box, a much smaller person looking alike there gets a new id`, () => {
      // 60 px: 0.86 of the partial last box (which alone would let them through), 0.6 of A's height.
      const smaller = box(305, 230, 24, 60);
      const out = partialThenGone(fps, smaller);
      expect(ids(out[Math.round(1.1 * fps)]!)).toEqual([1]);
      expect(idAt(out, smaller)).toBe(2);
    });

    it(`${fps} fps: after a partial last box, the same person re-appearing whole keeps the id`, () => {
      const whole = box(306, 205, 40, 100); // 1.43 × the partial box, 1.0 × the steady height
      const out = partialThenGone(fps, whole);
      expect(idAt(out, whole)).toBe(1);
      expect(out.flatMap((u) => u.tracks.map((t) => t.id)).every((id) => id === 1)).toBe(true);
    });

    // This case looks at the frame where the other person first appears: a lost track's gate keeps
    // growing while it waits (1 height a second), so a person who stands still long enough within
    // reach is continued later all the same — what is pinned is the reach at a given absence.
    it(`${fps} fps: distance is measured in the track's height, so a taller person farther off is not pulled in`, () => {
      // A (steady 100 px) is last seen at 1 s − a frame, gone until 1.5 s: the gate is 0.5 + the gap
      // heights. A person 1.4 × taller appears 0.15 heights beyond it — inside the gate in their own
      // height (the old max(height) scale), outside it in A's. The same person there is continued.
      const gate = 0.5 + 0.5 + 1 / fps;
      const taller = box(300 + 100 * (gate + 0.15), 250 - 70, 56, 140);
      const near = box(300 + 100 * (gate - 0.15), 200, 40, 100);
      const frames = (b: Box): Array<[number, Detection[]]> => [
        ...span(fps, 0, 1.0, () => [det(box(300, 200, 40, 100), A)]),
        ...span(fps, 1.0, 1.5, () => []),
        [1.5, [det(b, A)]],
      ];
      expect(ids(run(new ByteTracker(), frames(taller)).at(-1)!)).toEqual([]); // a new, unconfirmed track
      expect(ids(run(new ByteTracker(), frames(near)).at(-1)!)).toEqual([1]);
    });

    it(`${fps} fps: of two people in reach, the one nearer in the track's own height continues it, not a taller one`, () => {
      // A (100 px) is gone 0.8 s. A re-appears 0.6 of A's heights away (110 px tall, walking nearer);
      // someone 1.45 × A's height stands 0.75 of A's heights away on the other side — only 0.52 of
      // their own height, which made them the nearer one when distance was in the taller box's height.
      const back = box(300 + 60, 250 - 55, 44, 110);
      const taller = box(300 - 75, 250 - 72.5, 58, 145);
      const out = run(new ByteTracker(), [
        ...span(fps, 0, 1.0, () => [det(box(300, 200, 40, 100), A)]),
        ...span(fps, 1.0, 1.8, () => []),
        [1.8, [det(back, A), det(taller, A)]],
        [1.8 + 1 / fps, [det(back, A), det(taller, A)]],
      ]);
      expect(idAt(out.slice(0, -1), back)).toBe(1);
      expect(idAt(out, back)).toBe(1);
      expect(idAt(out, taller)).toBe(2);
    });
  }
});
