/** The one place better-sqlite3 is imported: opens the SQLite file behind Kysely and migrates it. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationResultSet } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './schema.js';
import { backupBeforeMigrations } from './backup.js';
import { VantageError } from '../errors.js';

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The raw handle, for pragmas and integrity checks. */
  raw: SQLite.Database;
  close(): Promise<void>;
}

/** The file behind each opened Kysely instance, so migrating can back it up first. */
const files = new WeakMap<Kysely<Database>, { raw: SQLite.Database; path: string }>();

export function openDatabase(path: string): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new SQLite(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // After a checkpoint the WAL file is cut back to this size, so a burst of writes does not keep
  // its disk space for good (it matters when the disk runs low).
  raw.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  if (path !== ':memory:' && path !== '') files.set(db, { raw, path });
  return {
    db,
    raw,
    async close() {
      await db.destroy();
    },
  };
}

/** A read-only connection to a database file another connection writes (report workers). */
export function openReadOnly(path: string): Kysely<Database> {
  const raw = new SQLite(path, { readonly: true, fileMustExist: true });
  raw.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
}

/** Migrations not yet applied to an existing database (none for a new one: nothing to keep). */
export function pendingMigrations(raw: SQLite.Database): string[] {
  const known = raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get();
  if (!known) return [];
  const applied = new Set((raw.prepare('SELECT name FROM kysely_migration').all() as Array<{ name: string }>).map((r) => r.name));
  return Object.keys(MIGRATIONS).filter((name) => !applied.has(name));
}

/**
 * Applies pending migrations. An existing database file is first copied beside itself
 * (`<db>.pre-<migration>.<time>.bak`, the newest 3 kept); if that copy cannot be made (e.g. the disk
 * is full) nothing is migrated and the error says why.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet & { backup?: string }> {
  const file = files.get(db);
  let backup: string | undefined;
  const pending = file ? pendingMigrations(file.raw) : [];
  if (file && pending.length) {
    try {
      backup = await backupBeforeMigrations(file.raw, file.path, pending);
    } catch (e) {
      throw new VantageError('ERR_UNAVAILABLE', `cannot back up ${file.path} before upgrading its schema (${pending.join(', ')}): ${(e as Error).message}; nothing was changed`, { cause: e });
    }
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return backup ? { ...result, backup } : result;
}

/** `PRAGMA integrity_check` of a database file, opened read-only: 'ok' when it is sound. */
export function integrityCheck(path: string): string {
  const raw = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    return (raw.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
  } finally {
    raw.close();
  }
}
