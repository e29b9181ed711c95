import type { DetectorConfig } from '../config/schema.js';
import type { FrameDetector } from './frame-detector.js';
import { detectorFromConfig } from './from-config.js';
import { VantageError } from '../errors.js';

/**
 * The loaded models of an appliance, one per manifest path: cameras naming the same model
 * (`cameras[].model`, else `detector.model`) share one detector and its workers.
 */
export class DetectorSet {
  private readonly loaded = new Map<string, Promise<FrameDetector>>();

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
      this.loaded.set(path, d);
      // A model that failed to load is tried again next time (the file may be fixed by then).
      d.catch(() => this.loaded.delete(path));
    }
    return d;
  }

  /** Analytics, counts and events name classes by the default model's list: another model must share it. */
  private async sameClasses(det: FrameDetector, key: string): Promise<FrameDetector> {
    const base = (await this.default()).manifest.classes;
    const own = det.manifest.classes;
    if (own.length === base.length && own.every((c, i) => c === base[i])) return det;
    await det.close();
    throw new VantageError('ERR_MODEL_INVALID', `${key}: model ${det.manifest.name} has other classes than detector.model (${own.length} against ${base.length}); cameras' models must share its class list`, { field: key });
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
    await Promise.all([...all.values()].map((d) => d.close()));
  }
}
