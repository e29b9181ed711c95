/**
 * A cheap appearance descriptor for re-identification without a ReID network: colour histograms of
 * a box's torso and legs, taken from the letterboxed frame the detector saw.
 *
 * Each of the two regions (upper 15–50% and lower 50–90% of the box height, central 50% of its
 * width, so little background gets in) is quantised into 4×4×4 colour bins. Histograms are
 * L1-normalised and square-rooted (Hellinger), so the dot product of two descriptors is their
 * Bhattacharyya coefficient and 1 − dot is a distance in [0, 1].
 */
import type { Box } from '../math/box.js';
import { PLANE } from '../detect/preprocess.js';

export const EMBEDDING_SIZE = 128;
const BINS = 64;

export interface FrameView {
  /** Planar gbrp pixels (see detect/preprocess.ts). */
  data: Uint8Array;
  width: number;
  height: number;
  /** Original-frame pixels → frame pixels (the letterbox scale), per axis. */
  scaleX: number;
  scaleY: number;
}

/** Descriptor of `box` (original-frame coordinates) in `frame`, or undefined if too small to judge. */
export function embed(frame: FrameView, box: Box, out = new Float32Array(EMBEDDING_SIZE)): Float32Array | undefined {
  const sx = frame.scaleX;
  const sy = frame.scaleY;
  const bw = (box.x2 - box.x1) * sx;
  const bh = (box.y2 - box.y1) * sy;
  if (bw < 6 || bh < 12) return undefined;
  const x0 = clampInt(box.x1 * sx + bw * 0.25, 0, frame.width - 1);
  const x1 = clampInt(box.x1 * sx + bw * 0.75, 0, frame.width);
  const regions: Array<[number, number]> = [
    [box.y1 * sy + bh * 0.15, box.y1 * sy + bh * 0.5],
    [box.y1 * sy + bh * 0.5, box.y1 * sy + bh * 0.9],
  ];
  out.fill(0);
  const d = frame.data;
  const plane = frame.width * frame.height;
  const [bPlane, gPlane, rPlane] = [PLANE.B * plane, PLANE.G * plane, PLANE.R * plane];
  // Sample at most ~24 columns × 48 rows per region: enough for a colour histogram, bounded cost.
  const stepX = Math.max(1, Math.floor((x1 - x0) / 24));
  for (let r = 0; r < 2; r++) {
    const [ya, yb] = regions[r]!;
    const y0 = clampInt(ya, 0, frame.height - 1);
    const y1 = clampInt(yb, 0, frame.height);
    const stepY = Math.max(1, Math.floor((y1 - y0) / 48));
    const base = r * BINS;
    let n = 0;
    for (let y = y0; y < y1; y += stepY) {
      let p = y * frame.width + x0;
      for (let x = x0; x < x1; x += stepX, p += stepX) {
        const bin = colourBin(d[bPlane + p]!, d[gPlane + p]!, d[rPlane + p]!);
        out[base + bin]! += 1;
        n++;
      }
    }
    if (n === 0) return undefined;
    for (let k = 0; k < BINS; k++) out[base + k] = Math.sqrt(out[base + k]! / n / 2);
  }
  return out;
}

/** 1 − Bhattacharyya coefficient of two descriptors: 0 identical, 1 disjoint colours. */
export function appearanceDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let k = 0; k < EMBEDDING_SIZE; k++) dot += a[k]! * b[k]!;
  return Math.max(0, 1 - dot);
}

/**
 * Hue × saturation bins for coloured pixels (12 hues × 4 saturation steps = 48 bins) and 16
 * brightness bins for greys: a colour shift in brightness moves few pixels between bins, unlike RGB
 * cubes. Takes blue, green, red.
 *
 * The hue in half-sextants is ⌊2h⌋ with h = sector + d / chroma (d the difference of the other two
 * channels, |d| ≤ chroma), and the saturation step ⌊4·chroma / max⌋: both are found by comparing
 * integers instead of dividing, which gives the same bin for every colour (a tested identity) at a
 * fraction of the cost, on the main thread's per-frame path (about 20 000 samples a frame for ten people).
 */
export function colourBin(c0: number, c1: number, c2: number): number {
  const max = c0 > c1 ? (c0 > c2 ? c0 : c2) : c1 > c2 ? c1 : c2;
  const min = c0 < c1 ? (c0 < c2 ? c0 : c2) : c1 < c2 ? c1 : c2;
  const chroma = max - min;
  if (chroma < 24 || max < 40) return 48 + (max >> 4); // grey, white or too dark for a hue
  // Twice the hue: 2·sector + ⌊2d / chroma⌋ (−2 … 2), a negative hue wrapping by 12 half-sextants.
  let d: number;
  let hue: number;
  if (max === c0) {
    d = c1 - c2;
    hue = d < 0 ? 12 : 0;
  } else if (max === c1) {
    d = c2 - c0;
    hue = 4;
  } else {
    d = c0 - c1;
    hue = 8;
  }
  const d2 = 2 * d;
  hue += d2 >= 2 * chroma ? 2 : d2 >= chroma ? 1 : d2 >= 0 ? 0 : d2 >= -chroma ? -1 : -2;
  if (hue > 11) hue = 11;
  const c4 = 4 * chroma;
  const sat = c4 >= 3 * max ? 3 : c4 >= 2 * max ? 2 : c4 >= max ? 1 : 0;
  return hue * 4 + sat;
}

function clampInt(v: number, lo: number, hi: number): number {
  const r = Math.round(v);
  return r < lo ? lo : r > hi ? hi : r;
}
