import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './database.js';
import { TrackIds } from './track-ids.js';

describe('TrackIds', () => {
  it('never repeats an id for a camera across restarts, even after a crash mid-block', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vantage-ids-')), 'ids.db');
    const first = openDatabase(path);
    await migrateToLatest(first.db);
    const a = new TrackIds(first.raw, 'cam1');
    const b = new TrackIds(first.raw, 'cam2');
    const run1 = [a.allocate(), a.allocate(), a.allocate()];
    expect(run1).toEqual([1, 2, 3]);
    expect(b.allocate()).toBe(1); // ids are per camera
    first.raw.close(); // no clean shutdown: the process "died" here

    const second = openDatabase(path);
    const again = new TrackIds(second.raw, 'cam1');
    const run2 = Array.from({ length: 150 }, () => again.allocate());
    expect(run2[0]).toBeGreaterThan(3);
    expect(new Set([...run1, ...run2]).size).toBe(153);
    expect(run2.every((id, i) => i === 0 || id === run2[i - 1]! + 1)).toBe(true);
    await second.close();
  });
});
