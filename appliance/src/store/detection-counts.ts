import type { Kysely } from 'kysely';
import type { Database, DetectionSecondsTable } from './schema.js';

interface Bucket {
  frames: number;
  /** classId → [detections, maxCount, className] */
  classes: Map<number, [number, number, string]>;
}

/**
 * Aggregates per-frame detections into per-second rows in memory and writes each second once, in one
 * transaction per flush, after the second is over (or on shutdown). O(classes) work per frame.
 */
export class DetectionCounts {
  /** `${camera}\u0000${second}` → bucket */
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly db: Kysely<Database>) {}

  record(cameraId: string, timeMs: number, counts: ReadonlyMap<number, { name: string; count: number }>): void {
    const ts = Math.floor(timeMs / 1000);
    const key = `${cameraId}\u0000${ts}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { frames: 0, classes: new Map() };
      this.buckets.set(key, b);
    }
    b.frames++;
    for (const [classId, { name, count }] of counts) {
      const c = b.classes.get(classId);
      if (c) {
        c[0] += count;
        if (count > c[1]) c[1] = count;
      } else {
        b.classes.set(classId, [count, count, name]);
      }
    }
  }

  /** A camera's stored per-second rows of [fromSec, toSec), oldest first (at most 100 000). */
  list(cameraId: string, fromSec: number, toSec: number): Promise<Array<Omit<DetectionSecondsTable, 'camera_id' | 'class_id'>>> {
    return this.db
      .selectFrom('detection_seconds')
      .select(['ts', 'class_name', 'frames', 'detections', 'max_count'])
      .where('camera_id', '=', cameraId)
      .where('ts', '>=', fromSec)
      .where('ts', '<', toSec)
      .orderBy('ts')
      .orderBy('class_id')
      .limit(100_000)
      .execute();
  }

  /** Writes every second older than `beforeMs` (all of them when omitted). Returns rows written. */
  async flush(beforeMs?: number): Promise<number> {
    const limit = beforeMs === undefined ? Infinity : Math.floor(beforeMs / 1000);
    const rows: DetectionSecondsTable[] = [];
    for (const [key, b] of this.buckets) {
      const [cameraId, tsText] = key.split('\u0000') as [string, string];
      const ts = Number(tsText);
      if (ts >= limit) continue;
      this.buckets.delete(key);
      for (const [classId, [detections, maxCount, name]] of b.classes) {
        rows.push({ camera_id: cameraId, ts, class_id: classId, class_name: name, frames: b.frames, detections, max_count: maxCount });
      }
    }
    if (rows.length === 0) return 0;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('detection_seconds')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) =>
            oc.columns(['camera_id', 'ts', 'class_id']).doUpdateSet((eb) => ({
              frames: eb('detection_seconds.frames', '+', eb.ref('excluded.frames')),
              detections: eb('detection_seconds.detections', '+', eb.ref('excluded.detections')),
              max_count: eb.fn('max', ['detection_seconds.max_count', 'excluded.max_count']),
            })),
          )
          .execute();
      }
    });
    return rows.length;
  }
}
