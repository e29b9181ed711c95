import type { Kysely } from 'kysely';
import type { Database, TracksTable } from './schema.js';

/** Buffers finished-track summaries and writes them in one transaction per flush. */
export class TrackStore {
  private pending: TracksTable[] = [];

  constructor(private readonly db: Kysely<Database>) {}

  add(row: TracksTable): void {
    this.pending.push(row);
  }

  /** Finished tracks of a camera whose last sighting falls in [fromMs, toMs), newest first, paths parsed. */
  async list(cameraId: string, fromMs: number, toMs: number, limit: number): Promise<Array<Omit<TracksTable, 'camera_id' | 'class_id' | 'path'> & { path: Array<[number, number, number]> }>> {
    const rows = await this.db
      .selectFrom('tracks')
      .select(['track_id', 'class_name', 'first_seen', 'last_seen', 'best_score', 'hits', 'path_length', 'path'])
      .where('camera_id', '=', cameraId)
      .where('last_seen', '>=', fromMs)
      .where('last_seen', '<', toMs)
      .orderBy('last_seen', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, path: JSON.parse(r.path) as Array<[number, number, number]> }));
  }

  async flush(): Promise<number> {
    if (this.pending.length === 0) return 0;
    const rows = this.pending;
    this.pending = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 100) {
          await trx
            .insertInto('tracks')
            .values(rows.slice(i, i + 100))
            .onConflict((oc) => oc.columns(['camera_id', 'track_id']).doNothing())
            .execute();
        }
      });
    } catch (e) {
      this.pending = rows.concat(this.pending); // keep them for the next flush
      throw e;
    }
    return rows.length;
  }
}
