import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { silentLogger } from '../logger.js';
import { DiskGuard } from './disk-guard.js';

describe('DiskGuard stop', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function setup(minFreeMb: number) {
    const dir = mkdtempSync(join(tmpdir(), 'disk-guard-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'x.db'));
    db.exec('CREATE TABLE seg (bytes INTEGER); INSERT INTO seg VALUES (1048576), (2097152);');
    const reads: string[] = [];
    let reclaims = 0;
    const guard = new DiskGuard({
      dir,
      minFreeMb,
      intervalMs: 60_000,
      clock: systemClock,
      log: silentLogger(),
      reclaim: async () => (reclaims++, 0),
      recordingsBytes: () => {
        reads.push(db.open ? 'open' : 'closed');
        return (db.prepare('SELECT SUM(bytes) AS b FROM seg').get() as { b: number }).b;
      },
    });
    return { db, guard, reads, reclaims: () => reclaims };
  }

  it('reads the database while running, and not once stopped (a check in flight at stop ends first, without reading)', async () => {
    const { db, guard, reads } = setup(1);
    const state = await guard.check();
    expect(state.recordings_mb).toBe(3);
    expect(reads).toEqual(['open']);

    guard.start(); // a check starts now, waiting on statfs
    await guard.stop(); // resolves once that check has ended
    db.close(); // as the appliance does next
    const after = await guard.check();
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toEqual(['open']); // nothing read after stop, nothing read from a closed database
    expect(after.recordings_mb).toBe(3); // the last state is still served
  });

  it('makes no room after stop, even when space is low', async () => {
    const { db, guard, reclaims } = setup(Number.MAX_SAFE_INTEGER); // always "low"
    await guard.check();
    expect(reclaims()).toBe(1);
    guard.start();
    await guard.stop();
    db.close();
    await guard.check();
    expect(reclaims()).toBe(1);
  });
});
