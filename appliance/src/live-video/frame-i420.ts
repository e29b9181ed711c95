import { PLANE } from '../detect/preprocess.js';
import type { Letterbox } from '../detect/types.js';

/** An I420 picture: width × height luma, then quarter-size U and V planes. */
export interface I420 {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The picture area of an analysed frame (letterboxed planar gbrp, as the camera's decoder writes it)
 * as I420 (BT.601 limited range, what WebRTC encodes), cropped to even sides. `into` is reused when it
 * has the right size, so a stream of frames allocates once.
 */
export function letterboxedToI420(frame: Uint8Array, lb: Letterbox, into?: I420): I420 {
  const width = lb.width & ~1;
  const height = lb.height & ~1;
  const bytes = width * height * 1.5;
  const out = into && into.width === width && into.height === height ? into : { width, height, data: new Uint8Array(bytes) };
  const stride = lb.inputWidth;
  const plane = lb.inputWidth * lb.inputHeight;
  const g0 = PLANE.G * plane;
  const b0 = PLANE.B * plane;
  const r0 = PLANE.R * plane;
  const d = out.data;
  const uOff = width * height;
  const vOff = uOff + (width * height) / 4;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const yRow = y * width;
    for (let x = 0; x < width; x++) {
      const p = row + x;
      d[yRow + x] = (66 * frame[r0 + p]! + 129 * frame[g0 + p]! + 25 * frame[b0 + p]! + 4224) >> 8; // 16 + …, rounded
    }
  }
  const cw = width >> 1;
  for (let y = 0; y < height; y += 2) {
    const row = y * stride;
    const cRow = (y >> 1) * cw;
    for (let x = 0; x < width; x += 2) {
      const p = row + x;
      const q = p + stride;
      const r = frame[r0 + p]! + frame[r0 + p + 1]! + frame[r0 + q]! + frame[r0 + q + 1]!;
      const g = frame[g0 + p]! + frame[g0 + p + 1]! + frame[g0 + q]! + frame[g0 + q + 1]!;
      const b = frame[b0 + p]! + frame[b0 + p + 1]! + frame[b0 + q]! + frame[b0 + q + 1]!;
      // The 2×2 block's mean (the sums are 4× the values).
      d[uOff + cRow + (x >> 1)] = (-38 * r - 74 * g + 112 * b + 4 * 32896) >> 10;
      d[vOff + cRow + (x >> 1)] = (112 * r - 94 * g - 18 * b + 4 * 32896) >> 10;
    }
  }
  return out;
}
