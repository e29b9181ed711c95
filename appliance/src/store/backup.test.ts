import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { backupBeforeMigrations, preMigrationBackups } from './backup.js';
import { integrityCheck, migrateToLatest, openDatabase, pendingMigrations } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

const names = Object.keys(MIGRATIONS);

describe('upgrades: the database is copied before migrations change it', () => {
  it('an older database is backed up (with its old schema and its rows) before the pending migrations run', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vantage-upgrade-')), 'vantage.db');
    // A database as an older release left it: every migration but the last, and some data.
    const old = openDatabase(path);
    const migrator = new Migrator({ db: old.db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } });
    const upTo = names[names.length - 2]!;
    expect((await migrator.migrateTo(upTo)).error).toBeUndefined();
    old.raw.prepare('INSERT INTO cameras (id, name, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('gate', 'Gate', 'rtsp://cam/1', 1, 1);
    expect(pendingMigrations(old.raw)).toEqual([names.at(-1)]);
    await old.close();

    const store = openDatabase(path);
    const result = await migrateToLatest(store.db);
    expect(result.results?.map((r) => r.migrationName)).toEqual([names.at(-1)]);
    expect(result.backup).toMatch(new RegExp(`vantage\\.db\\.pre-${names.at(-1)}\\.\\d{8}T\\d{6}Z\\.bak$`));
    expect(pendingMigrations(store.raw)).toEqual([]);
    await store.close();

    // The copy is the database before the upgrade: sound, the old schema, the same rows.
    const copy = openDatabase(result.backup!);
    expect(integrityCheck(result.backup!)).toBe('ok');
    expect(pendingMigrations(copy.raw)).toEqual([names.at(-1)]);
    expect(copy.raw.prepare('SELECT name FROM cameras').all()).toEqual([{ name: 'Gate' }]);
    await copy.close();

    // Up to date: nothing to migrate, no new copy.
    const again = openDatabase(path);
    expect((await migrateToLatest(again.db)).backup).toBeUndefined();
    await again.close();
    expect(preMigrationBackups(path)).toHaveLength(1);
  });

  it('a new database is created without a copy (there is nothing to keep)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vantage-new-')), 'vantage.db');
    const store = openDatabase(path);
    const result = await migrateToLatest(store.db);
    expect(result.results).toHaveLength(names.length);
    expect(result.backup).toBeUndefined();
    await store.close();
    expect(preMigrationBackups(path)).toEqual([]);
  });

  it('keeps the newest three copies', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vantage-keep-')), 'vantage.db');
    const store = openDatabase(path);
    await migrateToLatest(store.db);
    const made: string[] = [];
    for (const n of ['100-a', '101-b', '102-c', '103-d']) {
      made.push(await backupBeforeMigrations(store.raw, path, [n]));
      await new Promise((r) => setTimeout(r, 20));
    }
    await store.close();
    expect(preMigrationBackups(path)).toEqual(made.slice(1));
    expect(existsSync(made[0]!)).toBe(false);
  });
});
