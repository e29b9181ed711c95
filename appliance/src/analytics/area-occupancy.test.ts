import { describe, expect, it } from 'vitest';
import { AreaLedger } from './area-occupancy.js';

const AREA = { id: 'hall', capacity: 4, lines: [{ camera: 'c', line: 'door', entry: 'in' as const }], inside: [{ camera: 'c', zone: 'floor' }] };

describe('area occupancy ledger', () => {
  it('never goes below zero nor below what the cameras see inside, and says why', () => {
    const l = new AreaLedger([AREA], undefined, 'UTC');
    const t = Date.UTC(2026, 5, 1, 10) / 1000;
    l.cross('c', 'door', 'out', t); // an exit with nobody counted in: an entry was missed
    l.settle(t);
    expect(l.live().hall).toMatchObject({ occupancy: 0, exits: 1, added: 1, removed: 0 });
    l.see('c', { floor: { person: 2, dog: 1 } }); // three inside, none counted
    l.settle(t + 5);
    expect(l.live().hall).toMatchObject({ occupancy: 3, seen_inside: 3, added: 4, percent: 75 });
    l.cross('c', 'door', 'in', t + 6);
    l.settle(t + 6);
    expect(l.live().hall!.occupancy).toBe(4);
    const fixes = l.drain('c').filter((r) => r.class_name.startsWith('fix:'));
    expect(fixes.map((r) => [r.class_name, r.entries, r.exits])).toEqual([
      ['fix:below_zero@2026-06-01', 1, 0],
      ['fix:below_seen@2026-06-01', 3, 0],
    ]);
    // Only the area's owner (the camera of its first line) stores its rows.
    expect(l.drain('other')).toEqual([]);
  });

  it('resets at the local closing time across a DST change (Europe/Berlin, 29 March 2026)', () => {
    const l = new AreaLedger([AREA], '22:00', 'Europe/Berlin');
    // 28 March 22:00 CET = 21:00 UTC; 29 March 22:00 CEST = 20:00 UTC.
    const sat = Date.UTC(2026, 2, 28, 12) / 1000;
    l.settle(sat);
    for (let i = 0; i < 3; i++) l.cross('c', 'door', 'in', sat + i);
    l.settle(Date.UTC(2026, 2, 28, 20, 59) / 1000);
    expect(l.live().hall!.occupancy).toBe(3);
    l.settle(Date.UTC(2026, 2, 28, 21, 0, 1) / 1000);
    expect(l.live().hall).toMatchObject({ occupancy: 0, day: '2026-03-29', previous: { day: '2026-03-28', entries: 3, removed: 3 } });
    l.cross('c', 'door', 'in', Date.UTC(2026, 2, 29, 9) / 1000);
    l.settle(Date.UTC(2026, 2, 29, 19, 59, 59) / 1000);
    expect(l.live().hall!.occupancy).toBe(1);
    l.settle(Date.UTC(2026, 2, 29, 20, 0, 0) / 1000);
    expect(l.live().hall).toMatchObject({ occupancy: 0, previous: { day: '2026-03-29', entries: 1, removed: 1 } });
  });

  it("follows the site's time zone when it changes", () => {
    let tz = 'Asia/Tokyo';
    const l = new AreaLedger([AREA], '22:00', () => tz);
    const day = Date.UTC(2026, 5, 1) / 1000;
    l.cross('c', 'door', 'in', day + 3600);
    l.settle(day + 13 * 3600 - 1);
    expect(l.live().hall!.occupancy).toBe(1);
    l.settle(day + 13 * 3600); // 22:00 in Tokyo
    expect(l.live().hall).toMatchObject({ occupancy: 0, previous: { day: '2026-06-01', removed: 1 } });
    tz = 'UTC';
    l.cross('c', 'door', 'in', day + 14 * 3600);
    l.settle(day + 22 * 3600 - 1);
    expect(l.live().hall!.occupancy).toBe(1);
    l.settle(day + 22 * 3600); // 22:00 UTC
    expect(l.live().hall).toMatchObject({ occupancy: 0, previous: { day: '2026-06-01', removed: 1 } });
  });
});
