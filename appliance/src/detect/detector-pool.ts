import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../config/paths.js';
import { VantageError, type ErrorCode } from '../errors.js';
import { Detector, type DetectorOptions } from './detector.js';
import type { WorkerReply, WorkerRequest } from './detector-worker.js';
import { ManifestDetector, type DetectJob, type DetectResult, type FrameDetector } from './frame-detector.js';
import { loadManifest, type ModelManifest } from './manifest.js';
import type { ExecutionProvider } from './onnx-session.js';

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
  /** Jobs posted to this worker and not answered yet. */
  outstanding: number;
}

/**
 * Jobs queued in each worker's port at once: when a worker finishes a frame the next is already
 * there, so it never waits for the main thread to wake up and hand it one.
 */
const DEPTH = 2;

/**
 * N worker threads, each with its own ONNX session, fed from one FIFO queue. On a CPU box two
 * single-threaded sessions side by side beat one session with two intra-op threads; on a GPU one
 * worker is usually right. Jobs carry only a reference to a ring slot's shared memory.
 */
export class DetectorPool extends ManifestDetector implements FrameDetector {
  readonly provider: ExecutionProvider;
  private readonly queue: Array<{ msg: WorkerRequest & { id: number }; pending: Pending }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(
    manifest: ModelManifest,
    private readonly slots: Slot[],
    provider: ExecutionProvider,
  ) {
    super(manifest);
    this.provider = provider;
    for (const slot of slots) {
      slot.worker.on('message', (m: WorkerReply) => this.onReply(slot, m));
      slot.worker.on('error', (e) => this.failAll(e));
    }
  }

  /** `workers` 0 runs the model on the calling thread (a plain Detector). */
  static async create(opts: DetectorOptions & { workers: number }): Promise<FrameDetector> {
    if (opts.workers <= 0) return Detector.create(opts);
    const manifest = loadManifest(opts.manifestPath);
    const { workers, ...detectorOptions } = opts;
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
    return new DetectorPool(manifest, slots, opts.provider);
  }

  /** Frames worth keeping in flight: every worker busy with one more queued behind it. */
  get concurrency(): number {
    return this.slots.length * DEPTH;
  }

  detect({ frame, letterbox }: DetectJob): Promise<DetectResult> {
    // Shared memory goes by reference; anything else is copied once into a transferable buffer.
    const shared = frame.buffer instanceof SharedArrayBuffer;
    const buffer = shared ? frame.buffer : frame.slice().buffer;
    const msg = { type: 'detect' as const, id: this.nextId++, buffer, byteOffset: shared ? frame.byteOffset : 0, byteLength: frame.byteLength, letterbox };
    return this.enqueue(msg) as Promise<DetectResult>;
  }

  async inferenceOnlyFps(frames: number): Promise<number> {
    const round = (per: number, warmup: number) =>
      Promise.all(this.slots.map((slot) => this.send(slot, { type: 'infer-only', id: this.nextId++, frames: per, warmup })));
    await round(0, 3); // warm-up, not timed
    const per = Math.ceil(frames / this.slots.length);
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

  private enqueue(msg: WorkerRequest & { id: number }): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('detector closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  private send(slot: Slot, msg: WorkerRequest & { id: number }): Promise<unknown> {
    return new Promise((resolve, reject) => {
      slot.outstanding++;
      this.pending.set(msg.id, { resolve, reject });
      slot.worker.postMessage(msg);
    });
  }

  /** Hands queued jobs to the least loaded workers, up to DEPTH each. */
  private dispatch(): void {
    while (this.queue.length) {
      let slot: Slot | undefined;
      for (const s of this.slots) if (s.outstanding < DEPTH && (!slot || s.outstanding < slot.outstanding)) slot = s;
      if (!slot) return;
      const next = this.queue.shift()!;
      slot.outstanding++;
      this.pending.set(next.msg.id, next.pending);
      slot.worker.postMessage(next.msg);
    }
  }

  private onReply(slot: Slot, m: WorkerReply): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    slot.outstanding--;
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (m.type === 'result') p?.resolve(m.result);
    else p?.reject(new Error(m.message));
    this.dispatch();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const q of this.queue.splice(0)) q.pending.reject(e);
  }
}
