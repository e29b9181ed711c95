import type SQLite from 'better-sqlite3';

/** A normalised box [x1, y1, x2, y2] (0–1 of the frame). */
export type NormBox = [number, number, number, number];

/**
 * The people seen in a recorded camera's frames (migration 014), sampled a few times a second while
 * its privacy blur is on: what a served clip blurs. Rows are buffered and written together (`flush`).
 */
export class PrivacyBoxes {
  private buffer: Array<{ camera: string; ts: number; boxes: NormBox[] }> = [];

  constructor(private readonly raw: SQLite.Database) {}

  add(camera: string, ts: number, boxes: NormBox[]): void {
    this.buffer.push({ camera, ts: Math.round(ts), boxes });
    if (this.buffer.length >= 500) this.flush();
  }

  flush(): void {
    if (!this.buffer.length) return;
    const rows = this.buffer;
    this.buffer = [];
    const ins = this.raw.prepare('INSERT INTO privacy_boxes (camera_id, ts, boxes) VALUES (?, ?, ?)');
    this.raw.transaction(() => rows.forEach((r) => ins.run(r.camera, r.ts, JSON.stringify(r.boxes.map((b) => b.map((v) => Math.round(v * 10_000) / 10_000))))))();
  }

  /** A camera's samples in [fromMs, toMs], oldest first (buffered ones included). */
  range(camera: string, fromMs: number, toMs: number): Array<{ ts: number; boxes: NormBox[] }> {
    this.flush();
    return (this.raw.prepare('SELECT ts, boxes FROM privacy_boxes WHERE camera_id = ? AND ts >= ? AND ts <= ? ORDER BY ts').all(camera, fromMs, toMs) as Array<{ ts: number; boxes: string }>).map((r) => ({ ts: r.ts, boxes: JSON.parse(r.boxes) as NormBox[] }));
  }

  /**
   * Deletes the samples no recording needs: older than their camera's oldest recorded segment (all of
   * a camera with none), sparing the last `graceMs` (the segment being written is not indexed yet).
   */
  prune(nowMs: number, graceMs = 120_000): number {
    this.flush();
    const keep = nowMs - graceMs;
    return this.raw
      .prepare('DELETE FROM privacy_boxes WHERE ts < MIN(?, COALESCE((SELECT MIN(s.start_ms) FROM recording_segments s WHERE s.camera_id = privacy_boxes.camera_id), ?))')
      .run(keep, keep).changes;
  }
}
