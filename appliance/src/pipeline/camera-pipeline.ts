import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Detector } from '../detect/detector.js';
import type { Detection, Letterbox } from '../detect/types.js';
import type { CameraSource } from '../sources/camera-source.js';

export interface FrameResult {
  cameraId: string;
  seq: number;
  /** Frame time in ms: arrival time for live sources, seq / fps from the stream start for analysis. */
  timeMs: number;
  detections: Detection[];
  inferenceMs: number;
  /** Pipe read → detections available. */
  latencyMs: number;
  letterbox: Letterbox;
  /** The letterboxed pixels the detector saw; valid only during the sink call (the slot is reused). */
  frame: Uint8Array;
}

export interface PipelineOptions {
  cameraId: string;
  /** 'wall': frame time = arrival time; 'stream': frame time = seq / fps (offline analysis). */
  timebase: 'wall' | 'stream';
}

/**
 * Pulls frames from a camera's ring into the shared detector, one at a time: while a frame is being
 * detected, newer frames replace older waiting ones in the ring (live) or the decoder waits
 * (analysis). Results go to `sink`, synchronously, in frame order.
 */
export class CameraPipeline {
  private busy = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  framesInferred = 0;
  lastInferenceMs = 0;

  constructor(
    private readonly opts: PipelineOptions,
    readonly source: CameraSource,
    private readonly detector: Detector,
    private readonly sink: (r: FrameResult) => void,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    source.onFrame(() => this.pump());
  }

  start(): void {
    this.stopped = false;
    this.source.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.source.stop();
    await this.idle();
  }

  /** Resolves when no frame is in the detector and none is waiting. */
  idle(): Promise<void> {
    if (!this.busy && (this.stopped || (this.source.ring.waiting === 0 && !this.source.ring.pending))) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    if (this.busy || this.stopped) return;
    const frame = this.source.ring.take();
    const lb = this.source.letterbox;
    if (!frame || !lb) {
      this.notifyIdle();
      return;
    }
    this.busy = true;
    this.detector
      .detect(frame.data, lb)
      .then(({ detections, inferenceMs }) => {
        this.framesInferred++;
        this.lastInferenceMs = inferenceMs;
        const fps = this.source.info?.fps ?? 25;
        const timeMs = this.opts.timebase === 'stream' ? (frame.seq * 1000) / fps : frame.receivedAt;
        this.sink({
          cameraId: this.opts.cameraId,
          seq: frame.seq,
          timeMs,
          detections,
          inferenceMs,
          latencyMs: this.clock.now() - frame.receivedAt,
          letterbox: lb,
          frame: frame.data,
        });
      })
      .catch((e: unknown) => this.log.error({ err: errorMessage(e) }, 'detection failed for a frame'))
      .finally(() => {
        this.busy = false;
        this.source.release(frame);
        this.pump();
      });
  }

  private notifyIdle(): void {
    if (this.busy || this.source.ring.waiting > 0 || this.source.ring.pending) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }
}
