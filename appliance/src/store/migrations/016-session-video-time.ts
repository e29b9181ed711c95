import type { Kysely, Migration } from 'kysely';

/**
 * A file session's own clock (issue 19): `video_start_ms`, when the file was recorded (its
 * creation_time tag, unix ms; null when it states none), and `video_duration_ms`, how much of the
 * video the session covers. Sessions stored before keep nulls: they are charted in offsets from the
 * file's start, over the span their summary measured.
 */
export const sessionVideoTime: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').addColumn('video_start_ms', 'integer').execute();
    await db.schema.alterTable('sessions').addColumn('video_duration_ms', 'integer').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').dropColumn('video_duration_ms').execute();
    await db.schema.alterTable('sessions').dropColumn('video_start_ms').execute();
  },
};
