import { join } from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SITE_ROWS, type AreaDef } from '../src/analytics/area-occupancy.js';
import { engineSections } from '../src/analytics/engine-reports.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import type { Database } from '../src/store/schema.js';
import { tempDir } from './helpers.js';

/**
 * Issue 18: an area's occupancy rows belong to the site (SITE_ROWS), not to the camera of its first
 * line. A database written before (rows under 'door') is upgraded by migration 015: the area rows
 * move (summed with rows already under the site key), the cameras' own rows stay; afterwards a report
 * of a camera the area does not span has no area, and a report of any camera it spans has it whole.
 */
const M = 29_000_000; // a minute number (unix minutes)
const row = (camera_id: string, minute: number, kind: string, target: string, class_name: string, f: Partial<{ entries: number; exits: number; max_occupancy: number }>) => ({
  camera_id, minute: M + minute, kind, target, class_name, entries: f.entries ?? 0, exits: f.exits ?? 0, crossings_in: 0, crossings_out: 0, max_occupancy: f.max_occupancy ?? 0, dwell_sum: 0, visits: 0,
});

const SHOP: AreaDef = { id: 'shop', name: 'Shop floor', capacity: 20, lines: [{ camera: 'door', line: 'entrance', entry: 'in' }, { camera: 'back', line: 'gate', entry: 'in' }], inside: [{ camera: 'floor', zone: 'aisles' }] };

async function rows(db: Kysely<Database>) {
  return (await db.selectFrom('counts_minute').selectAll().orderBy('camera_id').orderBy('minute').orderBy('target').orderBy('class_name').execute()).map((r) => [r.camera_id, r.minute - M, r.kind, r.target, r.class_name, r.entries, r.exits, r.max_occupancy]);
}

describe('migration 015: area rows under the site key', () => {
  it('moves old area rows off the first line camera, keeping the camera rows and summing into site rows', async () => {
    const store = openDatabase(join(tempDir(), 'old.db'));
    const to014 = await new Migrator({ db: store.db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } }).migrateTo('014-privacy-boxes');
    expect(to014.error).toBeUndefined();
    await store.db
      .insertInto('counts_minute')
      .values([
        // Written by the old code: the shop's rows under its first line's camera …
        row('door', 0, 'occupancy', 'area:shop', 'flow', { entries: 5, exits: 1, max_occupancy: 4 }),
        row('door', 0, 'occupancy', 'area:shop', 'cap:20', { max_occupancy: 4 }),
        row('door', 1, 'occupancy', 'area:shop', 'flow', { entries: 2, exits: 3, max_occupancy: 6 }),
        row('door', 1, 'occupancy', 'area:shop', 'fix:below_zero@2026-12-01', { entries: 1 }),
        // … and, after the config's first line changed, under another camera (the same minute).
        row('back', 1, 'occupancy', 'area:shop', 'flow', { entries: 1, exits: 0, max_occupancy: 7 }),
        // The cameras' own rows stay where they are.
        row('door', 0, 'zone', 'hall', 'person', { entries: 3, exits: 2, max_occupancy: 2 }),
        row('door', 0, 'occupancy', 'zone:hall', 'cap:10', { max_occupancy: 2 }),
      ])
      .execute();
    const result = await migrateToLatest(store.db);
    // 015 and every later one ran.
    expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual(Object.keys(MIGRATIONS).filter((n) => n > '014-privacy-boxes').map((n) => [n, 'Success']));
    expect(result.results?.[0]?.migrationName).toBe('015-site-area-rows');
    expect(await rows(store.db)).toEqual([
      [SITE_ROWS, 0, 'occupancy', 'area:shop', 'cap:20', 0, 0, 4],
      [SITE_ROWS, 0, 'occupancy', 'area:shop', 'flow', 5, 1, 4],
      [SITE_ROWS, 1, 'occupancy', 'area:shop', 'fix:below_zero@2026-12-01', 1, 0, 0],
      [SITE_ROWS, 1, 'occupancy', 'area:shop', 'flow', 3, 3, 7],
      ['door', 0, 'zone', 'hall', 'person', 3, 2, 2],
      ['door', 0, 'occupancy', 'zone:hall', 'cap:10', 0, 0, 2],
    ]);

    // Reports: the area comes with any camera it spans (named, with its cameras), never with another.
    const range = { from: M * 60, to: (M + 2) * 60, resolution: 60 as const };
    type Occ = { areas: Record<string, { name: string; cameras: string[]; entries: number; exits: number; peak: number; capacity: number; peak_percent: number; corrections: unknown[] }>; zones: Array<{ zone: string; name: string }> };
    const occ = async (cameras: string[]) => ((await engineSections(store.db, { cameras, ...range }, { areas: [SHOP] })).analytics?.occupancy as Occ | undefined);
    const expected = { name: 'Shop floor', cameras: ['door', 'back', 'floor'], entries: 8, exits: 4, peak: 7, capacity: 20, peak_percent: 35 };
    expect((await occ(['floor']))!.areas.shop).toMatchObject(expected);
    expect((await occ(['back']))!.areas.shop).toMatchObject(expected);
    const door = (await occ(['door']))!;
    expect(door.areas.shop).toMatchObject(expected);
    expect(door.zones).toEqual([expect.objectContaining({ zone: 'hall', peak: 2 })]);
    // A camera the area does not span: no area (before, 'door' alone carried it).
    expect(await occ(['yard'])).toBeUndefined();
    // Without the area in the config any more, the camera reports hold only their own rows.
    expect((await engineSections(store.db, { cameras: ['door'], ...range })).analytics?.occupancy).toEqual({ areas: {}, zones: [expect.objectContaining({ zone: 'hall' })] });
    await store.close();
  });
});
