/**
 * Heatmap → PNG, over the camera's latest snapshot. The one place sharp is imported for heatmaps.
 *
 * The grid is normalised by its scale (heatmapScale: by default the 95th percentile of the cells with
 * anything in them, so one standing person does not wash out the rest; or log, or linear to the
 * maximum; scaleMax fixes the top), upscaled smoothly (bilinear between
 * cell centres) to the output size, mapped through the 'turbo' colour map (Google, Apache-2.0:
 * a 33-stop excerpt of its 256-entry sRGB table, linearly interpolated, within 2.3/255 of the full
 * table) with alpha = opacity · √v (0 fully transparent), and blended over the background.
 */
import sharp from 'sharp';
import type { HeatmapGrid } from './heatmap.js';

export interface RenderHeatmapOptions {
  /** Output size in pixels. */
  width: number;
  height: number;
  /** JPEG or PNG bytes of the camera's latest snapshot, resized (stretched) to width×height. */
  background?: Buffer;
  /** Opacity of the hottest colour, 0–1 (default 0.6). */
  opacity?: number;
  /** Fixed scale: values at or above map to the top colour (default: from `scale`). */
  scaleMax?: number;
  /** How values map to colours (default 'percentile'). */
  scale?: HeatmapScale;
}

/**
 * 'percentile': linear up to the 95th percentile of the non-empty cells (hotter cells saturate);
 * 'log': log(1 + v) up to the maximum; 'linear': linear up to the maximum.
 */
export const HEATMAP_SCALES = ['percentile', 'log', 'linear'] as const;
export type HeatmapScale = (typeof HEATMAP_SCALES)[number];
/** The percentile of non-empty cells that tops the 'percentile' scale. */
export const SCALE_PERCENTILE = 0.95;

/** The value at the top of the colour scale, and the map from a value to 0..1. */
export function heatmapScale(values: ArrayLike<number>, mode: HeatmapScale = 'percentile', fixedMax?: number): { top: number; norm(v: number): number } {
  const nonEmpty: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0 && Number.isFinite(v)) nonEmpty.push(v);
  }
  nonEmpty.sort((a, b) => a - b);
  const max = nonEmpty.length ? nonEmpty[nonEmpty.length - 1]! : 0;
  const top = fixedMax ?? (mode === 'percentile' && nonEmpty.length ? nonEmpty[Math.min(nonEmpty.length - 1, Math.ceil(SCALE_PERCENTILE * nonEmpty.length) - 1)]! : max);
  const clamp = (x: number) => (x > 1 ? 1 : x > 0 ? x : 0);
  if (!(top > 0) || !Number.isFinite(top)) return { top: 0, norm: () => 0 };
  if (mode === 'log') {
    const l = Math.log1p(top);
    return { top, norm: (v) => clamp(Math.log1p(v > 0 ? v : 0) / l) };
  }
  return { top, norm: (v) => clamp(v / top) };
}

/** Largest output side accepted. */
export const MAX_RENDER_SIDE = 8192;
/** Background when no snapshot is given: dark grey. */
export const DEFAULT_BACKGROUND = 32;

/** 'turbo' at v = k/32, k = 0..32, sRGB bytes. */
const TURBO_STOPS = [
  48, 18, 59,  57, 42, 115,  64, 64, 162,  68, 86, 199,
  70, 107, 227,  70, 128, 246,  66, 147, 255,  55, 167, 250,
  41, 187, 236,  29, 204, 217,  24, 220, 195,  30, 232, 176,
  49, 242, 153,  76, 249, 126,  107, 254, 100,  138, 255, 76,
  163, 253, 61,  184, 247, 53,  204, 237, 52,  222, 224, 55,
  237, 208, 58,  247, 192, 58,  253, 173, 53,  254, 152, 44,
  251, 128, 34,  245, 104, 24,  236, 82, 15,  225, 65, 9,
  210, 49, 5,  193, 35, 2,  172, 23, 1,  149, 13, 1,
  122, 4, 3,
] as const;

