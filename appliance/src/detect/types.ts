import type { Box } from '../math/box.js';

/** One detected object in the original frame's pixel coordinates. */
export interface Detection {
  box: Box;
  score: number;
  classId: number;
}

/** How a frame of `srcWidth`×`srcHeight` was letterboxed into the model input (top-left aligned). */
export interface Letterbox {
  srcWidth: number;
  srcHeight: number;
  /** Model input size. */
  inputWidth: number;
  inputHeight: number;
  /** Resized content size inside the input (the rest is padding). */
  width: number;
  height: number;
  /** Source pixels → input pixels, per axis (equal unless the source changed size mid-stream). */
  scaleX: number;
  scaleY: number;
}

export function letterbox(srcWidth: number, srcHeight: number, inputWidth: number, inputHeight: number): Letterbox {
  const scale = Math.min(inputWidth / srcWidth, inputHeight / srcHeight);
  // Even sizes keep every ffmpeg pixel format happy; the scale used to map boxes back is the exact one.
  const width = Math.min(inputWidth, Math.max(2, Math.round((srcWidth * scale) / 2) * 2));
  const height = Math.min(inputHeight, Math.max(2, Math.round((srcHeight * scale) / 2) * 2));
  return { srcWidth, srcHeight, inputWidth, inputHeight, width, height, scaleX: scale, scaleY: scale };
}

/**
 * The same content area fed by a source of a new size: the decoder keeps scaling into width×height,
 * so the mapping back becomes per axis.
 */
export function resized(lb: Letterbox, srcWidth: number, srcHeight: number): Letterbox {
  return { ...lb, srcWidth, srcHeight, scaleX: lb.width / srcWidth, scaleY: lb.height / srcHeight };
}

/** A frame scaled to fill the whole input, each axis on its own (no padding, aspect not kept). */
export function stretch(srcWidth: number, srcHeight: number, inputWidth: number, inputHeight: number): Letterbox {
  return { srcWidth, srcHeight, inputWidth, inputHeight, width: inputWidth, height: inputHeight, scaleX: inputWidth / srcWidth, scaleY: inputHeight / srcHeight };
}
