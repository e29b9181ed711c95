import type { Kysely } from 'kysely';
import type { CoverageMinuteTable, Database } from './schema.js';

export type CoverageRow = CoverageMinuteTable;

/** Per-minute coverage rows: added to what is stored (frames, online time), the expected fps kept. */
export class CoverageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async write(rows: CoverageRow[]): Promise<void> {
    if (!rows.length) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('coverage_minute')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) =>
            oc.columns(['camera_id', 'minute']).doUpdateSet((eb) => ({
              frames: eb('coverage_minute.frames', '+', eb.ref('excluded.frames')),
              online_ms: eb('coverage_minute.online_ms', '+', eb.ref('excluded.online_ms')),
              expected_fps: eb.fn('max', ['coverage_minute.expected_fps', 'excluded.expected_fps']),
            })),
          )
          .execute();
      }
    });
  }

  /** A camera's rows of minutes in [fromMinute, toMinute). */
  minutes(camera: string, fromMinute: number, toMinute: number): Promise<CoverageRow[]> {
    return this.db.selectFrom('coverage_minute').selectAll().where('camera_id', '=', camera).where('minute', '>=', fromMinute).where('minute', '<', toMinute).orderBy('minute').execute();
  }

  /** The frame rate the camera last said it delivers, before `toMinute` (undefined if never known). */
  async expectedFps(camera: string, toMinute: number): Promise<number | undefined> {
    const r = await this.db
      .selectFrom('coverage_minute')
      .select('expected_fps')
      .where('camera_id', '=', camera)
      .where('minute', '<', toMinute)
      .where('expected_fps', '>', 0)
      .orderBy('minute', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.expected_fps;
  }
}
