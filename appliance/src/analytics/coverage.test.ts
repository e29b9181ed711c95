import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { AnalyticsStore } from '../store/analytics-store.js';
import { CoverageStore } from '../store/coverage-store.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { CoverageRecorder, coverageOf, coverageTimeline } from './coverage.js';
import { buildReport, timelineCsv } from './report-builder.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

/**
 * A 25 fps camera online and analysing every frame for 90 s, then offline for 90 s, recorded the
 * way the daemon does it (a frame call per frame, a status sample each second) into a real SQLite file.
 */
async function recordOnlineThenOffline() {
  const store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-cov-')), 'c.db'));
  await migrateToLatest(store.db);
  const clock = { t: T0, now: () => clock.t, monotonic: () => clock.t };
  let online = true;
  const rec = new CoverageRecorder(new CoverageStore(store.db), () => [{ id: 'cam', online, fps: 25 }], clock, silentLogger());
  rec.sample();
  for (let ms = 0; ms <= 180_000; ms += 40) {
    clock.t = T0 + ms;
    if (ms < 90_000) rec.frame('cam', clock.t);
    if (ms % 1000 === 0 && ms > 0) {
      rec.sample();
      if (ms === 90_000) online = false;
    }
    if (ms === 60_000) await rec.flush(); // rows of a minute written in two flushes add up
  }
  await rec.stop();
  return store;
}

describe('coverage', () => {
  it('flags the minutes and the interval a camera was offline for, with the shares computed by hand', async () => {
    const store = await recordOnlineThenOffline();
    const rows = await store.db.selectFrom('coverage_minute').selectAll().orderBy('minute').execute();
    // 25 fps × 60 s, then 30 s of the second minute, then nothing.
    expect(rows.map((r) => [r.minute - T0 / 60_000, r.frames, r.online_ms, r.expected_fps])).toEqual([
      [0, 1500, 60_000, 25],
      [1, 750, 30_000, 25],
    ]);
    const now = T0 / 1000 + 200;
    // [0, 180 s): (1500 + 750 + 0) / (3 × 1500) = 0.5, online 90 / 180 s.
    expect(coverageOf(rows, T0 / 1000, T0 / 1000 + 180, now, 25)).toEqual({ coverage: 0.5, online_share: 0.5, frames: 2250, expected_frames: 4500, flagged: true });
    // [30 s, 120 s): half of the first minute (750 of 750) and the second (750 of 1500) → 1500 / 2250.
    expect(coverageOf(rows, T0 / 1000 + 30, T0 / 1000 + 120, now, 25)).toEqual({ coverage: 0.6667, online_share: 0.6667, frames: 1500, expected_frames: 2250, flagged: true });
    // The first minute alone is covered; an interval that has not begun states nothing.
    expect(coverageOf(rows, T0 / 1000, T0 / 1000 + 60, now, 25)).toMatchObject({ coverage: 1, flagged: false });
    expect(coverageOf(rows, now + 10, now + 70, now, 25)).toEqual({ coverage: null, online_share: null, frames: 0, expected_frames: null, flagged: false });
    // A camera that never ran and never said its frame rate: nothing of the interval was covered.
    expect(coverageOf([], T0 / 1000, T0 / 1000 + 60, now, undefined)).toMatchObject({ coverage: 0, expected_frames: null, flagged: true });
    const tl = await coverageTimeline(new CoverageStore(store.db), 'cam', T0 / 1000, T0 / 1000 + 180, 60, now);
    expect(tl.buckets.map((b) => [b.coverage, b.flagged])).toEqual([[1, false], [0.5, true], [0, true]]);
    // Only what was written counts: the recorder stopped at 180 s, so 180–240 s is not known, not uncovered.
    expect(await new CoverageStore(store.db).writtenUntil()).toBe(T0 + 180_000);
    const later = await coverageTimeline(new CoverageStore(store.db), 'cam', T0 / 1000, T0 / 1000 + 240, 60, T0 / 1000 + 300);
    expect(later.total).toMatchObject({ coverage: 0.5, expected_frames: 4500 });
    expect(later.buckets[3]).toMatchObject({ coverage: null, flagged: false });
    await store.close();
  });

  it('states coverage per report interval in the report JSON and its CSV', async () => {
    const store = await recordOnlineThenOffline();
    const body = await buildReport(store.db, new AnalyticsStore(store.db), { cameras: ['cam'], from: T0 / 1000, to: T0 / 1000 + 180, resolution: 60 }, new Date(T0 + 200_000));
    expect(body.coverage).toEqual([{ camera: 'cam', coverage: 0.5, online_share: 0.5, frames: 2250, expected_frames: 4500, flagged: true }]);
    expect(body.timeline.map((r) => [r.coverage, r.low_coverage])).toEqual([[1, false], [0.5, true], [0, true]]);
    expect(timelineCsv(body).trim().split('\n')).toEqual([
      'time,tracks,visitors,entries,exits,crossings_in,crossings_out,max_occupancy,coverage_pct,low_coverage',
      '2026-11-23T12:00:00.000Z,0,0,0,0,0,0,0,100,',
      '2026-11-23T12:01:00.000Z,0,0,0,0,0,0,0,50,yes',
      '2026-11-23T12:02:00.000Z,0,0,0,0,0,0,0,0,yes',
    ]);
    // A file session analyses every frame: no coverage entry, no flag.
    const session = await buildReport(store.db, new AnalyticsStore(store.db), { cameras: ['session-x'], from: T0 / 1000, to: T0 / 1000 + 60, resolution: 60 }, new Date(T0 + 200_000));
    expect(session.coverage).toEqual([]);
    expect(session.timeline[0]).toMatchObject({ coverage: null, low_coverage: false });
    await store.close();
  });
});
