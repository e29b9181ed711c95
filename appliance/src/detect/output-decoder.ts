import type { z } from 'zod';
import type { Detection, Letterbox } from './types.js';

/**
 * Turns one image's raw model outputs into candidate detections (before NMS) in source-frame pixels.
 * One instance per model input size (grids depend on it).
 */
export interface OutputDecoder {
  /** `outputs`: this image's slice of each output tensor, in the manifest's `output.names` order. */
  decode(outputs: readonly Float32Array[], lb: Letterbox, minScore: number, classMask?: Uint8Array): Detection[];
}

/**
 * A model family's output format: the manifest's `output` section (besides `decoder` and
 * `name`/`names`) is checked by `params`, and `create` builds a decoder for one input size. A new family
 * is one file exporting one of these plus one line in decoder-registry.ts.
 */
export interface DecoderFamily<P = unknown> {
  readonly name: string;
  /**
   * The family's own keys of the manifest's `output` object (a strict zod object), built with the zod
   * it is given: a family file imports zod for its types only, so a detector worker, which gets the
   * manifest already checked, never loads zod (a tenth of a second of CPU per worker at start).
   */
  params(zod: typeof z): z.ZodType<P>;
  /** How many output tensors the family reads (checked against the manifest's `output.names`). */
  outputs(params: P): number;
  create(params: P, input: { width: number; height: number }, numClasses: number): OutputDecoder;
}

/** Source pixels of a box given in model-input pixels, clipped to the frame; undefined when under a pixel. */
export function toSource(x1: number, y1: number, x2: number, y2: number, lb: Letterbox): Detection['box'] | undefined {
  const ix = 1 / lb.scaleX;
  const iy = 1 / lb.scaleY;
  const box = { x1: clamp(x1 * ix, 0, lb.srcWidth), y1: clamp(y1 * iy, 0, lb.srcHeight), x2: clamp(x2 * ix, 0, lb.srcWidth), y2: clamp(y2 * iy, 0, lb.srcHeight) };
  return box.x2 - box.x1 < 1 || box.y2 - box.y1 < 1 ? undefined : box;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
