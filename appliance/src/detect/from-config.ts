import type { DetectorConfig } from '../config/schema.js';
import { DetectorPool } from './detector-pool.js';
import type { FrameDetector } from './frame-detector.js';

/** Builds the detector the config describes; `classes` overrides detector.classes when given. */
export function detectorFromConfig(d: DetectorConfig, opts: { classes?: readonly string[] } = {}): Promise<FrameDetector> {
  return DetectorPool.create({
    manifestPath: d.model!,
    provider: d.provider,
    threads: d.threads,
    workers: d.workers,
    scoreThreshold: d.score_threshold,
    classes: opts.classes ?? d.classes,
    ...(d.nms_iou !== undefined ? { nmsIou: d.nms_iou } : {}),
  });
}
