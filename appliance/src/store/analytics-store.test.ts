import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './database.js';
import { AnalyticsStore } from './analytics-store.js';

describe('AnalyticsStore heatmaps', () => {
  it('adds deltas into hour and day buckets and answers any range exactly once per hour', async () => {
    const store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-heat-')), 'h.db'));
    await migrateToLatest(store.db);
    const a = new AnalyticsStore(store.db);
    const day = 86_400 * 20_000; // a UTC midnight
    const grid = (v: number) => ({ width: 2, height: 1, values: Float32Array.from([v, 0]) });
    // One unit in each hour of two whole days and the hour after them, written as two deltas each.
    const heatmaps = [];
    for (let h = 0; h < 49; h++) for (const v of [0.25, 0.75]) heatmaps.push({ camera: 'c', className: 'person', kind: 'presence' as const, bucket: day + h * 3600, grid: grid(v) });
    await a.write({ events: [], minutes: [], heatmaps });
    const sum = async (from: number, to: number) => (await a.heatmap('c', 'presence', from, to))?.values[0] ?? 0;
    expect(await sum(day, day + 3600)).toBe(1); // one hour
    expect(await sum(day + 1800, day + 1900)).toBe(1); // inside an hour: that hour
    expect(await sum(day, day + 86_400)).toBe(24); // one whole day, from the day row
    expect(await sum(day + 1800, day + 2 * 86_400 + 1800)).toBe(49); // ragged ends + 1 whole day, no double count
    expect(await sum(day - 86_400, day)).toBe(0);
    expect(await a.heatmap('c', 'traffic', day, day + 3600)).toBeUndefined();
    await store.close();
  });
});
