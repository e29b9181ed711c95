import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { CameraConfig } from './config/schema.js';
import { VantageError } from './errors.js';
import { mergeCameras, type CameraOverrides } from './store/camera-overrides.js';
import { recordCameras } from './store/camera-rows.js';
import type { Database } from './store/schema.js';

/** Something that follows the effective camera list (analytics, the running cameras, the live view). */
export interface CameraFollower {
  apply(cameras: readonly CameraConfig[]): Promise<unknown>;
}

/**
 * The effective cameras: the config file's (replaced by a reload) plus the API's overrides (kept in
 * SQLite). Every change is recorded in the `cameras` table and handed to the followers in order.
 */
export class CameraSet {
  constructor(
    private fileCameras: readonly CameraConfig[],
    private readonly overrides: CameraOverrides,
    private readonly db: Kysely<Database>,
    private readonly followers: readonly CameraFollower[],
    private readonly running: (id: string) => boolean,
    private readonly clock: Clock,
    /** Why a source is refused (sources/source-policy); a stored camera with one is kept but not run. */
    private readonly sourceProblem: (source: string) => string | undefined = () => undefined,
    private readonly onRefused: (camera: string, why: string) => void = () => undefined,
  ) {}

  /** A new config file's cameras (SIGHUP). */
  async reload(fileCameras: readonly CameraConfig[]): Promise<void> {
    this.fileCameras = fileCameras;
    await this.apply();
  }

  async apply(): Promise<void> {
    // A camera stored through the API before its source was refused by the policy is kept, not run.
    const effective = mergeCameras(this.fileCameras, await this.overrides.list()).map((cam) => {
      const why = [cam.source, cam.live_source, cam.record_source].reduce<string | undefined>((w, s) => w ?? (s === undefined ? undefined : this.sourceProblem(s)), undefined);
      if (!why || !cam.enabled) return cam;
      this.onRefused(cam.id, why);
      return { ...cam, enabled: false };
    });
    await recordCameras(this.db, effective, this.clock.now());
    for (const f of this.followers) await f.apply(effective);
  }

  /** The models the config file's cameras name (`cameras[].model`). */
  fileModels(): string[] {
    return this.fileCameras.flatMap((c) => (c.model ? [c.model] : []));
  }

  /** Adds (409 if the id runs) or replaces (404 if it does not) a camera; persisted, applied at once. */
  async put(cam: CameraConfig, mode: 'create' | 'replace'): Promise<void> {
    const exists = this.running(cam.id);
    if (mode === 'create' && exists) throw new VantageError('ERR_CONFLICT', `camera "${cam.id}" already exists`);
    if (mode === 'replace' && !exists) throw new VantageError('ERR_NOT_FOUND', `no camera "${cam.id}"`);
    await this.overrides.put(cam, this.clock.now());
    await this.apply();
  }

  /** Stops and removes a camera (404 if unknown); a config-file camera stays removed across restarts. */
  async remove(id: string): Promise<void> {
    if (!this.running(id)) throw new VantageError('ERR_NOT_FOUND', `no camera "${id}"`);
    await this.overrides.remove(id, this.fileCameras.some((c) => c.id === id), this.clock.now());
    await this.apply();
  }
}
