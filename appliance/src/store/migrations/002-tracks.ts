import { sql, type Kysely, type Migration } from 'kysely';

/** One summary row per finished track (written on track.end). */
export const tracks: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tracks')
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('track_id', 'integer', (c) => c.notNull())
      .addColumn('class_id', 'integer', (c) => c.notNull())
      .addColumn('class_name', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'integer', (c) => c.notNull())
      .addColumn('last_seen', 'integer', (c) => c.notNull())
      .addColumn('best_score', 'real', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('path_length', 'real', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tracks_pk', ['camera_id', 'track_id'])
      .modifyEnd(sql`without rowid`)
      .execute();
    await db.schema.createIndex('tracks_camera_last_seen').on('tracks').columns(['camera_id', 'last_seen']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('tracks').execute();
  },
};
