import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `sessions.uploaded`: 1 when the upload route itself wrote the session's file, the only case in
 * which deleting the session deletes the file. Sessions made before this migration whose file is a
 * UUID-named file directly in an `uploads/` folder (the only names the upload route ever wrote) are
 * marked too; removal still checks the resolved path is inside the uploads folder.
 */
export const sessionUploadFlag: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').addColumn('uploaded', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await sql`UPDATE sessions SET uploaded = 1 WHERE kind = 'file'
      AND source GLOB '*/uploads/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*'
      AND source NOT GLOB '*/uploads/*/*' AND source NOT LIKE '%/./%' AND source NOT LIKE '%/../%'`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').dropColumn('uploaded').execute();
  },
};
