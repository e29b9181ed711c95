import type SQLite from 'better-sqlite3';

const BLOCK = 100;

/**
 * Track ids unique per camera across restarts. Ids are reserved in blocks whose end is written to
 * the settings table before any id of the block is handed out, so a crash at any moment can only
 * skip ids, never repeat one. Allocation is synchronous (it runs inside the tracker's update).
 */
export class TrackIds {
  private next = 0;
  private end = 0;
  private readonly read: SQLite.Statement<[string], { value: string }>;
  private readonly write: SQLite.Statement<[string, string, number]>;

  constructor(
    raw: SQLite.Database,
    private readonly cameraId: string,
  ) {
    this.read = raw.prepare('SELECT value FROM settings WHERE key = ?');
    this.write = raw.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }

  private get key(): string {
    return `track_ids.${this.cameraId}`;
  }

  allocate = (): number => {
    if (this.next >= this.end) {
      const row = this.read.get(this.key);
      const start = Math.max(1, row ? Number(row.value) : 1);
      this.end = start + BLOCK;
      this.write.run(this.key, String(this.end), Date.now());
      this.next = start;
    }
    return this.next++;
  };
}
