import type { Kysely, Migration } from 'kysely';

/**
 * `sessions.model`: the manifest of the model a file session runs on (one of the appliance's loaded
 * models, chosen with `model` at POST /api/v1/sessions); null = detector.model.
 */
export const sessionModel: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').addColumn('model', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').dropColumn('model').execute();
  },
};
