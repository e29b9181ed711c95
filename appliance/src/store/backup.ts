import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type SQLite from 'better-sqlite3';

/**
 * An online, consistent copy of the database (SQLite's backup API through better-sqlite3): safe while
 * the daemon writes, WAL included. Returns the copy's size in bytes.
 */
export async function backupDatabase(raw: SQLite.Database, dest: string): Promise<{ path: string; bytes: number }> {
  await raw.backup(dest);
  return { path: dest, bytes: statSync(dest).size };
}

/** `vantage.db` → `vantage.db.pre-009-foo.20261123T061500Z.bak`, beside it. */
export function preMigrationBackupPath(dbPath: string, firstPending: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(dirname(dbPath), `${basename(dbPath)}.pre-${firstPending}.${stamp}.bak`);
}

/** The pre-migration backups of `dbPath`, oldest first. */
export function preMigrationBackups(dbPath: string): string[] {
  const prefix = `${basename(dbPath)}.pre-`;
  return readdirSync(dirname(dbPath))
    .filter((f) => f.startsWith(prefix) && f.endsWith('.bak'))
    .map((f) => join(dirname(dbPath), f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs || a.localeCompare(b));
}

/**
 * Copies the database before pending migrations change it, so an upgrade can be undone by putting
 * the copy back (with the older version of the application); keeps the newest `keep` copies.
 */
export async function backupBeforeMigrations(raw: SQLite.Database, dbPath: string, pending: readonly string[], keep = 3): Promise<string> {
  const dest = preMigrationBackupPath(dbPath, pending[0]!);
  await backupDatabase(raw, dest);
  const all = preMigrationBackups(dbPath);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old, { force: true });
  return dest;
}
