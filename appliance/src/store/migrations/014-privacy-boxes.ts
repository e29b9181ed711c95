import type { Kysely, Migration } from 'kysely';

/**
 * Privacy (issue 17): the boxes of the people in a recorded camera's frames (a few a second), so a clip
 * served with `privacy.blur` is blurred where the people were, without detecting again.
 */
export const privacyBoxes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('privacy_boxes')
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('ts', 'integer', (c) => c.notNull())
      /** JSON [[x1, y1, x2, y2], …], normalised 0–1 of the frame. */
      .addColumn('boxes', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('privacy_boxes_camera_ts').on('privacy_boxes').columns(['camera_id', 'ts']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('privacy_boxes').execute();
  },
};
