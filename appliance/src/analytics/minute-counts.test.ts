import { describe, expect, it } from 'vitest';
import { MinuteCounts, type MinuteRow } from './minute-counts.js';
import { ZoneEngine, type AnalyticsEvent, type TrackPoint } from './zone-engine.js';

const T0 = 1_700_000_040; // unix seconds at the start of a minute
const M0 = T0 / 60;

function zoneRow(minute: number, id: string, className: string, fields: Partial<MinuteRow>): MinuteRow {
  return { minute, kind: 'zone', id, className, entries: 0, exits: 0, crossingsIn: 0, crossingsOut: 0, maxOccupancy: 0, dwellSum: 0, visits: 0, ...fields };
}

function lineRow(minute: number, id: string, className: string, fields: Partial<MinuteRow>): MinuteRow {
  return { minute, kind: 'line', id, className, entries: 0, exits: 0, crossingsIn: 0, crossingsOut: 0, maxOccupancy: 0, dwellSum: 0, visits: 0, ...fields };
}

describe('MinuteCounts', () => {
  it('aggregates events and occupancy per minute, zone/line and class', () => {
    const mc = new MinuteCounts();
    const e = (ev: AnalyticsEvent): AnalyticsEvent => ev;
    mc.add(
      [
        e({ type: 'zone.enter', zone: 'z', trackId: 1, className: 'person', t: T0 + 1 }),
        e({ type: 'zone.enter', zone: 'z', trackId: 2, className: 'car', t: T0 + 2 }),
        e({ type: 'line.cross', line: 'l', trackId: 3, className: 'person', t: T0 + 3, direction: 'in' }),
      ],
      { z: { person: 1, car: 1 } },
      T0 + 3,
    );
    mc.add(
      [
        e({ type: 'zone.enter', zone: 'z', trackId: 4, className: 'person', t: T0 + 10 }),
        e({ type: 'line.cross', line: 'l', trackId: 5, className: 'person', t: T0 + 11, direction: 'out' }),
        e({ type: 'line.cross', line: 'l', trackId: 6, className: 'person', t: T0 + 11, direction: 'in' }),
        e({ type: 'zone.loitering', zone: 'z', trackId: 1, className: 'person', t: T0 + 11, dwellSeconds: 10 }),
      ],
      { z: { person: 2, car: 1 } },
      T0 + 11,
    );
    mc.add(
      [
        e({ type: 'zone.exit', zone: 'z', trackId: 1, className: 'person', t: T0 + 59, dwellSeconds: 58 }),
        e({ type: 'zone.exit', zone: 'z', trackId: 4, className: 'person', t: T0 + 60, dwellSeconds: 50 }),
        e({ type: 'zone.crowded', zone: 'z', t: T0 + 60, occupancy: 5, threshold: 5 }),
      ],
      { z: { car: 1 } },
      T0 + 60,
    );
    expect(mc.drain()).toEqual([
      lineRow(M0, 'l', 'person', { crossingsIn: 2, crossingsOut: 1 }),
      zoneRow(M0, 'z', 'car', { entries: 1, maxOccupancy: 1 }),
      zoneRow(M0, 'z', 'person', { entries: 2, exits: 1, visits: 1, dwellSum: 58, maxOccupancy: 2 }),
      zoneRow(M0 + 1, 'z', 'car', { maxOccupancy: 1 }),
      zoneRow(M0 + 1, 'z', 'person', { exits: 1, visits: 1, dwellSum: 50 }),
    ]);
    expect(mc.size).toBe(0);
    expect(mc.drain()).toEqual([]);
  });

  it('drains only minutes before beforeMinute; a late event returns its own minute again', () => {
    const mc = new MinuteCounts();
    mc.add([{ type: 'zone.enter', zone: 'z', trackId: 1, className: 'person', t: T0 + 5 }], { z: { person: 1 } }, T0 + 5);
    mc.add([], { z: { person: 1 } }, T0 + 65);
    expect(mc.drain(M0 + 1)).toEqual([zoneRow(M0, 'z', 'person', { entries: 1, maxOccupancy: 1 })]);
    // An exit dated in the drained minute is counted in that minute (the consumer adds it to the stored row).
    mc.add([{ type: 'zone.exit', zone: 'z', trackId: 1, className: 'person', t: T0 + 30, dwellSeconds: 25 }], {}, T0 + 70);
    expect(mc.drain(M0 + 2)).toEqual([
      zoneRow(M0, 'z', 'person', { exits: 1, visits: 1, dwellSum: 25 }),
      zoneRow(M0 + 1, 'z', 'person', { maxOccupancy: 1 }),
    ]);
  });

  it('counts what a ZoneEngine reports', () => {
    const engine = new ZoneEngine(
      [{ id: 'door', points: [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]] }],
      [{ id: 'gate', points: [[0.7, 0], [0.7, 1]] }],
      { enterFrames: 2, exitFrames: 2 },
    );
    const mc = new MinuteCounts();
    const at = (x: number): TrackPoint => ({ id: 7, className: 'person', x, y: 0.4 });
    // One walker, 1 s per frame: enters the door zone at T0+1, leaves it at T0+4, crosses the gate at T0+6.
    const xs = [0.1, 0.3, 0.4, 0.5, 0.65, 0.68, 0.75, 0.9];
    xs.forEach((x, i) => {
      const t = T0 + i;
      mc.add(engine.update([at(x)], t), engine.occupancy(), t);
    });
    mc.add(engine.endTrack(7, T0 + 8), engine.occupancy(), T0 + 8);
    expect(mc.drain()).toEqual([
      // The gate points down the screen, so its left is the right half of the frame: walking rightwards
      // goes from its right side to its left side, which is 'out'.
      lineRow(M0, 'gate', 'person', { crossingsOut: 1 }),
      zoneRow(M0, 'door', 'person', { entries: 1, exits: 1, visits: 1, dwellSum: 3, maxOccupancy: 1 }),
    ]);
  });
});
