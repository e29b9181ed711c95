import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { HeatmapGrid } from './heatmap.js';
import { COLORMAP_LUT, DEFAULT_BACKGROUND, heatmapScale, renderHeatmapPng } from './heatmap-render.js';

interface Pixels {
  width: number;
  height: number;
  data: Buffer;
}

async function pixels(png: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { width: info.width, height: info.height, data };
}

function at(p: Pixels, x: number, y: number): [number, number, number] {
  const o = 3 * (y * p.width + x);
  return [p.data[o]!, p.data[o + 1]!, p.data[o + 2]!];
}

/** HSV hue in degrees, 0–360. */
function hue([r, g, b]: readonly number[]): number {
  const max = Math.max(r!, g!, b!);
  const min = Math.min(r!, g!, b!);
  const c = max - min;
  if (c === 0) return 0;
  let h: number;
  if (max === r) h = ((g! - b!) / c) % 6;
  else if (max === g) h = (b! - r!) / c + 2;
  else h = (r! - g!) / c + 4;
  return (h * 60 + 360) % 360;
}

/** 8×6 grid, a floor of 1 and one hot cell (5, 2) of 10. */
function hotGrid(hot = 10, floor = 1): HeatmapGrid {
  const values = new Float32Array(48).fill(floor);
  values[2 * 8 + 5] = hot;
  return { width: 8, height: 6, values };
}

function scaled(g: HeatmapGrid, f: number): HeatmapGrid {
  return { width: g.width, height: g.height, values: g.values.map((v) => v * f) };
}

/** A PNG with a colour gradient, at a size other than the output's. */
async function gradientPng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = 3 * (y * width + x);
      raw[o] = (x * 255) / (width - 1);
      raw[o + 1] = (y * 255) / (height - 1);
      raw[o + 2] = 90;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

// Output 168×126 for an 8×6 grid: 21 px per cell, so the hot cell's centre pixel (115, 52) samples it exactly.
const W = 168;
const Hpx = 126;
const HOT: [number, number] = [115, 52];
const TOP_HUE = hue([COLORMAP_LUT[765]!, COLORMAP_LUT[766]!, COLORMAP_LUT[767]!]);

