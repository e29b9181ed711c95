import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { parseVideoTimes } from '../sources/ffmpeg.js';
import { AnalyticsStore } from '../store/analytics-store.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../store/database.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { bucketSeconds, MAX_SESSION_BUCKETS, sessionTimeline } from './session-timeline.js';
import { view } from './session-view.js';

describe('session timeline buckets', () => {
  it('sizes buckets to the video: seconds for a short clip, at most 120 buckets', () => {
    expect(bucketSeconds(7.16)).toBe(1);
    expect(bucketSeconds(0)).toBe(1);
    expect(bucketSeconds(120)).toBe(1);
    expect(bucketSeconds(121)).toBe(2);
    expect(bucketSeconds(600)).toBe(5);
    expect(bucketSeconds(3600)).toBe(30);
    expect(bucketSeconds(86_400)).toBe(900);
    for (const d of [1, 59.9, 61, 299, 1000, 7200, 50_000, 1e6]) expect(Math.ceil(d / bucketSeconds(d)), String(d)).toBeLessThanOrEqual(MAX_SESSION_BUCKETS);
  });

  it("reads a file's creation_time (container first, then the video stream) and duration from ffprobe's JSON", () => {
    expect(parseVideoTimes('{"streams":[{"tags":{}}],"format":{"duration":"7.160000","tags":{"creation_time":"2025-06-01T08:30:00.000000Z"}}}')).toEqual({ createdMs: Date.UTC(2025, 5, 1, 8, 30), durationMs: 7160 });
    expect(parseVideoTimes('{"streams":[{"tags":{"creation_time":"2025-06-01 08:30:01"}}],"format":{"duration":"2"}}')).toEqual({ createdMs: Date.UTC(2025, 5, 1, 8, 30, 1), durationMs: 2000 });
    expect(parseVideoTimes('{"streams":[{"tags":{}}],"format":{"duration":"N/A","tags":{"creation_time":"1904-01-01T00:00:00Z"}}}')).toEqual({ createdMs: null, durationMs: null });
    expect(parseVideoTimes('{"format":{"tags":{"creation_time":"yesterday"}}}')).toEqual({ createdMs: null, durationMs: null });
    expect(parseVideoTimes('not json')).toEqual({ createdMs: null, durationMs: null });
  });
});

describe('sessions stored before video time (migration 016)', () => {
  let store: OpenedDatabase | undefined;
  afterEach(async () => store?.close());

  it('upgrades old rows to nulls and charts them in offsets over the span their summary measured', async () => {
    store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-stl-')), 'v.db'));
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '016'));
    const old = await new Migrator({ db: store.db, provider: { getMigrations: async () => before } }).migrateToLatest();
    expect(old.error).toBeUndefined();
    const cols = () => (store!.raw.prepare('PRAGMA table_info(sessions)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(cols()).not.toContain('video_start_ms');
    // A completed file session of the old schema: 10 s of video at 25 fps, based at B.
    const B = 1_700_000_000_000;
    const summary = JSON.stringify({ frames: 250, seconds: 3, fps: 83, width: 640, height: 480, source_fps: 25, detections: {} });
    store.raw
      .prepare("INSERT INTO sessions (id, kind, source, status, progress, created_at, shapes, summary, video_base_ms, uploaded) VALUES ('old', 'file', '/media/walk.mp4', 'completed', 100, ?, '{\"zones\":[],\"lines\":[]}', ?, ?, 0)")
      .run(B, summary, B);
    const cross = store.raw.prepare("INSERT INTO events (ts, camera_id, type, target, track_id, class_name, direction, value) VALUES (?, 'session-old', 'line.cross', 'l1', ?, 'person', ?, NULL)");
    cross.run(B + 1_240, 1, 'in');
    cross.run(B + 1_960, 2, 'in');
    cross.run(B + 8_400, 3, 'out');
    cross.run(B + 10_000, 4, 'out'); // a track closed as the video ended: the last bucket
    const track = store.raw.prepare("INSERT INTO tracks (camera_id, track_id, class_id, class_name, first_seen, last_seen, best_score, hits, path_length, path) VALUES ('session-old', ?, 0, 'person', ?, ?, 0.9, 10, 1, '[]')");
    track.run(1, B + 200, B + 2_000);
    track.run(2, B + 1_000, B + 3_000);

    await migrateToLatest(store.db);
    expect(cols()).toEqual(expect.arrayContaining(['video_start_ms', 'video_duration_ms']));
    const s = view(await store.db.selectFrom('sessions').selectAll().where('id', '=', 'old').executeTakeFirstOrThrow());
    expect(s.video_start).toBeNull();
    expect(s.video_duration_s).toBeNull();
    const t = (await sessionTimeline(store.db, new AnalyticsStore(store.db), s))!;
    expect(t.duration_s).toBe(10);
    expect(t.bucket_seconds).toBe(1);
    expect(t.buckets.map((b) => b.offset_s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(t.buckets.every((b) => b.time === null)).toBe(true);
    expect(t.buckets.map((b) => b.crossings_in)).toEqual([0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(t.buckets.map((b) => b.crossings_out)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(t.buckets.map((b) => b.tracks)).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(t.events.map((e) => [e.offset_s, e.video_time])).toEqual([[1.24, null], [1.96, null], [8.4, null], [10, null]]);
    expect(t.events_total).toBe(4);

    // The file's clock, once known, stamps buckets and events with the time they were recorded.
    const start = Date.UTC(2024, 2, 3, 14, 0, 0);
    await store.db.updateTable('sessions').set({ video_start_ms: start, video_duration_ms: 4_000 }).where('id', '=', 'old').execute();
    const dated = (await sessionTimeline(store.db, new AnalyticsStore(store.db), view(await store.db.selectFrom('sessions').selectAll().where('id', '=', 'old').executeTakeFirstOrThrow())))!;
    expect(dated.video_start).toBe(new Date(start).toISOString());
    expect(dated.buckets.map((b) => b.time)).toEqual([0, 1, 2, 3].map((k) => new Date(start + k * 1000).toISOString()));
    expect(dated.buckets.map((b) => b.crossings_out)).toEqual([0, 0, 0, 2]); // past the duration: the last bucket
    expect(dated.events[0]!.video_time).toBe(new Date(start + 1_240).toISOString());
  });

  it('has no video timeline for a camera session or one not started', async () => {
    store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-stl-')), 'v.db'));
    await migrateToLatest(store.db);
    store.raw.prepare("INSERT INTO sessions (id, kind, source, camera_id, range_from, range_to, status, progress, created_at, uploaded) VALUES ('cam', 'camera', 'c1', 'c1', 0, 60, 'completed', 100, 1, 0)").run();
    store.raw.prepare("INSERT INTO sessions (id, kind, source, status, progress, created_at, uploaded) VALUES ('new', 'file', '/media/a.mp4', 'created', 0, 1, 0)").run();
    for (const id of ['cam', 'new']) {
      const s = view(await store.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
      expect(await sessionTimeline(store.db, new AnalyticsStore(store.db), s), id).toBeUndefined();
    }
  });
});
