import type { Kysely } from 'kysely';
import { cameraSchema, type CameraConfig } from '../config/schema.js';
import type { Database } from './schema.js';

/** Camera changes made through the API, kept in SQLite so they survive restarts and reloads. */
export class CameraOverrides {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<Map<string, CameraConfig | null>> {
    const rows = await this.db.selectFrom('camera_overrides').selectAll().execute();
    const out = new Map<string, CameraConfig | null>();
    for (const r of rows) {
      // Stored configs were validated when written; re-parse to fill defaults added since.
      const parsed = r.config === null ? null : cameraSchema.safeParse(JSON.parse(r.config));
      if (parsed === null) out.set(r.id, null);
      else if (parsed.success) out.set(r.id, parsed.data);
    }
    return out;
  }

  async put(camera: CameraConfig, now: number): Promise<void> {
    const config = JSON.stringify(camera);
    await this.db
      .insertInto('camera_overrides')
      .values({ id: camera.id, config, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ config, updated_at: now }))
      .execute();
  }

  /** Removes an API camera; a config-file camera gets a tombstone so it stays removed. */
  async remove(id: string, fromConfigFile: boolean, now: number): Promise<void> {
    if (fromConfigFile) {
      await this.db
        .insertInto('camera_overrides')
        .values({ id, config: null, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ config: null, updated_at: now }))
        .execute();
    } else {
      await this.db.deleteFrom('camera_overrides').where('id', '=', id).execute();
    }
  }
}

/** Config-file cameras with API overrides applied: replaced by id, removed by tombstone, added. */
export function mergeCameras(fromFile: readonly CameraConfig[], overrides: ReadonlyMap<string, CameraConfig | null>): CameraConfig[] {
  const out: CameraConfig[] = [];
  const seen = new Set<string>();
  for (const cam of fromFile) {
    seen.add(cam.id);
    const o = overrides.get(cam.id);
    if (o === null) continue;
    out.push(o ?? cam);
  }
  for (const [id, o] of overrides) if (o && !seen.has(id)) out.push(o);
  return out;
}
