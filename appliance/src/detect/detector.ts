import { systemClock, type Clock } from '../clock.js';
import { VantageError } from '../errors.js';
import { loadManifest, type ModelManifest } from './manifest.js';
import { nmsPerClass } from './nms.js';
import { createSession, type ExecutionProvider, type InferenceRunner } from './onnx-session.js';
import { planarToTensor } from './preprocess.js';
import { ManifestDetector, type DetectJob, type DetectResult, type FrameDetector } from './frame-detector.js';
import type { Letterbox } from './types.js';
import { YoloxDecoder } from './yolox-decoder.js';

export interface DetectorOptions {
  manifestPath: string;
  provider: ExecutionProvider;
  threads: number;
  /** The GPU for cuda and tensorrt (default 0). */
  deviceId?: number;
  scoreThreshold: number;
  nmsIou?: number;
  /** Class names to keep; empty = all. */
  classes: readonly string[];
}

export type { DetectResult };

/**
 * Manifest-driven object detector: one ONNX session; calls are serialised so two frames never
 * compete for its threads. Input frames are already letterboxed to the model's input size as planar
 * gbrp (the source's ffmpeg does the scaling), so preprocessing is three native conversions into a
 * tensor buffer reused for every frame.
 */
export class Detector extends ManifestDetector implements FrameDetector {
  readonly concurrency = 1;
  readonly provider: ExecutionProvider;
  private readonly input: Float32Array;
  private readonly decoder: YoloxDecoder;
  private readonly classMask: Uint8Array | undefined;
  private readonly nmsIou: number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    manifest: ModelManifest,
    private readonly runner: InferenceRunner,
    private readonly opts: DetectorOptions,
    private readonly clock: Clock,
  ) {
    super(manifest);
    this.provider = runner.provider;
    const { width, height } = manifest.input;
    this.input = new Float32Array(3 * width * height);
    this.decoder = new YoloxDecoder(width, height, manifest.output.strides, manifest.classes.length, manifest.output.scoresActivated);
    this.nmsIou = opts.nmsIou ?? manifest.defaults.nmsIou;
    this.classMask = buildClassMask(manifest.classes, opts.classes);
  }

  static async create(opts: DetectorOptions, clock: Clock = systemClock): Promise<Detector> {
    const manifest = loadManifest(opts.manifestPath);
    const { width, height, batch, name } = manifest.input;
    const runner = await createSession(manifest.modelPath, name, [batch, 3, height, width], manifest.output.name, {
      provider: opts.provider,
      threads: opts.threads,
      ...(opts.deviceId !== undefined ? { deviceId: opts.deviceId } : {}),
    });
    return new Detector(manifest, runner, opts, clock);
  }

  /** Detects objects in a letterboxed planar frame (gbrp). */
  detect({ frame, letterbox }: DetectJob): Promise<DetectResult> {
    const job = this.queue.then(() => this.run(frame, letterbox));
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Runs the ONNX session alone on the preallocated input (the inference-only ceiling). */
  async inferenceOnlyFps(frames: number, warmup = 3): Promise<number> {
    for (let i = 0; i < warmup; i++) await this.runner.run(this.input);
    const t0 = this.clock.monotonic();
    for (let i = 0; i < frames; i++) await this.runner.run(this.input);
    return (frames * 1000) / (this.clock.monotonic() - t0);
  }

  private async run(frame: Uint8Array, lb: Letterbox): Promise<DetectResult> {
    const t0 = this.clock.monotonic();
    const { input: m } = this.manifest;
    planarToTensor(frame, this.input, m.width, m.height, m);
    const out = await this.runner.run(this.input);
    const candidates = this.decoder.decode(out, lb, this.opts.scoreThreshold, this.classMask);
    const detections = nmsPerClass(candidates, this.nmsIou);
    return { detections, inferenceMs: this.clock.monotonic() - t0 };
  }

  async close(): Promise<void> {
    await this.queue;
    await this.runner.release();
  }
}

function buildClassMask(all: readonly string[], keep: readonly string[]): Uint8Array | undefined {
  if (keep.length === 0) return undefined;
  const mask = new Uint8Array(all.length);
  for (const name of keep) {
    const i = all.indexOf(name);
    if (i < 0) throw new VantageError('ERR_CONFIG_INVALID', `detector.classes: unknown class "${name}" (the model knows: ${all.slice(0, 10).join(', ')}, …)`);
    mask[i] = 1;
  }
  return mask;
}
