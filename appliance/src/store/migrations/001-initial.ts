import { sql, type Kysely, type Migration } from 'kysely';

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('cameras')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('detection_seconds')
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('ts', 'integer', (c) => c.notNull())
      .addColumn('class_id', 'integer', (c) => c.notNull())
      .addColumn('class_name', 'text', (c) => c.notNull())
      .addColumn('frames', 'integer', (c) => c.notNull())
      .addColumn('detections', 'integer', (c) => c.notNull())
      .addColumn('max_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('detection_seconds_pk', ['camera_id', 'ts', 'class_id'])
      .modifyEnd(sql`without rowid`)
      .execute();
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('settings').execute();
    await db.schema.dropTable('detection_seconds').execute();
    await db.schema.dropTable('cameras').execute();
  },
};
