import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './database.js';
import { reclaimSpace } from './space-reclaim.js';

describe('making room when the disk runs low', () => {
  it('drops delivered outbox messages and the oldest raw rows, never the last hour, sessions or what is pending', async () => {
    const store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-reclaim-')), 'v.db'));
    await migrateToLatest(store.db);
    const raw = store.raw;
    const now = 1_800_000_000_000;
    const hour = 3_600_000;
    const sec = raw.prepare('INSERT INTO detection_seconds (camera_id, ts, class_id, class_name, frames, detections, max_count) VALUES (?, ?, 0, ?, 25, 3, 2)');
    const track = raw.prepare("INSERT INTO tracks (camera_id, track_id, class_id, class_name, first_seen, last_seen, best_score, hits, path_length, path) VALUES (?, ?, 0, 'person', ?, ?, 0.9, 10, 5, '[]')");
    // 8 old rows per table (2–9 hours ago), 4 from the last hour, 2 of an analysis session.
    for (let i = 0; i < 8; i++) {
      sec.run('cam', Math.floor((now - (9 - i) * hour) / 1000), 'person');
      track.run('cam', i + 1, now - (9 - i) * hour - 1000, now - (9 - i) * hour);
    }
    for (let i = 0; i < 4; i++) {
      sec.run('cam', Math.floor((now - i * 60_000) / 1000), 'person');
      track.run('cam', 100 + i, now - i * 60_000 - 1000, now - i * 60_000);
    }
    for (let i = 0; i < 2; i++) {
      sec.run('session-x', Math.floor((now - 20 * hour) / 1000) + i, 'person');
      track.run('session-x', 200 + i, now - 20 * hour, now - 20 * hour + i);
    }
    const box = raw.prepare("INSERT INTO outbox (channel, topic, payload, qos, retain, created_at, next_attempt_at, delivered_at) VALUES ('mqtt', 't', '{}', 1, 0, 1, 1, ?)");
    box.run(5);
    box.run(null);

    const first = reclaimSpace(raw, now);
    expect(first).toEqual({ outbox_delivered: 1, detection_seconds: 2, tracks: 2 });
    const left = (sql: string) => (raw.prepare(sql).get() as { n: number }).n;
    expect(left("SELECT COUNT(*) AS n FROM detection_seconds WHERE camera_id = 'cam'")).toBe(10);
    expect(left("SELECT MIN(track_id) AS n FROM tracks WHERE camera_id = 'cam'")).toBe(3); // the two oldest went
    expect(left('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL')).toBe(1);

    // Space stays low: it keeps trimming the old rows, and stops at the last hour.
    for (let i = 0; i < 10; i++) reclaimSpace(raw, now);
    expect(left("SELECT COUNT(*) AS n FROM detection_seconds WHERE camera_id = 'cam'")).toBe(4);
    expect(left("SELECT COUNT(*) AS n FROM tracks WHERE camera_id = 'cam'")).toBe(4);
    expect(left("SELECT COUNT(*) AS n FROM tracks WHERE camera_id = 'session-x'")).toBe(2);
    expect(left("SELECT COUNT(*) AS n FROM detection_seconds WHERE camera_id = 'session-x'")).toBe(2);
    await store.close();
  });
});
