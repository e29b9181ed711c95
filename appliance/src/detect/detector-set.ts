import type { DetectorConfig } from '../config/schema.js';
import type { FrameDetector } from './frame-detector.js';
import { detectorFromConfig } from './from-config.js';

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
      d = this.load(this.config, { model: path, field: model ? field : 'detector.model' });
      this.loaded.set(path, d);
      // A model that failed to load is tried again next time (the file may be fixed by then).
      d.catch(() => this.loaded.delete(path));
    }
    return d;
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
