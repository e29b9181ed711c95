import type { Detection } from '../detect/types.js';
import type { CameraTracker } from '../track/camera-tracker.js';
import type { TrackEvent, TrackerUpdate, TrackSnapshot } from '../track/types.js';
import type { FrameResult } from './camera-pipeline.js';

/** Detections at or above the count threshold, per class id. */
export type ClassCounts = ReadonlyMap<number, { name: string; count: number }>;

/** One frame after tracking, as every consumer sees it. */
export interface ProcessedFrame {
  camera: string;
  /** Frame time in ms (the result's time plus the processor's base). */
  timeMs: number;
  result: FrameResult;
  /** Confirmed tracks updated this frame (empty without a tracker). */
  tracks: readonly TrackSnapshot[];
  /** Per-class counts of this frame's detections; undefined when the detector did not run on it. */
  counts: ClassCounts | undefined;
}

/**
 * Something that follows a camera's frames and track lifecycle: analytics, the track recorder,
 * detection counts, metrics, the event bus. Every hook is optional; consumers run in list order.
 */
export interface FrameConsumer {
  /** One track lifecycle event (track.new, track.lost, track.end), in the tracker's order. */
  trackEvent?(camera: string, e: TrackEvent): void;
  /** One frame, after its track events. */
  frame?(f: ProcessedFrame): void;
  /** Writes what the consumer buffered (a session's rows before its report). */
  flush?(): Promise<void>;
}

export interface FrameProcessorOptions {
  camera: string;
  /** The camera's tracker (or anything that tracks the same way, e.g. a replay of ground-truth tracks); without one, frames carry no tracks (vantage analyze without --mot-out). */
  tracker?: Pick<CameraTracker, 'update' | 'flush'> | undefined;
  /** Detections at or above this score are counted per class. */
  countThreshold: number;
  className(classId: number): string;
  consumers: readonly FrameConsumer[];
  /** Added to every frame's time (a session's frames are timed from its creation). */
  baseMs?: number;
}

const NO_TRACKS: TrackerUpdate = Object.freeze({ tracks: [], events: [] }) as unknown as TrackerUpdate;

/**
 * The frame's path below the composition root: a detector result goes through the camera's tracker,
 * then its track events and the frame go to each consumer in order. Live cameras, analysis sessions
 * and `vantage analyze` each build one with their own consumers.
 */
export class FrameProcessor {
  private readonly base: number;
  private lastMs: number;
  private readonly onEvent: FrameConsumer[];
  private readonly onFrame: FrameConsumer[];

  constructor(private readonly opts: FrameProcessorOptions) {
    this.base = opts.baseMs ?? 0;
    this.lastMs = this.base;
    this.onEvent = opts.consumers.filter((c) => c.trackEvent);
    this.onFrame = opts.consumers.filter((c) => c.frame);
  }

  get camera(): string {
    return this.opts.camera;
  }

  /** Time of the latest frame processed (ms), or the base before the first. */
  get lastTimeMs(): number {
    return this.lastMs;
  }

  /** Tracks one detector result and hands it on; returns what the consumers saw. */
  process(r: FrameResult): ProcessedFrame {
    const timeMs = this.base + r.timeMs;
    this.lastMs = timeMs;
    const t = this.opts.tracker;
    const u = t ? t.update(this.base ? { ...r, timeMs } : r) : NO_TRACKS;
    this.trackEvents(u.events);
    const f: ProcessedFrame = {
      camera: this.opts.camera,
      timeMs,
      result: r,
      tracks: u.tracks,
      counts: r.inferred ? countByClass(r.detections, this.opts.countThreshold, this.opts.className) : undefined,
    };
    for (const c of this.onFrame) c.frame!(f);
    return f;
  }

  /** The stream ended: open tracks end at `timeMs` (default: the latest frame's time), and consumers hear of it. */
  end(timeMs: number = this.lastMs): void {
    if (this.opts.tracker) this.trackEvents(this.opts.tracker.flush(timeMs));
  }

  /** Writes what every consumer buffered. */
  async flush(): Promise<void> {
    for (const c of this.opts.consumers) await c.flush?.();
  }

  private trackEvents(events: readonly TrackEvent[]): void {
    const cam = this.opts.camera;
    for (const e of events) for (const c of this.onEvent) c.trackEvent!(cam, e);
  }
}

/** Detections at or above `threshold`, counted per class (the one place this loop lives). */
export function countByClass(detections: readonly Detection[], threshold: number, className: (classId: number) => string): Map<number, { name: string; count: number }> {
  const counts = new Map<number, { name: string; count: number }>();
  for (const d of detections) {
    if (d.score < threshold) continue;
    const c = counts.get(d.classId);
    if (c) c.count++;
    else counts.set(d.classId, { name: className(d.classId), count: 1 });
  }
  return counts;
}
