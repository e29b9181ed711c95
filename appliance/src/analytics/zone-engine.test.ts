import { describe, expect, it } from 'vitest';
import { footPoint, ZoneEngine, type AnalyticsEvent, type LineDef, type TrackPoint, type ZoneDef } from './zone-engine.js';

const square: ZoneDef = {
  id: 'sq',
  points: [
    [0.2, 0.2],
    [0.6, 0.2],
    [0.6, 0.6],
    [0.2, 0.6],
  ],
};

const IN: [number, number] = [0.4, 0.4];
const OUT: [number, number] = [0.8, 0.8];

function tp(id: number, p: [number, number], className = 'person'): TrackPoint {
  return { id, className, x: p[0], y: p[1] };
}

/** Feeds one track through frames at t = 1, 2, 3, …; null = track missing that frame. Returns all events. */
function run(engine: ZoneEngine, path: Array<[number, number] | null>, id = 1, className = 'person', t0 = 1): AnalyticsEvent[] {
  const events: AnalyticsEvent[] = [];
  path.forEach((p, i) => events.push(...engine.update(p ? [tp(id, p, className)] : [], t0 + i)));
  return events;
}

describe('footPoint', () => {
  it('is the normalised bottom-centre, clamped to the frame', () => {
    expect(footPoint({ x1: 100, y1: 50, x2: 300, y2: 450 }, 1000, 500)).toEqual([0.2, 0.9]);
    expect(footPoint({ x1: 900, y1: 400, x2: 1100, y2: 520 }, 1000, 500)).toEqual([1, 1]);
  });
});

