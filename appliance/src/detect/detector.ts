import { systemClock, type Clock } from '../clock.js';
import { VantageError } from '../errors.js';
import type { ModelManifest } from './manifest.js';
import { nmsPerClass } from './nms.js';
import { createSession, type ExecutionProvider, type InferenceRunner } from './onnx-session.js';
import { planarToTensor } from './preprocess.js';
import { effectiveMaxBatch, ManifestDetector, type DetectJob, type DetectResult, type FrameDetector } from './frame-detector.js';
import { decoderFamily } from './decoder-registry.js';
import type { OutputDecoder } from './output-decoder.js';
import type { InputRequest } from './input-plan.js';

export interface DetectorOptions {
  manifestPath: string;
  /**
   * The manifest at manifestPath, already loaded and checked (a pool hands it to its workers, which
   * then need neither the file nor the schema library).
   */
  manifest?: ModelManifest;
  provider: ExecutionProvider;
  threads: number;
  /** The GPU for cuda and tensorrt (default 0). */
  deviceId?: number;
  scoreThreshold: number;
  nmsIou?: number;
  /** Class names to keep; empty = all. */
  classes: readonly string[];
  /**
   * Frames run through the model in one session call at most (default 1: no batching), capped by
   * the batch the model's manifest allows.
   */
  maxBatch?: number;
  /** How each source's input is planned (default: auto at the model's nominal detail). */
  input?: InputRequest;
}

export type { DetectResult };

/** A job waiting for the session, with the promise it settles. */
interface Waiting {
  job: DetectJob;
  resolve(r: DetectResult): void;
  reject(e: Error): void;
}

/**
 * Manifest-driven object detector: one ONNX session; runs are serialised so two never compete for
 * its threads. Input frames are already letterboxed to the model's input size as planar gbrp (the
 * source's ffmpeg does the scaling), so preprocessing is three native conversions per image into a
 * tensor buffer reused for every run. When the model accepts a batch, the frames that are waiting
 * when the session becomes free (up to `maxBatch`) go through it in one run; a frame never waits for
 * others to fill a batch.
 */
export class Detector extends ManifestDetector implements FrameDetector {
  readonly provider: ExecutionProvider;
  /** Frames in one session run at most. */
  readonly maxBatch: number;
  /** Session runs so far (one per batch). */
  runs = 0;
  /** Grown to the largest batch of the largest input size seen. */
  private input: Float32Array;
  /** Images in the input tensor: a fixed-batch model's batch, else maxBatch. */
  private readonly tensorBatch: number;
  private readonly dynamic: boolean;
  /** A decoder per input size (its grid depends on the size). */
  private readonly decoders = new Map<string, OutputDecoder>();
  private readonly classMask: Uint8Array | undefined;
  private readonly nmsIou: number;
  private readonly waiting: Waiting[] = [];
  private running: Promise<void> | undefined;

  private constructor(
    manifest: ModelManifest,
    private readonly runner: InferenceRunner,
    private readonly opts: DetectorOptions,
    private readonly clock: Clock,
  ) {
    super(manifest, opts.input);
    this.provider = runner.provider;
    const { width, height, batch } = manifest.input;
    this.dynamic = batch === 'dynamic';
    this.maxBatch = effectiveMaxBatch(batch, opts.maxBatch ?? 1);
    this.tensorBatch = imagesPerTensor(manifest, opts);
    this.input = new Float32Array(this.tensorBatch * 3 * width * height);
    this.nmsIou = opts.nmsIou ?? manifest.defaults.nmsIou;
    this.classMask = buildClassMask(manifest.classes, opts.classes);
  }

  static async create(opts: DetectorOptions, clock: Clock = systemClock): Promise<Detector> {
    const manifest = opts.manifest ?? (await import('./manifest.js')).loadManifest(opts.manifestPath);
    const { width, height, batch, name } = manifest.input;
    const runner = await createSession(manifest.modelPath, name, [imagesPerTensor(manifest, opts), 3, height, width], manifest.outputNames, {
      provider: opts.provider,
      threads: opts.threads,
      ...(opts.deviceId !== undefined ? { deviceId: opts.deviceId } : {}),
    });
    const declared = runner.modelBatch;
    if (declared !== undefined && declared !== batch && declared !== 'dynamic') {
      await runner.release();
      throw new VantageError(
        'ERR_MODEL_INVALID',
        `model ${manifest.modelPath} has a fixed batch of ${declared} in input "${name}", its manifest says input.batch ${JSON.stringify(batch)}`,
      );
    }
    if (manifest.input.dynamicSize && !runner.dynamicSize) {
      await runner.release();
      throw new VantageError('ERR_MODEL_INVALID', `model ${manifest.modelPath} has a fixed input size, its manifest says input.dynamicSize (make one with scripts/batch-model.mjs --size dynamic)`);
    }
    return new Detector(manifest, runner, opts, clock);
  }

  /** The decoder for one input size, made on first use. */
  private decoderFor(width: number, height: number): OutputDecoder {
    const key = `${width}x${height}`;
    let d = this.decoders.get(key);
    if (!d) {
      const m = this.manifest;
      d = decoderFamily(m.output.decoder).create(m.decoderParams, { width, height }, m.classes.length);
      this.decoders.set(key, d);
    }
    return d;
  }

