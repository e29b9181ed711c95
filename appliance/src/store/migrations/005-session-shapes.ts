import type { Kysely, Migration } from 'kysely';

/** The zones and lines a file session is analysed with (JSON), so a restart between create and start keeps them. */
export const sessionShapes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').addColumn('shapes', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').dropColumn('shapes').execute();
  },
};
