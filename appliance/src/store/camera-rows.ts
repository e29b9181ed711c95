import type { Kysely } from 'kysely';
import type { CameraConfig } from '../config/schema.js';
import { redactUrl } from '../util/redact.js';
import type { Database } from './schema.js';

/** The `cameras` table: a row per camera that ran, with its name and (redacted) source kept current. */
export async function recordCameras(db: Kysely<Database>, cameras: readonly CameraConfig[], now: number): Promise<void> {
  for (const cam of cameras) {
    const row = { name: cam.name ?? cam.id, source: redactUrl(cam.source), updated_at: now };
    await db
      .insertInto('cameras')
      .values({ id: cam.id, ...row, created_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }
}
