/**
 * Records the detections of a whole video with their appearance descriptors (eval/detection-cache.ts
 * keeps them in a file), so tracker and counting evaluation can re-run without ONNX inference.
 */
import type { FrameDetector } from '../detect/frame-detector.js';
import type { Recording, RecordedFrame } from '../eval/detection-cache.js';
import type { Logger } from '../logger.js';
import { embed } from '../track/appearance.js';
import { analyzeFile } from './analyze-file.js';

/** Runs the detector over every frame of `video` and keeps each detection with its descriptor. */
export async function recordDetections(video: string, detector: FrameDetector, log: Logger): Promise<Recording> {
  const frames: RecordedFrame[] = [];
  let width = 0;
  let height = 0;
  const summary = await analyzeFile(video, detector, {
    countThreshold: 0.5,
    log,
    onFrame: (r) => {
      const lb = r.letterbox;
      width = lb.srcWidth;
      height = lb.srcHeight;
      const view = { data: r.frame, width: lb.inputWidth, height: lb.inputHeight, scaleX: lb.scaleX, scaleY: lb.scaleY };
      frames.push({
        frame: r.seq + 1,
        t: r.timeMs / 1000,
        detections: r.detections.map((d) => {
          const e = embed(view, d.box);
          return { box: { ...d.box }, score: d.score, classId: d.classId, embedding: e ? Float32Array.from(e) : undefined };
        }),
      });
    },
  });
  return { width: width || summary.width, height: height || summary.height, fps: summary.sourceFps || 25, frames };
}

/** Builds a detector, records `video` with it, and closes it. */
export async function recordWith(video: string, detector: () => Promise<FrameDetector>, log: Logger): Promise<Recording> {
  const d = await detector();
  try {
    return await recordDetections(video, d, log);
  } finally {
    await d.close();
  }
}
