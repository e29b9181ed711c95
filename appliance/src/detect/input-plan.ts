import { VantageError } from '../errors.js';
import type { ModelManifest } from './manifest.js';
import { letterbox, stretch, type Letterbox } from './types.js';

/** What the config asks for: `detector.input` and `detector.input_pixels`. */
export interface InputRequest {
  /** "auto": follow each camera's aspect; or a fixed width×height. */
  size: 'auto' | { width: number; height: number };
  /** auto only: the most input pixels (width × height) per frame; default: the detail of the model's nominal size. */
  pixels?: number | undefined;
}

export const AUTO_INPUT: InputRequest = { size: 'auto' };

/** Largest side of a planned input: beyond it a model only burns time. */
const MAX_SIDE = 2048;

/** "640x480" → {width, height}; undefined when it is not two positive whole numbers. */
export function parseSize(s: string): { width: number; height: number } | undefined {
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/**
 * Why the model cannot serve the request, or undefined. A fixed-size model takes only its own size;
 * a dynamic one takes multiples of its stride up to MAX_SIDE.
 */
export function requestProblem(input: ModelManifest['input'], req: InputRequest, model: string): string | undefined {
  if (req.size === 'auto') return undefined;
  const { width, height } = req.size;
  const k = input.dynamicSize?.multiple;
  if (!k) return width === input.width && height === input.height ? undefined : `model ${model} runs at ${input.width}x${input.height} only, not ${width}x${height}`;
  if (width % k || height % k) return `model ${model} takes multiples of ${k}, not ${width}x${height}`;
  if (width > MAX_SIDE || height > MAX_SIDE) return `at most ${MAX_SIDE} per side, not ${width}x${height}`;
  return undefined;
}

export function checkRequest(input: ModelManifest['input'], req: InputRequest, model: string): void {
  const problem = requestProblem(input, req, model);
  if (problem) throw new VantageError('ERR_CONFIG_INVALID', `detector.input: ${problem}`);
}

/**
 * The model input for a source of srcWidth×srcHeight and how the frame maps into it.
 * - A model trained on stretched frames (manifest `resize: stretch`) gets its own size, filled.
 * - A fixed-size model, or an explicit size: the frame letterboxed into it (aspect kept).
 * - auto on a dynamic-size model: the frame at the scale the nominal size gives it (or the largest
 *   that fits `pixels`), padded only up to the next multiple of the model's stride, so a 4:3 camera
 *   runs 416×320 instead of 416×416 and a 16:9 one 416×256. The picture stays at the top-left
 *   (manifest `letterbox.align`) and keeps its aspect: on the TUD clips (and their mirror images)
 *   neither centring the padding nor stretching the picture to fill the input (2.6 % off aspect)
 *   matched this plan's AP50 on every clip and frame rate.
 */
export function planInput(input: ModelManifest['input'], srcWidth: number, srcHeight: number, req: InputRequest = AUTO_INPUT): Letterbox {
  if (!(srcWidth > 0 && srcHeight > 0)) throw new RangeError(`source size ${srcWidth}x${srcHeight}`);
  const fit = input.resize === 'stretch' ? stretch : letterbox;
  const k = input.dynamicSize?.multiple;
  if (req.size !== 'auto') return fit(srcWidth, srcHeight, req.size.width, req.size.height);
  if (!k || input.resize === 'stretch') return fit(srcWidth, srcHeight, input.width, input.height);
  const up = (v: number) => Math.min(MAX_SIDE, Math.max(k, Math.ceil(v / k) * k));
  // Content sizes are rounded to even pixels by letterbox(); plan on the same rounding.
  const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);
  let scale = Math.min(input.width / srcWidth, input.height / srcHeight);
  if (req.pixels !== undefined) {
    scale = Math.sqrt(req.pixels / (srcWidth * srcHeight));
    while (scale > 1e-3 && up(even(srcWidth * scale)) * up(even(srcHeight * scale)) > req.pixels) scale *= 0.995;
  }
  return letterbox(srcWidth, srcHeight, up(even(srcWidth * scale)), up(even(srcHeight * scale)));
}