  /** Why this model cannot take an input of width×height, or undefined when it can. */
  private sizeProblem(width: number, height: number): string | undefined {
    const m = this.manifest.input;
    if (m.dynamicSize) {
      const k = m.dynamicSize.multiple;
      return width % k || height % k || width <= 0 || height <= 0 ? `input ${width}x${height}: model ${this.manifest.name} takes multiples of ${k}` : undefined;
    }
    return width !== m.width || height !== m.height ? `input ${width}x${height}: model ${this.manifest.name} takes ${m.width}x${m.height} only` : undefined;
  }

  /** Frames worth keeping in flight: a batch running and the next one gathering. */
  get concurrency(): number {
    return this.maxBatch === 1 ? 1 : 2 * this.maxBatch;
  }

  /** Detects objects in a letterboxed planar frame (gbrp). */
  detect(job: DetectJob): Promise<DetectResult> {
    return this.detectMany([job])[0]!;
  }

  /**
   * Queues several frames at once (a worker hands over what the pool batched), so they can share a
   * session run; each settles on its own.
   */
  detectMany(jobs: readonly DetectJob[]): Array<Promise<DetectResult>> {
    const results = jobs.map((job) => new Promise<DetectResult>((resolve, reject) => this.waiting.push({ job, resolve, reject })));
    this.pump();
    return results;
  }

  /**
   * Runs the session alone on the preallocated input (the inference-only ceiling), `batch` images
   * per run; returns images/s.
   */
  async inferenceOnlyFps(frames: number, batch = 1, warmup = 3, at?: { width: number; height: number }): Promise<number> {
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new RangeError(`batch ${batch}: this detector runs 1 to ${this.maxBatch} frames at once (detector.max_batch, capped by the model's input.batch ${JSON.stringify(this.manifest.input.batch)})`);
    }
    await this.running;
    const size = this.dynamic ? batch : this.tensorBatch;
    const image = { width: at?.width ?? this.inputWidth, height: at?.height ?? this.inputHeight };
    const problem = this.sizeProblem(image.width, image.height);
    if (problem) throw new RangeError(problem);
    this.ensureInput(this.tensorBatch * 3 * image.width * image.height);
    for (let i = 0; i < warmup; i++) await this.runner.runOutputs(this.input, size, image);
    const runs = Math.ceil(frames / batch);
    const t0 = this.clock.monotonic();
    for (let i = 0; i < runs; i++) await this.runner.runOutputs(this.input, size, image);
    return (runs * batch * 1000) / (this.clock.monotonic() - t0);
  }

  private ensureInput(values: number): void {
    if (this.input.length < values) this.input = new Float32Array(values);
  }

  /**
   * Starts a run with what is waiting, unless one is under way (it starts the next when done). Frames
   * of one input size share a run; the oldest waiting frame's size goes first.
   */
  private pump(): void {
    if (this.running || this.waiting.length === 0) return;
    const { inputWidth: w, inputHeight: h } = this.waiting[0]!.job.letterbox;
    const batch: Waiting[] = [];
    for (let i = 0; i < this.waiting.length && batch.length < this.maxBatch; ) {
      const lb = this.waiting[i]!.job.letterbox;
      if (lb.inputWidth === w && lb.inputHeight === h) batch.push(...this.waiting.splice(i, 1));
      else i++;
    }
    this.running = this.run(batch).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async run(batch: Waiting[]): Promise<void> {
    const t0 = this.clock.monotonic();
    const { input: m } = this.manifest;
    const { inputWidth: width, inputHeight: height } = batch[0]!.job.letterbox;
    const problem = this.sizeProblem(width, height);
    if (problem) {
      for (const w of batch) w.reject(new Error(problem));
      return;
    }
    const imageSize = 3 * width * height;
    this.ensureInput(this.tensorBatch * imageSize);
    // A frame that cannot be converted fails alone; the rest of the batch goes on.
    const ready: Waiting[] = [];
    for (const w of batch) {
      try {
        planarToTensor(w.job.frame, this.input.subarray(ready.length * imageSize, (ready.length + 1) * imageSize), width, height, m);
        ready.push(w);
      } catch (e) {
        w.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    if (ready.length === 0) return;
    try {
      this.runs++;
      const images = this.dynamic ? ready.length : this.tensorBatch;
      const outs = await this.runner.runOutputs(this.input, images, { width, height });
      const decoder = this.decoderFor(width, height);
      // Every image's slice of the outputs is decoded before any job settles: inferenceMs covers the whole run.
      const detections = ready.map((w, i) => {
        const slices = outs.map((o) => {
          const per = o.length / images;
          return o.subarray(i * per, (i + 1) * per);
        });
        const candidates = decoder.decode(slices, w.job.letterbox, this.opts.scoreThreshold, this.classMask);
        return nmsPerClass(candidates, this.nmsIou);
      });
      const inferenceMs = this.clock.monotonic() - t0;
      ready.forEach((w, i) => w.resolve({ detections: detections[i]!, inferenceMs, batch: ready.length }));
    } catch (e) {
      for (const w of ready) w.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  async close(): Promise<void> {
    while (this.running) await this.running;
    await this.runner.release();
  }
}

/** Images the input tensor holds: a fixed-batch model's batch, else the most frames one run may carry. */
function imagesPerTensor(manifest: ModelManifest, opts: DetectorOptions): number {
  const { batch } = manifest.input;
  return batch === 'dynamic' ? effectiveMaxBatch(batch, opts.maxBatch ?? 1) : batch;
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
