import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import { VantageError } from '../errors.js';
import type { FrameDetector } from '../detect/frame-detector.js';
import { CameraSource } from '../sources/camera-source.js';
import { CameraPipeline, type FrameResult } from './camera-pipeline.js';
import { FrameProcessor } from './frame-processor.js';

export interface ClassSummary {
  /** Detections at or above the count threshold, over all frames. */
  detections: number;
  /** Frames with at least one such detection. */
  frames: number;
}

export interface AnalyzeSummary {
  file: string;
  width: number;
  height: number;
  /** The model input the frames ran at. */
  input: { width: number; height: number };
  sourceFps: number;
  frames: number;
  seconds: number;
  fps: number;
  classes: Record<string, ClassSummary>;
}

/**
 * Runs a video file through decode → detect → the frame processor as fast as the detector allows,
 * with no frame dropped (the decoder waits for the detector), calling `onFrame` for every frame in order.
 */
export async function analyzeFile(
  file: string,
  detector: FrameDetector,
  opts: {
    countThreshold: number;
    log: Logger;
    onFrame?: (r: FrameResult) => void;
    /** Tracks each frame and hands it to its consumers (default: none, only the class summary). */
    processor?: FrameProcessor;
    /** Frames done and the expected total (once known), after each frame. */
    onProgress?: (frames: number, total: number | undefined) => void;
    /** Run the detector on every Nth frame only (default 1); the others reach onFrame uninferred. */
    detectEvery?: number;
    /** Aborting stops the run; analyzeFile then rejects with ERR_CANCELLED. */
    signal?: AbortSignal;
    clock?: Clock;
  },
): Promise<AnalyzeSummary> {
  const path = resolve(file);
  if (!existsSync(path)) throw new VantageError('ERR_SOURCE_INVALID', `video file not found: ${path}`);
  const clock = opts.clock ?? systemClock;
  const source = new CameraSource(
    {
      id: 'analyze',
      spec: { url: path, loop: false, realtime: false, rtspTransport: 'tcp' },
      inputWidth: detector.inputWidth,
      inputHeight: detector.inputHeight,
      plan: (w, h) => detector.plan(w, h),
      padValue: detector.manifest.input.letterbox.padValue,
      policy: 'backpressure',
      // In the detector, done and waiting for an earlier frame, ready, and being written.
      slots: 2 * detector.concurrency + 2,
      retry: false,
    },
    opts.log,
    clock,
  );
  const classes: Record<string, ClassSummary> = {};
  /** Per class name, the last frame it was counted in (two class ids may share a name). */
  const countedIn = new Map<string, number>();
  let frames = 0;
  const processor = opts.processor ?? new FrameProcessor({ camera: 'analyze', countThreshold: opts.countThreshold, className: (id) => detector.className(id), consumers: [] });
  const pipeline = new CameraPipeline(
    { cameraId: 'analyze', timebase: 'stream', ...(opts.detectEvery ? { detectEvery: opts.detectEvery } : {}) },
    source,
    detector,
    (r) => {
      frames++;
      const { counts } = processor.process(r);
      for (const { name, count } of counts?.values() ?? []) {
        const c = (classes[name] ??= { detections: 0, frames: 0 });
        c.detections += count;
        if (countedIn.get(name) !== frames) c.frames++;
        countedIn.set(name, frames);
      }
      opts.onFrame?.(r);
      opts.onProgress?.(frames, source.info?.frames);
    },
    opts.log,
    clock,
  );
  const t0 = clock.monotonic();
  const ended = new Promise<string | undefined>((r) => {
    source.onEnd(r);
    opts.signal?.addEventListener('abort', () => r('cancelled'), { once: true });
  });
  if (opts.signal?.aborted) throw new VantageError('ERR_CANCELLED', `analysis of ${path} cancelled`);
  pipeline.start();
  const error = await ended;
  if (opts.signal?.aborted) {
    await pipeline.stop();
    throw new VantageError('ERR_CANCELLED', `analysis of ${path} cancelled`);
  }
  if (error) {
    await pipeline.stop();
    throw new VantageError('ERR_SOURCE_INVALID', `cannot analyse ${path}: ${error}`);
  }
  await pipeline.idle();
  const seconds = (clock.monotonic() - t0) / 1000;
  await pipeline.stop();
  return {
    file: path,
    width: source.info?.width ?? 0,
    height: source.info?.height ?? 0,
    input: { width: source.letterbox?.inputWidth ?? 0, height: source.letterbox?.inputHeight ?? 0 },
    sourceFps: source.info?.fps ?? 0,
    frames,
    seconds: Math.round(seconds * 1000) / 1000,
    fps: Math.round((frames / Math.max(seconds, 1e-9)) * 10) / 10,
    classes,
  };
}
