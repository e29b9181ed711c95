/** A rectangle of pixels (integers, inside the image). */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Box passes: three approximate a Gaussian. */
const PASSES = 3;

/**
 * Blurs rectangles of packed 8-bit pixels (`channels` per pixel) in place: three box-filter passes per
 * direction with a radius of an eighth of the rectangle's shorter side (at least 3 px), so the blur
 * scales with what it hides (about a Gaussian of sigma = radius). Only pixels inside a rectangle are
 * read for it and written, so everything outside stays exactly as it was. Linear in the area, whatever
 * the radius (running sums).
 */
export function blurRects(data: Uint8Array, width: number, height: number, channels: number, rects: readonly PixelRect[]): void {
  for (const r0 of rects) {
    const left = Math.max(0, Math.min(width, Math.floor(r0.left)));
    const top = Math.max(0, Math.min(height, Math.floor(r0.top)));
    const w = Math.min(width, Math.floor(r0.left + r0.width)) - left;
    const h = Math.min(height, Math.floor(r0.top + r0.height)) - top;
    if (w < 2 || h < 2) continue;
    const radius = Math.max(3, Math.round(Math.min(w, h) / 8));
    const buf = new Float32Array(w * h);
    const line = new Float32Array(Math.max(w, h));
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) buf[y * w + x] = data[((top + y) * width + left + x) * channels + c]!;
      for (let p = 0; p < PASSES; p++) {
        for (let y = 0; y < h; y++) boxLine(buf, y * w, 1, w, radius, line);
        for (let x = 0; x < w; x++) boxLine(buf, x, w, h, radius, line);
      }
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[((top + y) * width + left + x) * channels + c] = Math.round(buf[y * w + x]!);
    }
  }
}

/** One box pass over n values of buf (start, stride), the window clipped at the ends (mean of what is inside). */
function boxLine(buf: Float32Array, start: number, stride: number, n: number, radius: number, tmp: Float32Array): void {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < Math.min(radius, n); i++) {
    sum += buf[start + i * stride]!;
    count++;
  }
  for (let i = 0; i < n; i++) {
    const add = i + radius;
    if (add < n) {
      sum += buf[start + add * stride]!;
      count++;
    }
    const drop = i - radius - 1;
    if (drop >= 0) {
      sum -= buf[start + drop * stride]!;
      count--;
    }
    tmp[i] = sum / count;
  }
  for (let i = 0; i < n; i++) buf[start + i * stride] = tmp[i]!;
}
