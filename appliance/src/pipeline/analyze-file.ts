import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import { VantageError } from '../errors.js';
import type { FrameDetector } from '../detect/frame-detector.js';
import { CameraSource } from '../sources/camera-source.js';
import { isNetworkUrl } from '../sources/ffmpeg.js';
import { redactUrl } from '../util/redact.js';
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

/** How much of a video to analyse: needed for a stream URL, optional for a file. */
export interface AnalysisLimit {
  /** The analysis ends normally once this many ms of video (stream time) have been analysed. */
  maxMs: number;
  /** Aborting ends the analysis early, normally (with its summary), unlike `signal`. */
  finish?: AbortSignal;
}

/**
 * Runs a video file through decode → detect → the frame processor as fast as the detector allows,
 * with no frame dropped (the decoder waits for the detector), calling `onFrame` for every frame in
 * order, up to `limit`. `file` may instead be a stream URL (with a limit): it is decoded as it arrives
 * (the newest frame waits for the detector, older ones are dropped, as for a camera) until
 * `limit.maxMs` of it are done.
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
    limit?: AnalysisLimit;
  },
): Promise<AnalyzeSummary> {
  const live = isNetworkUrl(file);
  const limit = opts.limit;
  if (live && !limit) throw new VantageError('ERR_SOURCE_INVALID', 'a stream is analysed for a limited time: give a limit');
  const path = live ? file : resolve(file);
  const shown = live ? redactUrl(path) : path;
  if (!live && !existsSync(path)) throw new VantageError('ERR_SOURCE_INVALID', `video file not found: ${path}`);
  const clock = opts.clock ?? systemClock;
  const source = new CameraSource(
    {
      id: 'analyze',
      spec: { url: path, loop: false, realtime: false, rtspTransport: 'tcp' },
      inputWidth: detector.inputWidth,
      inputHeight: detector.inputHeight,
      plan: (w, h) => detector.plan(w, h),
      padValue: detector.manifest.input.letterbox.padValue,
      policy: live ? 'drop-oldest' : 'backpressure',
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
  /** A stream's frames are timed by their arrival, from the first one (its stated frame rate may be wrong). */
  let firstArrival: number | undefined;
  const processor = opts.processor ?? new FrameProcessor({ camera: 'analyze', countThreshold: opts.countThreshold, className: (id) => detector.className(id), consumers: [] });
  const pipeline = new CameraPipeline(
    { cameraId: 'analyze', timebase: live ? 'wall' : 'stream', ...(opts.detectEvery ? { detectEvery: opts.detectEvery } : {}) },
    source,
    detector,
    (frame) => {
      let r = frame;
      if (live) {
        firstArrival ??= frame.timeMs;
        r = { ...frame, timeMs: frame.timeMs - firstArrival };
      }
      if (limit && r.timeMs >= limit.maxMs) return finish();
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
  let cut = false;
  let finish = (): void => undefined;
  const ended = new Promise<string | undefined>((r) => {
    source.onEnd(r);
    finish = () => {
      cut = true;
      r(undefined);
    };
    opts.signal?.addEventListener('abort', () => r('cancelled'), { once: true });
    limit?.finish?.addEventListener('abort', () => finish(), { once: true });
  });
  if (opts.signal?.aborted) throw new VantageError('ERR_CANCELLED', `analysis of ${shown} cancelled`);
  if (limit?.finish?.aborted) finish();
  else pipeline.start();
  const error = await ended;
  if (opts.signal?.aborted) {
    await pipeline.stop();
    throw new VantageError('ERR_CANCELLED', `analysis of ${shown} cancelled`);
  }
  if (error) {
    await pipeline.stop();
    throw new VantageError('ERR_SOURCE_INVALID', `cannot analyse ${shown}: ${error}`);
  }
  // Cut short (a stream never runs dry): stop taking frames and let those in the detector finish.
  if (cut) await pipeline.stop();
  else await pipeline.idle();
  const seconds = (clock.monotonic() - t0) / 1000;
  await pipeline.stop();
  return {
    file: shown,
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