describe('ZoneEngine zones', () => {
  it('enters and leaves a square once with the exact dwell', () => {
    const engine = new ZoneEngine([square], []);
    // t: 1 2 | 3 4 5 6 7 8 9 | 10 11 12 13
    const events = run(engine, [OUT, OUT, IN, IN, IN, IN, IN, IN, IN, OUT, OUT, OUT, OUT]);
    expect(events).toEqual([
      { type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 3 },
      { type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 10, dwellSeconds: 7 },
    ]);
  });

  it('reports the enter on the frame that confirms it, with the first inside frame time', () => {
    const engine = new ZoneEngine([square], []);
    expect(engine.update([tp(1, IN)], 10)).toEqual([]);
    expect(engine.occupancy()).toEqual({ sq: {} });
    expect(engine.update([tp(1, IN)], 10.5)).toEqual([]);
    expect(engine.update([tp(1, IN)], 11)).toEqual([{ type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 10 }]);
    expect(engine.occupancy()).toEqual({ sq: { person: 1 } });
  });

  it('counts one visit when the foot point jitters on the edge', () => {
    const engine = new ZoneEngine([square], []);
    const edgeIn: [number, number] = [0.599, 0.4];
    const edgeOut: [number, number] = [0.601, 0.4];
    const jitter = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? edgeIn : edgeOut));
    // Jitter alone never confirms an entry.
    expect(run(engine, jitter)).toEqual([]);
    // Inside, then jitter, then gone: exactly one visit.
    const engine2 = new ZoneEngine([square], []);
    const events = run(engine2, [IN, IN, IN, ...jitter, OUT, OUT, OUT]);
    expect(events).toEqual([
      { type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 1 },
      // Jitter occupies t = 4…43 and ends outside (t = 43), so the outside run starts at t = 43.
      { type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 43, dwellSeconds: 42 },
    ]);
  });

  it('does not count missing frames either way', () => {
    const engine = new ZoneEngine([square], []);
    const events = run(engine, [IN, null, null, IN, null, IN, IN, OUT, null, OUT, null, null, OUT]);
    expect(events).toEqual([
      { type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 1 },
      { type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 8, dwellSeconds: 7 },
    ]);
  });

  it('honours enterFrames / exitFrames options', () => {
    const engine = new ZoneEngine([square], [], { enterFrames: 1, exitFrames: 2 });
    expect(run(engine, [IN, OUT, IN, OUT, OUT])).toEqual([
      { type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 1 },
      { type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 4, dwellSeconds: 3 },
    ]);
    expect(() => new ZoneEngine([square], [], { enterFrames: 0 })).toThrow(RangeError);
  });

  it('reports loitering once per visit when the dwell exceeds loiterSeconds', () => {
    const engine = new ZoneEngine([{ ...square, loiterSeconds: 5 }], []);
    // Enter at t=1; dwell at t=6 is 5 (not exceeding), at t=7 is 6.
    const events = run(engine, [IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, OUT, OUT, OUT, IN, IN, IN, IN]);
    expect(events).toEqual([
      { type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 1 },
      { type: 'zone.loitering', zone: 'sq', trackId: 1, className: 'person', t: 7, dwellSeconds: 6 },
      { type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 11, dwellSeconds: 10 },
      // Second visit from t=14: confirmed at t=16, dwell 3 at the end; no loitering.
      { type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 14 },
    ]);
  });

  it('reports crowded at the threshold and clear only at threshold − 2', () => {
    const engine = new ZoneEngine([{ ...square, crowdThreshold: 5 }], [], { enterFrames: 1, exitFrames: 1 });
    const step = (n: number, t: number): AnalyticsEvent[] =>
      engine.update(
        Array.from({ length: 6 }, (_, i) => tp(i + 1, i < n ? IN : OUT)),
        t,
      ).filter((e) => e.type === 'zone.crowded' || e.type === 'zone.clear');
    expect(step(4, 1)).toEqual([]);
    expect(step(5, 2)).toEqual([{ type: 'zone.crowded', zone: 'sq', t: 2, occupancy: 5, threshold: 5 }]);
    expect(step(6, 3)).toEqual([]);
    expect(step(4, 4)).toEqual([]);
    expect(step(5, 5)).toEqual([]);
    expect(step(4, 6)).toEqual([]);
    expect(step(3, 7)).toEqual([{ type: 'zone.clear', zone: 'sq', t: 7, occupancy: 3, threshold: 5 }]);
    expect(step(4, 8)).toEqual([]);
    expect(step(5, 9)).toEqual([{ type: 'zone.crowded', zone: 'sq', t: 9, occupancy: 5, threshold: 5 }]);
    expect(engine.occupancy()).toEqual({ sq: { person: 5 } });
    // Stream stops: everyone leaves, the zone clears.
    const flushed = engine.flush(20);
    expect(flushed.filter((e) => e.type === 'zone.exit')).toHaveLength(5);
    expect(flushed.at(-1)).toEqual({ type: 'zone.clear', zone: 'sq', t: 20, occupancy: 0, threshold: 5 });
    expect(engine.occupancy()).toEqual({ sq: {} });
  });

  it('clears a threshold-1 zone when it empties', () => {
    const engine = new ZoneEngine([{ ...square, crowdThreshold: 1 }], [], { enterFrames: 1, exitFrames: 1 });
    expect(engine.update([tp(1, IN)], 1)).toEqual([
      { type: 'zone.enter', zone: 'sq', trackId: 1, className: 'person', t: 1 },
      { type: 'zone.crowded', zone: 'sq', t: 1, occupancy: 1, threshold: 1 },
    ]);
    expect(engine.update([tp(1, OUT)], 2)).toEqual([
      { type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 2, dwellSeconds: 1 },
      { type: 'zone.clear', zone: 'sq', t: 2, occupancy: 0, threshold: 1 },
    ]);
  });

  it('filters zone classes and keeps occupancy per class', () => {
    const zones: ZoneDef[] = [{ ...square, id: 'cars', classes: ['car', 'truck'] }, { ...square, id: 'all' }];
    const engine = new ZoneEngine(zones, [], { enterFrames: 1 });
    const events = engine.update([tp(1, IN, 'person'), tp(2, IN, 'car'), tp(3, IN, 'car'), tp(4, IN, 'truck')], 1);
    expect(events.filter((e) => e.type === 'zone.enter' && e.zone === 'cars').map((e) => ('trackId' in e ? e.trackId : -1))).toEqual([
      2, 3, 4,
    ]);
    expect(engine.occupancy()).toEqual({ cars: { car: 2, truck: 1 }, all: { person: 1, car: 2, truck: 1 } });
  });

  it('endTrack closes open visits at once and forgets the track', () => {
    const engine = new ZoneEngine([square, { ...square, id: 'other' }], []);
    run(engine, [IN, IN, IN, IN]);
    expect(engine.trackCount).toBe(1);
    expect(engine.endTrack(1, 9)).toEqual([
      { type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 9, dwellSeconds: 8 },
      { type: 'zone.exit', zone: 'other', trackId: 1, className: 'person', t: 9, dwellSeconds: 8 },
    ]);
    expect(engine.trackCount).toBe(0);
    expect(engine.occupancy()).toEqual({ sq: {}, other: {} });
    expect(engine.endTrack(1, 10)).toEqual([]);
  });

  it('endTrack during a pending exit uses the first outside frame', () => {
    const engine = new ZoneEngine([square], []);
    run(engine, [IN, IN, IN, IN, OUT]); // first outside frame t=5
    expect(engine.endTrack(1, 12)).toEqual([{ type: 'zone.exit', zone: 'sq', trackId: 1, className: 'person', t: 5, dwellSeconds: 4 }]);
  });

  it('a pending entry is dropped when the track ends', () => {
    const engine = new ZoneEngine([square], []);
    run(engine, [IN, IN]);
    expect(engine.endTrack(1, 3)).toEqual([]);
    expect(engine.flush(4)).toEqual([]);
  });
});

