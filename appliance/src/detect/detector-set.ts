import type { DetectorConfig } from '../config/schema.js';
import type { FrameDetector } from './frame-detector.js';
import { detectorFromConfig } from './from-config.js';
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { PACKAGE_ROOT } from '../config/paths.js';
import { errorMessage, VantageError } from '../errors.js';

/**
 * The loaded models of an appliance, one per manifest path: cameras naming the same model
 * (`cameras[].model`, else `detector.model`) share one detector and its workers.
 */
export class DetectorSet {
  private readonly loaded = new Map<string, Promise<FrameDetector>>();
  /** The models loaded and running (name and manifest path), in load order. */
  private readonly ready = new Map<string, FrameDetector>();

  constructor(
    private readonly config: DetectorConfig,
    private readonly load: typeof detectorFromConfig = detectorFromConfig,
  ) {}

  /** The default model (detector.model). */
  default(): Promise<FrameDetector> {
    return this.get(undefined);
  }

  /** The detector for a camera's `model` (undefined: the default), loaded on first use. */
  get(model: string | undefined, field = 'detector.model'): Promise<FrameDetector> {
    const path = model ?? this.config.model!;
    let d = this.loaded.get(path);
    if (!d) {
      const key = model ? field : 'detector.model';
      d = this.load(this.config, { model: path, field: key });
      if (path !== this.config.model) d = d.then((det) => this.sameClasses(det, key));
      d = d.then((det) => (this.ready.set(path, det), det));
      this.loaded.set(path, d);
      // A model that failed to load is tried again next time (the file may be fixed by then).
      d.catch(() => this.loaded.delete(path));
    }
    return d;
  }

  /**
   * A model named through the API (`cameras[].model` of POST/PUT /cameras), as an absolute path: a
   * manifest the appliance ships (under models/) or one the config already uses, loaded (once) before
   * the camera is stored, so a bad one is refused naming the field.
   */
  async apiModel(model: string, configModels: readonly string[]): Promise<string> {
    const path = resolve(PACKAGE_ROOT, model);
    const known = [this.config.model, ...configModels].includes(path);
    if (!known && (!path.startsWith(resolve(PACKAGE_ROOT, 'models') + sep) || !path.endsWith('.json') || !existsSync(path))) {
      throw new VantageError('ERR_CONFIG_INVALID', `model: "${model}" is not a manifest under models/ nor one the config file uses`, { field: 'model' });
    }
    try {
      await this.get(path, 'model');
    } catch (e) {
      throw new VantageError('ERR_CONFIG_INVALID', `model: ${errorMessage(e)}`, { field: 'model' });
    }
    return path;
  }

  /** Analytics, counts and events name classes by the default model's list: another model must share it. */
  private async sameClasses(det: FrameDetector, key: string): Promise<FrameDetector> {
    const base = (await this.default()).manifest.classes;
    const own = det.manifest.classes;
    if (own.length === base.length && own.every((c, i) => c === base[i])) return det;
    await det.close();
    throw new VantageError('ERR_MODEL_INVALID', `${key}: model ${det.manifest.name} has other classes than detector.model (${own.length} against ${base.length}); cameras' models must share its class list`, { field: key });
  }

  /** The loaded detectors, detector.model's first. */
  detectors(): FrameDetector[] {
    return [...this.ready.values()];
  }

  /** The models loaded so far: one per manifest, whatever the number of cameras running it. */
  models(): Array<{ name: string; manifest: string; provider: string }> {
    return [...this.ready].map(([manifest, d]) => ({ name: d.manifest.name, manifest, provider: d.provider }));
  }

  /** Models loaded so far, by manifest path. */
  async all(): Promise<Map<string, FrameDetector>> {
    const out = new Map<string, FrameDetector>();
    for (const [path, d] of this.loaded) {
      try {
        out.set(path, await d);
      } catch {
        // failed loads are reported where they were asked for
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const all = await this.all();
    this.loaded.clear();
    this.ready.clear();
    await Promise.all([...all.values()].map((d) => d.close()));
  }
}
