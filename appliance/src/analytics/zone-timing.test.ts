import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/loader.js';
import { zoneTimingOptions } from './engines/zones.js';
import { ZoneEngine, type AnalyticsEvent, type ZoneDef, type ZoneEngineOptions } from './zone-engine.js';

/** Zone entries and exits by time (analytics.zone_enter_seconds / zone_exit_seconds), at any frame rate. */
const square: ZoneDef = { id: 'sq', points: [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]] };
const IN = 0.4;
const OUT = 0.8;
const DEFAULT_RULE = zoneTimingOptions(validateConfig({}).analytics);

/** Inside during these [from, to) intervals (seconds), outside otherwise. */
type Walk = Array<[number, number]>;

function play(walk: Walk, fps: number, seconds: number, opts: Partial<ZoneEngineOptions> = DEFAULT_RULE): AnalyticsEvent[] {
  const engine = new ZoneEngine([square], [], opts);
  const events: AnalyticsEvent[] = [];
  for (let i = 0; i / fps < seconds; i++) {
    const t = i / fps;
    const inside = walk.some(([a, b]) => t >= a && t < b);
    const p = inside ? IN : OUT;
    events.push(...engine.update([{ id: 1, className: 'person', x: p, y: p, h: 0.2 }], t));
  }
  events.push(...engine.flush(seconds));
  return events;
}

const visits = (events: AnalyticsEvent[]) =>
  events.flatMap((e) => (e.type === 'zone.enter' ? [`enter@${e.t.toFixed(2)}`] : e.type === 'zone.exit' ? [`exit dwell ${e.dwellSeconds.toFixed(2)}`] : []));

describe('zone entries and exits by time', () => {
  it('has time-based defaults: 0.3 s in, 0.5 s out, at least 2 appearances, no edge depth', () => {
    expect(DEFAULT_RULE).toEqual({ enterFrames: 2, exitFrames: 2, enterSeconds: 0.3, exitSeconds: 0.5, zoneDepth: 0 });
  });

  // In at 1.01 s, a 0.2 s step out at 2.51 s, out at 4.01 s; a 0.2 s corner cut at 5.01 s; back in
  // for a second visit from 6.01 to 7.01 s.
  const walk: Walk = [[1.01, 2.51], [2.71, 4.01], [5.01, 5.21], [6.01, 7.01]];

  for (const fps of [5, 10, 25]) {
    it(`the same walk gives the same visits at ${fps} fps, dwell within one frame interval`, () => {
      const events = play(walk, fps, 8);
      expect(events.map((e) => e.type)).toEqual(['zone.enter', 'zone.exit', 'zone.enter', 'zone.exit']);
      const dt = 1 / fps;
      const [e1, x1, e2, x2] = events as [AnalyticsEvent, Extract<AnalyticsEvent, { type: 'zone.exit' }>, AnalyticsEvent, Extract<AnalyticsEvent, { type: 'zone.exit' }>];
      expect(e1.t).toBeGreaterThanOrEqual(1.01);
      expect(e1.t).toBeLessThanOrEqual(1.01 + dt + 1e-9);
      expect(Math.abs(x1.dwellSeconds - 3)).toBeLessThanOrEqual(dt + 1e-9);
      expect(e2.t).toBeGreaterThanOrEqual(6.01);
      expect(e2.t).toBeLessThanOrEqual(6.01 + dt + 1e-9);
      expect(Math.abs(x2.dwellSeconds - 1)).toBeLessThanOrEqual(dt + 1e-9);
    });
  }

  it('the old frame rule does not: at 25 fps the 0.2 s step out splits the visit and the corner cut counts, at 5 fps neither', () => {
    const frames = { enterFrames: 3, exitFrames: 3 };
    expect(play(walk, 25, 8, frames).filter((e) => e.type === 'zone.enter')).toHaveLength(4);
    expect(play(walk, 5, 8, frames).filter((e) => e.type === 'zone.enter')).toHaveLength(2);
  });

  it('a track inside for 0.12 s at 25 fps is no entry; a visitor back 0.48 s after stepping out continues the visit', () => {
    // TUD-Stadtmitte's two extra entries: in at 1.04 s and out at 1.16 s; out at 1.92 s and back at 2.40 s.
    expect(visits(play([[1.04, 1.16]], 25, 3))).toEqual([]);
    expect(visits(play([[1.0, 1.92], [2.4, 3.6]], 25, 4.5))).toEqual(['enter@1.00', 'exit dwell 2.60']);
  });

  it('an edge depth in box sizes: a foot point hovering on the edge counts neither way', () => {
    const engine = new ZoneEngine([square], [], { ...DEFAULT_RULE, zoneDepth: 0.2 });
    const events: AnalyticsEvent[] = [];
    // h = 0.2: 0.2 box sizes = 0.04 of the frame. x 0.59 and 0.61 are within 0.01 of the edge x = 0.6.
    for (let i = 0; i < 50; i++) events.push(...engine.update([{ id: 1, className: 'person', x: i % 2 ? 0.59 : 0.61, y: 0.4, h: 0.2 }], i / 25));
    expect(events).toEqual([]);
    for (let i = 50; i < 70; i++) events.push(...engine.update([{ id: 1, className: 'person', x: 0.5, y: 0.4, h: 0.2 }], i / 25));
    for (let i = 70; i < 90; i++) events.push(...engine.update([{ id: 1, className: 'person', x: i % 2 ? 0.59 : 0.61, y: 0.4, h: 0.2 }], i / 25));
    for (let i = 90; i < 110; i++) events.push(...engine.update([{ id: 1, className: 'person', x: 0.7, y: 0.4, h: 0.2 }], i / 25));
    expect(visits(events)).toEqual(['enter@2.00', 'exit dwell 1.60']);
  });

  it('old config files with hysteresis_frames still load; bad zone timing is refused by name', () => {
    const old = validateConfig({ analytics: { hysteresis_frames: 3 } }).analytics;
    expect(zoneTimingOptions(old)).toMatchObject({ enterFrames: 3, exitFrames: 3, enterSeconds: 0.3, exitSeconds: 0.5 });
    expect(() => validateConfig({ analytics: { zone_enter_seconds: -1 } })).toThrow(/zone_enter_seconds/);
    expect(() => validateConfig({ analytics: { zone_depth: 'deep' } })).toThrow(/zone_depth/);
    expect(() => new ZoneEngine([square], [], { exitSeconds: Number.NaN })).toThrow(RangeError);
  });
});
