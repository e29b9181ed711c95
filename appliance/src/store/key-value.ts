import type SQLite from 'better-sqlite3';

/** Small named values kept in the settings table (the token-signing secret, run-time settings, the Telegram connection). */
export interface KeyValue {
  setting(key: string): string | undefined;
  putSetting(key: string, value: string, now: number): void;
}

export class KeyValueStore implements KeyValue {
  private readonly get: SQLite.Statement<[string], { value: string }>;
  private readonly put: SQLite.Statement<[string, string, number]>;

  constructor(raw: SQLite.Database) {
    this.get = raw.prepare('SELECT value FROM settings WHERE key = ?');
    this.put = raw.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at');
  }

  setting(key: string): string | undefined {
    return this.get.get(key)?.value;
  }

  putSetting(key: string, value: string, now: number): void {
    this.put.run(key, value, now);
  }
}
