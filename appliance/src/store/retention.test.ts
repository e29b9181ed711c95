import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { AlertStore } from './alert-store.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from './database.js';
import { encodeGrid } from './heatmap-grid.js';
import { Retention, retentionDays } from './retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

describe('Retention', () => {
  let store: OpenedDatabase | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('deletes each kind of row past its own retention and keeps the rest', async () => {
    store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-ret-')), 'r.db'));
    await migrateToLatest(store.db);
    const db = store.db;
    // One row just past and one just within each table's retention (days: events 30, minutes 90, heatmap hours 365, tracks 30, detection seconds 7, reports 365).
    for (const [age, id] of [[31, 'old'], [29, 'new']] as const) {
      await db.insertInto('events').values({ ts: NOW - age * DAY, camera_id: 'c', type: 'zone.enter', target: 'z', track_id: 1, class_name: 'person', direction: null, value: null }).execute();
      await db.insertInto('tracks').values({ camera_id: 'c', track_id: age, class_id: 0, class_name: 'person', first_seen: NOW - age * DAY, last_seen: NOW - age * DAY, best_score: 0.9, hits: 3, path_length: 1, path: '[]' }).execute();
      await db.insertInto('reports').values({ id, kind: 'range', cameras: '[]', range_from: 0, range_to: 1, created_at: NOW - (age + 335) * DAY, body: '{}' }).execute();
      new AlertStore(store.raw).addNotification({ ts: NOW - age * DAY, ruleId: 'r', ruleName: 'r', type: 'presence', camera: 'c', message: 'm', details: {}, deliveries: {} });
    }
    for (const age of [8, 6]) await db.insertInto('detection_seconds').values({ camera_id: 'c', ts: Math.floor((NOW - age * DAY) / 1000), class_id: 0, class_name: 'person', frames: 1, detections: 1, max_count: 1 }).execute();
    for (const age of [91, 89]) {
      await db.insertInto('counts_minute').values({ camera_id: 'c', minute: Math.floor((NOW - age * DAY) / 60_000), kind: 'zone', target: 'z', class_name: 'person', entries: 1, exits: 0, crossings_in: 0, crossings_out: 0, max_occupancy: 1, dwell_sum: 0, visits: 0 }).execute();
    }
    const grid = encodeGrid({ width: 1, height: 1, values: Float32Array.from([1]) });
    for (const age of [366, 364]) await db.insertInto('heatmap_hour').values({ camera_id: 'c', kind: 'presence', class_name: 'person', bucket: Math.floor((NOW - age * DAY) / 1000), data: grid }).execute();

    const cfg = { events_days: 30, minute_counts_days: 90, heatmap_hours_days: 365, heatmap_days_days: 1825, tracks_days: 30, detection_seconds_days: 7, reports_days: 365 };
    const r = new Retention(store, retentionDays(cfg), { now: () => NOW, monotonic: () => 0 }, silentLogger());
    const deleted = await r.apply();
    expect(deleted).toEqual({ events: 1, counts_minute: 1, heatmap_hour: 1, heatmap_day: 0, tracks: 1, detection_seconds: 1, reports: 1, notifications: 1 });
    for (const table of ['events', 'counts_minute', 'heatmap_hour', 'tracks', 'detection_seconds', 'reports', 'notifications'] as const) {
      expect((store.raw.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n, table).toBe(1);
    }
    expect(await r.apply()).toMatchObject({ events: 0, tracks: 0, notifications: 0 });
  });
});
