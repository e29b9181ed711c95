import { describe, expect, it } from 'vitest';
import { ZoneEngine, type AnalyticsEvent, type LineDef, type TrackPoint } from './zone-engine.js';
import { END_CROSS_SECONDS, newTripwireState, tripwireEnd, tripwireStep } from './tripwire.js';

// A horizontal line across the middle of the frame, pointing right: moving down the screen is 'in'.
const line: LineDef = { id: 'door', points: [[0.1, 0.5], [0.9, 0.5]] };
// A person whose box is 0.2 of the frame high and 0.08 wide; the default hysteresis is 0.2 box
// sizes, so "clearly on a side" means at least 0.04 from the line here.
const H = 0.2;
const W = 0.08;
const FPS = 10;

function person(id: number, x: number, y: number): TrackPoint {
  return { id, className: 'person', x, y, h: H, w: W };
}

/** Frames at 10 fps; each frame is a list of [id, x, y] (empty = nobody visible). */
function crossings(frames: Array<Array<[number, number, number]>>, lines: LineDef[] = [line]): AnalyticsEvent[] {
  const engine = new ZoneEngine([], lines);
  const events: AnalyticsEvent[] = [];
  frames.forEach((f, i) => events.push(...engine.update(f.map(([id, x, y]) => person(id, x, y)), i / FPS)));
  return events.filter((e) => e.type === 'line.cross');
}

/** One person walking straight down from y0 to y1 in n frames. */
function walk(id: number, x: number, y0: number, y1: number, n: number): Array<Array<[number, number, number]>> {
  return Array.from({ length: n }, (_, i) => [[id, x, y0 + ((y1 - y0) * i) / (n - 1)]]);
}

