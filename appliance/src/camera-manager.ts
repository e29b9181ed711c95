import { isDeepStrictEqual } from 'node:util';
import type { Clock } from './clock.js';
import type { CameraConfig } from './config/schema.js';
import type { FrameDetector } from './detect/frame-detector.js';
import type { Logger } from './logger.js';
import type { EventBus } from './events.js';
import type { FrameConsumer } from './pipeline/frame-processor.js';
import type { TrackerOptions } from './track/types.js';
import { CameraRuntime } from './camera-runtime.js';
import { errorMessage } from './errors.js';

export interface CameraManagerDeps {
  detector: FrameDetector;
  /** The detector of a camera that names its own model (`cameras[].model`); cameras sharing a model share it. */
  detectorFor?(cam: CameraConfig): Promise<FrameDetector>;
  trackerOptions: TrackerOptions;
  /** Id allocator for a camera's tracks (persistent across restarts). */
  allocatorFor(cameraId: string): () => number;
  /** Every live camera's frames and track lifecycle go to these, in order (see FrameProcessor). */
  consumers: readonly FrameConsumer[];
  countThreshold: number;
  onDecoded(cameraId: string, frames: number): void;
  onDropped(cameraId: string): void;
  /** Camera status changes (`camera.status`) and removals (`camera.removed`) are announced here. */
  bus: EventBus;
  log: Logger;
  clock: Clock;
}

export interface ApplyResult {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * The running cameras. `apply` moves from the current set to a new one touching only the cameras
 * that differ: one camera's start, stop or restart never interrupts another. Calls are serialised.
 */
export class CameraManager {
  private readonly running = new Map<string, CameraRuntime>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: CameraManagerDeps) {}

  list(): CameraRuntime[] {
    return [...this.running.values()];
  }

  get(id: string): CameraRuntime | undefined {
    return this.running.get(id);
  }

  apply(cameras: readonly CameraConfig[]): Promise<ApplyResult> {
    const next = this.chain.then(() => this.applyNow(cameras));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Stops every camera, ending their open tracks. */
  stopAll(): Promise<ApplyResult> {
    return this.apply([]);
  }

  private async applyNow(cameras: readonly CameraConfig[]): Promise<ApplyResult> {
    const wanted = new Map(cameras.map((c) => [c.id, c]));
    const result: ApplyResult = { added: [], changed: [], removed: [] };
    const stops: Array<Promise<void>> = [];
    for (const [id, rt] of this.running) {
      const want = wanted.get(id);
      if (want && isDeepStrictEqual(want, rt.config)) continue;
      if (want && sameStream(want, rt.config)) {
        // Only zones or lines changed: analytics picks them up; the stream keeps running.
        rt.config = want;
        result.changed.push(id);
        continue;
      }
      (want ? result.changed : result.removed).push(id);
      this.running.delete(id);
      stops.push(this.stopOne(rt));
    }
    await Promise.all(stops);
    for (const id of result.removed) this.deps.bus.emit({ type: 'camera.removed', camera: id });
    for (const cam of cameras) {
      if (this.running.has(cam.id)) continue;
      if (!result.changed.includes(cam.id)) result.added.push(cam.id);
      await this.startOne(cam);
    }
    if (result.added.length + result.changed.length + result.removed.length > 0) {
      this.deps.log.info(result, 'cameras applied');
    }
    return result;
  }

  private async startOne(cam: CameraConfig): Promise<void> {
    const d = this.deps;
    let detector = d.detector;
    if (cam.model && d.detectorFor) {
      try {
        detector = await d.detectorFor(cam);
      } catch (e) {
        d.log.error({ camera: cam.id, model: cam.model, err: errorMessage(e) }, 'the camera\'s model cannot be loaded; camera not started');
        return;
      }
    }
    const rt = new CameraRuntime(
      cam,
      detector,
      { options: d.trackerOptions, allocateId: d.allocatorFor(cam.id) },
      { consumers: d.consumers, countThreshold: d.countThreshold },
      { onDecoded: d.onDecoded, onDropped: d.onDropped, onStatus: (view) => d.bus.emit({ type: 'camera.status', camera: view.id, view }) },
      d.log.child({ module: 'camera', camera: cam.id }),
      d.clock,
    );
    this.running.set(cam.id, rt);
    if (rt.pipeline) rt.pipeline.start();
    else d.bus.emit({ type: 'camera.status', camera: cam.id, view: rt.view() });
  }

  private async stopOne(rt: CameraRuntime): Promise<void> {
    const t0 = performance.now();
    await rt.pipeline?.stop();
    rt.processor?.end(this.deps.clock.now());
    // What the camera analysed in all, and its last analysed frame's time: the rows a stop must leave in the store.
    const p = rt.pipeline;
    if (p) this.deps.log.info({ module: 'camera', camera: rt.id, frames_inferred: p.framesInferred, last_inferred_ms: p.lastInferredFrameMs, ms: Math.round(performance.now() - t0) }, 'camera stopped');
  }
}

/** Two camera configs that decode the same stream the same way (they may differ in zones and lines). */
function sameStream(a: CameraConfig, b: CameraConfig): boolean {
  const { zones: _za, lines: _la, ...restA } = a;
  const { zones: _zb, lines: _lb, ...restB } = b;
  return isDeepStrictEqual(restA, restB);
}
