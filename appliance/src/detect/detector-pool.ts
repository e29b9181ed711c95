import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../config/paths.js';
import { VantageError, type ErrorCode } from '../errors.js';
import { Detector, type DetectorOptions } from './detector.js';
import type { FrameMessage, WorkerReply, WorkerRequest } from './detector-worker.js';
import { effectiveMaxBatch, ManifestDetector, type DetectJob, type DetectResult, type FrameDetector } from './frame-detector.js';
import { loadManifest, type ModelManifest } from './manifest.js';
import type { ExecutionProvider } from './onnx-session.js';
import { DeadlineQueue } from './deadline-queue.js';
import { systemClock } from '../clock.js';

/** The compiled worker script (workers run JavaScript, also when the caller runs from TypeScript). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = here.replace(/\.ts$/, '.js').replace(/detector-pool\.js$/, 'detector-worker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const built = resolve(PACKAGE_ROOT, 'dist/appliance/src/detect/detector-worker.js');
  if (!existsSync(built)) throw new VantageError('ERR_MODEL_INVALID', `detector worker not built: ${built} (run make build)`);
  return built;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  /** Messages (batches of frames, or a measurement) posted to this worker and not fully answered. */
  outstanding: number;
}

/** A message's replies still to come; the last one frees the worker's place. */
interface Posted {
  slot: Slot;
  left: number;
}

/**
 * Batches queued in each worker's port at once: when a worker finishes one the next is already
 * there, so it never waits for the main thread to wake up and hand it one.
 */
const DEPTH = 2;

/**
 * N worker threads, each with its own ONNX session, fed from one queue that serves the oldest frame
 * first (DeadlineQueue). On a CPU box two single-threaded sessions side by side beat one session
 * with two intra-op threads; on a GPU one worker is usually right. Jobs carry only a reference to a ring slot's shared memory. When the
 * model accepts a batch, a worker with room takes up to `maxBatch` of the jobs already waiting in
 * one message (one session run); a job is never held back to fill a batch.
 */
export class DetectorPool extends ManifestDetector implements FrameDetector {
  readonly provider: ExecutionProvider;
  /** Jobs handed to workers and the messages (session runs) they went in. */
  readonly stats = { frames: 0, batches: 0 };
  private readonly queue = new DeadlineQueue<{ frame: FrameMessage; pending: Pending }>();
  private readonly pending = new Map<number, Pending & { posted: Posted }>();
  private nextId = 1;
  private closed = false;

  private constructor(
    manifest: ModelManifest,
    private readonly slots: Slot[],
    provider: ExecutionProvider,
    readonly maxBatch: number,
    input: DetectorOptions['input'],
  ) {
    super(manifest, input);
    this.provider = provider;
    for (const slot of slots) {
      slot.worker.on('message', (m: WorkerReply) => this.onReply(m));
      slot.worker.on('error', (e) => this.failAll(e));
    }
  }

  /** `workers` 0 runs the model on the calling thread (a plain Detector). */
  static async create(opts: DetectorOptions & { workers: number }): Promise<FrameDetector> {
    if (opts.workers <= 0) return Detector.create(opts);
    const manifest = loadManifest(opts.manifestPath);
    const { workers, ...rest } = opts;
    const detectorOptions: DetectorOptions = { ...rest, manifest };
    const maxBatch = effectiveMaxBatch(manifest.input.batch, opts.maxBatch ?? 1);
    const script = workerScript();
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < workers; i++) {
        const worker = new Worker(script, { workerData: detectorOptions });
        slots.push({ worker, outstanding: 0 });
        await new Promise<void>((ok, fail) => {
          const onMessage = (m: WorkerReply) => {
            worker.off('error', fail);
            if (m.type === 'ready') ok();
            else if (m.type === 'init-error') fail(new VantageError(m.code as ErrorCode, m.message));
          };
          worker.once('message', onMessage);
          worker.once('error', fail);
        });
      }
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
    return new DetectorPool(manifest, slots, opts.provider, maxBatch, opts.input);
  }

  /** Frames worth keeping in flight: every worker busy with a batch and one more queued behind it. */
  get concurrency(): number {
    return this.slots.length * DEPTH * this.maxBatch;
  }

  detect({ frame, letterbox, receivedAt }: DetectJob): Promise<DetectResult> {
    if (this.closed) return Promise.reject(new Error('detector closed'));
    // Shared memory goes by reference; anything else is copied once into a transferable buffer.
    const shared = frame.buffer instanceof SharedArrayBuffer;
    const buffer = shared ? frame.buffer : frame.slice().buffer;
    const msg: FrameMessage = { id: this.nextId++, buffer, byteOffset: shared ? frame.byteOffset : 0, byteLength: frame.byteLength, letterbox };
    return new Promise((resolve, reject) => {
      this.queue.push({ frame: msg, pending: { resolve: resolve as (v: unknown) => void, reject } }, receivedAt ?? systemClock.now());
      this.dispatch();
    });
  }

  async inferenceOnlyFps(frames: number, batch = 1): Promise<number> {
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new RangeError(`batch ${batch}: this detector runs 1 to ${this.maxBatch} frames at once (detector.max_batch, capped by the model's input.batch ${JSON.stringify(this.manifest.input.batch)})`);
    }
    const round = (per: number, warmup: number) =>
      Promise.all(this.slots.map((slot) => this.send(slot, { type: 'infer-only', id: this.nextId++, frames: per, batch, warmup })));
    await round(0, 3); // warm-up, not timed
    const per = Math.ceil(frames / this.slots.length / batch) * batch;
    const t0 = performance.now();
    await round(per, 0);
    // All workers run side by side; the wall clock over all of them is the honest total.
    return (per * this.slots.length * 1000) / (performance.now() - t0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((r) => {
            s.worker.once('exit', () => r());
            s.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
            setTimeout(() => void s.worker.terminate(), 2000).unref();
          }),
      ),
    );
    this.failAll(new Error('detector closed'));
  }

  private send(slot: Slot, msg: Extract<WorkerRequest, { type: 'infer-only' }>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      slot.outstanding++;
      this.pending.set(msg.id, { resolve, reject, posted: { slot, left: 1 } });
      slot.worker.postMessage(msg);
    });
  }

  /**
   * Hands waiting jobs to the least loaded workers, up to DEPTH messages each. A message takes up to
   * maxBatch jobs, shared out among the equally loaded workers so an idle worker never sits out
   * while another takes a full batch.
   */
  private dispatch(): void {
    while (this.queue.length) {
      let slot: Slot | undefined;
      for (const s of this.slots) if (s.outstanding < DEPTH && (!slot || s.outstanding < slot.outstanding)) slot = s;
      if (!slot) return;
      const peers = this.slots.filter((s) => s.outstanding === slot.outstanding).length;
      const jobs = this.queue.take(Math.min(this.maxBatch, Math.ceil(this.queue.length / peers)));
      const posted: Posted = { slot, left: jobs.length };
      slot.outstanding++;
      for (const j of jobs) this.pending.set(j.frame.id, { ...j.pending, posted });
      this.stats.frames += jobs.length;
      this.stats.batches++;
      slot.worker.postMessage({ type: 'detect', frames: jobs.map((j) => j.frame) } satisfies WorkerRequest);
    }
  }

  private onReply(m: WorkerReply): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (p && --p.posted.left === 0) p.posted.slot.outstanding--;
    if (m.type === 'result') p?.resolve(m.result);
    else p?.reject(new Error(m.message));
    this.dispatch();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const q of this.queue.drain()) q.pending.reject(e);
  }
}
