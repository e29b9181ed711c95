import type { Kysely } from 'kysely';
import type { Database, TracksTable } from './schema.js';

/** Buffers finished-track summaries and writes them in one transaction per flush. */
export class TrackStore {
  private pending: TracksTable[] = [];

  constructor(private readonly db: Kysely<Database>) {}

  add(row: TracksTable): void {
    this.pending.push(row);
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
