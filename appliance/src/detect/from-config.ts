import type { DetectorConfig } from '../config/schema.js';
import { Detector } from './detector.js';
import type { Clock } from '../clock.js';

/** Builds the detector the config describes; `classes` overrides detector.classes when given. */
export function detectorFromConfig(d: DetectorConfig, opts: { classes?: readonly string[]; clock?: Clock } = {}): Promise<Detector> {
  return Detector.create(
    {
      manifestPath: d.model!,
      provider: d.provider,
      threads: d.threads,
      scoreThreshold: d.score_threshold,
      classes: opts.classes ?? d.classes,
      ...(d.nms_iou !== undefined ? { nmsIou: d.nms_iou } : {}),
    },
    opts.clock,
  );
}
