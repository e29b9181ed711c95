import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { DetectResult, FrameDetector } from '../detect/frame-detector.js';
import type { Detection, Letterbox } from '../detect/types.js';
import type { FrameRef } from '../sources/frame-ring.js';
import type { CameraSource } from '../sources/camera-source.js';
import { MotionGate } from './motion-gate.js';

export interface FrameResult {
  cameraId: string;
  seq: number;
  /** Frame time in ms: arrival time for live sources, seq / fps from the stream start for analysis. */
  timeMs: number;
  /** Presentation time in the source, ms (seq / fps from the decoder's start), whatever the timebase. */
  ptsMs?: number;
  /** False when the frame was not run through the detector (detect_every, motion gate). */
  inferred: boolean;
  detections: Detection[];
  inferenceMs: number;
  /** Pipe read → result available. */
  latencyMs: number;
  letterbox: Letterbox;
  /** The letterboxed pixels; valid only during the sink call (the slot is reused). */
  frame: Uint8Array;
}

export interface PipelineOptions {
  cameraId: string;
  /** 'wall': frame time = arrival time; 'stream': frame time = seq / fps (offline analysis). */
  timebase: 'wall' | 'stream';
  /** Run the detector on every Nth frame; the tracker carries boxes in between. */
  detectEvery?: number;
  /** Skip the detector when less than this fraction of the frame changed (0 = off). */
  motionThreshold?: number;
  /** Even a still scene is re-detected at least this often (ms of frame time). */
  motionMaxSkipMs?: number;
  /**
   * Adaptive rate: while the scene is empty (no detection at or above `activeScore` for `idleAfterMs`)
   * and nothing moves, the detector runs only this often per second; any motion or object brings back
   * every frame. 0 or absent = off (file analysis always detects every frame).
   */
  idleFps?: number;
  /** Score at or above which a detection makes the scene active (default 0.5). */
  activeScore?: number;
  /** How long the scene stays active after its last object (ms of frame time, default 1000). */
  idleAfterMs?: number;
  /**
   * Frames of this camera in the detector at once (default: the detector's concurrency). Live
   * cameras use 1, so with many cameras the shared queue holds at most one frame per camera and
   * every camera's newest frame is next in line.
   */
  maxInFlight?: number;
}

interface InFlight {
  frame: FrameRef;
  letterbox: Letterbox;
  inferred: boolean;
  result?: DetectResult | undefined;
  done: boolean;
}

/** Share of the sampled grid that must change for the adaptive rate to call a scene moving. */
const IDLE_MOTION = 0.005;

/**
 * Pulls frames from a camera's ring into the shared detector, up to `detector.concurrency` at a time,
 * and hands results to `sink` in frame order. While frames are in the detector, newer frames replace
 * older waiting ones in the ring (live) or the decoder waits (analysis).
 */
export class CameraPipeline {
  private stopped = false;
  /** Frames taken from the ring, in order, until handed to the sink (some may be done already). */
  private readonly inFlight: InFlight[] = [];
  /** Frames in the detector right now (the concurrency limit counts these, not finished ones). */
  private detecting = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly maxInFlight: number;
  private motion: MotionGate | undefined;
  private lastInferredAt = -Infinity;
  private frameCounter = 0;
  /** Frame time of the last frame whose detections made the scene active. */
  private lastActiveAt = -Infinity;
  /** The adaptive rate's own change detector (the motion gate's when there is one). */
  private idleMotion: MotionGate | undefined;
  framesInferred = 0;
  /** Frames not run through the detector (detect_every, motion gate, adaptive rate). */
  framesSkipped = 0;
  /** Of framesSkipped: frames the adaptive rate saved on an empty, still scene. */
  framesIdleSkipped = 0;
  lastInferenceMs = 0;
  /** Frame time of the last inferred frame handed to the sink (ms), null before the first. */
  lastInferredFrameMs: number | null = null;

  constructor(
    private readonly opts: PipelineOptions,
    readonly source: CameraSource,
    private readonly detector: FrameDetector,
    private readonly sink: (r: FrameResult) => void,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? detector.concurrency);
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
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private isIdle(): boolean {
    return this.inFlight.length === 0 && (this.stopped || this.source.drained);
  }

