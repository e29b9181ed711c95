/**
 * Packed 8-bit HWC frame (already letterboxed to the model input, in the decoder's channel order) →
 * planar float32 NCHW written into `dst`, a buffer the caller reuses for every frame.
 * `swap` reverses the channel order (BGR frame into an RGB model or the reverse).
 */
export function hwcToChw(
  src: Uint8Array,
  dst: Float32Array,
  width: number,
  height: number,
  norm: { scale: number; mean: readonly number[]; std: readonly number[]; swap: boolean },
): void {
  const plane = width * height;
  if (src.length < plane * 3) throw new Error(`frame has ${src.length} bytes, expected ${plane * 3}`);
  const [c0, c2] = norm.swap ? [2, 0] : [0, 2];
  const identity = norm.scale === 1 && norm.mean.every((m) => m === 0) && norm.std.every((s) => s === 1);
  if (identity) {
    for (let p = 0, s = 0; p < plane; p++, s += 3) {
      dst[c0 * plane + p] = src[s]!;
      dst[plane + p] = src[s + 1]!;
      dst[c2 * plane + p] = src[s + 2]!;
    }
    return;
  }
  const k = [norm.scale / norm.std[0]!, norm.scale / norm.std[1]!, norm.scale / norm.std[2]!];
  const m = [norm.mean[0]! / norm.std[0]!, norm.mean[1]! / norm.std[1]!, norm.mean[2]! / norm.std[2]!];
  const dstc = [c0, 1, c2];
  for (let p = 0, s = 0; p < plane; p++, s += 3) {
    for (let c = 0; c < 3; c++) {
      const oc = dstc[c]!;
      dst[oc * plane + p] = src[s + c]! * k[oc]! - m[oc]!;
    }
  }
}
