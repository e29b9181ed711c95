import type SQLite from 'better-sqlite3';

/** One indexed recording segment (times: unix ms; path relative to the recordings folder). */
export interface SegmentRow {
  id: number;
  camera_id: string;
  start_ms: number;
  end_ms: number;
  bytes: number;
  path: string;
  run: number;
}

/** A normalised box of an event's object. */
export interface BoxRow {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Event types whose moment a recording in `events` mode keeps (line crossings, zone entries). */
export const RECORDED_EVENT_TYPES = ['line.cross', 'zone.enter'] as const;
const EVENT_TYPES_SQL = RECORDED_EVENT_TYPES.map((t) => `'${t}'`).join(', ');

/**
 * The SQL of recordings: the segment index (migration 012), the boxes behind events, and what claims
 * a segment (an analytic event or alert within its pre/post roll, or a camera audit over it).
 */
export class RecordingIndex {
  constructor(private readonly raw: SQLite.Database) {}

  add(s: Omit<SegmentRow, 'id'>): number {
    const r = this.raw
      .prepare('INSERT INTO recording_segments (camera_id, start_ms, end_ms, bytes, path, run) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.camera_id, Math.round(s.start_ms), Math.round(s.end_ms), s.bytes, s.path, s.run);
    return Number(r.lastInsertRowid);
  }

  get(id: number): SegmentRow | undefined {
    return this.raw.prepare('SELECT * FROM recording_segments WHERE id = ?').get(id) as SegmentRow | undefined;
  }

  /** A camera's segments overlapping [fromMs, toMs), oldest first (at most `limit`). */
  range(camera: string, fromMs: number, toMs: number, limit = 100_000): SegmentRow[] {
    return this.raw
      .prepare('SELECT * FROM recording_segments WHERE camera_id = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms, id LIMIT ?')
      .all(camera, fromMs, toMs, limit) as SegmentRow[];
  }

  /** Every indexed path (start-up repair compares it with the files). */
  all(): SegmentRow[] {
    return this.raw.prepare('SELECT * FROM recording_segments ORDER BY id').all() as SegmentRow[];
  }

  remove(ids: readonly number[]): void {
    const del = this.raw.prepare('DELETE FROM recording_segments WHERE id = ?');
    this.raw.transaction(() => ids.forEach((id) => del.run(id)))();
  }

  /** Bytes of each camera's segments. */
  bytesByCamera(): Map<string, number> {
    const rows = this.raw.prepare('SELECT camera_id, SUM(bytes) AS bytes FROM recording_segments GROUP BY camera_id').all() as Array<{ camera_id: string; bytes: number }>;
    return new Map(rows.map((r) => [r.camera_id, r.bytes]));
  }

  /** Cameras that have segments. */
  cameras(): string[] {
    return (this.raw.prepare('SELECT DISTINCT camera_id FROM recording_segments').all() as Array<{ camera_id: string }>).map((r) => r.camera_id);
  }

  /**
   * A camera's segments ended before `beforeMs` that nothing claims: no recorded event or alert within
   * [start - post, end + pre] and no camera audit over them (events mode deletes these).
   */
  unclaimed(camera: string, beforeMs: number, preMs: number, postMs: number): SegmentRow[] {
    return this.raw.prepare(`SELECT s.* FROM recording_segments s WHERE s.camera_id = ? AND s.end_ms < ? AND NOT (${this.claimSql()}) ORDER BY s.start_ms`).all(camera, beforeMs, ...this.claimArgs(preMs, postMs)) as SegmentRow[];
  }

  /**
   * A page of a camera's oldest segments starting after `afterMs`, each marked whether an event, alert
   * or audit claims it (retention by disk share deletes the unclaimed first); only the page is judged,
   * so a camera with a week of segments costs one page per call.
   */
  oldestPage(camera: string, afterMs: number, limit: number, preMs: number, postMs: number): Array<SegmentRow & { claimed: number }> {
    return this.raw
      .prepare(`SELECT s.*, (${this.claimSql()}) AS claimed FROM (SELECT * FROM recording_segments WHERE camera_id = ? AND start_ms > ? ORDER BY start_ms LIMIT ?) s ORDER BY s.start_ms`)
      .all(...this.claimArgs(preMs, postMs), camera, afterMs, limit) as Array<SegmentRow & { claimed: number }>;
  }

  /** A camera's segments that ended before `beforeMs` (retention by days). */
  endedBefore(camera: string, beforeMs: number): SegmentRow[] {
    return this.raw.prepare('SELECT * FROM recording_segments WHERE camera_id = ? AND end_ms < ? ORDER BY start_ms').all(camera, beforeMs) as SegmentRow[];
  }

  /** The stored event `id` (its camera and unix-ms time), if any. */
  event(id: number): { camera_id: string; ts: number; track_id: number | null } | undefined {
    return this.raw.prepare('SELECT camera_id, ts, track_id FROM events WHERE id = ?').get(id) as { camera_id: string; ts: number; track_id: number | null } | undefined;
  }

  /** The alert notification `id` (its camera and unix-ms time), if any. */
  notification(id: number): { camera_id: string | null; ts: number } | undefined {
    return this.raw.prepare('SELECT camera_id, ts FROM notifications WHERE id = ?').get(id) as { camera_id: string | null; ts: number } | undefined;
  }

  addBox(camera: string, ts: number, trackId: number, b: BoxRow): void {
    this.raw.prepare('INSERT INTO recording_boxes (camera_id, ts, track_id, x1, y1, x2, y2) VALUES (?, ?, ?, ?, ?, ?, ?)').run(camera, Math.round(ts), trackId, b.x1, b.y1, b.x2, b.y2);
  }

  /** The box of `trackId` nearest to `ts` (within a second). */
  box(camera: string, ts: number, trackId: number): BoxRow | undefined {
    return this.raw
      .prepare('SELECT x1, y1, x2, y2 FROM recording_boxes WHERE camera_id = ? AND track_id = ? AND ts BETWEEN ? AND ? ORDER BY ABS(ts - ?) LIMIT 1')
      .get(camera, trackId, ts - 1000, ts + 1000, ts) as BoxRow | undefined;
  }

  /** Boxes older than `beforeMs` go (with the events they belong to). */
  pruneBoxes(beforeMs: number): number {
    return this.raw.prepare('DELETE FROM recording_boxes WHERE ts < ?').run(beforeMs).changes;
  }

  // An event or alert in (start - post, end + pre) of the segment (its window overlaps the segment by more than a touch), or a camera audit over it (audits: unix seconds).
  private claimSql(): string {
    return `EXISTS (SELECT 1 FROM events e WHERE e.camera_id = s.camera_id AND e.type IN (${EVENT_TYPES_SQL}) AND e.ts > s.start_ms - ? AND e.ts < s.end_ms + ?)
      OR EXISTS (SELECT 1 FROM notifications n WHERE n.camera_id = s.camera_id AND n.ts > s.start_ms - ? AND n.ts < s.end_ms + ?)
      OR EXISTS (SELECT 1 FROM audits a WHERE a.kind = 'camera' AND a.camera_id = s.camera_id AND a.range_from * 1000 < s.end_ms AND a.range_to * 1000 > s.start_ms)`;
  }

  private claimArgs(preMs: number, postMs: number): number[] {
    return [postMs, preMs, postMs, preMs];
  }
}
