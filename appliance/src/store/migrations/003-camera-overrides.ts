import type { Kysely, Migration } from 'kysely';

/** Cameras added, changed or removed through the API; they override the config file by id. */
export const cameraOverrides: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('camera_overrides')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // JSON camera config; NULL marks a camera of the config file removed through the API.
      .addColumn('config', 'text')
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('camera_overrides').execute();
  },
};
