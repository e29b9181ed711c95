import type { Kysely, Migration } from 'kysely';

/**
 * Recordings (issue 17): every finished video segment of a camera (its wall-clock span, size and file
 * under the recordings folder), and the box of the object behind each analytic event, for the event's
 * thumbnail (the events table keeps no box).
 */
export const recordings: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('recording_segments')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('start_ms', 'integer', (c) => c.notNull())
      .addColumn('end_ms', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      /** Relative to the recordings folder: `<camera>/<run>-<n>.ts`. */
      .addColumn('path', 'text', (c) => c.notNull().unique())
      /** One ffmpeg run: segments of the same run have continuous timestamps (no discontinuity between them). */
      .addColumn('run', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recording_segments_camera_start').on('recording_segments').columns(['camera_id', 'start_ms']).execute();
    await db.schema.createIndex('recording_segments_camera_end').on('recording_segments').columns(['camera_id', 'end_ms']).execute();
    await db.schema
      .createTable('recording_boxes')
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('ts', 'integer', (c) => c.notNull())
      .addColumn('track_id', 'integer', (c) => c.notNull())
      /** Normalised [0, 1] box of the track at the event's frame. */
      .addColumn('x1', 'real', (c) => c.notNull())
      .addColumn('y1', 'real', (c) => c.notNull())
      .addColumn('x2', 'real', (c) => c.notNull())
      .addColumn('y2', 'real', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recording_boxes_camera_ts').on('recording_boxes').columns(['camera_id', 'ts']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('recording_boxes').execute();
    await db.schema.dropTable('recording_segments').execute();
  },
};
