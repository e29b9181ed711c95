import type { Kysely, Migration } from 'kysely';

/** Stream sessions' duration, a session's own counting threshold, and what its analysis measured. */
export const sessionAnalysis: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').addColumn('duration_s', 'real').execute();
    await db.schema.alterTable('sessions').addColumn('count_threshold', 'real').execute();
    await db.schema.alterTable('sessions').addColumn('summary', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const c of ['summary', 'count_threshold', 'duration_s']) await db.schema.alterTable('sessions').dropColumn(c).execute();
  },
};
