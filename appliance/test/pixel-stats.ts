import sharp from 'sharp';
import type { Region } from '../src/config/privacy.js';

/** A decoded image's raw pixels. */
export async function pixels(jpeg: Buffer) {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}
export type Pixels = Awaited<ReturnType<typeof pixels>>;

/** Variance of R+G+B over a region. */
export function variance(p: Pixels, r: Region): number {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let y = r.top; y < r.top + r.height; y++) {
    for (let x = r.left; x < r.left + r.width; x++) {
      const o = (y * p.width + x) * p.channels;
      const v = p.data[o]! + p.data[o + 1]! + p.data[o + 2]!;
      sum += v;
      sq += v * v;
      n++;
    }
  }
  return sq / n - (sum / n) ** 2;
}

/** Mean absolute neighbour difference in a region: the fine detail (edges, faces) a blur takes away. */
export function detail(p: Pixels, r: Region): number {
  let n = 0;
  let d = 0;
  for (let y = r.top; y < r.top + r.height; y++) {
    for (let x = r.left + 1; x < r.left + r.width; x++) {
      const o = (y * p.width + x) * p.channels;
      d += Math.abs(p.data[o]! - p.data[o - p.channels]!);
      n++;
    }
  }
  return d / n;
}

/** Pixels that differ between two decoded images outside the regions grown by `margin` (one JPEG block: 16 px). */
export function differingOutside(a: Pixels, b: Pixels, regions: readonly Region[], margin = 16): number {
  let differ = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (regions.some((r) => x >= r.left - margin && x < r.left + r.width + margin && y >= r.top - margin && y < r.top + r.height + margin)) continue;
      const o = (y * a.width + x) * a.channels;
      if (a.data[o] !== b.data[o] || a.data[o + 1] !== b.data[o + 1] || a.data[o + 2] !== b.data[o + 2]) differ++;
    }
  }
  return differ;
}
