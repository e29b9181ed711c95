import type { ModelManifest } from './manifest.js';
import { AUTO_INPUT, checkRequest, planInput, type InputRequest } from './input-plan.js';
import type { ExecutionProvider } from './onnx-session.js';
import type { Detection, Letterbox } from './types.js';

export interface DetectResult {
  detections: Detection[];
  /** Wall time of preprocess + inference + decode, in milliseconds (of the whole batch the frame ran in). */
  inferenceMs: number;
  /** Frames in the session run that produced this result (1 = not batched). */
  batch?: number;
}

/** A detection job: a frame in shared memory (a ring slot) and how it was letterboxed. */
export interface DetectJob {
  frame: Uint8Array;
  letterbox: Letterbox;
  /**
   * When the frame arrived from its source (clock ms). A pool serves the oldest frame first; a job
   * without it counts as arriving when it is queued.
   */
  receivedAt?: number;
}

/** What the pipeline needs from whatever runs the model (inline or a pool of worker threads). */
export interface FrameDetector {
  readonly manifest: ModelManifest;
  readonly provider: ExecutionProvider;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Frames it can work on at the same time. */
  readonly concurrency: number;
  /**
   * Frames of different jobs that may share one session run (detector.max_batch capped by what the
   * model accepts; 1 = never batched). Only frames already waiting are batched.
   */
  readonly maxBatch: number;
  className(classId: number): string;
  /** The model input for a source of this size (detector.input, the model's resize) and how frames map into it. */
  plan(srcWidth: number, srcHeight: number): Letterbox;
  detect(job: DetectJob): Promise<DetectResult>;
  /**
   * Runs the model alone on preallocated input, every session busy, `batch` frames per run (default
   * 1, at most maxBatch); returns frames/s.
   */
  inferenceOnlyFps(frames: number, batch?: number): Promise<number>;
  close(): Promise<void>;
}

/** What both detectors derive from their model manifest. */
export abstract class ManifestDetector {
  constructor(
    readonly manifest: ModelManifest,
    /** How inputs are planned per source (detector.input, detector.input_pixels). */
    readonly inputRequest: InputRequest = AUTO_INPUT,
  ) {
    checkRequest(manifest.input, inputRequest, manifest.name);
  }

  plan(srcWidth: number, srcHeight: number): Letterbox {
    return planInput(this.manifest.input, srcWidth, srcHeight, this.inputRequest);
  }

  /** The model's nominal input size (what a square source gets; the planned size varies per source). */
  get inputWidth(): number {
    return this.manifest.input.width;
  }

  get inputHeight(): number {
    return this.manifest.input.height;
  }

  className(classId: number): string {
    return this.manifest.classes[classId] ?? `class${classId}`;
  }
}

/**
 * Frames one session run may carry: what the config asks for (`detector.max_batch`), capped by what
 * the model accepts. A fixed batch of 1 never batches whatever the config says.
 */
export function effectiveMaxBatch(modelBatch: number | 'dynamic', requested: number): number {
  const want = Math.max(1, Math.floor(requested));
  return modelBatch === 'dynamic' ? want : Math.min(want, modelBatch);
}