/** 256-entry RGB lookup table of the colour map, entry i for v = i/255. */
export const COLORMAP_LUT: Uint8Array = (() => {
  const segs = TURBO_STOPS.length / 3 - 1;
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * segs;
    const k = Math.min(segs - 1, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) {
      const a = TURBO_STOPS[3 * k + c]!;
      const b = TURBO_STOPS[3 * (k + 1) + c]!;
      lut[3 * i + c] = Math.round(a + (b - a) * f);
    }
  }
  return lut;
})();

function checkSize(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1 || v > MAX_RENDER_SIDE) {
    throw new RangeError(`renderHeatmapPng: ${what} must be an integer in 1..${MAX_RENDER_SIDE}, got ${v}`);
  }
}

async function backgroundRgb(bg: Buffer | undefined, width: number, height: number): Promise<Buffer> {
  if (bg === undefined) return Buffer.alloc(width * height * 3, DEFAULT_BACKGROUND);
  const { data, info } = await sharp(bg)
    .resize(width, height, { fit: 'fill' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`renderHeatmapPng: background decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×3`);
  }
  return data;
}

/** For each output pixel along one axis: the two grid cells around its centre and the weight of the second. */
function axis(out: number, cells: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(out);
  const i1 = new Int32Array(out);
  const f = new Float32Array(out);
  for (let p = 0; p < out; p++) {
    let s = ((p + 0.5) * cells) / out - 0.5;
    if (s < 0) s = 0;
    else if (s > cells - 1) s = cells - 1;
    const a = Math.floor(s);
    i0[p] = a;
    i1[p] = Math.min(cells - 1, a + 1);
    f[p] = s - a;
  }
  return { i0, i1, f };
}

export async function renderHeatmapPng(grid: HeatmapGrid, opts: RenderHeatmapOptions): Promise<Buffer> {
  const { width, height } = opts;
  checkSize(width, 'width');
  checkSize(height, 'height');
  const gw = grid.width;
  const gh = grid.height;
  if (!Number.isInteger(gw) || !Number.isInteger(gh) || gw < 1 || gh < 1 || grid.values.length !== gw * gh) {
    throw new RangeError(`renderHeatmapPng: bad grid ${gw}×${gh} with ${grid.values.length} values`);
  }
  const opacity = Math.min(1, Math.max(0, opts.opacity ?? 0.6));
  const scale = heatmapScale(grid.values, opts.scale, opts.scaleMax);

  // Normalised values 0..1 (NaN, negatives and a non-positive scale give 0).
  const norm = new Float32Array(gw * gh);
  for (let i = 0; i < norm.length; i++) {
    const v = scale.norm(grid.values[i]!);
    norm[i] = Number.isFinite(v) ? v : 0;
  }

  // Colour and alpha per LUT index: index 0 is fully transparent.
  const alpha = new Float32Array(256);
  for (let i = 1; i < 256; i++) alpha[i] = opacity * Math.sqrt(i / 255);

  const out = await backgroundRgb(opts.background, width, height);
  const ax = axis(width, gw);
  const ay = axis(height, gh);
  const lut = COLORMAP_LUT;
  for (let py = 0; py < height; py++) {
    const r0 = ay.i0[py]! * gw;
    const r1 = ay.i1[py]! * gw;
    const fy = ay.f[py]!;
    for (let px = 0; px < width; px++) {
      const c0 = ax.i0[px]!;
      const c1 = ax.i1[px]!;
      const fx = ax.f[px]!;
      const top = norm[r0 + c0]! + (norm[r0 + c1]! - norm[r0 + c0]!) * fx;
      const bottom = norm[r1 + c0]! + (norm[r1 + c1]! - norm[r1 + c0]!) * fx;
      const v = top + (bottom - top) * fy;
      const idx = (v * 255 + 0.5) | 0;
      if (idx <= 0) continue;
      const a = alpha[idx]!;
      const o = 3 * (py * width + px);
      const l = 3 * idx;
      out[o] = Math.round(out[o]! + (lut[l]! - out[o]!) * a);
      out[o + 1] = Math.round(out[o + 1]! + (lut[l + 1]! - out[o + 1]!) * a);
      out[o + 2] = Math.round(out[o + 2]! + (lut[l + 2]! - out[o + 2]!) * a);
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } }).png().toBuffer();
}
