import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger.js';
import { AnalyticsStore } from '../store/analytics-store.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { Reports, nextDaily, nextHour, startOfLocalDay } from './reports.js';

describe('report schedule', () => {
  it('runs hourly reports at the next full hour', () => {
    const t = Date.UTC(2026, 10, 23, 10, 59, 59, 500);
    expect(nextHour(t)).toBe(Date.UTC(2026, 10, 23, 11, 0, 0));
    expect(nextHour(Date.UTC(2026, 10, 23, 11, 0, 0))).toBe(Date.UTC(2026, 10, 23, 12, 0, 0));
  });

  it('runs the daily report at the next local HH:MM, today or tomorrow', () => {
    const morning = new Date(2026, 10, 23, 0, 1).getTime();
    expect(new Date(nextDaily(morning, '00:05'))).toEqual(new Date(2026, 10, 23, 0, 5));
    const later = new Date(2026, 10, 23, 9, 0).getTime();
    expect(new Date(nextDaily(later, '00:05'))).toEqual(new Date(2026, 10, 24, 0, 5));
    expect(new Date(startOfLocalDay(later))).toEqual(new Date(2026, 10, 23));
  });
});

describe('scheduled reports', () => {
  it('builds the hourly report for the hour just ended, shortly after it ends', async () => {
    const store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-rep-')), 'r.db'));
    await migrateToLatest(store.db);
    vi.useFakeTimers();
    try {
      const hourEnd = Date.UTC(2026, 10, 23, 11, 0, 0);
      vi.setSystemTime(hourEnd - 10_000);
      const clock = { now: () => Date.now(), monotonic: () => performance.now() };
      const reports = new Reports(store.db, new AnalyticsStore(store.db), clock, silentLogger());
      reports.schedule({ hourly: true, daily: false, dailyAt: '00:05', cameras: () => ['cam'] });
      await vi.advanceTimersByTimeAsync(20_000); // the boundary, plus the settling delay
      expect(await reports.list(10)).toEqual([]);
      await vi.advanceTimersByTimeAsync(10_000);
      const list = await reports.list(10);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ kind: 'hourly', cameras: ['cam'], from: '2026-11-23T10:00:00.000Z', to: '2026-11-23T11:00:00.000Z' });
      reports.stop();
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  });
});