describe('renderHeatmapPng', () => {
  it('writes a PNG of the requested size', async () => {
    const png = await renderHeatmapPng(hotGrid(), { width: 320, height: 200 });
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(320);
    expect(meta.height).toBe(200);
    const withBg = await renderHeatmapPng(hotGrid(), { width: 33, height: 17, background: await gradientPng(90, 70) });
    expect(await sharp(withBg).metadata()).toMatchObject({ format: 'png', width: 33, height: 17 });
  });

  it('colours the hottest cell with the top colour of the map (linear scale)', async () => {
    const p = await pixels(await renderHeatmapPng(hotGrid(), { width: W, height: Hpx, scale: 'linear' }));
    const hot = at(p, ...HOT);
    expect(TOP_HUE).toBeLessThan(5); // turbo ends in dark red
    expect(Math.abs(hue(hot) - TOP_HUE)).toBeLessThan(5);
    expect(hot[0]).toBeGreaterThan(hot[1] + 50);
    // Expected value: the top colour at alpha 0.6 over the dark grey (v = 1 there).
    const expected = [0, 1, 2].map((c) => COLORMAP_LUT[765 + c]! * 0.6 + DEFAULT_BACKGROUND * 0.4);
    hot.forEach((v, c) => expect(Math.abs(v - expected[c]!)).toBeLessThanOrEqual(10));
    // A cold cell (value 1 of 10) is blue-ish, far from the hot hue.
    expect(hue(at(p, 10, 110))).toBeGreaterThan(180);
  });

  it('leaves the background unchanged where the grid is zero', async () => {
    const bg = await gradientPng(90, 70);
    const zero: HeatmapGrid = { width: 8, height: 6, values: new Float32Array(48) };
    const out = await pixels(await renderHeatmapPng(zero, { width: W, height: Hpx, background: bg }));
    const { data: expected } = await sharp(bg).resize(W, Hpx, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(out.data.equals(expected)).toBe(true);

    // Without a background: uniform dark grey.
    const grey = await pixels(await renderHeatmapPng(zero, { width: 40, height: 30 }));
    expect(grey.data.every((v) => v === DEFAULT_BACKGROUND)).toBe(true);

    // One hot cell with zeros around: the pixels more than a cell away keep the background.
    const single: HeatmapGrid = { width: 8, height: 6, values: new Float32Array(48) };
    single.values[2 * 8 + 5] = 3;
    const one = await pixels(await renderHeatmapPng(single, { width: W, height: Hpx, background: bg }));
    expect(at(one, ...HOT)).not.toEqual(at({ width: W, height: Hpx, data: expected }, ...HOT));
    for (const [x, y] of [[5, 5], [60, 100], [150, 115], [50, 30]] as const) {
      expect(at(one, x, y)).toEqual(at({ width: W, height: Hpx, data: expected }, x, y));
    }
  });

  it('blends over a JPEG snapshot too', async () => {
    const jpeg = await sharp(await gradientPng(64, 48)).jpeg().toBuffer();
    const p = await pixels(await renderHeatmapPng(hotGrid(), { width: W, height: Hpx, background: jpeg, opacity: 1 }));
    // At opacity 1 the hottest pixel is (nearly) the colour itself whatever lies under it.
    const hot = at(p, ...HOT);
    expect(Math.abs(hue(hot) - TOP_HUE)).toBeLessThan(5);
  });

  it('with a fixed scale, a grid of half the values renders cooler (than the linear auto scale)', async () => {
    const full = hotGrid();
    const half = scaled(full, 0.5);
    const fixedFull = await pixels(await renderHeatmapPng(full, { width: W, height: Hpx, scaleMax: 10 }));
    const autoFull = await pixels(await renderHeatmapPng(full, { width: W, height: Hpx, scale: 'linear' }));
    const fixedHalf = await pixels(await renderHeatmapPng(half, { width: W, height: Hpx, scaleMax: 10 }));
    const autoHalf = await pixels(await renderHeatmapPng(half, { width: W, height: Hpx, scale: 'linear' }));

    // Auto scale normalises each grid by its own maximum: the two look the same.
    expect(autoHalf.data.equals(autoFull.data)).toBe(true);
    // scaleMax equal to the maximum is the auto scale.
    expect(fixedFull.data.equals(autoFull.data)).toBe(true);

    // Fixed: the half grid's hottest cell is at the middle of the map (yellow-green), not red.
    const hHalf = hue(at(fixedHalf, ...HOT));
    expect(Math.abs(hue(at(autoHalf, ...HOT)) - TOP_HUE)).toBeLessThan(5);
    expect(hHalf).toBeGreaterThan(40);
    expect(hHalf).toBeLessThan(120);

    // Over the hot cell's block of pixels: cooler hues on average (turbo's hue falls as values rise).
    const meanHue = (p: Pixels): number => {
      let sum = 0;
      let n = 0;
      for (let y = 42; y < 63; y++) for (let x = 105; x < 126; x++, n++) sum += hue(at(p, x, y));
      return sum / n;
    };
    expect(meanHue(fixedHalf)).toBeGreaterThan(meanHue(autoHalf) + 30);

    // Values above scaleMax saturate at the top colour.
    const over = await pixels(await renderHeatmapPng(scaled(full, 3), { width: W, height: Hpx, scaleMax: 10 }));
    expect(Math.abs(hue(at(over, ...HOT)) - TOP_HUE)).toBeLessThan(5);
  });

  it('by default one hot cell does not hide the rest: low cells spread over the picture stay visible', async () => {
    // One person standing for an hour (3600 object-seconds) among 40 cells that people passed (2 s each).
    const g: HeatmapGrid = { width: 8, height: 6, values: new Float32Array(48) };
    for (let i = 0; i < 48; i += 1) if (i % 6 !== 0) g.values[i] = 2;
    g.values[2 * 8 + 5] = 3600;
    const lowCell = (p: Pixels) => at(p, 2 * 21 + 10, 4 * 21 + 10); // cell (2, 4), value 2
    const distance = (c: readonly number[]) => Math.max(...c.map((v) => Math.abs(v - DEFAULT_BACKGROUND)));
    const byDefault = await pixels(await renderHeatmapPng(g, { width: W, height: Hpx }));
    const log = await pixels(await renderHeatmapPng(g, { width: W, height: Hpx, scale: 'log' }));
    const linear = await pixels(await renderHeatmapPng(g, { width: W, height: Hpx, scale: 'linear' }));
    expect(distance(lowCell(byDefault))).toBeGreaterThan(40); // clearly coloured
    expect(distance(lowCell(log))).toBeGreaterThan(30);
    expect(distance(lowCell(linear))).toBeLessThan(20); // what the linear scale did: next to invisible
    // The hot cell is still the top colour.
    expect(Math.abs(hue(at(byDefault, ...HOT)) - TOP_HUE)).toBeLessThan(5);
    // Every low cell's centre is off the background by default.
    let visible = 0;
    let low = 0;
    for (let cy = 0; cy < 6; cy++) for (let cx = 0; cx < 8; cx++) {
      if (g.values[cy * 8 + cx] !== 2) continue;
      low++;
      if (distance(at(byDefault, cx * 21 + 10, cy * 21 + 10)) > 30) visible++;
    }
    expect(visible).toBe(low);
  });

  it('heatmapScale: the 95th percentile of non-empty cells tops the default scale; log and linear reach the maximum', () => {
    const values = [0, 0, ...Array.from({ length: 99 }, () => 1), 500];
    expect(heatmapScale(values).top).toBe(1);
    expect(heatmapScale(values, 'linear').top).toBe(500);
    expect(heatmapScale(values, 'log').top).toBe(500);
    expect(heatmapScale(values, 'log').norm(1)).toBeCloseTo(Math.log(2) / Math.log(501), 6);
    expect(heatmapScale(values, 'percentile', 4).top).toBe(4);
    expect(heatmapScale([0, 0]).top).toBe(0);
  });

  it('opacity 0 leaves the background, and bad sizes are refused', async () => {
    const p = await pixels(await renderHeatmapPng(hotGrid(), { width: 40, height: 30, opacity: 0 }));
    expect(p.data.every((v) => v === DEFAULT_BACKGROUND)).toBe(true);
    await expect(renderHeatmapPng(hotGrid(), { width: 0, height: 30 })).rejects.toThrow(/width/);
    await expect(renderHeatmapPng({ width: 2, height: 2, values: new Float32Array(3) }, { width: 4, height: 4 })).rejects.toThrow(/bad grid/);
  });

  it('has a 256-entry colour table from dark blue to dark red', () => {
    expect(COLORMAP_LUT.length).toBe(768);
    expect(Array.from(COLORMAP_LUT.subarray(0, 3))).toEqual([48, 18, 59]);
    expect(Array.from(COLORMAP_LUT.subarray(765))).toEqual([122, 4, 3]);
  });
});
