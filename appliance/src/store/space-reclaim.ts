import type SQLite from 'better-sqlite3';

export interface ReclaimOptions {
  /** Share of the eligible rows of each raw table deleted per call, oldest first. */
  fraction?: number;
  /** Raw rows newer than this are kept whatever the disk says (the last hour by default). */
  keepRecentMs?: number;
}

/**
 * Makes room in the database when the disk runs low (see DiskGuard), bulkiest and least valuable
 * first, never touching the aggregates (minute counts, heatmaps, events, reports) or what still has to
 * leave the box: delivered outbox messages; then the oldest `fraction` of the per-second detection
 * counts and of the finished tracks with their paths that are older than `keepRecentMs` (live cameras
 * only, not analysis sessions). Called again while space stays low, it keeps trimming, but never
 * the last hour. Freed pages are reused by SQLite for new rows, so the file stops growing; the WAL is
 * checkpointed and truncated. Returns rows deleted per table.
 */
export function reclaimSpace(raw: SQLite.Database, nowMs: number, opts: ReclaimOptions = {}): Record<string, number> {
  const fraction = opts.fraction ?? 0.25;
  const keepFrom = nowMs - (opts.keepRecentMs ?? 3_600_000);
  const out: Record<string, number> = {};
  out.outbox_delivered = raw.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL').run().changes;
  const oldest = (table: string, column: string, before: number): number => {
    const where = `camera_id NOT LIKE 'session-%' AND ${column} < ?`;
    const n = (raw.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get(before) as { n: number }).n;
    const k = Math.ceil(n * fraction);
    if (k < 1) return 0;
    const cut = raw.prepare(`SELECT ${column} AS v FROM ${table} WHERE ${where} ORDER BY ${column} LIMIT 1 OFFSET ?`).get(before, k - 1) as { v: number };
    return raw.prepare(`DELETE FROM ${table} WHERE ${where} AND ${column} <= ?`).run(before, cut.v).changes;
  };
  out.detection_seconds = oldest('detection_seconds', 'ts', Math.floor(keepFrom / 1000));
  out.tracks = oldest('tracks', 'last_seen', keepFrom);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  return out;
}
