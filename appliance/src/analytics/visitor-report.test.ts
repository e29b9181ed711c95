import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../store/analytics-store.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import type { TrackSnapshot } from '../track/types.js';
import { CameraAnalytics } from './camera-analytics.js';
import { HeatmapAccumulator } from './heatmap.js';
import { buildReport, timelineCsv } from './report-builder.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0) / 1000;
const W = 640;
const H = 480;

function track(id: number, cx: number, classId = 0): TrackSnapshot {
  // A 40×100 px box whose foot point is at (cx, 400).
  return { id, classId, box: { x1: cx - 20, y1: 300, x2: cx + 20, y2: 400 }, score: 0.9, state: 'tracked', firstSeen: 0, lastSeen: 0, hits: 5 };
}

describe('visitors in reports', () => {
  it('counts distinct visitors per interval next to tracks: two tracks of one person stitched into one visitor', async () => {
    const ca = new CameraAnalytics('cam', { zones: [], lines: [] }, 3, new HeatmapAccumulator(), (c) => (c === 0 ? 'person' : 'car'));
    const fps = 10;
    // Minute 0: a person walks right as track 1, is lost for 0.3 s and found again as track 2 a few
    // pixels on (one visitor, two tracks); a car (track 3) drives by elsewhere.
    for (let i = 0; i < 20; i++) ca.onFrame([track(1, 100 + 2 * i), track(3, 500, 1)], T0 + 5 + i / fps, W, H);
    ca.onTrackEnd(3, T0 + 7);
    for (let i = 23; i < 40; i++) ca.onFrame([track(2, 100 + 2 * i)], T0 + 5 + i / fps, W, H);
    ca.onTrackEnd(1, T0 + 9);
    // Minute 1: another person (track 4), far from where the first one was.
    for (let i = 0; i < 10; i++) ca.onFrame([track(4, 400 - 3 * i)], T0 + 70 + i / fps, W, H);
    // Minute 2: the first person's track 2 is seen again — still the same visitor, no new one.
    ca.onFrame([track(2, 190)], T0 + 125, W, H);

    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-visitors-')), 'v.db'));
    await migrateToLatest(db.db);
    const store = new AnalyticsStore(db.db);
    // Two flushes, as the daemon does every few seconds: rows of one minute add up.
    await store.write({ events: [], minutes: ca.drainMinutes(T0 / 60 + 1), heatmaps: [] });
    await store.write({ events: [], minutes: ca.drainMinutes(), heatmaps: [] });
    const tracks = [1, 2, 3, 4].map((id) => ({
      camera_id: 'cam',
      track_id: id,
      class_id: id === 3 ? 1 : 0,
      class_name: id === 3 ? 'car' : 'person',
      first_seen: (id === 4 ? T0 + 70 : T0 + 5) * 1000,
      last_seen: (id === 2 ? T0 + 125 : id === 4 ? T0 + 71 : T0 + 9) * 1000,
      best_score: 0.9,
      hits: 5,
      path_length: 0,
      path: '[]',
    }));
    await db.db.insertInto('tracks').values(tracks).execute();

    const body = await buildReport(db.db, store, { cameras: ['cam'], from: T0, to: T0 + 180, resolution: 60 }, new Date((T0 + 200) * 1000));
    expect(body.tracks).toEqual({ total: 4, by_class: { person: 3, car: 1 } });
    expect(body.visitors).toEqual({ total: 3, by_class: { person: 2, car: 1 } });
    expect(body.timeline.map((r) => [r.tracks, r.visitors])).toEqual([[3, 2], [1, 1], [0, 0]]);
    const csv = timelineCsv(body).trim().split('\n');
    expect(csv[0]).toBe('time,tracks,visitors,entries,exits,crossings_in,crossings_out,max_occupancy,coverage_pct,low_coverage');
    expect(csv[1]!.split(',').slice(0, 3)).toEqual(['2026-11-23T12:00:00.000Z', '3', '2']);
    // A range that starts after a visitor's first minute does not count them.
    const later = await buildReport(db.db, store, { cameras: ['cam'], from: T0 + 60, to: T0 + 180, resolution: 60 }, new Date((T0 + 200) * 1000));
    expect(later.visitors.total).toBe(1);
    await db.close();
  });
});
