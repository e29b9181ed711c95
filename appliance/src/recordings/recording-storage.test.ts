import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordSchema } from '../config/schema.js';
import { silentLogger } from '../logger.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../store/database.js';
import { RecordingIndex } from '../store/recording-index.js';
import { RecordingStorage } from './recording-storage.js';

/** Real SQLite (every migration) and real files: which segments retention and events mode delete. */
describe('recording storage', () => {
  let dir: string;
  let store: OpenedDatabase;
  let index: RecordingIndex;
  let storage: RecordingStorage;
  const T = 1_800_000_000_000;
  const settings = recordSchema.parse({ mode: 'events', pre_seconds: 5, post_seconds: 5, retain_days: 1 });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-recstore-'));
    store = openDatabase(join(dir, 'v.db'));
    await migrateToLatest(store.db);
    index = new RecordingIndex(store.raw);
    storage = new RecordingStorage(join(dir, 'recordings'), index, () => settings, silentLogger());
    mkdirSync(join(dir, 'recordings', 'cam'), { recursive: true });
    // Ten 4 s segments from T, 1000 bytes each.
    for (let i = 0; i < 10; i++) {
      const path = `cam/1-${String(i).padStart(6, '0')}.ts`;
      writeFileSync(join(dir, 'recordings', path), Buffer.alloc(1000));
      index.add({ camera_id: 'cam', start_ms: T + i * 4000, end_ms: T + (i + 1) * 4000, bytes: 1000, path, run: 1 });
    }
  });
  afterEach(async () => {
    await store.close();
  });

  const event = (ts: number, type = 'line.cross') => store.raw.prepare("INSERT INTO events (ts, camera_id, type, target, track_id, class_name, direction, value) VALUES (?, 'cam', ?, 'l', 1, 'person', 'in', NULL)").run(ts, type);
  const left = () => index.range('cam', 0, 4e12).map((s) => Number(/-(\d+)\.ts$/.exec(s.path)![1]));

  it('events mode keeps the segments within pre/post roll of a crossing, an alert or an audit, and deletes the rest with their files', async () => {
    event(T + 17_000); // in segment 4: claims [12 s, 22 s] → segments 3, 4, 5
    event(T + 30_000, 'zone.exit'); // not a recorded type: claims nothing
    store.raw.prepare("INSERT INTO notifications (ts, rule_id, rule_name, type, camera_id, message, details, deliveries) VALUES (?, 'r', 'r', 'line_count', 'cam', 'm', '{}', '{}')").run(T + 38_500); // segment 9 (and 8)
    expect(await storage.pruneUnclaimed('cam', T + 10 * 4000 + 60_000)).toBe(5);
    expect(left()).toEqual([3, 4, 5, 8, 9]);
    expect(readdirSync(join(dir, 'recordings', 'cam')).sort()).toEqual(['1-000003.ts', '1-000004.ts', '1-000005.ts', '1-000008.ts', '1-000009.ts']);
  });

  it('segments that may still be claimed (ended less than pre roll + 15 s ago) are not judged yet', async () => {
    expect(await storage.pruneUnclaimed('cam', T + 40_000)).toBe(4); // ended before 40 - 5 - 15 = 20 s: segments 0–3
    expect(left()).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('the disk share deletes the oldest unclaimed first, claimed segments last', async () => {
    event(T + 2000); // claims [-3 s, 7 s]: segments 0 and 1
    expect(await storage.trim('cam', 10_000, 6000)).toBe(4);
    expect(left()).toEqual([0, 1, 6, 7, 8, 9]);
    // Unclaimed segments go before claimed ones, however new.
    expect(await storage.trim('cam', 6000, 3000)).toBe(3);
    expect(left()).toEqual([0, 1, 9]);
    // The newest (unclaimed) goes before the claimed ones, then the oldest claimed.
    expect(await storage.trim('cam', 3000, 1000)).toBe(2);
    expect(left()).toEqual([1]);
  });

  it('retention by days and start-up repair: rows without files go, stray files without video are deleted', async () => {
    expect(await storage.applyRetention(T + 86_400_000 + 20_000)).toBe(4); // ended before 20 s: 0–3 (4 ends at 20 s)
    expect(left()).toEqual([4, 5, 6, 7, 8, 9]);
    // A file gone under the index, and a stray file holding no video.
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'recordings', 'cam', '1-000005.ts'));
    writeFileSync(join(dir, 'recordings', 'cam', '2-000000.ts'), Buffer.alloc(3000, 1));
    writeFileSync(join(dir, 'recordings', 'cam', 'notes.txt'), 'x');
    const r = await storage.repair();
    expect(r).toEqual({ removedRows: 1, indexed: 0, deleted: 2 });
    expect(left()).toEqual([4, 6, 7, 8, 9]);
    expect(existsSync(join(dir, 'recordings', 'cam', '2-000000.ts'))).toBe(false);
    for (const s of index.all()) expect(existsSync(join(dir, 'recordings', s.path))).toBe(true);
  });
});