describe('tripwire counting rules', () => {
  it('a walk across the line counts once, in its direction', () => {
    const events = crossings(walk(1, 0.5, 0.3, 0.7, 20));
    expect(events.map((e) => e.type === 'line.cross' && [e.trackId, e.direction])).toEqual([[1, 'in']]);
  });

  it('jitter on the line counts nothing', () => {
    // The foot point dithers ±0.03 around the line (inside the 0.04 hysteresis band) for 5 s.
    const frames = Array.from({ length: 50 }, (_, i): Array<[number, number, number]> => [[1, 0.5, 0.5 + (i % 2 === 0 ? 0.03 : -0.03)]]);
    expect(crossings(frames)).toEqual([]);
    // Also when the person arrived from one side first: dithering in the band is no crossing.
    expect(crossings([...walk(1, 0.5, 0.3, 0.49, 10), ...frames])).toEqual([]);
  });

  it('a jump over the line between two detections counts once', () => {
    // Clearly above, then (after a missed detection) clearly below: no position ever on the line.
    const events = crossings([[[1, 0.5, 0.4]], [], [], [[1, 0.5, 0.6]], [[1, 0.5, 0.65]]]);
    expect(events).toEqual([{ type: 'line.cross', line: 'door', trackId: 1, className: 'person', t: 0.3, direction: 'in' }]);
  });

  it('an id change at the line counts once', () => {
    // Track 1 walks down to the line and vanishes there; track 2 starts where it was, continues down.
    const before = walk(1, 0.5, 0.3, 0.5, 10);
    const gap: Array<Array<[number, number, number]>> = [[]];
    const after = walk(2, 0.5, 0.51, 0.7, 10);
    const events = crossings([...before, ...gap, ...after]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ trackId: 2, direction: 'in' });
    // The same when the new id appears already past the line (jump and id change together).
    const jumped = crossings([...walk(1, 0.5, 0.3, 0.45, 8), [], [], ...walk(3, 0.5, 0.58, 0.7, 5)]);
    expect(jumped).toHaveLength(1);
    expect(jumped[0]).toMatchObject({ trackId: 3, direction: 'in' });
  });

  it('a U-turn before the line counts nothing', () => {
    // Down to just short of the line (inside the band), then back up.
    const events = crossings([...walk(1, 0.5, 0.3, 0.49, 10), ...walk(1, 0.5, 0.49, 0.3, 10)]);
    expect(events).toEqual([]);
  });

  it('a track that ends just past the line, walking through it, counts once; at the line or turning back, nothing', () => {
    /** Frames at 10 fps, then the track ends at the last frame's time. */
    const ending = (frames: Array<Array<[number, number, number]>>): AnalyticsEvent[] => {
      const engine = new ZoneEngine([], [line]);
      const events: AnalyticsEvent[] = [];
      frames.forEach((f, i) => events.push(...engine.update(f.map(([id, x, y]) => person(id, x, y)), i / FPS)));
      events.push(...engine.endTrack(1, (frames.length - 1) / FPS));
      return events.filter((e) => e.type === 'line.cross');
    };
    // Walks down from 0.3 and leaves the picture (or the stream stops) 0.03 past the line: inside the
    // 0.04 band, beyond half of it, heading across.
    const through = ending(walk(1, 0.5, 0.3, 0.53, 12));
    expect(through).toEqual([{ type: 'line.cross', line: 'door', trackId: 1, className: 'person', t: 1.1, direction: 'in' }]);
    // Only 0.01 past the line (less than half the band): not evidently across.
    expect(ending(walk(1, 0.5, 0.3, 0.51, 12))).toEqual([]);
    // Jittering ±0.03 on the line for 2 s after arriving, ending on the far side, last step across:
    // it left its side 2 s before, lingering at the line.
    const jitter = Array.from({ length: 20 }, (_, i): Array<[number, number, number]> => [[1, 0.5, 0.5 + (i % 2 === 0 ? -0.03 : 0.03)]]);
    expect(jitter.at(-1)![0]![2]).toBeCloseTo(0.53, 10);
    expect(ending([...walk(1, 0.5, 0.3, 0.45, 10), ...jitter])).toEqual([]);
    // Came to the line, turned back, and ended on its own side: nothing.
    expect(ending([...walk(1, 0.5, 0.3, 0.49, 10), ...walk(1, 0.5, 0.49, 0.4, 5)])).toEqual([]);
    // Ended past the line after it had already counted: still once.
    const twice = ending([...walk(1, 0.5, 0.3, 0.7, 10), ...walk(1, 0.5, 0.7, 0.53, 5)]);
    expect(twice.map((e) => e.type === 'line.cross' && e.direction)).toEqual(['in']);
  });

  it('stream stop (flush) counts a crossing under way like a track end', () => {
    const engine = new ZoneEngine([], [line]);
    walk(1, 0.5, 0.3, 0.53, 12).forEach((f, i) => engine.update(f.map(([id, x, y]) => person(id, x, y)), i / FPS));
    expect(engine.flush(1.1).filter((e) => e.type === 'line.cross')).toMatchObject([{ trackId: 1, direction: 'in' }]);
  });

  it('crossing back and forth counts once per visitor and direction, even across id changes', () => {
    const frames = [...walk(1, 0.5, 0.3, 0.7, 10), ...walk(1, 0.5, 0.7, 0.3, 10), [], ...walk(2, 0.5, 0.3, 0.7, 10)];
    const events = crossings(frames);
    expect(events.map((e) => e.type === 'line.cross' && e.direction)).toEqual(['in', 'out']);
  });

  it('two different people crossing one after another count twice', () => {
    // The second person starts far from where the first vanished: a new visitor.
    const events = crossings([...walk(1, 0.2, 0.3, 0.7, 10), ...walk(2, 0.8, 0.3, 0.7, 10)]);
    expect(events.map((e) => e.type === 'line.cross' && [e.trackId, e.direction])).toEqual([
      [1, 'in'],
      [2, 'in'],
    ]);
  });

  it('a jump that passes beyond the end of the line segment does not count', () => {
    const short: LineDef = { id: 'short', points: [[0.4, 0.5], [0.6, 0.5]] };
    // From (0.3, 0.4) to (0.3, 0.6): crosses y = 0.5 at x = 0.3, left of the segment's end.
    expect(crossings([[[1, 0.3, 0.4]], [[1, 0.3, 0.6]]], [short])).toEqual([]);
  });

  it('tripwireStep: the band is the box extent along the line normal (height across a horizontal line, width across a vertical one)', () => {
    const horizontal = { ax: 0, ay: 0.5, bx: 1, by: 0.5 };
    const vertical = { ax: 0.5, ay: 0, bx: 0.5, by: 1 };
    const st = newTripwireState();
    // 0.015 from a horizontal line is inside a 0.1 × 0.2 = 0.02 band: no side.
    expect(tripwireStep(horizontal, st, 0.5, 0.485, W, H, 0.1)).toBeUndefined();
    expect(st.side).toBe(0);
    // 0.015 from a vertical line is outside a 0.1 × 0.08 = 0.008 band: a side.
    const sv = newTripwireState();
    tripwireStep(vertical, sv, 0.515, 0.5, W, H, 0.1);
    expect(sv.side).not.toBe(0);
  });

  it('tripwireEnd: counts only past half the band, heading across, soon after leaving its side', () => {
    const horizontal = { ax: 0, ay: 0.5, bx: 1, by: 0.5 };
    // Clearly above at t = 1 (band 0.2 × 0.2 = 0.04), then 0.03 below the line at t = 1.2.
    const at = () => {
      const st = newTripwireState();
      tripwireStep(horizontal, st, 0.5, 0.4, W, H, 0.2, 1);
      tripwireStep(horizontal, st, 0.5, 0.53, W, H, 0.2, 1.2);
      return st;
    };
    expect(tripwireEnd(horizontal, at(), 0, -0.2, 1.2)).toBeUndefined(); // walking back up
    expect(tripwireEnd(horizontal, at(), 0.3, 0, 1.2)).toBeUndefined(); // walking along the line
    expect(tripwireEnd(horizontal, at(), 0, 0.2, 1 + END_CROSS_SECONDS + 0.01)).toBeUndefined(); // left its side too long ago
    const st = at();
    expect(tripwireEnd(horizontal, st, 0, 0.2, 1.2)).toBe('in');
    expect(tripwireEnd(horizontal, st, 0, 0.2, 1.2)).toBeUndefined(); // once
  });
});