  private pump(): void {
    // A frame finished out of order waits for its predecessor before the sink sees it, but its
    // detector slot is free at once, so the next frame starts without waiting for the earlier one.
    while (!this.stopped && this.detecting < this.maxInFlight && this.inFlight.length < 2 * this.maxInFlight) {
      const lb = this.source.letterbox;
      const frame = lb ? this.source.take() : undefined;
      if (!frame || !lb) break;
      const entry: InFlight = { frame, letterbox: lb, inferred: this.shouldInfer(frame, lb), done: false };
      this.inFlight.push(entry);
      if (!entry.inferred) {
        entry.done = true;
        continue;
      }
      this.detecting++;
      this.detector
        .detect({ frame: frame.data, letterbox: lb, receivedAt: frame.receivedAt })
        .then(
          (r) => {
            entry.result = r;
          },
          (e: unknown) => this.log.error({ err: errorMessage(e) }, 'detection failed for a frame'),
        )
        .finally(() => {
          entry.done = true;
          this.detecting--;
          this.deliver();
          this.pump();
        });
    }
    this.deliver();
  }

  private shouldInfer(frame: FrameRef, lb: Letterbox): boolean {
    const n = this.frameCounter++;
    const every = this.opts.detectEvery ?? 1;
    if (every > 1 && n % every !== 0) return false;
    if (this.idleSkip(frame, lb)) {
      this.framesIdleSkipped++;
      return false;
    }
    if (!this.opts.motionThreshold) return this.inferring(frame, lb);
    // The gate samples frames of the planned input size; a new plan starts a new reference.
    if (!this.motion?.fits(lb)) this.motion = MotionGate.forLetterbox(lb);
    const t = this.frameTime(frame);
    if (t - this.lastInferredAt < (this.opts.motionMaxSkipMs ?? 2000) && this.motion.changed(frame.data) < this.opts.motionThreshold!) return false;
    this.motion.setReference(frame.data);
    this.lastInferredAt = t;
    return this.inferring(frame, lb);
  }

  /**
   * The adaptive rate's verdict: true to skip this frame because the scene is empty and still and the
   * floor rate's interval has not passed since the last detection.
   */
  private idleSkip(frame: FrameRef, lb: Letterbox): boolean {
    const fps = this.opts.idleFps ?? 0;
    if (!(fps > 0)) return false;
    const t = this.frameTime(frame);
    if (t - this.lastActiveAt < (this.opts.idleAfterMs ?? 1000)) return false;
    if (t - this.lastInferredAt >= 1000 / fps) return false;
    // Still against the last frame the detector saw (set in shouldInfer), so slow motion adds up.
    const gate = this.idleMotion;
    return gate !== undefined && gate.fits(lb) && gate.changed(frame.data) < IDLE_MOTION;
  }

  /** A frame goes to the detector: the adaptive rate compares later frames against it. */
  private inferring(frame: FrameRef, lb: Letterbox): true {
    if (this.opts.idleFps) {
      if (!this.idleMotion?.fits(lb)) this.idleMotion = MotionGate.forLetterbox(lb);
      this.idleMotion.setReference(frame.data);
      this.lastInferredAt = Math.max(this.lastInferredAt, this.frameTime(frame));
    }
    return true;
  }

  private frameTime(frame: FrameRef): number {
    const fps = this.source.info?.fps ?? 25;
    return this.opts.timebase === 'stream' ? (frame.seq * 1000) / fps : frame.receivedAt;
  }

  /** Hands finished frames to the sink in the order they were taken, then frees their slots. */
  private deliver(): void {
    let delivered = false;
    while (this.inFlight.length && this.inFlight[0]!.done) {
      const e = this.inFlight.shift()!;
      delivered = true;
      const r = e.result;
      if (e.inferred && r) {
        this.framesInferred++;
        this.lastInferenceMs = r.inferenceMs;
        this.lastInferredFrameMs = this.frameTime(e.frame);
        if (r.detections.some((d) => d.score >= (this.opts.activeScore ?? 0.5))) this.lastActiveAt = Math.max(this.lastActiveAt, this.frameTime(e.frame));
      } else if (!e.inferred) {
        this.framesSkipped++;
      }
      if (!e.inferred || r) {
        try {
          this.sink({
            cameraId: this.opts.cameraId,
            seq: e.frame.seq,
            timeMs: this.frameTime(e.frame),
            ptsMs: (e.frame.seq * 1000) / (this.source.info?.fps ?? 25),
            inferred: e.inferred,
            detections: r?.detections ?? [],
            inferenceMs: r?.inferenceMs ?? 0,
            latencyMs: this.clock.now() - e.frame.receivedAt,
            letterbox: e.letterbox,
            frame: e.frame.data,
          });
        } catch (err) {
          this.log.error({ err: errorMessage(err) }, 'frame consumer failed');
        }
      }
      this.source.release(e.frame);
    }
    if (delivered) this.pump();
    if (this.isIdle()) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }
}