describe('ZoneEngine lines', () => {
  // Diagonal from top-left to bottom-right. Standing on a = (0.2, 0.2) looking at b = (0.8, 0.8),
  // the upper-right half of the screen (x > y) is on the LEFT, the lower-left half (x < y) on the RIGHT.
  const diagonal: LineDef = {
    id: 'diag',
    points: [
      [0.2, 0.2],
      [0.8, 0.8],
    ],
  };
  const upperRight: [number, number] = [0.6, 0.4];
  const lowerLeft: [number, number] = [0.4, 0.6];

  it('left → right is in, right → left is out (diagonal line, separate tracks)', () => {
    const engine = new ZoneEngine([], [diagonal]);
    const events: AnalyticsEvent[] = [];
    events.push(...engine.update([tp(1, upperRight), tp(2, lowerLeft)], 1));
    events.push(...engine.update([tp(1, lowerLeft), tp(2, upperRight)], 2));
    expect(events).toEqual([
      { type: 'line.cross', line: 'diag', trackId: 1, className: 'person', t: 2, direction: 'in' },
      { type: 'line.cross', line: 'diag', trackId: 2, className: 'person', t: 2, direction: 'out' },
    ]);
  });

  it('a horizontal line pointing right: moving down the screen is in', () => {
    const engine = new ZoneEngine([], [{ id: 'h', points: [[0.1, 0.5], [0.9, 0.5]] }]);
    expect(run(engine, [[0.5, 0.3], [0.5, 0.7]], 1)).toEqual([
      { type: 'line.cross', line: 'h', trackId: 1, className: 'person', t: 2, direction: 'in' },
    ]);
    expect(run(engine, [[0.5, 0.7], [0.5, 0.3]], 2)).toEqual([
      { type: 'line.cross', line: 'h', trackId: 2, className: 'person', t: 2, direction: 'out' },
    ]);
    // Reversing the line's direction swaps in and out.
    const reversed = new ZoneEngine([], [{ id: 'h', points: [[0.9, 0.5], [0.1, 0.5]] }]);
    expect(run(reversed, [[0.5, 0.3], [0.5, 0.7]], 1)).toEqual([
      { type: 'line.cross', line: 'h', trackId: 1, className: 'person', t: 2, direction: 'out' },
    ]);
  });

  it('a vertical line pointing down: moving from right to left is in', () => {
    const engine = new ZoneEngine([], [{ id: 'v', points: [[0.5, 0.1], [0.5, 0.9]] }]);
    expect(run(engine, [[0.7, 0.5], [0.3, 0.5]], 1)).toEqual([
      { type: 'line.cross', line: 'v', trackId: 1, className: 'person', t: 2, direction: 'in' },
    ]);
  });

  it('does not count a crossing beyond the ends of the segment', () => {
    const engine = new ZoneEngine([], [diagonal]);
    // Crosses the infinite line y = x at (0.9, 0.9), beyond b.
    expect(run(engine, [[0.95, 0.85], [0.85, 0.95]])).toEqual([]);
    // Crosses at (0.1, 0.1), before a.
    expect(run(engine, [[0.15, 0.05], [0.05, 0.15]], 2)).toEqual([]);
  });

  it('counts a track crossing back and forth once per direction (its first crossing each way)', () => {
    const engine = new ZoneEngine([], [diagonal]);
    const events = run(engine, [upperRight, lowerLeft, upperRight, lowerLeft, upperRight]);
    expect(events).toEqual([
      { type: 'line.cross', line: 'diag', trackId: 1, className: 'person', t: 2, direction: 'in' },
      { type: 'line.cross', line: 'diag', trackId: 1, className: 'person', t: 3, direction: 'out' },
    ]);
  });

  it('counts a crossing across an occlusion gap', () => {
    const engine = new ZoneEngine([], [diagonal]);
    const events = run(engine, [upperRight, upperRight, null, null, null, lowerLeft]);
    expect(events).toEqual([{ type: 'line.cross', line: 'diag', trackId: 1, className: 'person', t: 6, direction: 'in' }]);
  });

  it('counts a crossing that stops on the line on the way', () => {
    const engine = new ZoneEngine([], [diagonal]);
    const events = run(engine, [upperRight, [0.5, 0.5], lowerLeft]);
    expect(events).toEqual([{ type: 'line.cross', line: 'diag', trackId: 1, className: 'person', t: 3, direction: 'in' }]);
    // Touching the line and going back is no crossing.
    expect(run(engine, [upperRight, [0.5, 0.5], upperRight], 2)).toEqual([]);
  });

  it('filters line classes', () => {
    const engine = new ZoneEngine([], [{ ...diagonal, classes: ['car'] }]);
    const events: AnalyticsEvent[] = [];
    events.push(...engine.update([tp(1, upperRight, 'person'), tp(2, upperRight, 'car')], 1));
    events.push(...engine.update([tp(1, lowerLeft, 'person'), tp(2, lowerLeft, 'car')], 2));
    expect(events).toEqual([{ type: 'line.cross', line: 'diag', trackId: 2, className: 'car', t: 2, direction: 'in' }]);
  });

  it('forgets ended tracks: a reused id starts afresh', () => {
    const engine = new ZoneEngine([], [diagonal]);
    run(engine, [upperRight, lowerLeft]);
    engine.endTrack(1, 3);
    expect(engine.trackCount).toBe(0);
    // First appearance after the reset has no previous point: no crossing from the stale position.
    expect(run(engine, [upperRight, lowerLeft], 1, 'person', 4)).toEqual([
      { type: 'line.cross', line: 'diag', trackId: 1, className: 'person', t: 5, direction: 'in' },
    ]);
  });
});

