/**
 * `vantage backup FILE` while the daemon runs and writes: a consistent copy (SQLite's online backup),
 * checked, with the rows written so far; and `vantage migrate` on an up-to-date database makes none.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMPUS, runCli, waitFor } from './helpers.js';
import { daemonDir, startDaemon, writeConfig, type Daemon } from './faults/fault-kit.js';

describe('vantage backup', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.kill();
  });

  it('copies the live database while the daemon writes; the copy passes integrity_check and has the rows', async () => {
    const { dir, port, dbPath, head } = await daemonDir('backup');
    const cfg = writeConfig(dir, [...head, 'cameras:', `  - { id: cam, source: ${CAMPUS}, loop: true }`]);
    daemon = await startDaemon(cfg, port);
    const rows = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM detection_seconds').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    await waitFor('per-second rows', () => (rows() >= 3 ? true : undefined), 30_000, 500);
    const file = join(dir, 'copy.db');
    const r = runCli(['backup', file, '--config', cfg]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { backup: string; bytes: number; integrity: string };
    expect(out).toMatchObject({ backup: file, integrity: 'ok' });
    expect(out.bytes).toBeGreaterThan(10_000);
    const copy = new Database(file, { readonly: true });
    const n = (copy.prepare('SELECT COUNT(*) AS n FROM detection_seconds').get() as { n: number }).n;
    copy.close();
    expect(n).toBeGreaterThanOrEqual(3);
    expect(daemon.alive()).toBe(true);
    // Never over an existing file.
    const again = runCli(['backup', file, '--config', cfg]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    // Up to date: migrate changes nothing and copies nothing.
    const m = runCli(['migrate', '--config', cfg]);
    expect(m.stdout).toContain('already up to date');
    expect(m.stdout).not.toContain('copied');
  }, 90_000);
});
