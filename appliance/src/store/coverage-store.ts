import type { Kysely } from 'kysely';
import type { CoverageMinuteTable, Database } from './schema.js';

export type CoverageRow = CoverageMinuteTable;

/** Settings key: unix ms up to which every camera's coverage is written (rows before it are complete). */
const WRITTEN_UNTIL = 'coverage.written_until';

/** Per-minute coverage rows: added to what is stored (frames, online time), the expected fps kept. */
export class CoverageStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds `rows` and records that coverage is complete up to `untilMs`. */
  async write(rows: CoverageRow[], untilMs: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('settings')
        .values({ key: WRITTEN_UNTIL, value: String(untilMs), updated_at: untilMs })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(untilMs), updated_at: untilMs }))
        .execute();
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

  /** Unix ms up to which coverage is written; undefined before the first write. */
  async writtenUntil(): Promise<number | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', WRITTEN_UNTIL).executeTakeFirst();
    return r ? Number(r.value) : undefined;
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
