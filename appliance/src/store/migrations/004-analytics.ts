import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Analytics: zone and line definitions (mirrored from the effective config for joins and reports),
 * events, per-minute counts per zone/line and class, heatmap buckets (hour and day), analysis
 * sessions and reports.
 */
export const analytics: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const table of ['zones', 'lines']) {
      await db.schema
        .createTable(table)
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('points', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['camera_id', 'id'])
        .execute();
    }
    await db.schema
      .createTable('events')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('ts', 'integer', (c) => c.notNull())
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('track_id', 'integer')
      .addColumn('class_name', 'text')
      .addColumn('direction', 'text')
      .addColumn('value', 'real')
      .execute();
    await db.schema.createIndex('events_camera_ts').on('events').columns(['camera_id', 'ts']).execute();
    await db.schema.createIndex('events_ts').on('events').column('ts').execute();
    await db.schema
      .createTable('counts_minute')
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('minute', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('class_name', 'text', (c) => c.notNull())
      .addColumn('entries', 'integer', (c) => c.notNull())
      .addColumn('exits', 'integer', (c) => c.notNull())
      .addColumn('crossings_in', 'integer', (c) => c.notNull())
      .addColumn('crossings_out', 'integer', (c) => c.notNull())
      .addColumn('max_occupancy', 'integer', (c) => c.notNull())
      .addColumn('dwell_sum', 'real', (c) => c.notNull())
      .addColumn('visits', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('counts_minute_pk', ['camera_id', 'minute', 'kind', 'target', 'class_name'])
      .modifyEnd(sql`without rowid`)
      .execute();
    for (const table of ['heatmap_hour', 'heatmap_day']) {
      await db.schema
        .createTable(table)
        .addColumn('camera_id', 'text', (c) => c.notNull())
        .addColumn('class_name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('bucket', 'integer', (c) => c.notNull())
        .addColumn('data', 'blob', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['camera_id', 'kind', 'class_name', 'bucket'])
        .modifyEnd(sql`without rowid`)
        .execute();
    }
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('camera_id', 'text')
      .addColumn('range_from', 'integer')
      .addColumn('range_to', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('progress', 'real', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'integer')
      .addColumn('finished_at', 'integer')
      .addColumn('report_id', 'text')
      .execute();
    await db.schema
      .createTable('reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('cameras', 'text', (c) => c.notNull())
      .addColumn('range_from', 'integer', (c) => c.notNull())
      .addColumn('range_to', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reports_created').on('reports').column('created_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of ['reports', 'sessions', 'heatmap_day', 'heatmap_hour', 'counts_minute', 'events', 'lines', 'zones']) await db.schema.dropTable(t).execute();
  },
};
