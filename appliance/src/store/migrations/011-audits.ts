import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Count audits (an operator's true line crossings against the appliance's counts), per-minute
 * coverage of each camera (frames analysed and seconds online against its expected frame rate), and
 * the stream-time base of a file session (its events are timed base + video offset).
 */
export const audits: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('audits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('line_id', 'text', (c) => c.notNull())
      .addColumn('range_from', 'real', (c) => c.notNull())
      .addColumn('range_to', 'real', (c) => c.notNull())
      .addColumn('true_in', 'integer', (c) => c.notNull())
      .addColumn('true_out', 'integer', (c) => c.notNull())
      .addColumn('counted_in', 'integer', (c) => c.notNull())
      .addColumn('counted_out', 'integer', (c) => c.notNull())
      .addColumn('marks', 'text', (c) => c.notNull())
      .addColumn('counted', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('audits_camera_line').on('audits').columns(['camera_id', 'line_id', 'created_at']).execute();
    await db.schema
      .createTable('coverage_minute')
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('minute', 'integer', (c) => c.notNull())
      .addColumn('frames', 'integer', (c) => c.notNull())
      .addColumn('online_ms', 'integer', (c) => c.notNull())
      .addColumn('expected_fps', 'real', (c) => c.notNull())
      .addPrimaryKeyConstraint('coverage_minute_pk', ['camera_id', 'minute'])
      .modifyEnd(sql`without rowid`)
      .execute();
    await db.schema.alterTable('sessions').addColumn('video_base_ms', 'integer').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').dropColumn('video_base_ms').execute();
    await db.schema.dropTable('coverage_minute').execute();
    await db.schema.dropTable('audits').execute();
  },
};
