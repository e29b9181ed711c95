import type { Letterbox } from '../detect/types.js';
import { embed } from './appearance.js';
import { ByteTracker } from './byte-tracker.js';
import type { Detection, TrackerOptions, TrackerUpdate } from './types.js';

export interface TrackedFrame {
  detections: readonly Detection[];
  timeMs: number;
  /** Letterboxed pixels the detector saw (for appearance descriptors). */
  frame: Uint8Array;
  letterbox: Letterbox;
}

/**
 * One camera's tracker: adds appearance descriptors (from the frame still in its ring slot) to the
 * detections the tracker may use, then runs ByteTrack. Ids come from `allocateId`.
 */
export class CameraTracker {
  readonly tracker: ByteTracker;

  constructor(options: Partial<TrackerOptions>, allocateId?: () => number) {
    this.tracker = new ByteTracker(options, allocateId);
  }

  /** `inferred: false` frames (no detector run) only advance the motion model. */
  update(f: TrackedFrame & { inferred?: boolean }): TrackerUpdate {
    if (f.inferred === false) return this.tracker.predict(f.timeMs / 1000);
    const o = this.tracker.options;
    const dets: Detection[] = [];
    const view = { data: f.frame, width: f.letterbox.inputWidth, height: f.letterbox.inputHeight, scaleX: f.letterbox.scaleX, scaleY: f.letterbox.scaleY };
    for (const d of f.detections) {
      if (d.score < o.lowThresh) continue;
      dets.push(o.appearanceWeight > 0 ? { ...d, embedding: embed(view, d.box) } : d);
    }
    return this.tracker.update(dets, f.timeMs / 1000);
  }

  flush(timeMs: number): ReturnType<ByteTracker['flush']> {
    return this.tracker.flush(timeMs / 1000);
  }
}
