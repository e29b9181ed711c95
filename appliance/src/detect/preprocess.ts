/**
 * Frames travel as planar 8-bit GBR (ffmpeg's `gbrp`): three width×height planes in the order
 * G, B, R. Planar frames turn into the model's NCHW float tensor with three native typed-array
 * conversions instead of a per-pixel JavaScript loop.
 */
export const FRAME_PIX_FMT = 'gbrp';

/** Index of each colour's plane in a gbrp frame. */
export const PLANE = { G: 0, B: 1, R: 2 } as const;

/** Bytes of one frame. */
export function frameBytes(width: number, height: number): number {
  return width * height * 3;
}

/**
 * gbrp frame (already letterboxed to the model input) → float32 NCHW in the model's channel order,
 * written into `dst`, a buffer the caller reuses for every frame.
 */
export function planarToTensor(
  src: Uint8Array,
  dst: Float32Array,
  width: number,
  height: number,
  model: { colorOrder: 'BGR' | 'RGB'; scale: number; mean: readonly number[]; std: readonly number[] },
): void {
  const plane = width * height;
  if (src.length < plane * 3) throw new Error(`frame has ${src.length} bytes, expected ${plane * 3}`);
  const order = model.colorOrder === 'BGR' ? [PLANE.B, PLANE.G, PLANE.R] : [PLANE.R, PLANE.G, PLANE.B];
  const identity = model.scale === 1 && model.mean.every((m) => m === 0) && model.std.every((s) => s === 1);
  for (let c = 0; c < 3; c++) {
    const from = src.subarray(order[c]! * plane, (order[c]! + 1) * plane);
    const to = dst.subarray(c * plane, (c + 1) * plane);
    to.set(unshared(from)); // native uint8 → float32 conversion
    if (identity) continue;
    const k = model.scale / model.std[c]!;
    const m = model.mean[c]! / model.std[c]!;
    for (let p = 0; p < plane; p++) to[p] = to[p]! * k - m;
  }
}

/** Plain memory that planes in shared memory are staged through; one per thread, grown once. */
let staging: Uint8Array | undefined;

/**
 * A plane in a SharedArrayBuffer (a ring slot) as a copy in plain memory. V8 converts uint8 → float32
 * from shared memory element by element (about 7× slower than from plain memory, which it converts
 * in bulk), while a same-type copy out of shared memory is a memcpy: copying first is the faster path.
 */
function unshared(plane: Uint8Array): Uint8Array {
  if (!(plane.buffer instanceof SharedArrayBuffer)) return plane;
  if (!staging || staging.length < plane.length) staging = new Uint8Array(plane.length);
  const copy = staging.subarray(0, plane.length);
  copy.set(plane);
  return copy;
}

/** Packed 8-bit RGB (as image decoders give) → gbrp, for still images. */
export function packedRgbToPlanar(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  for (let p = 0, s = 0; p < plane; p++, s += 3) {
    out[PLANE.R * plane + p] = rgb[s]!;
    out[PLANE.G * plane + p] = rgb[s + 1]!;
    out[PLANE.B * plane + p] = rgb[s + 2]!;
  }
  return out;
}