describe('ZoneEngine at scale', () => {
  it('keeps exact counts for many tracks, zones and lines', () => {
    const zones: ZoneDef[] = Array.from({ length: 10 }, (_, i) => ({
      id: `z${i}`,
      points: [
        [i / 10, 0],
        [(i + 1) / 10, 0],
        [(i + 1) / 10, 1],
        [i / 10, 1],
      ],
    }));
    const lines: LineDef[] = Array.from({ length: 10 }, (_, i) => ({
      id: `l${i}`,
      points: [
        [(i + 0.5) / 10, 0],
        [(i + 0.5) / 10, 1],
      ],
    }));
    const engine = new ZoneEngine(zones, lines);
    // 50 tracks walk left to right across the frame in 200 frames.
    const counts = new Map<string, number>();
    for (let f = 0; f < 200; f++) {
      const x = (f + 0.5) / 200;
      const tracks = Array.from({ length: 50 }, (_, id) => tp(id, [x, (id + 0.5) / 50]));
      for (const e of engine.update(tracks, f)) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    }
    for (let id = 0; id < 50; id++) for (const e of engine.endTrack(id, 200)) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ 'zone.enter': 500, 'zone.exit': 500, 'line.cross': 500 });
    expect(engine.trackCount).toBe(0);
  });
});

describe('ZoneEngine visit stitching', () => {
  const at = (id: number, x: number, y: number, h = 0.2): TrackPoint => ({ id, className: 'person', x, y, h });

  it('a new id picking up a vanished person nearby continues the visit: one entry, one exit, full dwell', () => {
    const e = new ZoneEngine([square], [], { stitchSeconds: 2, stitchHeights: 0.5 });
    const events: AnalyticsEvent[] = [];
    for (let f = 0; f < 5; f++) events.push(...e.update([at(1, 0.4, 0.4)], f * 0.1)); // in from t = 0
    // Track 1 is lost behind someone; 0.3 s later the tracker finds the person again as track 2, 0.05 away.
    for (let f = 8; f < 14; f++) events.push(...e.update([at(2, 0.43, 0.42)], f * 0.1));
    events.push(...e.endTrack(1, 0.4));
    for (let f = 14; f < 18; f++) events.push(...e.update([at(2, 0.8, 0.8)], f * 0.1)); // walks out at t = 1.4
    expect(events.map((x) => `${x.type}:${'trackId' in x ? x.trackId : ''}`)).toEqual(['zone.enter:1', 'zone.exit:2']);
    const exit = events[1] as Extract<AnalyticsEvent, { type: 'zone.exit' }>;
    expect(exit.dwellSeconds).toBeCloseTo(1.4, 6);
    expect(e.occupancy()).toEqual({ sq: {} });
  });

  it('does not stitch a different person: too far away, too late, or while the first is still seen', () => {
    const far = new ZoneEngine([square], []);
    for (let f = 0; f < 4; f++) far.update([at(1, 0.25, 0.25)], f * 0.1);
    const farEvents = [4, 5, 6].flatMap((f) => far.update([at(2, 0.55, 0.55)], f * 0.1)); // 0.42 away, h 0.2 → limit 0.08 (0.4 heights)
    expect(farEvents.map((x) => x.type)).toEqual(['zone.enter']);

    const late = new ZoneEngine([square], [], { stitchSeconds: 2 });
    for (let f = 0; f < 4; f++) late.update([at(1, 0.4, 0.4)], f * 0.1);
    const lateEvents = [30, 31, 32].flatMap((f) => late.update([at(2, 0.41, 0.4)], f * 0.1)); // 2.7 s after
    expect(lateEvents.map((x) => x.type)).toEqual(['zone.enter']);

    const both = new ZoneEngine([square], []);
    for (let f = 0; f < 4; f++) both.update([at(1, 0.4, 0.4)], f * 0.1);
    const bothEvents = [4, 5, 6].flatMap((f) => both.update([at(1, 0.4, 0.4), at(2, 0.42, 0.4)], f * 0.1));
    expect(bothEvents.map((x) => x.type)).toEqual(['zone.enter']);
    expect(both.occupancy()).toEqual({ sq: { person: 2 } });
  });
});
